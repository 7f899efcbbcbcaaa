"""Contracts: who delivers which services in which gminy, for how long, for how much and
with what monthly capacity (used when referrals are made)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Numeric,
    String,
    Text,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cus_tenants.base import SharedBase, Timestamps


class Contract(Timestamps, SharedBase):
    """Umowa: with a partner, or the CUS / gmina office delivering in-house (no partner)."""

    __tablename__ = "contract"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="period_order"),
        CheckConstraint("value_grosze >= 0", name="value_not_negative"),
        CheckConstraint("capacity >= 0", name="capacity_not_negative"),
        CheckConstraint(
            "capacity_unit IN ('hours_per_month', 'sessions_per_month', 'places_per_month',"
            " 'items_per_month')",
            name="capacity_unit_known",
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    agreement_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("agreement.id"), nullable=False, index=True
    )
    partner_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("partner.id"), index=True)
    number: Mapped[str] = mapped_column(String(60), nullable=False)
    mode: Mapped[str] = mapped_column(String(32), nullable=False)
    starts_on: Mapped[date] = mapped_column(Date, nullable=False)
    ends_on: Mapped[date] = mapped_column(Date, nullable=False)
    #: Money as whole grosze.
    value_grosze: Mapped[int] = mapped_column(BigInteger, nullable=False)
    capacity: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False)
    capacity_unit: Mapped[str] = mapped_column(String(20), nullable=False)
    minimum_standard: Mapped[str | None] = mapped_column(Text)
    services: Mapped[list[ContractService]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )
    gminy: Mapped[list[ContractGmina]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class ContractService(SharedBase):
    """A catalogue service the contract covers."""

    __tablename__ = "contract_service"

    contract_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("contract.id", ondelete="CASCADE"), primary_key=True
    )
    service_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("catalogue_service.id"), primary_key=True
    )


class ContractGmina(SharedBase):
    """A gmina whose residents the contract serves."""

    __tablename__ = "contract_gmina"

    contract_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("contract.id", ondelete="CASCADE"), primary_key=True
    )
    teryt: Mapped[str] = mapped_column(ForeignKey("gmina.teryt"), primary_key=True)


class ContractLoad(SharedBase):
    """Planned and delivered volume of a contract in one gmina and month — no person in it.

    Written by core under each gmina's role (row-level security: its own gmina's rows only);
    ``shared.contract_load_total()`` sums the gminy for the capacity check (migration s0003).
    """

    __tablename__ = "contract_load"
    __table_args__ = (CheckConstraint("extract(day FROM month) = 1", name="month"),)

    contract_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("contract.id", ondelete="CASCADE"), primary_key=True
    )
    teryt: Mapped[str] = mapped_column(String(7), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    planned: Mapped[Decimal] = mapped_column(Numeric(12, 2), nullable=False, server_default="0")
    delivered: Mapped[Decimal] = mapped_column(Numeric(12, 2), nullable=False, server_default="0")
