"""An individual plan of social services (indywidualny plan usług społecznych, IPUS).

A plan lasts 3 to 12 months. Amending it writes a new version; old versions stay readable.
A review is due every 3 months, a summary every 6, and a closing summary at the end.
Using an IPUS does not make a person a social-assistance client (ustawa o CUS, art. 8 ust. 5):
the plan carries that marker and nothing here links to social-assistance records.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from cus_core.base import Recorded, TenantBase


class IndividualPlan(Recorded, TenantBase):
    """An IPUS of one resident."""

    __tablename__ = "individual_plan"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'approved', 'closed')", name="status_known"),
        # 3 to 12 months, counted as calendar months (the service checks the same rule
        # to explain it; the database refuses anything that slips past).
        CheckConstraint(
            "ends_on >= (starts_on + interval '3 months' - interval '1 day')::date "
            "AND ends_on <= (starts_on + interval '12 months' - interval '1 day')::date",
            name="duration_3_to_12_months",
        ),
        CheckConstraint("NOT social_assistance_client", name="not_social_assistance"),
        Index("ix_individual_plan_resident_id", "resident_id"),
        Index("ix_individual_plan_coordinator_id", "coordinator_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    number: Mapped[str] = mapped_column(String(20), nullable=False, unique=True)
    resident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("resident.id"), nullable=False)
    application_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("application.id"))
    #: The KIPUS who coordinates the plan (a user id of the identity registry).
    coordinator_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    status: Mapped[str] = mapped_column(String(8), nullable=False, default="draft")
    starts_on: Mapped[date] = mapped_column(Date, nullable=False)
    ends_on: Mapped[date] = mapped_column(Date, nullable=False)
    current_version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    approved_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: Always false: the marker the law asks for, kept where every reader sees it.
    social_assistance_client: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    lock_version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": lock_version}


class PlanVersion(Recorded, TenantBase):
    """One version of a plan's content; an amendment adds a version with its reason."""

    __tablename__ = "plan_version"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    plan_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("individual_plan.id", ondelete="CASCADE"), nullable=False
    )
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    #: Why the plan was amended (None for the first version).
    reason: Mapped[str | None] = mapped_column(Text)


class PlanGoal(TenantBase):
    """A goal of a plan version, with how its achievement will be seen."""

    __tablename__ = "plan_goal"
    __table_args__ = (UniqueConstraint("plan_version_id", "position"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    plan_version_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("plan_version.id", ondelete="CASCADE"), nullable=False
    )
    position: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    measure: Mapped[str | None] = mapped_column(Text)


class PlanService(TenantBase):
    """A service of a plan version: who provides it, on what schedule, for how long."""

    __tablename__ = "plan_service"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="period_ordered"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    plan_version_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("plan_version.id", ondelete="CASCADE"), nullable=False
    )
    service_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    #: The contract under which a partner provides it (None: the CUS itself).
    contract_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    partner_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    schedule: Mapped[str] = mapped_column(Text, nullable=False)
    volume_per_month: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    starts_on: Mapped[date] = mapped_column(Date, nullable=False)
    ends_on: Mapped[date] = mapped_column(Date, nullable=False)


class PlanReview(TenantBase):
    """A scheduled review (every 3 months), summary (every 6) or the closing summary."""

    __tablename__ = "plan_review"
    __table_args__ = (
        CheckConstraint("kind IN ('review', 'summary', 'closing')", name="kind_known"),
        CheckConstraint(
            "outcome IS NULL OR outcome IN ('continue', 'change', 'end')", name="outcome_known"
        ),
        CheckConstraint("(done_on IS NULL) = (outcome IS NULL)", name="done_has_outcome"),
        UniqueConstraint("plan_id", "due_on", "kind"),
        Index("ix_plan_review_due_on_open", "due_on", postgresql_where=text("done_on IS NULL")),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    plan_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("individual_plan.id", ondelete="CASCADE"), nullable=False
    )
    kind: Mapped[str] = mapped_column(String(8), nullable=False)
    due_on: Mapped[date] = mapped_column(Date, nullable=False)
    done_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(8))
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    recorded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PlanApprover(TenantBase):
    """An OUS the director authorised to approve plans (the director always may)."""

    __tablename__ = "plan_approver"

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    granted_by: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
