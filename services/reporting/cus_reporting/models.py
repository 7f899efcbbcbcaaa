"""Tables of the ``reporting`` schema: aggregates only, never a resident's identifier.

The snapshot job writes them (each gmina's figures computed under that gmina's own role); the
reporting service's role reads and writes this schema and nothing else.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKeyConstraint,
    Integer,
    MetaData,
    Numeric,
    SmallInteger,
    String,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from cus_shared.database.naming import CONSTRAINT_NAMING, REPORTING_SCHEMA


class ReportingBase(DeclarativeBase):
    """Tables of the reporting schema."""

    metadata = MetaData(schema=REPORTING_SCHEMA, naming_convention=CONSTRAINT_NAMING)


class GminaEntry(ReportingBase):
    """The public registry facts reports are grouped by, copied at each refresh (the
    reporting role reads no ``shared`` table)."""

    __tablename__ = "gmina"

    teryt: Mapped[str] = mapped_column(String(7), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    voivodeship: Mapped[str] = mapped_column(String(2), index=True)
    agreement_id: Mapped[UUID | None] = mapped_column(nullable=True, index=True)
    agreement_name: Mapped[str | None] = mapped_column(String(300), nullable=True)
    status: Mapped[str] = mapped_column(String(20))
    copied_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Snapshot(ReportingBase):
    """One gmina's figures for one quarter; recomputing a quarter replaces it."""

    __tablename__ = "snapshot"
    __table_args__ = (CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter"),)

    teryt: Mapped[str] = mapped_column(String(7), primary_key=True)
    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    quarter: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    run_id: Mapped[UUID | None] = mapped_column(nullable=True)
    figures: Mapped[int] = mapped_column(Integer)
    milliseconds: Mapped[int] = mapped_column(Integer)


class FigureRow(ReportingBase):
    """One figure of a gmina's snapshot (see :class:`cus_reporting.snapshots.figures.Figure`)."""

    __tablename__ = "figure"
    __table_args__ = (
        ForeignKeyConstraint(
            ["teryt", "year", "quarter"],
            ["reporting.snapshot.teryt", "reporting.snapshot.year", "reporting.snapshot.quarter"],
            ondelete="CASCADE",
            name="fk_figure_snapshot",
        ),
    )

    teryt: Mapped[str] = mapped_column(String(7), primary_key=True)
    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    quarter: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    indicator: Mapped[str] = mapped_column(String(40), primary_key=True)
    breakdown: Mapped[str] = mapped_column(String(20), primary_key=True)
    member: Mapped[str] = mapped_column(String(40), primary_key=True)
    category: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    denominator: Mapped[Decimal | None] = mapped_column(Numeric(18, 2), nullable=True)
    histogram: Mapped[dict[str, Any] | None] = mapped_column(JSONB, nullable=True)


class AgreementSnapshot(ReportingBase):
    """One agreement's budget figures for one quarter."""

    __tablename__ = "agreement_snapshot"
    __table_args__ = (CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter"),)

    agreement_id: Mapped[UUID] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    quarter: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    run_id: Mapped[UUID | None] = mapped_column(nullable=True)


class AgreementFigureRow(ReportingBase):
    """One budget figure of an agreement's snapshot."""

    __tablename__ = "agreement_figure"
    __table_args__ = (
        ForeignKeyConstraint(
            ["agreement_id", "year", "quarter"],
            [
                "reporting.agreement_snapshot.agreement_id",
                "reporting.agreement_snapshot.year",
                "reporting.agreement_snapshot.quarter",
            ],
            ondelete="CASCADE",
            name="fk_agreement_figure_snapshot",
        ),
    )

    agreement_id: Mapped[UUID] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    quarter: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    indicator: Mapped[str] = mapped_column(String(40), primary_key=True)
    breakdown: Mapped[str] = mapped_column(String(20), primary_key=True)
    member: Mapped[str] = mapped_column(String(40), primary_key=True)
    category: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    denominator: Mapped[Decimal | None] = mapped_column(Numeric(18, 2), nullable=True)


class RefreshRun(ReportingBase):
    """One run of the snapshot job: what operators follow on the status page."""

    __tablename__ = "refresh_run"
    __table_args__ = (
        CheckConstraint("status IN ('running', 'finished', 'failed')", name="status"),
        CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(SmallInteger)
    quarter: Mapped[int] = mapped_column(SmallInteger)
    status: Mapped[str] = mapped_column(String(20))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    total: Mapped[int] = mapped_column(Integer)
    done: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    #: TERYT -> the error's first line (no personal data: SQL errors of aggregate queries).
    failures: Mapped[dict[str, str]] = mapped_column(JSONB, default=dict)
    concurrency: Mapped[int] = mapped_column(Integer)
