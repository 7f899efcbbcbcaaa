"""Charts of a published report, drawn on the server as inline SVG (no scripts, no style
attributes): the trend per quarter as lines, gminy compared as horizontal bars for the
selected quarter, and the shares of a budget (funding sources, services) as donuts.

They draw only what disclosure control let through: a hidden point is a gap in its line (not
a zero), a hidden bar is a hatched placeholder with the figure's mark (``#a``…, see
:mod:`cus_reporting.publication.cells`), never a bar of length zero. A donut of shares is
drawn only when its total is published and either nothing or at least two parts are hidden:
the hidden parts are then one hatched segment, whose size is the published total less the
published parts (already derivable), never a single hidden figure.

Each function returns SVG markup (safe to put in a template as it is), with a ``<title>``
and ``<desc>``, in the report's language; the table beside each chart is its text
alternative. Colours, patterns and line styles are :mod:`cus_shared.web.charts`'.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from cus_reporting.indicators.definitions import Unit
from cus_reporting.publication.cells import CONFIDENTIAL, figure_text, mark, unit_label
from cus_reporting.publication.tables import Figure, Hidden
from cus_shared.i18n.language import gettext as _
from cus_shared.i18n.language import use_language
from cus_shared.web.charts import (
    GRID,
    INK,
    Swatch,
    chart,
    donut,
    element,
    hidden_swatch,
    join,
    marker,
    nice_ceiling,
    number_badge,
    pattern,
    svg_number,
    swatches,
    text,
    whole_zloty,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from markupsafe import Markup

    from cus_reporting.publication.tables import PublishedTable, Report

#: At most this many gminy get a line of their own on the trend (the table has them all):
#: with the total, eight lines, each with a colour, dash and marker of its own.
TREND_LINES = 7
#: Width of every chart's viewBox; heights follow the number of rows and legend lines.
WIDTH = 720


@dataclass(frozen=True, slots=True)
class _Axis:
    """A value axis from 0 to a round top, in the indicator's stored unit (grosze for money)."""

    top: Decimal
    ticks: tuple[Decimal, ...]
    unit: Unit

    @classmethod
    def over(cls, values: Sequence[Decimal], unit: Unit) -> _Axis:
        highest = max(values, default=Decimal(0))
        floor = 100 if unit is Unit.GROSZE else 10
        top = nice_ceiling(max(math.ceil(highest), floor))
        steps = next((n for n in (5, 4) if top % n == 0), 4)
        step = Decimal(top) / steps
        return cls(Decimal(top), tuple(step * i for i in range(steps + 1)), unit)

    def fraction(self, value: Decimal) -> float:
        return float(value / self.top)

    def label(self, value: Decimal) -> str:
        if self.unit is Unit.GROSZE:
            return whole_zloty(int(value))
        return figure_text(Figure.shown(value), self.unit)


def _shown(figures: Sequence[Figure]) -> list[Decimal]:
    return [f.value for f in figures if f.value is not None]


def _hidden_count_text(count: int) -> str:
    if not count:
        return ""
    return " " + _(
        "%(count)s figures are not published (marked %(mark)s); the table explains why.",
        count=count,
        mark=CONFIDENTIAL,
    )


# Trend: lines per quarter ----------------------------------------------------------------------


def _series_figures(table: PublishedTable) -> list[tuple[str, str, tuple[Figure, ...]]]:
    """(key, label, figures per quarter) of the audience total (if any), then each row."""
    series: list[tuple[str, str, tuple[Figure, ...]]] = []
    if table.column_totals is not None:
        series.append(("", _("Total"), table.column_totals))
    series.extend(
        (line.key, line.label, figures)
        for line, figures in zip(table.rows, table.cells, strict=True)
    )
    return series


def _chosen_rows(
    rows: list[tuple[str, str, tuple[Figure, ...]]], keys: Sequence[str] | None, limit: int
) -> list[tuple[str, str, tuple[Figure, ...]]]:
    """The rows asked for, else all when few, else the largest in the latest quarter."""
    if keys is not None:
        wanted = list(keys)
        return sorted((r for r in rows if r[0] in wanted), key=lambda r: wanted.index(r[0]))
    if len(rows) <= limit:
        return rows

    def latest(row: tuple[str, str, tuple[Figure, ...]]) -> Decimal:
        value = row[2][-1].value if row[2] else None
        return Decimal(-1) if value is None else value

    return sorted(rows, key=latest, reverse=True)[:limit]


def trend_chart(
    report: Report,
    *,
    prefix: str = "trend",
    keys: Sequence[str] | None = None,
    limit: int = TREND_LINES,
) -> Markup:
    """The trend per quarter: the audience's total and up to ``limit`` gminy as lines (those
    in ``keys``, else the largest in the latest quarter); hidden figures are gaps."""
    with use_language(report.language):
        return _trend(report, prefix, keys, limit)


def _trend(report: Report, prefix: str, keys: Sequence[str] | None, limit: int) -> Markup:
    table = report.trend
    unit = report.indicator.unit
    series = _series_figures(table)
    total = series[:1] if table.column_totals is not None else []
    rows = _chosen_rows(series[len(total) :], keys, limit)
    drawn = total + rows
    marks = swatches([label for _key, label, _figures in drawn], prefix)
    axis = _Axis.over([v for _k, _l, figures in drawn for v in _shown(figures)], unit)
    left, right, top, bottom = 100.0, WIDTH - 30.0, 20.0, 280.0
    columns = [c.label for c in table.columns]
    slot = (right - left) / max(len(columns), 1)

    def x_of(index: int) -> float:
        return left + slot * (index + 0.5)

    def y_of(value: Decimal) -> float:
        return bottom - (bottom - top) * axis.fraction(value)

    body: list[str] = []
    for tick in axis.ticks:
        y = y_of(tick)
        body.append(element("line", x1=left, x2=right, y1=y, y2=y, stroke=GRID, stroke_width=1))
        body.append(text(left - 8, y, axis.label(tick), anchor="end", dy="0.35em"))
    for index, label in enumerate(columns):
        body.append(text(x_of(index), bottom + 20, label, anchor="middle"))
    body.append(
        element("line", x1=left, x2=right, y1=bottom, y2=bottom, stroke=INK, stroke_width=1.5)
    )
    hidden = 0
    for swatch, (_key, _label, figures) in zip(marks, drawn, strict=True):
        hidden += sum(f.value is None for f in figures)
        body.append(_line(swatch, figures, x_of, y_of, thick=bool(total) and swatch.number == 1))
    legend_top = bottom + 45
    body.extend(_line_legend(marks, left, legend_top))
    height = int(legend_top + 22 * math.ceil(len(marks) / 2) + 10)
    description = _(
        "Lines of %(indicator)s (%(unit)s) per quarter for %(audience)s; each line has its own "
        "number, colour, dash and marker, named in the legend. A gap in a line is a figure that "
        "is not published, not a zero.",
        indicator=report.indicator.name(report.language),
        unit=unit_label(unit),
        audience=report.audience_label,
    )
    if len(series) - len(total) > len(rows):
        description += " " + _(
            "%(shown)s of %(all)s gminy are drawn; the table gives all of them.",
            shown=len(rows),
            all=len(series) - len(total),
        )
    description += _hidden_count_text(hidden)
    return chart(prefix, WIDTH, height, table.title, description, body)


def _line(
    swatch: Swatch,
    figures: Sequence[Figure],
    x_of: Callable[[int], float],
    y_of: Callable[[Decimal], float],
    *,
    thick: bool,
) -> Markup:
    """One series: a path broken at every hidden figure, and a marker on each shown one."""
    runs: list[list[tuple[float, float]]] = [[]]
    for index, figure in enumerate(figures):
        if figure.value is None:
            runs.append([])
            continue
        runs[-1].append((x_of(index), y_of(figure.value)))
    parts: list[str] = []
    for run in runs:
        if len(run) > 1:
            d = " ".join(
                f"{'M' if i == 0 else 'L'} {svg_number(x)} {svg_number(y)}"
                for i, (x, y) in enumerate(run)
            )
            parts.append(
                element(
                    "path",
                    d=d,
                    fill="none",
                    stroke=swatch.colour,
                    stroke_width=3.5 if thick else 2.5,
                    stroke_dasharray=swatch.dash or None,
                    stroke_linejoin="round",
                )
            )
    for run in runs:
        parts.extend(marker(swatch.marker, x, y, swatch.colour) for x, y in run)
    return element("g", join(parts))


def _line_legend(marks: Sequence[Swatch], left: float, top: float) -> list[str]:
    """Two columns of legend entries: a sample of the line with its marker, number, name."""
    parts: list[str] = []
    column_width = (WIDTH - left) / 2
    for index, swatch in enumerate(marks):
        x = left + column_width * (index % 2)
        y = top + 22 * (index // 2)
        parts.append(
            element(
                "line",
                x1=x,
                x2=x + 36,
                y1=y,
                y2=y,
                stroke=swatch.colour,
                stroke_width=2.5,
                stroke_dasharray=swatch.dash or None,
            )
        )
        parts.append(marker(swatch.marker, x + 18, y, swatch.colour))
        parts.append(text(x + 44, y, f"{swatch.number}. {swatch.name}", dy="0.35em"))
    return parts


# Comparison: horizontal bars for the selected quarter ------------------------------------------


def _row_figures(table: PublishedTable) -> list[Figure]:
    """Each row's figure to compare: its total, or its only cell."""
    if table.row_totals is not None:
        return list(table.row_totals)
    return [cells[0] for cells in table.cells]


def comparison_chart(report: Report, *, prefix: str = "comparison") -> Markup:
    """The gminy (or regions) compared for the report's quarter as horizontal bars, in the
    table's order; a hidden figure is a hatched placeholder marked with its mark."""
    with use_language(report.language):
        return _comparison(report, prefix)


def _comparison(report: Report, prefix: str) -> Markup:
    table = report.comparison
    unit = report.indicator.unit
    figures = _row_figures(table)
    axis = _Axis.over(_shown(figures), unit)
    left, right, top, row_height = 210.0, WIDTH - 120.0, 30.0, 26.0
    bottom = top + row_height * len(figures)
    placeholder = hidden_swatch(_("Not published"), prefix)
    body: list[str] = [element("defs", pattern(placeholder))]
    for tick in axis.ticks:
        x = left + (right - left) * axis.fraction(tick)
        body.append(element("line", x1=x, x2=x, y1=top, y2=bottom, stroke=GRID, stroke_width=1))
        body.append(text(x, top - 10, axis.label(tick), anchor="middle", size=11))
    hidden = 0
    for index, (line, figure) in enumerate(zip(table.rows, figures, strict=True)):
        y = top + row_height * index
        middle = y + row_height / 2
        body.append(text(left - 8, middle, _shorten(line.label), anchor="end", dy="0.35em"))
        if figure.value is None:
            hidden += 1
            reason = figure.hidden or Hidden.MISSING
            body.append(
                element(
                    "rect",
                    x=left,
                    y=y + 5,
                    width=36.0,
                    height=row_height - 10,
                    fill=f"url(#{placeholder.pattern_id})",
                    stroke=INK,
                    stroke_width=1,
                    stroke_dasharray="3 2",
                )
            )
            note = _("%(mark)s not published", mark=mark(reason))
            if reason is Hidden.MISSING:
                note = _("%(mark)s no data", mark=mark(reason))
            body.append(text(left + 44, middle, note, dy="0.35em", weight="700"))
            continue
        width = (right - left) * axis.fraction(figure.value)
        body.append(
            element(
                "rect",
                x=left,
                y=y + 4,
                width=max(width, 0.0),
                height=row_height - 8,
                fill="#0b4f8a",
            )
        )
        body.append(text(left + width + 6, middle, figure_text(figure, unit), dy="0.35em"))
    body.append(element("line", x1=left, x2=left, y1=top, y2=bottom, stroke=INK, stroke_width=1.5))
    description = _(
        "Horizontal bars of %(indicator)s (%(unit)s) in %(quarter)s, one per row of the table, "
        "with the figure written at the end of each bar. A figure that is not published is a "
        "hatched box with its mark, not a bar of zero.",
        indicator=report.indicator.name(report.language),
        unit=unit_label(unit),
        quarter=report.quarter.label,
    )
    description += _hidden_count_text(hidden)
    return chart(prefix, WIDTH, int(bottom + 20), table.title, description, body)


def _shorten(label: str, limit: int = 30) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


# Shares: donuts of a budget ----------------------------------------------------------------------


def share_chart(
    table: PublishedTable,
    *,
    by: Literal["columns", "rows"],
    title: str,
    prefix: str = "shares",
) -> Markup | None:
    """A donut of the shares of a table's columns (e.g. funding sources) or rows (e.g.
    services) in its grand total, or None when the total is hidden or a single part is."""
    unit = table.indicator.unit
    labels, parts, total = _parts(table, by)
    if total is None or total.value is None or total.value <= 0:
        return None
    hidden = [p for p in parts if p.value is None]
    if len(hidden) == 1:
        return None  # the total less the shown parts would be that one hidden figure
    shown = [(label, p.value) for label, p in zip(labels, parts, strict=True) if p.value]
    marks = swatches([label for label, _value in shown], prefix)
    amounts: list[Decimal] = [value for _label, value in shown]
    remainder = total.value - sum(amounts, Decimal(0))
    if hidden and remainder > 0:
        marks.append(hidden_swatch(_("Not published (%(mark)s)", mark=CONFIDENTIAL), prefix))
        amounts.append(remainder)
    shares = [_share(a, total.value) for a in amounts]
    slices = donut(amounts, marks, shares)
    body: list[str] = [element("defs", join([pattern(s) for s in marks]))]
    for piece in slices:
        fill = f"url(#{piece.swatch.pattern_id})"
        if piece.whole:
            body.append(element("circle", cx=150, cy=150, r=130, fill=fill))
            body.append(element("circle", cx=150, cy=150, r=62, fill="#ffffff"))
        else:
            body.append(element("path", d=piece.path, fill=fill, stroke="#ffffff", stroke_width=2))
    for piece in slices:
        if piece.labelled:
            badge = piece.swatch.number or CONFIDENTIAL
            body.append(number_badge(piece.label_x, piece.label_y, badge))
    body.append(text(150, 140, _("Total"), anchor="middle", size=13))
    body.append(text(150, 160, figure_text(total, unit), anchor="middle", size=13, weight="700"))
    for index, (swatch, amount, share) in enumerate(zip(marks, amounts, shares, strict=True)):
        y = 30 + 24 * index
        body.append(
            element(
                "rect",
                x=320,
                y=y - 9,
                width=18,
                height=18,
                fill=f"url(#{swatch.pattern_id})",
                stroke=INK,
                stroke_width=1,
            )
        )
        number = f"{swatch.number}. " if swatch.number else ""
        amount_text = figure_text(Figure.shown(amount), unit)
        body.append(
            text(
                346, y, f"{number}{_shorten(swatch.name, 34)}: {share} ({amount_text})", dy="0.35em"
            )
        )
    height = max(300, 30 + 24 * len(marks))
    description = _(
        "Donut of the shares in the total of %(total)s; each part has a number, colour and "
        "pattern, named in the legend beside it with its share and amount.",
        total=figure_text(total, unit),
    )
    if hidden:
        description += " " + _(
            "Parts that are not published are one hatched segment (%(mark)s).", mark=CONFIDENTIAL
        )
    return chart(prefix, WIDTH, height, title, description, body)


def _parts(
    table: PublishedTable, by: Literal["columns", "rows"]
) -> tuple[list[str], list[Figure], Figure | None]:
    """Labels, figures and the whole they are parts of, along columns or rows."""
    if by == "columns":
        if table.column_totals is None:
            return [], [], None
        return [c.label for c in table.columns], list(table.column_totals), table.grand_total
    labels = [r.label for r in table.rows]
    if table.row_totals is not None:
        return labels, list(table.row_totals), table.grand_total
    if len(table.columns) == 1:
        whole = table.column_totals[0] if table.column_totals else table.grand_total
        return labels, [cells[0] for cells in table.cells], whole
    return [], [], None


def _share(amount: Decimal, total: Decimal) -> str:
    percent = (amount * 100 / total).quantize(Decimal("0.1"))
    return f"{percent}%".replace(".", ",")


def budget_share_charts(report: Report, *, prefix: str = "shares") -> list[Markup]:
    """For a budget indicator (money): donuts of the funding sources' shares and of the
    services' shares (like the seeds' pie charts); nothing for other indicators."""
    if report.indicator.unit is not Unit.GROSZE:
        return []
    with use_language(report.language):
        drawn: list[Markup | None] = []
        if len(report.comparison.columns) > 1:
            drawn.append(
                share_chart(
                    report.comparison,
                    by="columns",
                    title=_("Shares of funding sources, %(quarter)s", quarter=report.quarter.label),
                    prefix=f"{prefix}-sources",
                )
            )
        services = report.breakdowns.get("service")
        if services is not None:
            drawn.append(
                share_chart(
                    services,
                    by="rows",
                    title=_("Shares of services, %(quarter)s", quarter=report.quarter.label),
                    prefix=f"{prefix}-services",
                )
            )
    return [d for d in drawn if d is not None]
