"""Charts of a budget drawn on the server as inline SVG (no scripts, no style attributes, so
the content security policy holds): a donut of the share of each service and stacked bars of
the amounts per year or stage.

Colour is never the only cue: every service has a number (shown on the chart and in the
legend) and a pattern of white marks as well as a colour; each colour has a contrast of at
least 4.5:1 with white, so every segment stands out against the white gaps between them and
against the page. The data tables beside the charts are their text alternative; each chart
also has a <title> and <desc>. Geometry is in floats (drawing only; amounts stay integers).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cus_tenants.budgets.figures import Amounts

if TYPE_CHECKING:
    from collections.abc import Sequence
    from uuid import UUID

    from cus_tenants.budgets.service import BudgetReport

#: Colours (contrast with white: 8.4, 4.8, 6.2, 8.8, 7.7, 7.3, 7.5, 8.9) and patterns.
PALETTE = ("#0b4f8a", "#b35900", "#00703c", "#6a2c91", "#a4123f", "#00606b", "#7a4a00", "#4a4a4a")
PATTERNS = ("solid", "diagonal", "dots", "horizontal", "crosshatch", "vertical", "reverse", "grid")
INK = "#1b1b1b"
GRID = "#b1b4b6"

#: A slice or a segment smaller than this gets no number on it (the legend still names it).
_MIN_LABEL_FRACTION = 0.03
_MIN_LABEL_HEIGHT = 22.0


@dataclass(frozen=True, slots=True)
class Swatch:
    """How one service is drawn: its number, colour and pattern."""

    number: int
    name: str
    colour: str
    pattern: str
    pattern_id: str


@dataclass(frozen=True, slots=True)
class Slice:
    """A segment of the donut."""

    swatch: Swatch
    path: str
    share_text: str
    label_x: float
    label_y: float
    labelled: bool
    whole: bool


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


def whole_zloty(grosze: int) -> str:
    """``70099200`` → ``"700 992 zł"`` (non-breaking spaces), for labels on charts."""
    return f"{grosze // 100:,}".replace(",", "\u00a0") + "\u00a0zł"


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


def swatches(names: Sequence[str], prefix: str) -> list[Swatch]:
    """A number, colour and pattern per service, in the budget's order."""
    return [
        Swatch(
            number=index + 1,
            name=name,
            colour=PALETTE[index % len(PALETTE)],
            pattern=PATTERNS[(index + index // len(PALETTE)) % len(PATTERNS)],
            pattern_id=f"{prefix}-pattern-{index + 1}",
        )
        for index, name in enumerate(names)
    ]


def _point(cx: float, cy: float, radius: float, angle: float) -> tuple[float, float]:
    return cx + radius * math.cos(angle), cy + radius * math.sin(angle)


def _fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def donut(
    amounts: Sequence[int],
    marks: Sequence[Swatch],
    share_texts: Sequence[str],
    *,
    cx: float = 150,
    cy: float = 150,
    outer: float = 130,
    inner: float = 62,
) -> list[Slice]:
    """Segments of a donut, clockwise from the top, for the services' planned totals."""
    total = sum(amounts)
    if total <= 0:
        return []
    slices: list[Slice] = []
    start = -math.pi / 2
    for amount, swatch, share in zip(amounts, marks, share_texts, strict=True):
        if amount <= 0:
            continue
        fraction = amount / total
        end = start + 2 * math.pi * fraction
        middle = (start + end) / 2
        label_x, label_y = _point(cx, cy, (outer + inner) / 2, middle)
        whole = fraction >= 1
        if whole:
            path = ""
        else:
            large = 1 if end - start > math.pi else 0
            ox0, oy0 = _point(cx, cy, outer, start)
            ox1, oy1 = _point(cx, cy, outer, end)
            ix1, iy1 = _point(cx, cy, inner, end)
            ix0, iy0 = _point(cx, cy, inner, start)
            path = (
                f"M {_fmt(ox0)} {_fmt(oy0)} A {_fmt(outer)} {_fmt(outer)} 0 {large} 1 "
                f"{_fmt(ox1)} {_fmt(oy1)} L {_fmt(ix1)} {_fmt(iy1)} A {_fmt(inner)} "
                f"{_fmt(inner)} 0 {large} 0 {_fmt(ix0)} {_fmt(iy0)} Z"
            )
        slices.append(
            Slice(
                swatch=swatch,
                path=path,
                share_text=share,
                label_x=round(label_x, 2),
                label_y=round(label_y, 2),
                labelled=fraction >= _MIN_LABEL_FRACTION,
                whole=whole,
            )
        )
        start = end
    return slices


def nice_ceiling(grosze: int) -> int:
    """A round top for the amounts axis (1, 2, 2.5 or 5 times a power of ten złoty)."""
    if grosze <= 0:
        return 100
    magnitude: int = pow(10, len(str(grosze)) - 1)
    for tenths in (10, 20, 25, 50):
        top = tenths * magnitude // 10
        if top >= grosze:
            return top
    return 10 * magnitude


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
