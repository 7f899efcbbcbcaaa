"""An agreement with a lead gmina and members over periods of time."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import CheckConstraint, ColumnElement, Date, ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cus_tenants.base import SharedBase, Timestamps


class Agreement(Timestamps, SharedBase):
    """Porozumienie gmin: the legal basis of a partner CUS (one member: a gminny CUS)."""

    __tablename__ = "agreement"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    lead_teryt: Mapped[str] = mapped_column(ForeignKey("gmina.teryt"), nullable=False)
    signed_on: Mapped[date | None] = mapped_column(Date)
    members: Mapped[list[AgreementMember]] = relationship(
        back_populates="agreement",
        cascade="all, delete-orphan",
        order_by="AgreementMember.joined_on",
        lazy="selectin",
    )


class AgreementMember(SharedBase):
    """A gmina's membership of an agreement for a period (open-ended when left_on is null)."""

    __tablename__ = "agreement_member"
    __table_args__ = (
        CheckConstraint("left_on IS NULL OR left_on >= joined_on", name="period_order"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    agreement_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("agreement.id", ondelete="CASCADE"), nullable=False, index=True
    )
    teryt: Mapped[str] = mapped_column(ForeignKey("gmina.teryt"), nullable=False, index=True)
    joined_on: Mapped[date] = mapped_column(Date, nullable=False)
    left_on: Mapped[date | None] = mapped_column(Date)
    agreement: Mapped[Agreement] = relationship(back_populates="members")

    def active_on(self, day: date) -> bool:
        """Whether the membership covers a day."""
        return self.joined_on <= day and (self.left_on is None or day <= self.left_on)

    @classmethod
    def covering(cls, start: date, end: date | None = None) -> ColumnElement[bool]:
        """SQL: the membership covers a day (``start``), or meets the period start–end."""
        return (cls.joined_on <= (end or start)) & (cls.left_on.is_(None) | (cls.left_on >= start))
