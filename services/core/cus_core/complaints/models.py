"""A complaint (skarga) about a service: registered, forwarded to the partner for an
explanation, decided, corrective action recorded, the resident informed. The statutory time
limit is one month from receipt (KPA art. 237 § 1)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from cus_core.base import Recorded, TenantBase

COMPLAINT_STATUSES = ("registered", "forwarded", "explained", "decided", "closed")


class Complaint(Recorded, TenantBase):
    """A resident's complaint about a service (optionally about one referral)."""

    __tablename__ = "complaint"
    __table_args__ = (
        CheckConstraint(
            "status IN ('registered', 'forwarded', 'explained', 'decided', 'closed')",
            name="status_known",
        ),
        CheckConstraint(
            "channel IN ('in_person', 'letter', 'email', 'e_delivery', 'phone')",
            name="channel_known",
        ),
        CheckConstraint(
            "outcome IS NULL OR outcome IN ('upheld', 'partly_upheld', 'not_upheld')",
            name="outcome_known",
        ),
        CheckConstraint("due_on > received_on", name="due_after_receipt"),
        Index("ix_complaint_resident_id", "resident_id"),
        Index("ix_complaint_status_due_on", "status", "due_on"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    number: Mapped[str] = mapped_column(String(20), nullable=False, unique=True)
    resident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("resident.id"), nullable=False)
    referral_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("referral.id"))
    service_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    #: The partner concerned (copied from the referral, or named by the CUS).
    partner_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    channel: Mapped[str] = mapped_column(String(12), nullable=False)
    received_on: Mapped[date] = mapped_column(Date, nullable=False)
    due_on: Mapped[date] = mapped_column(Date, nullable=False)
    summary: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="registered")
    forwarded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    explanation: Mapped[str | None] = mapped_column(Text)
    explained_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[str | None] = mapped_column(String(16))
    decision: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    corrective_action: Mapped[str | None] = mapped_column(Text)
    resident_informed_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}
