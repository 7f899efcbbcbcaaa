"""From snapshots to published reports: the figures of an audience's units (gminy, or partner
CUS for the Forum), protected quarter by quarter, with breakdowns of the audience's total.

Every count table goes through :func:`cus_reporting.disclosure.control.protect` here, and only
:class:`~cus_reporting.publication.tables.Figure` objects (shown value or reason) leave this
module. Sums, medians and shares follow their governing count (``Indicator.base``): where the
count is hidden, so are they. Budget figures (public money of an agreement, no residents) are
published as they are.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import text

from cus_reporting.audiences import AudienceKind
from cus_reporting.disclosure.control import Policy, ProtectedTable, Reason, Table, protect
from cus_reporting.indicators.definitions import REGISTRY, AgeBand, Breakdown, Indicator, Kind
from cus_reporting.publication.tables import Figure, Hidden, Line, PublishedTable, Report
from cus_shared.i18n.language import gettext as _

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from datetime import datetime
    from uuid import UUID

    from sqlalchemy.ext.asyncio import AsyncSession

    from cus_reporting.audiences import Audience
    from cus_reporting.indicators.quarters import Quarter

#: Breakdowns that say where a figure is: they are the rows and columns, not the splits.
WHERE = frozenset({Breakdown.GMINA, Breakdown.AGREEMENT, Breakdown.REGION, Breakdown.QUARTER})
#: The one column of an indicator without categories.
TOTAL = "total"
BUDGET_INDICATORS = frozenset(
    {"budget_planned", "budget_executed", "share_social_sector", "share_on_services"}
)
_REASONS = {
    Reason.PRIMARY: Hidden.PRIMARY,
    Reason.SECONDARY: Hidden.SECONDARY,
    Reason.CONTRIBUTORS: Hidden.CONTRIBUTORS,
}
_CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Unit:
    """A row of the comparison: one gmina, or one partner CUS (its gminy) for the Forum."""

    key: str
    label: str
    gminy: tuple[str, ...]


@dataclass
class _Values:
    """Raw snapshot figures of one indicator, summed per unit, quarter, breakdown member and
    category (histograms merged for medians, numerators and denominators kept apart)."""

    value: dict[tuple[Any, ...], Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    denominator: dict[tuple[Any, ...], Decimal] = field(
        default_factory=lambda: defaultdict(Decimal)
    )
    histogram: dict[tuple[Any, ...], dict[int, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )
    contributors: dict[tuple[Any, ...], set[str]] = field(default_factory=lambda: defaultdict(set))


def indicator_of(indicator_id: str) -> Indicator:
    """The indicator named in a request (unknown: 404, as for any other missing resource)."""
    from cus_shared.errors import NotFoundError

    indicator = REGISTRY.get(indicator_id)
    if indicator is None:
        raise NotFoundError("not_found")
    return indicator


async def build_report(
    session: AsyncSession,
    audience: Audience,
    indicator: Indicator,
    quarter: Quarter,
    *,
    quarters: int = 8,
    policy: Policy | None = None,
    language: str = "pl",
) -> Report:
    """What ``audience`` may see of ``indicator``: comparison of units in ``quarter``, the trend
    over the ``quarters`` ending with it, and the audience's total by each breakdown."""
    policy = policy or Policy()
    span = tuple(quarter.back(quarters))
    budget = indicator.id in BUDGET_INDICATORS
    gminy = await _gminy(session, audience)
    if budget or audience.kind is AudienceKind.FORUM:
        units = _agreements(gminy)
    else:
        units = [Unit(g.teryt, f"{g.name} ({g.teryt})", (g.teryt,)) for g in gminy]
    needed = [indicator.id] + ([indicator.base] if indicator.base else [])
    values, computed = await _load(session, units, needed, span, quarter, budget=budget)
    available = {q: [u for u in units if (u.key, q) in computed] for q in span}
    comparisons = {
        q: _comparison(indicator, available[q], values, q, audience, policy) for q in span
    }
    allowed = sorted(indicator.breakdowns - WHERE)
    if budget:
        allowed = [b for b in allowed if b in (Breakdown.SERVICE, Breakdown.CATALOGUE_AREA)]
    # The selected quarter's tables share their totals (a category's total over gminy is the
    # same number as over age bands): a total hidden in one is hidden in all, and each table
    # is protected again with it, until no table hides a shared total the others show.
    shared: set[int] = set()
    for _round in range(len(_columns(indicator)) + 2):
        comparisons[quarter] = _comparison(
            indicator, available[quarter], values, quarter, audience, policy, shared
        )
        breakdowns = {
            b.value: _breakdown(
                indicator, b, available[quarter], values, quarter, audience, policy, shared
            )
            for b in allowed
        }
        if indicator.kind is not Kind.COUNT:
            break
        hidden = _hidden_margin(comparisons[quarter])
        totals = _raw_margin(indicator, values, available[quarter], quarter, "")
        for key, table in breakdowns.items():
            margin = _raw_margin(indicator, values, available[quarter], quarter, key)
            if table is not None and margin == totals:
                hidden |= _hidden_margin(table)
        if hidden <= shared:
            break
        shared |= hidden
    trend = _trend(indicator, units, span, comparisons)
    comparison = _with_missing(comparisons[quarter], units, available[quarter])
    times = [at for (_key, q), at in computed.items() if q == quarter]
    return Report(
        audience_label=audience.label,
        indicator=indicator,
        quarter=quarter,
        quarters=span,
        comparison=comparison,
        trend=trend,
        breakdowns={k: v for k, v in breakdowns.items() if v is not None},
        computed_at=min(times) if times else None,
        language=language,
    )


@dataclass(frozen=True, slots=True)
class _Gmina:
    teryt: str
    name: str
    agreement_id: UUID | None
    agreement_name: str | None


async def _gminy(session: AsyncSession, audience: Audience) -> list[_Gmina]:
    """The audience's gminy from the directory copy (the reporting role reads nothing else)."""
    if audience.kind is AudienceKind.OWN:
        where = "teryt = ANY(:t)"
        params: dict[str, Any] = {"t": list(audience.gminy)}
    else:
        where = "voivodeship = :v AND status = 'active'"
        params = {"v": audience.voivodeship}
    rows = await session.execute(
        text(
            "SELECT teryt, name, agreement_id, agreement_name FROM reporting.gmina "
            f"WHERE {where} ORDER BY name, teryt"
        ),
        params,
    )
    return [_Gmina(r.teryt, r.name, r.agreement_id, r.agreement_name) for r in rows]


def _agreements(gminy: Sequence[_Gmina]) -> list[Unit]:
    """Group gminy into partner CUS (agreements); a gmina outside any stands alone."""
    grouped: dict[str, list[str]] = defaultdict(list)
    names: dict[str, str] = {}
    for gmina in gminy:
        key = str(gmina.agreement_id) if gmina.agreement_id else gmina.teryt
        grouped[key].append(gmina.teryt)
        names[key] = gmina.agreement_name or gmina.name
    return sorted(
        (Unit(key, names[key], tuple(sorted(members))) for key, members in grouped.items()),
        key=lambda u: (u.label, u.key),
    )


async def _load(
    session: AsyncSession,
    units: Sequence[Unit],
    indicators: Sequence[str],
    span: Sequence[Quarter],
    quarter: Quarter,
    *,
    budget: bool,
) -> tuple[_Values, dict[tuple[str, Quarter], datetime]]:
    """Read the figures once: totals for every quarter of the span, breakdowns for one."""
    values = _Values()
    computed: dict[tuple[str, Quarter], datetime] = {}
    if not units:
        return values, computed
    lo, hi = span[0], span[-1]
    bounds = {
        "lo": lo.year * 4 + lo.number,
        "hi": hi.year * 4 + hi.number,
        "y": quarter.year,
        "q": quarter.number,
        "ind": list(indicators),
    }
    quarters = {(q.year, q.number): q for q in span}
    if budget:
        owner = {u.key: u.key for u in units}
        keys: list[Any] = [u.key for u in units if _is_uuid(u.key)]
        snapshots = "reporting.agreement_snapshot WHERE agreement_id = ANY(CAST(:k AS uuid[]))"
        figures = "reporting.agreement_figure WHERE agreement_id = ANY(CAST(:k AS uuid[]))"
        key_column, histogram = "agreement_id", "NULL"
    else:
        owner = {t: u.key for u in units for t in u.gminy}
        keys = list(owner)
        snapshots = "reporting.snapshot WHERE teryt = ANY(:k)"
        figures = "reporting.figure WHERE teryt = ANY(:k)"
        key_column, histogram = "teryt", "histogram"
    period = "year * 4 + quarter BETWEEN :lo AND :hi"
    rows = await session.execute(
        text(f"SELECT {key_column} AS k, year, quarter, computed_at FROM {snapshots} AND {period}"),
        {**bounds, "k": keys},
    )
    for r in rows:
        slot = (owner[str(r.k)], quarters[(r.year, r.quarter)])
        computed[slot] = min(computed.get(slot, r.computed_at), r.computed_at)
    rows = await session.execute(
        text(
            f"SELECT {key_column} AS k, year, quarter, indicator, breakdown, member, category, "
            f"value, denominator, {histogram} AS histogram FROM {figures} AND {period} "
            "AND indicator = ANY(:ind) AND (breakdown = '' OR (year = :y AND quarter = :q))"
        ),
        {**bounds, "k": keys},
    )
    for r in rows:
        unit = owner[str(r.k)]
        key = (
            unit,
            quarters[(r.year, r.quarter)],
            r.indicator,
            r.breakdown,
            r.member,
            r.category,
        )
        values.value[key] += r.value
        if r.denominator is not None:
            values.denominator[key] += r.denominator
        if r.histogram:
            merged = values.histogram[key]
            for days, cases in r.histogram.items():
                merged[int(days)] += int(cases)
        if r.value:
            values.contributors[key].add(str(r.k))
    return values, computed


def _is_uuid(value: str) -> bool:
    return len(value) == 36 and value.count("-") == 4


def _columns(indicator: Indicator) -> tuple[Line, ...]:
    if indicator.categories:
        return tuple(Line(c, _category_label(indicator, c)) for c in indicator.categories)
    return (Line(TOTAL, _("Value")),)


def _category(column: Line) -> str:
    return "" if column.key == TOTAL else column.key


def _comparison(
    indicator: Indicator,
    units: Sequence[Unit],
    values: _Values,
    quarter: Quarter,
    audience: Audience,
    policy: Policy,
    shared: set[int] | None = None,
) -> PublishedTable:
    """Units x categories of one quarter, protected on its own (``shared``: totals hidden in
    another table of the same figures, see :func:`build_report`)."""
    columns = _columns(indicator)
    rows = tuple(Line(u.key, u.label) for u in units)
    title = _("%(indicator)s, %(quarter)s") % {
        "indicator": indicator.name(_language()),
        "quarter": quarter.label,
    }
    if not units:
        return PublishedTable(indicator, title, rows, columns, (), rows_heading=_heading(audience))
    cells = [[(u.key, quarter, indicator.id, "", "", _category(c)) for c in columns] for u in units]
    if indicator.kind is Kind.COUNT:
        protected = _protect_counts(rows, columns, cells, values, audience, policy, shared)
        return _published(indicator, title, protected, rows, columns, _heading(audience))
    return _derived(indicator, title, rows, columns, cells, values, audience, policy)


def _protect_counts(
    rows: Sequence[Line],
    columns: Sequence[Line],
    keys: Sequence[Sequence[tuple[Any, ...]]],
    values: _Values,
    audience: Audience,
    policy: Policy,
    shared: set[int] | None = None,
) -> ProtectedTable:
    counts = tuple(tuple(int(values.value.get(k, 0)) for k in line) for line in keys)
    contributors = None
    if audience.applies_contributor_rule:
        contributors = tuple(
            tuple(frozenset(values.contributors.get(k, ())) for k in line) for line in keys
        )
    table = Table(tuple(r.key for r in rows), tuple(c.key for c in columns), counts, contributors)
    return protect(table, policy, also_hide=_margin_positions(shared or set(), table))


def _margin_positions(shared: set[int], table: Table) -> set[tuple[int, int]]:
    """Grid positions of the totals row for hidden shared totals (column index, or the number
    of columns for the grand total; a one-column table's total is both)."""
    n_rows, n_columns = len(table.rows), len(table.columns)
    if n_columns == 1 and shared & {0, 1}:
        return {(n_rows, 0), (n_rows, 1)}
    return {(n_rows, j) for j in shared if j <= n_columns}


def _hidden_margin(table: PublishedTable) -> set[int]:
    """Which totals of a published count table are hidden (column index; grand = count)."""
    hidden = {j for j, f in enumerate(table.column_totals or ()) if f.hidden is not None}
    if table.grand_total is not None and table.grand_total.hidden is not None:
        hidden.add(len(table.columns))
    return hidden


def _raw_margin(
    indicator: Indicator,
    values: _Values,
    units: Sequence[Unit],
    quarter: Quarter,
    breakdown: str,
) -> tuple[Decimal, ...]:
    """A table's column totals before disclosure control (never published): tables whose
    totals are the same numbers share them, and must hide them alike."""
    present = {u.key for u in units}
    sums = [Decimal(0)] * len(_columns(indicator))
    index = {_category(c): j for j, c in enumerate(_columns(indicator))}
    for (unit, q, ind, b, _member, category), value in values.value.items():
        wanted = q == quarter and ind == indicator.id and b == breakdown
        if wanted and unit in present and category in index:
            sums[index[category]] += value
    return tuple(sums)


def _figure(cell: Any) -> Figure:
    return Figure.hide(_REASONS[cell.reason]) if cell.reason else Figure.shown(cell.value)


def _published(
    indicator: Indicator,
    title: str,
    protected: ProtectedTable,
    rows: Sequence[Line],
    columns: Sequence[Line],
    heading: str,
) -> PublishedTable:
    single = len(columns) == 1
    return PublishedTable(
        indicator=indicator,
        title=title,
        rows=tuple(rows),
        columns=tuple(columns),
        cells=tuple(tuple(_figure(c) for c in line) for line in protected.cells),
        row_totals=None if single else tuple(_figure(c) for c in protected.row_totals),
        column_totals=tuple(_figure(c) for c in protected.column_totals),
        grand_total=None if single else _figure(protected.grand_total),
        rows_heading=heading,
    )


def _derived(
    indicator: Indicator,
    title: str,
    rows: Sequence[Line],
    columns: Sequence[Line],
    keys: Sequence[Sequence[tuple[Any, ...]]],
    values: _Values,
    audience: Audience,
    policy: Policy,
) -> PublishedTable:
    """Sums, medians and shares: computed from the raw figures, hidden where the governing
    count is hidden (the base's figure for the same unit or member, all categories)."""
    base_hidden: list[bool] = []
    base_total_hidden = False
    if indicator.base is not None:
        base = REGISTRY[indicator.base]
        base_columns = _columns(base)
        base_keys = [
            [(*line[0][:2], base.id, *line[0][3:5], _category(c)) for c in base_columns]
            for line in keys
        ]
        protected = _protect_counts(rows, base_columns, base_keys, values, audience, policy)
        single = len(base_columns) == 1
        base_hidden = [
            (line[0] if single else total).suppressed
            for line, total in zip(protected.cells, protected.row_totals, strict=True)
        ]
        total = protected.column_totals[0] if single else protected.grand_total
        base_total_hidden = total.suppressed
    else:
        base_hidden = [False] * len(rows)
    cells = tuple(
        tuple(
            Figure.hide(Hidden.BASE) if hidden else _derived_value(indicator, [k], values)
            for k in line
        )
        for line, hidden in zip(keys, base_hidden, strict=True)
    )
    column_totals = tuple(
        Figure.hide(Hidden.BASE)
        if base_total_hidden
        else _derived_value(indicator, [line[j] for line in keys], values)
        for j in range(len(columns))
    )
    return PublishedTable(
        indicator=indicator,
        title=title,
        rows=tuple(rows),
        columns=tuple(columns),
        cells=cells,
        column_totals=column_totals,
        rows_heading=_heading(audience),
    )


def _derived_value(
    indicator: Indicator, keys: Sequence[tuple[Any, ...]], values: _Values
) -> Figure:
    if indicator.kind is Kind.MEDIAN:
        days = [d for k in keys for d, n in values.histogram.get(k, {}).items() for _ in range(n)]
        if not days:
            return Figure.shown(0)
        return Figure.shown(Decimal(str(statistics.median(days))).quantize(_CENT, ROUND_HALF_UP))
    numerator = sum((values.value.get(k, Decimal(0)) for k in keys), Decimal(0))
    if indicator.kind is Kind.RATIO:
        denominator = sum((values.denominator.get(k, Decimal(0)) for k in keys), Decimal(0))
        if not denominator:
            return Figure.shown(0)
        return Figure.shown((100 * numerator / denominator).quantize(_CENT, ROUND_HALF_UP))
    return Figure.shown(numerator)


def _trend(
    indicator: Indicator,
    units: Sequence[Unit],
    span: Sequence[Quarter],
    comparisons: Mapping[Quarter, PublishedTable],
) -> PublishedTable:
    """Units x quarters: each quarter's unit totals as published in that quarter's table."""
    columns = tuple(Line(q.label, q.label) for q in span)
    cells: list[tuple[Figure, ...]] = []
    for unit in units:
        line = []
        for q in span:
            table = comparisons[q]
            keys = [r.key for r in table.rows]
            if unit.key not in keys:
                line.append(Figure.hide(Hidden.MISSING))
                continue
            i = keys.index(unit.key)
            line.append(_unit_total(table, i))
        cells.append(tuple(line))
    totals = tuple(_audience_total(comparisons[q]) for q in span)
    return PublishedTable(
        indicator=indicator,
        title=_("%(indicator)s by quarter") % {"indicator": indicator.name(_language())},
        rows=tuple(Line(u.key, u.label) for u in units),
        columns=columns,
        cells=tuple(cells),
        column_totals=totals,
        rows_heading=comparisons[span[-1]].rows_heading,
    )


def _unit_total(table: PublishedTable, i: int) -> Figure:
    if table.row_totals is not None:
        return table.row_totals[i]
    if len(table.columns) == 1:
        return table.cells[i][0]
    return Figure.hide(Hidden.BASE)  # several categories of a median: no single total


def _audience_total(table: PublishedTable) -> Figure:
    if table.grand_total is not None:
        return table.grand_total
    if table.column_totals is not None and len(table.columns) == 1:
        return table.column_totals[0]
    if not table.rows:
        return Figure.hide(Hidden.MISSING)
    return Figure.hide(Hidden.BASE)


def _breakdown(
    indicator: Indicator,
    breakdown: Breakdown,
    units: Sequence[Unit],
    values: _Values,
    quarter: Quarter,
    audience: Audience,
    policy: Policy,
    shared: set[int] | None = None,
) -> PublishedTable | None:
    """The audience's total split by one breakdown (members x categories), summed over its
    units first: a regional aggregate, with the contributor rule where the audience has it."""
    if not units:
        return None
    merged = _Values()
    members: set[str] = set()
    wanted = {indicator.id, indicator.base}
    for key, value in values.value.items():
        _unit, q, ind, b, member, category = key
        if q != quarter or b != breakdown.value or ind not in wanted:
            continue
        members.add(member)
        target = ("all", q, ind, b, member, category)
        merged.value[target] += value
        merged.contributors[target] |= values.contributors.get(key, set())
        if key in values.denominator:
            merged.denominator[target] += values.denominator[key]
        for days, cases in values.histogram.get(key, {}).items():
            merged.histogram[target][days] += cases
    if not members:
        return None
    rows = tuple(Line(m, _member_label(breakdown, m)) for m in _ordered(breakdown, members))
    columns = _columns(indicator)
    keys = [
        [("all", quarter, indicator.id, breakdown.value, r.key, _category(c)) for c in columns]
        for r in rows
    ]
    title = _("%(indicator)s by %(breakdown)s, %(quarter)s") % {
        "indicator": indicator.name(_language()),
        "breakdown": _breakdown_label(breakdown),
        "quarter": quarter.label,
    }
    heading = _breakdown_label(breakdown)
    if indicator.kind is Kind.COUNT:
        protected = _protect_counts(rows, columns, keys, merged, audience, policy, shared)
        return _published(indicator, title, protected, rows, columns, heading)
    if indicator.base is None:  # budget figures: public money, published as they are
        cells = tuple(tuple(_derived_value(indicator, [k], merged) for k in line) for line in keys)
        return PublishedTable(indicator, title, rows, columns, cells, rows_heading=heading)
    table = _derived(indicator, title, rows, columns, keys, merged, audience, policy)
    return PublishedTable(
        indicator, title, rows, columns, table.cells, column_totals=None, rows_heading=heading
    )


def _with_missing(
    table: PublishedTable, units: Sequence[Unit], available: Sequence[Unit]
) -> PublishedTable:
    """Units without a snapshot are listed with every figure marked as missing."""
    present = {u.key for u in available}
    missing = [u for u in units if u.key not in present]
    if not missing:
        return table
    blank = tuple(Figure.hide(Hidden.MISSING) for _ in table.columns)
    return PublishedTable(
        indicator=table.indicator,
        title=table.title,
        rows=table.rows + tuple(Line(u.key, u.label) for u in missing),
        columns=table.columns,
        cells=table.cells + tuple(blank for _ in missing),
        row_totals=None
        if table.row_totals is None
        else table.row_totals + tuple(Figure.hide(Hidden.MISSING) for _ in missing),
        column_totals=table.column_totals,
        grand_total=table.grand_total,
        rows_heading=table.rows_heading,
    )


def _ordered(breakdown: Breakdown, members: Iterable[str]) -> list[str]:
    if breakdown is Breakdown.AGE_BAND:
        order = [band.value for band in AgeBand]
        return sorted(members, key=lambda m: (order.index(m) if m in order else 99, m))
    if breakdown is Breakdown.CATALOGUE_AREA:
        return sorted(members, key=lambda m: (int(m) if m.isdigit() else 99, m))
    return sorted(members)


def _language() -> str:
    from cus_shared.i18n.language import current_language

    return current_language()


def _heading(audience: Audience) -> str:
    return _("Partner CUS") if audience.kind is AudienceKind.FORUM else _("Gmina")


def _breakdown_label(breakdown: Breakdown) -> str:
    from cus_reporting.publication.labels import breakdown_label

    return breakdown_label(breakdown)


def _member_label(breakdown: Breakdown, member: str) -> str:
    from cus_reporting.publication.labels import member_label

    return member_label(breakdown, member)


def _category_label(indicator: Indicator, category: str) -> str:
    from cus_reporting.publication.labels import category_label

    return category_label(category)
