"""Budgets of a programme: services, periods (years or stages of any length), and planned /
executed amounts per service, period and funding source, in whole grosze."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    SmallInteger,
    String,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cus_tenants.base import SharedBase, Timestamps

FUNDING_SOURCES = ("eu_project", "gmina", "state_budget", "co_payment")


class Budget(Timestamps, SharedBase):
    """The financial plan of a programme (or of a project within it)."""

    __tablename__ = "budget"
    __table_args__ = (
        CheckConstraint("period_kind IN ('year', 'stage')", name="period_kind_known"),
        CheckConstraint("project_value_grosze >= 0", name="project_value_not_negative"),
        CheckConstraint("direct_costs_grosze >= 0", name="direct_costs_not_negative"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    programme_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("programme.id", ondelete="CASCADE"), nullable=False, index=True
    )
    title: Mapped[str] = mapped_column(String(250), nullable=False)
    period_kind: Mapped[str] = mapped_column(String(8), nullable=False)
    #: For an EU project: its whole value (≥ 80 % must go to services) and its direct costs
    #: (≥ 30 % must be contracted to the social sector). Empty for a budget without them.
    project_value_grosze: Mapped[int | None] = mapped_column(BigInteger)
    direct_costs_grosze: Mapped[int | None] = mapped_column(BigInteger)
    periods: Mapped[list[BudgetPeriod]] = relationship(
        cascade="all, delete-orphan", order_by="BudgetPeriod.ordinal", lazy="selectin"
    )
    services: Mapped[list[BudgetService]] = relationship(
        cascade="all, delete-orphan", order_by="BudgetService.ordinal", lazy="selectin"
    )


class BudgetPeriod(SharedBase):
    """A year, or a stage of any length (Jarocin: 10, 10 and 4 months)."""

    __tablename__ = "budget_period"
    __table_args__ = (
        UniqueConstraint("budget_id", "ordinal"),
        CheckConstraint("ends_on >= starts_on", name="period_order"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    budget_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("budget.id", ondelete="CASCADE"), nullable=False, index=True
    )
    ordinal: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    label: Mapped[str] = mapped_column(String(60), nullable=False)
    starts_on: Mapped[date] = mapped_column(Date, nullable=False)
    ends_on: Mapped[date] = mapped_column(Date, nullable=False)


class BudgetService(SharedBase):
    """A catalogue service in the budget, with the value contracted to the social sector."""

    __tablename__ = "budget_service"
    __table_args__ = (
        UniqueConstraint("budget_id", "service_id"),
        UniqueConstraint("budget_id", "ordinal"),
        CheckConstraint("contracted_social_grosze >= 0", name="contracted_not_negative"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    budget_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("budget.id", ondelete="CASCADE"), nullable=False, index=True
    )
    service_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("catalogue_service.id"), nullable=False, index=True
    )
    ordinal: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    contracted_social_grosze: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    lines: Mapped[list[BudgetLine]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class BudgetLine(SharedBase):
    """Planned and executed amounts of one service in one period from one source."""

    __tablename__ = "budget_line"
    __table_args__ = (
        UniqueConstraint("budget_service_id", "period_id", "funding_source"),
        CheckConstraint(
            "funding_source IN ('eu_project', 'gmina', 'state_budget', 'co_payment')",
            name="funding_source_known",
        ),
        CheckConstraint("planned_grosze >= 0", name="planned_not_negative"),
        CheckConstraint("executed_grosze >= 0", name="executed_not_negative"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    budget_service_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("budget_service.id", ondelete="CASCADE"), nullable=False, index=True
    )
    period_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("budget_period.id", ondelete="CASCADE"), nullable=False, index=True
    )
    funding_source: Mapped[str] = mapped_column(String(16), nullable=False)
    planned_grosze: Mapped[int] = mapped_column(BigInteger, nullable=False)
    executed_grosze: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
