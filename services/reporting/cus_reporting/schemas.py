"""The reporting API's bodies: published figures only (a hidden figure is null + its reason)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING
from uuid import UUID

from pydantic import BaseModel

if TYPE_CHECKING:
    from cus_reporting.indicators.definitions import Indicator
    from cus_reporting.publication.tables import Figure, PublishedTable, Report
    from cus_reporting.status import RunStatus


class AudienceRead(BaseModel):
    """A view of the figures the caller may open."""

    key: str
    kind: str
    label: str


class IndicatorRead(BaseModel):
    """An indicator's definition, in the caller's language."""

    id: str
    name: str
    unit: str
    kind: str
    description: str
    breakdowns: list[str]
    categories: list[str]
    base: str | None

    @classmethod
    def of(cls, indicator: Indicator, language: str) -> IndicatorRead:
        return cls(
            id=indicator.id,
            name=indicator.name(language),
            unit=indicator.unit.value,
            kind=indicator.kind.value,
            description=indicator.description(language),
            breakdowns=sorted(b.value for b in indicator.breakdowns),
            categories=list(indicator.categories),
            base=indicator.base,
        )


class FigureRead(BaseModel):
    """A figure: ``value`` null when hidden, ``hidden`` says why."""

    value: Decimal | None
    hidden: str | None

    @classmethod
    def of(cls, figure: Figure) -> FigureRead:
        return cls(value=figure.value, hidden=figure.hidden.value if figure.hidden else None)


class LineRead(BaseModel):
    key: str
    label: str


class TableRead(BaseModel):
    """A published table; totals are null where the table has none."""

    title: str
    rows_heading: str
    rows: list[LineRead]
    columns: list[LineRead]
    cells: list[list[FigureRead]]
    row_totals: list[FigureRead] | None
    column_totals: list[FigureRead] | None
    grand_total: FigureRead | None

    @classmethod
    def of(cls, table: PublishedTable) -> TableRead:
        def many(figures: tuple[Figure, ...] | None) -> list[FigureRead] | None:
            return None if figures is None else [FigureRead.of(f) for f in figures]

        return cls(
            title=table.title,
            rows_heading=table.rows_heading,
            rows=[LineRead(key=r.key, label=r.label) for r in table.rows],
            columns=[LineRead(key=c.key, label=c.label) for c in table.columns],
            cells=[[FigureRead.of(f) for f in line] for line in table.cells],
            row_totals=many(table.row_totals),
            column_totals=many(table.column_totals),
            grand_total=None if table.grand_total is None else FigureRead.of(table.grand_total),
        )


class ReportRead(BaseModel):
    """What an audience sees of one indicator."""

    audience: str
    indicator: IndicatorRead
    quarter: str
    quarters: list[str]
    computed_at: datetime | None
    comparison: TableRead
    trend: TableRead
    breakdowns: dict[str, TableRead]

    @classmethod
    def of(cls, report: Report) -> ReportRead:
        return cls(
            audience=report.audience_label,
            indicator=IndicatorRead.of(report.indicator, report.language),
            quarter=report.quarter.label,
            quarters=[q.label for q in report.quarters],
            computed_at=report.computed_at,
            comparison=TableRead.of(report.comparison),
            trend=TableRead.of(report.trend),
            breakdowns={k: TableRead.of(v) for k, v in report.breakdowns.items()},
        )


class RefreshIn(BaseModel):
    """Which quarter to refresh (like 2026-Q3)."""

    quarter: str


class RunRead(BaseModel):
    """One run of the snapshot job."""

    id: UUID
    quarter: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    total: int
    done: int
    failed: int
    failures: dict[str, str]
    concurrency: int

    @classmethod
    def of(cls, run: RunStatus) -> RunRead:
        return cls(
            id=run.id,
            quarter=run.quarter.label,
            status=run.status,
            started_at=run.started_at,
            finished_at=run.finished_at,
            total=run.total,
            done=run.done,
            failed=run.failed,
            failures=run.failures,
            concurrency=run.concurrency,
        )
