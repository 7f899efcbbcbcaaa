"""How a published figure is written, the same way on pages, charts and in every export: its
number in its unit's Polish format, or the mark of why it is hidden, explained in a legend.

**Marks (znaki umowne).** We follow the symbols of Statistics Poland (GUS, "Objaśnienia znaków
umownych" in its yearbooks): ``#`` marks figures that "cannot be published to keep statistical
confidentiality" and ``.`` marks a figure with no information. The confidentiality mark
carries a footnote letter saying why (``#a`` a small count, ``#b`` hidden so that a small
count cannot be worked out, ``#c`` too few contributing gminy, ``#d`` the count a sum, median
or share rests on is hidden), so a reader knows which hidden figures are small themselves.
A hidden figure is never written as 0, as a dash (GUS: "magnitude zero") or left empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from cus_reporting.disclosure.control import DEFAULT_MIN_CONTRIBUTORS, DEFAULT_THRESHOLD
from cus_reporting.indicators.definitions import Unit
from cus_reporting.publication.tables import Hidden
from cus_shared.exports import plain_decimal
from cus_shared.i18n.amounts import plain_amount
from cus_shared.i18n.formatting import format_money
from cus_shared.i18n.language import N_
from cus_shared.i18n.language import gettext as _

if TYPE_CHECKING:
    from collections.abc import Iterable

    from cus_reporting.publication.tables import Figure, PublishedTable

#: GUS: "data may not be published due to statistical confidentiality".
CONFIDENTIAL = "#"
#: GUS: "data not available".
NOT_AVAILABLE = "."

_FOOTNOTES: dict[Hidden, str] = {
    Hidden.PRIMARY: "a",
    Hidden.SECONDARY: "b",
    Hidden.CONTRIBUTORS: "c",
    Hidden.BASE: "d",
}
#: The legend's order: the reasons as disclosure control applies them, then missing data.
_ORDER = (Hidden.PRIMARY, Hidden.SECONDARY, Hidden.CONTRIBUTORS, Hidden.BASE, Hidden.MISSING)

#: Units as a table's heading names them (amounts are published in złoty).
UNIT_LABELS: dict[Unit, str] = {
    Unit.PERSONS: N_("persons"),
    Unit.HOUSEHOLDS: N_("households"),
    Unit.PLANS: N_("plans (IPUS)"),
    Unit.APPLICATIONS: N_("applications"),
    Unit.DECISIONS: N_("decisions"),
    Unit.REFERRALS: N_("referrals"),
    Unit.HOURS: N_("hours"),
    Unit.SESSIONS: N_("sessions"),
    Unit.DAYS: N_("days"),
    Unit.COMPLAINTS: N_("complaints"),
    Unit.VOLUNTEERS: N_("volunteers"),
    Unit.GROUPS: N_("groups"),
    Unit.EVENTS: N_("events"),
    Unit.PARTICIPANTS: N_("participants"),
    Unit.GROSZE: N_("złoty (PLN)"),
    Unit.PERCENT: N_("percent"),
}


def mark(reason: Hidden) -> str:
    """The mark written in place of a hidden figure (``#a``…``#d``, or ``.``)."""
    if reason is Hidden.MISSING:
        return NOT_AVAILABLE
    return CONFIDENTIAL + _FOOTNOTES[reason]


def reason_text(reason: Hidden) -> str:
    """Why a figure is hidden, in a sentence of the current language."""
    if reason is Hidden.PRIMARY:
        return _(
            "not published: a count from 1 to %(highest)s, which could identify a person",
            highest=DEFAULT_THRESHOLD - 1,
        )
    if reason is Hidden.SECONDARY:
        return _(
            "not published so that a hidden small count cannot be worked out from totals or "
            "other tables"
        )
    if reason is Hidden.CONTRIBUTORS:
        return _(
            "not published: a regional figure from fewer than %(least)s gminy",
            least=DEFAULT_MIN_CONTRIBUTORS,
        )
    if reason is Hidden.BASE:
        return _("not published: the count this sum, median or share rests on is not published")
    return _("no data: no snapshot computed for this gmina and quarter")


@dataclass(frozen=True, slots=True)
class LegendEntry:
    """One line of the legend under a table: a mark and what it means."""

    mark: str
    text: str


def legend(reasons: Iterable[Hidden]) -> list[LegendEntry]:
    """The marks used, explained, in a fixed order (nothing when nothing is hidden)."""
    used = set(reasons)
    return [LegendEntry(mark(r), reason_text(r)) for r in _ORDER if r in used]


def legend_note() -> str:
    """The sentence that introduces the marks (after GUS)."""
    return _(
        "# marks a figure not published to keep statistical confidentiality (the letter says "
        "why); . marks a figure with no data. A hidden figure is never zero."
    )


def unit_label(unit: Unit) -> str:
    """The unit's name in the current language."""
    return _(UNIT_LABELS[unit])


def in_unit(value: Decimal, unit: Unit) -> Decimal:
    """A figure as published: amounts in złoty (stored in grosze), others as they are."""
    return value.scaleb(-2) if unit is Unit.GROSZE else value


def _grouped(value: Decimal) -> str:
    """``1234.5`` → ``"1 234,5"`` (non-breaking spaces, at most two decimals)."""
    rounded = value.quantize(Decimal("0.01"))
    if rounded == rounded.to_integral_value():
        return f"{int(rounded):,}".replace(",", "\u00a0")
    text = f"{rounded:,.2f}".rstrip("0")
    return text.replace(",", "\u00a0").replace(".", ",")


def figure_text(figure: Figure, unit: Unit) -> str:
    """A figure as a page, chart or printout shows it (``1 234``, ``1 234,56 zł``,
    ``47,5%``), or the mark of why it is hidden."""
    if figure.value is None:
        return mark(figure.hidden or Hidden.MISSING)
    if unit is Unit.GROSZE:
        return format_money(figure.value, grosze=True)
    if unit is Unit.PERCENT:
        return f"{_grouped(figure.value)}%"
    return _grouped(figure.value)


def plain_text(figure: Figure, unit: Unit) -> str:
    """A figure as a CSV file holds it: a number Polish Excel reads (``1234,56``, no
    grouping, amounts in złoty), or the mark."""
    if figure.value is None:
        return mark(figure.hidden or Hidden.MISSING)
    if unit is Unit.GROSZE:
        return plain_amount(int(figure.value))
    return plain_decimal(figure.value)


@dataclass(frozen=True, slots=True)
class CellText:
    """A figure ready to be written: its text, its number in the published unit (None when
    hidden) and, when hidden, its mark and reason."""

    text: str
    plain: str
    number: Decimal | None
    mark: str | None = None
    reason: str | None = None

    @property
    def hidden(self) -> bool:
        return self.number is None


@dataclass(frozen=True, slots=True)
class RowText:
    """One row of a table: its heading, its cells and its total (None without totals)."""

    key: str
    label: str
    cells: tuple[CellText, ...]
    total: CellText | None


@dataclass(frozen=True, slots=True)
class TableText:
    """A published table as every output writes it (page, CSV, XLSX, PDF)."""

    title: str
    unit: str
    rows_heading: str
    columns: tuple[str, ...]
    rows: tuple[RowText, ...]
    #: The row of column totals, "Total" (None when the table has no column totals).
    totals: RowText | None
    legend: tuple[LegendEntry, ...]
    #: The sentence introducing the marks (empty when nothing is hidden).
    note: str = ""

    @property
    def has_row_totals(self) -> bool:
        totals = (self.totals,) if self.totals is not None else ()
        return any(row.total is not None for row in (*self.rows, *totals))

    @property
    def header(self) -> list[str]:
        """The column headings, the row headings' one first and "Total" last if any."""
        total = [_("Total")] if self.has_row_totals else []
        return [self.rows_heading, *self.columns, *total]

    def lines(self, *, plain: bool = False) -> list[list[str]]:
        """The rows as text (heading, cells, total), the totals row last."""
        lines: list[list[str]] = []
        for row in (*self.rows, *((self.totals,) if self.totals else ())):
            texts = [c.plain if plain else c.text for c in row.cells]
            if self.has_row_totals:
                total = row.total
                texts.append("" if total is None else total.plain if plain else total.text)
            lines.append([row.label, *texts])
        return lines


def cell_text(figure: Figure, unit: Unit) -> CellText:
    """A figure as text, number and mark."""
    if figure.value is None:
        reason = figure.hidden or Hidden.MISSING
        return CellText(
            text=mark(reason),
            plain=mark(reason),
            number=None,
            mark=mark(reason),
            reason=reason_text(reason),
        )
    return CellText(
        text=figure_text(figure, unit),
        plain=plain_text(figure, unit),
        number=in_unit(figure.value, unit),
    )


def table_text(table: PublishedTable) -> TableText:
    """A published table written out in the current language."""
    unit = table.indicator.unit
    row_totals = table.row_totals
    rows = tuple(
        RowText(
            key=line.key,
            label=line.label,
            cells=tuple(cell_text(f, unit) for f in figures),
            total=None if row_totals is None else cell_text(row_totals[index], unit),
        )
        for index, (line, figures) in enumerate(zip(table.rows, table.cells, strict=True))
    )
    entries = tuple(legend(table.hidden_reasons))
    totals = None
    if table.column_totals is not None:
        grand = table.grand_total
        totals = RowText(
            key="",
            label=_("Total"),
            cells=tuple(cell_text(f, unit) for f in table.column_totals),
            total=None if grand is None else cell_text(grand, unit),
        )
    return TableText(
        title=table.title,
        unit=unit_label(unit),
        rows_heading=table.rows_heading or _("Gmina"),
        columns=tuple(c.label for c in table.columns),
        rows=rows,
        totals=totals,
        legend=entries,
        note=legend_note() if entries else "",
    )
