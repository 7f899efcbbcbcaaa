"""Referrals to a provider under a contract, consents to share data with a partner, the
history of each referral's status, and the sessions and hours delivered per month."""

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
    String,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from cus_core.base import Recorded, TenantBase

REFERRAL_STATUSES = (
    "pending",
    "accepted",
    "declined",
    "in_delivery",
    "completed",
    "cancelled",
    "expired",
)


class Consent(Recorded, TenantBase):
    """The resident's consent (zgoda) to share listed data with one partner, withdrawable."""

    __tablename__ = "consent"
    __table_args__ = (
        CheckConstraint("cardinality(scope) > 0", name="scope_not_empty"),
        Index("ix_consent_resident_id_partner_id", "resident_id", "partner_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    resident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("resident.id"), nullable=False)
    partner_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    #: What may be shared: "identity" (name), "contact" (address), "needs" (interview needs).
    scope: Mapped[list[str]] = mapped_column(ARRAY(String(16)), nullable=False)
    purpose: Mapped[str] = mapped_column(Text, nullable=False)
    given_on: Mapped[date] = mapped_column(Date, nullable=False)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)


class Referral(Recorded, TenantBase):
    """A granted service sent to a provider under a contract covering it, the gmina and
    the dates, within the contract's monthly capacity."""

    __tablename__ = "referral"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'accepted', 'declined', 'in_delivery', 'completed', "
            "'cancelled', 'expired')",
            name="status_known",
        ),
        CheckConstraint("ends_on >= starts_on", name="period_ordered"),
        CheckConstraint("volume_per_month > 0", name="volume_positive"),
        Index("ix_referral_resident_id", "resident_id"),
        Index("ix_referral_partner_id_status", "partner_id", "status"),
        Index("ix_referral_contract_id", "contract_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    number: Mapped[str] = mapped_column(String(20), nullable=False, unique=True)
    resident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("resident.id"), nullable=False)
    requested_service_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("requested_service.id"), nullable=False
    )
    plan_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("individual_plan.id"))
    service_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    contract_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    #: None when the CUS delivers the service itself (in-house contract modes).
    partner_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    consent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("consent.id"))
    starts_on: Mapped[date] = mapped_column(Date, nullable=False)
    ends_on: Mapped[date] = mapped_column(Date, nullable=False)
    #: Planned hours or sessions a month, in the contract's capacity unit.
    volume_per_month: Mapped[Decimal] = mapped_column(Numeric(8, 2), nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="pending")
    #: Why it was declined or cancelled (shown to the CUS; no personal data expected).
    status_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}


class ReferralEvent(TenantBase):
    """One change of a referral's status: who (CUS or partner), when, why."""

    __tablename__ = "referral_event"
    __table_args__ = (
        CheckConstraint("actor_kind IN ('cus', 'partner', 'system')", name="actor_kind_known"),
        Index("ix_referral_event_referral_id", "referral_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    referral_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("referral.id", ondelete="CASCADE"), nullable=False
    )
    status: Mapped[str] = mapped_column(String(12), nullable=False)
    reason: Mapped[str | None] = mapped_column(Text)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    actor_kind: Mapped[str] = mapped_column(String(8), nullable=False)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class Delivery(TenantBase):
    """Sessions and hours delivered under a referral in one month, by the partner or the CUS."""

    __tablename__ = "delivery"
    __table_args__ = (
        CheckConstraint("extract(day FROM month) = 1", name="month_first_day"),
        CheckConstraint("sessions >= 0 AND hours >= 0", name="not_negative"),
        CheckConstraint("recorded_by_kind IN ('cus', 'partner')", name="recorder_known"),
        UniqueConstraint("referral_id", "month"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    referral_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("referral.id", ondelete="CASCADE"), nullable=False
    )
    month: Mapped[date] = mapped_column(Date, nullable=False)
    sessions: Mapped[int] = mapped_column(Integer, nullable=False)
    hours: Mapped[Decimal] = mapped_column(Numeric(8, 2), nullable=False)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    recorded_by_kind: Mapped[str] = mapped_column(String(8), nullable=False)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class DeliveryProblem(TenantBase):
    """A problem in delivery the partner reports to the CUS without delay (the resident did
    not open the door, their health got worse, a safety concern…); the CUS sees it at once on
    its desk and acknowledges it."""

    __tablename__ = "delivery_problem"
    __table_args__ = (
        CheckConstraint(
            "category IN ('absence', 'health', 'safety', 'refusal', 'other')",
            name="category_known",
        ),
        Index("ix_delivery_problem_referral_id", "referral_id"),
        Index(
            "ix_delivery_problem_open",
            "reported_at",
            postgresql_where=text("acknowledged_at IS NULL"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    referral_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("referral.id", ondelete="CASCADE"), nullable=False
    )
    partner_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    category: Mapped[str] = mapped_column(String(10), nullable=False)
    urgent: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    reported_by: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    reported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    acknowledged_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: What the CUS did about it (a call, a visit, a change of plan).
    response: Mapped[str | None] = mapped_column(Text)
