"""Charts of a budget drawn on the server as inline SVG (no scripts, no style attributes, so
the content security policy holds): a donut of the share of each service and stacked bars of
the amounts per year or stage.

Colour is never the only cue: every service has a number (shown on the chart and in the
legend) and a pattern of white marks as well as a colour (:mod:`cus_shared.web.charts`
holds the palette, the patterns and the donut's geometry). The data tables beside the charts
are their text alternative; each chart also has a <title> and <desc>. Geometry is in floats
(drawing only; amounts stay integers).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from cus_shared.web.charts import (
    GRID,
    INK,
    PALETTE,
    PATTERNS,
    Slice,
    Swatch,
    donut,
    nice_ceiling,
    pattern_defs,
    swatches,
    whole_zloty,
)
from cus_tenants.budgets.figures import Amounts

if TYPE_CHECKING:
    from collections.abc import Sequence
    from uuid import UUID

    from markupsafe import Markup

    from cus_tenants.budgets.service import BudgetReport

__all__ = [
    "GRID",
    "INK",
    "PALETTE",
    "PATTERNS",
    "Bar",
    "Charts",
    "Segment",
    "Slice",
    "Swatch",
    "Tick",
    "charts",
    "donut",
    "nice_ceiling",
    "swatches",
    "whole_zloty",
]

#: A segment lower than this gets no number on it (the legend still names it).
_MIN_LABEL_HEIGHT = 22.0


@dataclass(frozen=True, slots=True)
class Segment:
    """A service's part of one bar."""

    swatch: Swatch
    x: float
    y: float
    width: float
    height: float
    labelled: bool


@dataclass(frozen=True, slots=True)
class Bar:
    """A year's or a stage's stacked bar with its total."""

    label: str
    x: float
    width: float
    total: int
    total_y: float
    segments: Sequence[Segment]

    @property
    def total_text(self) -> str:
        """The bar's total in whole złoty (grosze rounded down; the table has them)."""
        return whole_zloty(self.total)


@dataclass(frozen=True, slots=True)
class Tick:
    """A value on the amounts axis, in whole złoty as the axis shows it."""

    y: float
    grosze: int

    @property
    def text(self) -> str:
        """``"250 000 zł"`` (non-breaking spaces)."""
        return whole_zloty(self.grosze)


@dataclass(frozen=True)
class Charts:
    """Both charts of a budget (None when nothing is planned)."""

    swatches: Sequence[Swatch]
    slices: Sequence[Slice]
    bars: Sequence[Bar]
    ticks: Sequence[Tick]
    prefix: str
    total: int
    #: Geometry of the bar chart's viewBox and plot area.
    width: int = 720
    height: int = 380
    left: int = 110
    right: int = 700
    top: int = 30
    bottom: int = 320

    @property
    def pattern_defs(self) -> Markup:
        """The services' patterns, drawn once on the page for both charts and the legend."""
        return pattern_defs(self.swatches)


def charts(report: BudgetReport, prefix: str = "budget") -> Charts | None:
    """Both charts of a budget, or None when nothing is planned."""
    figures = report.figures
    table = figures.table
    if table.total.planned <= 0:
        return None
    from cus_shared.i18n.amounts import plain_percent

    marks = swatches([s.name for s in report.services], prefix)
    service_ids: list[UUID] = list(figures.services)
    slices = donut(
        [table.by_service.get(s, Amounts()).planned for s in service_ids],
        marks,
        [f"{plain_percent(figures.shares[s])}%" for s in service_ids],
    )
    base = Charts(swatches=marks, slices=slices, bars=[], ticks=[], prefix=prefix, total=0)
    top = nice_ceiling(max(table.by_period[p.id].planned for p in report.periods))
    plot_height = base.bottom - base.top
    ticks = [
        Tick(y=round(base.bottom - plot_height * i / 4, 2), grosze=top * i // 4) for i in range(5)
    ]
    slot = (base.right - base.left) / max(len(report.periods), 1)
    bar_width = min(90.0, slot * 0.6)
    bars: list[Bar] = []
    for index, period in enumerate(report.periods):
        x = base.left + slot * index + (slot - bar_width) / 2
        y = float(base.bottom)
        segments: list[Segment] = []
        for swatch, service in zip(marks, service_ids, strict=True):
            amount = table.cell(period.id, service).planned
            if amount <= 0:
                continue
            height = plot_height * amount / top
            y -= height
            segments.append(
                Segment(
                    swatch=swatch,
                    x=round(x, 2),
                    y=round(y, 2),
                    width=round(bar_width, 2),
                    height=round(height, 2),
                    labelled=height >= _MIN_LABEL_HEIGHT and bar_width >= 24,
                )
            )
        bars.append(
            Bar(
                label=period.label,
                x=round(x, 2),
                width=round(bar_width, 2),
                total=table.by_period[period.id].planned,
                total_y=round(y - 8, 2),
                segments=segments,
            )
        )
    return Charts(
        swatches=marks,
        slices=slices,
        bars=bars,
        ticks=ticks,
        prefix=prefix,
        total=table.total.planned,
    )
