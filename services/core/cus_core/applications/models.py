"""An application (wniosek) for one or more services, the needs interview (rozmowa
wstępna / diagnoza potrzeb) and the qualification decisions (kwalifikacja)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from cus_core.base import Recorded, TenantBase

#: Statuses of one requested service in which a new application for it is a duplicate.
OPEN_STATUSES = ("pending", "waiting")


class Application(Recorded, TenantBase):
    """A resident's application (wniosek) with the declaration that the conditions are met."""

    __tablename__ = "application"
    __table_args__ = (
        CheckConstraint(
            "channel IN ('in_person', 'letter', 'email', 'e_delivery')", name="channel_known"
        ),
        CheckConstraint("declaration_signed", name="declaration_required"),
        CheckConstraint("plan_due_on > registered_on", name="plan_due_after_registration"),
        Index("ix_application_resident_id", "resident_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    #: Human number shown on letters: "W/2026/17".
    number: Mapped[str] = mapped_column(String(20), nullable=False, unique=True)
    #: The person the services are for.
    resident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("resident.id"), nullable=False)
    #: Who applied, when a household member applied for them (None: the resident).
    applicant_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("resident.id"))
    channel: Mapped[str] = mapped_column(String(16), nullable=False)
    registered_on: Mapped[date] = mapped_column(Date, nullable=False)
    declaration_signed: Mapped[bool] = mapped_column(Boolean, nullable=False)
    #: The plan (single service or IPUS) is due within 30 days of the application.
    plan_due_on: Mapped[date] = mapped_column(Date, nullable=False)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class RequestedService(TenantBase):
    """One service asked for in an application, and where its qualification stands."""

    __tablename__ = "requested_service"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'granted', 'refused', 'waiting', 'withdrawn')",
            name="status_known",
        ),
        CheckConstraint(
            "support_form IS NULL OR support_form IN ('single', 'ipus')", name="support_form_known"
        ),
        # A second application for a service while one is open is refused by the database too.
        Index(
            "uq_requested_service_open",
            "resident_id",
            "service_id",
            unique=True,
            postgresql_where=text("status IN ('pending', 'waiting')"),
        ),
        Index("ix_requested_service_status", "status"),
        UniqueConstraint("application_id", "service_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    application_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), nullable=False
    )
    #: Denormalised from the application for the "one open application" rule.
    resident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("resident.id"), nullable=False)
    #: The catalogue service (shared.catalogue_service.id; no foreign key across owners).
    service_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    #: The version in the gmina's programme when the application was registered.
    service_version_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="pending")
    #: Set when granted: a single service, or support over 3 months under an IPUS.
    support_form: Mapped[str | None] = mapped_column(String(8))
    #: Place on the waiting list (when the contracted capacity is full), oldest first.
    waiting_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class NeedsInterview(Recorded, TenantBase):
    """The KIPUS's structured notes of the needs interview, attached to an application."""

    __tablename__ = "needs_interview"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    application_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), nullable=False, unique=True
    )
    held_on: Mapped[date] = mapped_column(Date, nullable=False)
    #: The person's own goals, in their words.
    goals: Mapped[str] = mapped_column(Text, nullable=False)
    risks: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}


class InterviewNeed(TenantBase):
    """A need found in the interview, in one of the 14 catalogue areas."""

    __tablename__ = "interview_need"
    __table_args__ = (
        CheckConstraint("area_code BETWEEN 1 AND 14", name="area_known"),
        UniqueConstraint("interview_id", "area_code"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    interview_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("needs_interview.id", ondelete="CASCADE"), nullable=False
    )
    area_code: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False)


class QualificationDecision(TenantBase):
    """The team's decision on one requested service: who decided, when, and why."""

    __tablename__ = "qualification_decision"
    __table_args__ = (
        CheckConstraint("outcome IN ('granted', 'refused', 'waiting')", name="outcome_known"),
        CheckConstraint(
            "outcome <> 'refused' OR length(trim(reason)) > 0", name="refusal_has_reason"
        ),
        CheckConstraint(
            "(outcome = 'granted') = (support_form IS NOT NULL)", name="granted_has_form"
        ),
        Index("ix_qualification_decision_requested_service_id", "requested_service_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    requested_service_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("requested_service.id", ondelete="CASCADE"), nullable=False
    )
    outcome: Mapped[str] = mapped_column(String(8), nullable=False)
    support_form: Mapped[str | None] = mapped_column(String(8))
    #: Shown to the resident when the service is refused.
    reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    decided_by_roles: Mapped[str] = mapped_column(String(200), nullable=False)
    #: The KIPUS of the team, when the decision was taken by an OUS with a KIPUS.
    kipus_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
