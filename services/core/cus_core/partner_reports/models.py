"""A partner's quarterly report (sprawozdanie kwartalne) for one contract in one gmina:
figures generated from the recorded deliveries, completed with a narrative and the problems
met, submitted, then accepted or returned by the CUS."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from cus_core.base import Recorded, TenantBase

REPORT_STATUSES = ("draft", "submitted", "accepted", "returned")


class PartnerReport(Recorded, TenantBase):
    """One partner's report on one contract for one quarter in this gmina."""

    __tablename__ = "partner_report"
    __table_args__ = (
        CheckConstraint(
            "status IN ('draft', 'submitted', 'accepted', 'returned')", name="status_known"
        ),
        CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter_known"),
        CheckConstraint(
            "status <> 'returned' OR length(trim(return_reason)) > 0", name="return_has_reason"
        ),
        UniqueConstraint("partner_id", "contract_id", "year", "quarter"),
        Index("ix_partner_report_status_due_on", "status", "due_on"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    partner_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    contract_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    year: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    quarter: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    #: When the report is due (the contract's terms; by default 15 days after the quarter).
    due_on: Mapped[date] = mapped_column(Date, nullable=False)
    #: Figures generated from the deliveries: per service, referrals, sessions, hours (no
    #: person in them).
    figures: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False)
    narrative: Mapped[str | None] = mapped_column(Text)
    problems: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="draft")
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    submitted_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    return_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}
