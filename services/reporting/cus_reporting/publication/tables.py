"""Published tables: figures after disclosure control, ready for pages, charts and exports.

A hidden figure keeps only why it is hidden; its value never reaches this module's objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime

    from cus_reporting.indicators.definitions import Indicator
    from cus_reporting.indicators.quarters import Quarter


class Hidden(StrEnum):
    """Why a figure is not shown (marked in tables, explained in a legend)."""

    PRIMARY = "primary"  # a small count (1-9)
    SECONDARY = "secondary"  # hidden so that a small count cannot be worked out
    CONTRIBUTORS = "contributors"  # a regional figure from fewer than 3 gminy
    BASE = "base"  # a sum, median or share whose governing count is hidden
    MISSING = "missing"  # no snapshot for this gmina and quarter (not computed or failed)


@dataclass(frozen=True, slots=True)
class Figure:
    """One published figure: a value, or the reason it is hidden (never both)."""

    value: Decimal | None
    hidden: Hidden | None = None

    def __post_init__(self) -> None:
        if (self.value is None) == (self.hidden is None):
            raise ValueError("a figure is either shown or hidden, with its reason")

    @classmethod
    def shown(cls, value: Decimal | int) -> Figure:
        return cls(Decimal(value), None)

    @classmethod
    def hide(cls, reason: Hidden) -> Figure:
        return cls(None, reason)


@dataclass(frozen=True, slots=True)
class Line:
    """A row or column heading: a stable key (TERYT, category, quarter label) and its label."""

    key: str
    label: str


@dataclass(frozen=True, slots=True)
class PublishedTable:
    """One indicator as rows x columns, with totals where the table is additive.

    ``row_totals``/``column_totals``/``grand_total`` are None when the table has no such
    totals (a trend over quarters, medians, shares).
    """

    indicator: Indicator
    title: str
    rows: tuple[Line, ...]
    columns: tuple[Line, ...]
    cells: tuple[tuple[Figure, ...], ...]
    row_totals: tuple[Figure, ...] | None = None
    column_totals: tuple[Figure, ...] | None = None
    grand_total: Figure | None = None
    #: Heading of the rows (e.g. "Gmina", "Age band").
    rows_heading: str = ""

    @property
    def hidden_reasons(self) -> frozenset[Hidden]:
        """Every reason used in the table (for the legend under it)."""
        figures = [f for row in self.cells for f in row]
        figures += list(self.row_totals or ()) + list(self.column_totals or ())
        if self.grand_total is not None:
            figures.append(self.grand_total)
        return frozenset(f.hidden for f in figures if f.hidden is not None)


@dataclass(frozen=True, slots=True)
class Report:
    """What one audience sees of one indicator: comparison, trend and breakdowns."""

    audience_label: str
    indicator: Indicator
    quarter: Quarter
    quarters: tuple[Quarter, ...]
    #: Gminy (or regions, for the Forum) x the indicator's categories (or one "total" column).
    comparison: PublishedTable
    #: Gminy x quarters: each quarter's totals column, protected within its own quarter.
    trend: PublishedTable
    #: The audience's total split by each breakdown the indicator allows (breakdown id -> table).
    breakdowns: dict[str, PublishedTable]
    #: When the oldest snapshot used was computed (None: nothing computed yet).
    computed_at: datetime | None
    language: str = "pl"
