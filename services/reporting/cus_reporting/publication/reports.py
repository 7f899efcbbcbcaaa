"""From snapshots to published reports: the figures of an audience's units (gminy, or partner
CUS for the Forum), protected quarter by quarter, with breakdowns of the audience's total.

Every count table goes through :func:`cus_reporting.disclosure.control.protect` here, and only
:class:`~cus_reporting.publication.tables.Figure` objects (shown value or reason) leave this
module. Sums, medians and shares follow their governing count (``Indicator.base``): where the
count is hidden, so are they. Budget figures (public money of an agreement, no residents) are
published as they are.
"""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import text

from cus_reporting.audiences import AudienceKind
from cus_reporting.disclosure.control import (
    Policy,
    ProtectedTable,
    Reason,
    Table,
    protect,
    protect_together,
)
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
    over the ``quarters`` ending with it, and the audience's total by each breakdown.

    Each quarter is published as one protected whole (comparison and breakdowns together), the
    same whether it is the page's quarter or a column of another page's trend, so that no two
    pages show different states of the same figures.
    """
    policy = policy or Policy()
    span = tuple(quarter.back(quarters))
    budget = indicator.id in BUDGET_INDICATORS
    gminy = await _gminy(session, audience)
    if budget or audience.kind is AudienceKind.FORUM:
        units = _agreements(gminy)
    else:
        units = [Unit(g.teryt, f"{g.name} ({g.teryt})", (g.teryt,)) for g in gminy]
    needed = [indicator.id] + ([indicator.base] if indicator.base else [])
    source = _Source(units, needed, span, budget)
    computed = await _snapshots(session, source)
    published: dict[Quarter, _Published] = {}
    available: dict[Quarter, list[Unit]] = {}
    values: _Values | None = None
    for q in span:
        available[q] = [u for u in units if (u.key, q) in computed]
        version = tuple((u.key, computed[(u.key, q)]) for u in available[q])
        cached = _cached(indicator, audience, q, policy, version)
        if cached is None and values is None:  # read the figures once, only when needed
            values = await _figures(session, source)
        scope = _Scope(audience, tuple(available[q]), q, values or _Values(), policy, version)
        published[q] = cached or _quarter_tables(indicator, scope)
    trend = _trend(indicator, units, span, {q: p.comparison for q, p in published.items()})
    times = [at for (_key, q), at in computed.items() if q == quarter]
    return Report(
        audience_label=audience.label,
        indicator=indicator,
        quarter=quarter,
        quarters=span,
        comparison=_with_missing(published[quarter].comparison, units, available[quarter]),
        trend=trend,
        breakdowns=dict(published[quarter].breakdowns),
        computed_at=min(times) if times else None,
        language=language,
    )


@dataclass(frozen=True, slots=True)
class _Scope:
    """One quarter of one audience: the units with a snapshot, their figures, the rules, and
    the snapshots' identity (``version``: unit and computed_at), which keys the cache."""

    audience: Audience
    units: tuple[Unit, ...]
    quarter: Quarter
    values: _Values = field(compare=False, hash=False)
    policy: Policy
    version: tuple[tuple[str, datetime], ...]


@dataclass(frozen=True, slots=True)
class _Published:
    """One quarter's published tables: the comparison and the breakdowns of its total."""

    comparison: PublishedTable
    breakdowns: tuple[tuple[str, PublishedTable], ...]


#: Published quarters, by audience, indicator, quarter, rules, snapshots and language: the
#: joint audit takes seconds for a voivodeship of 300 gminy, and a snapshot never changes
#: (a refresh gives it a new computed_at, hence a new key).
_CACHE: OrderedDict[tuple[Any, ...], _Published] = OrderedDict()
_CACHE_SIZE = 2048


def forget_published() -> None:
    """Drop the quarters kept in memory (benchmarks measure a first view with it)."""
    _CACHE.clear()


def _cache_key(
    indicator: Indicator,
    audience: Audience,
    quarter: Quarter,
    policy: Policy,
    version: tuple[tuple[str, datetime], ...],
) -> tuple[Any, ...]:
    return (audience, indicator.id, quarter, policy, version, _language())


def _cached(
    indicator: Indicator,
    audience: Audience,
    quarter: Quarter,
    policy: Policy,
    version: tuple[tuple[str, datetime], ...],
) -> _Published | None:
    key = _cache_key(indicator, audience, quarter, policy, version)
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    return None


def _quarter_tables(indicator: Indicator, scope: _Scope) -> _Published:
    key = _cache_key(indicator, scope.audience, scope.quarter, scope.policy, scope.version)
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    if indicator.kind is Kind.COUNT:
        result = _count_tables(indicator, scope)
    elif indicator.base is None:
        result = _budget_tables(indicator, scope)
    else:
        result = _derived_tables(indicator, scope)
    _CACHE[key] = result
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return result


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


@dataclass(frozen=True, slots=True)
class _Source:
    """Where a report's figures are: gminy's snapshots, or agreements' (budgets)."""

    units: Sequence[Unit]
    indicators: Sequence[str]
    span: Sequence[Quarter]
    budget: bool

    @property
    def owner(self) -> dict[str, str]:
        """Snapshot key (TERYT, or agreement id) -> the unit it is counted in."""
        if self.budget:
            return {u.key: u.key for u in self.units if _is_uuid(u.key)}
        return {t: u.key for u in self.units for t in u.gminy}

    @property
    def tables(self) -> tuple[str, str, str]:
        """Snapshot table, figure table and their key column."""
        if self.budget:
            return "reporting.agreement_snapshot", "reporting.agreement_figure", "agreement_id"
        return "reporting.snapshot", "reporting.figure", "teryt"

    @property
    def params(self) -> dict[str, Any]:
        lo, hi = self.span[0], self.span[-1]
        return {
            "lo": lo.year * 4 + lo.number,
            "hi": hi.year * 4 + hi.number,
            "ind": list(self.indicators),
            "k": list(self.owner),
        }

    @property
    def keys(self) -> str:
        cast = "CAST(:k AS uuid[])" if self.budget else ":k"
        return f"{self.tables[2]} = ANY({cast}) AND year * 4 + quarter BETWEEN :lo AND :hi"


async def _snapshots(session: AsyncSession, source: _Source) -> dict[tuple[str, Quarter], datetime]:
    """When each unit's snapshot of each quarter was computed (the oldest of its gminy)."""
    computed: dict[tuple[str, Quarter], datetime] = {}
    if not source.units:
        return computed
    snapshots, _figures_table, key = source.tables
    quarters = {(q.year, q.number): q for q in source.span}
    owner = source.owner
    rows = await session.execute(
        text(f"SELECT {key} AS k, year, quarter, computed_at FROM {snapshots} WHERE {source.keys}"),
        source.params,
    )
    for r in rows:
        slot = (owner[str(r.k)], quarters[(r.year, r.quarter)])
        computed[slot] = min(computed.get(slot, r.computed_at), r.computed_at)
    return computed


async def _figures(session: AsyncSession, source: _Source) -> _Values:
    """Every figure of the span's quarters, summed per unit (each quarter is published whole)."""
    values = _Values()
    if not source.units:
        return values
    _snapshots_table, figures, key = source.tables
    histogram = "NULL" if source.budget else "histogram"
    quarters = {(q.year, q.number): q for q in source.span}
    owner = source.owner
    rows = await session.execute(
        text(
            f"SELECT {key} AS k, year, quarter, indicator, breakdown, member, category, value, "
            f"denominator, {histogram} AS histogram FROM {figures} WHERE {source.keys} "
            "AND indicator = ANY(:ind)"
        ),
        source.params,
    )
    for r in rows:
        key_ = (
            owner[str(r.k)],
            quarters[(r.year, r.quarter)],
            r.indicator,
            r.breakdown,
            r.member,
            r.category,
        )
        values.value[key_] += r.value
        if r.denominator is not None:
            values.denominator[key_] += r.denominator
        if r.histogram:
            merged = values.histogram[key_]
            for days, cases in r.histogram.items():
                merged[int(days)] += int(cases)
        if r.value:
            values.contributors[key_].add(str(r.k))
    return values


def _is_uuid(value: str) -> bool:
    return len(value) == 36 and value.count("-") == 4


def _columns(indicator: Indicator) -> tuple[Line, ...]:
    if indicator.categories:
        return tuple(Line(c, _category_label(indicator, c)) for c in indicator.categories)
    return (Line(TOTAL, _("Value")),)


def _category(column: Line) -> str:
    return "" if column.key == TOTAL else column.key


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


def _derived_value(
    indicator: Indicator, keys: Sequence[tuple[Any, ...]], values: _Values
) -> Figure:
    if indicator.kind is Kind.MEDIAN:
        merged: dict[int, int] = defaultdict(int)
        for k in keys:
            for days, cases in values.histogram.get(k, {}).items():
                merged[days] += cases
        return Figure.shown(_median(merged).quantize(_CENT, ROUND_HALF_UP))
    numerator = sum((values.value.get(k, Decimal(0)) for k in keys), Decimal(0))
    if indicator.kind is Kind.RATIO:
        denominator = sum((values.denominator.get(k, Decimal(0)) for k in keys), Decimal(0))
        if not denominator:
            return Figure.shown(0)
        return Figure.shown((100 * numerator / denominator).quantize(_CENT, ROUND_HALF_UP))
    return Figure.shown(numerator)


def _median(histogram: Mapping[int, int]) -> Decimal:
    """The median of the days a histogram counts ({days: cases}), without listing every case
    (0 when there is none: its governing count is 0 too)."""
    total = sum(histogram.values())
    if not total:
        return Decimal(0)
    middle = ((total - 1) // 2, total // 2)  # the two middle positions (the same when odd)
    found: list[int] = []
    seen = 0
    for days in sorted(histogram):
        seen += histogram[days]
        while len(found) < 2 and seen > middle[len(found)]:
            found.append(days)
    return Decimal(found[0] + found[1]) / 2


def _trend(
    indicator: Indicator,
    units: Sequence[Unit],
    span: Sequence[Quarter],
    comparisons: Mapping[Quarter, PublishedTable],
) -> PublishedTable:
    """Units x quarters: each quarter's unit totals as published in that quarter's table."""
    columns = tuple(Line(q.label, q.label) for q in span)
    cells: list[tuple[Figure, ...]] = []
    index = {q: {r.key: i for i, r in enumerate(comparisons[q].rows)} for q in span}
    for unit in units:
        line = []
        for q in span:
            i = index[q].get(unit.key)
            if i is None:
                line.append(Figure.hide(Hidden.MISSING))
                continue
            line.append(_unit_total(comparisons[q], i))
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


@dataclass(frozen=True, slots=True)
class _Parts:
    """One breakdown of the audience's total before protection (figures summed over units)."""

    breakdown: Breakdown
    rows: tuple[Line, ...]
    columns: tuple[Line, ...]
    keys: list[list[tuple[Any, ...]]]
    merged: _Values
    title: str
    heading: str


def _breakdown_parts(
    indicator: Indicator,
    breakdown: Breakdown,
    units: Sequence[Unit],
    values: _Values,
    quarter: Quarter,
) -> _Parts | None:
    """The audience's total split by one breakdown (members x categories), summed over its
    units first: a regional aggregate (contributors kept for the rule where it applies)."""
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
    return _Parts(breakdown, rows, columns, keys, merged, title, _breakdown_label(breakdown))


def _title(indicator: Indicator, quarter: Quarter) -> str:
    return _("%(indicator)s, %(quarter)s") % {
        "indicator": indicator.name(_language()),
        "quarter": quarter.label,
    }


def _comparison_keys(indicator: Indicator, scope: _Scope) -> list[list[tuple[Any, ...]]]:
    return [
        [(u.key, scope.quarter, indicator.id, "", "", _category(c)) for c in _columns(indicator)]
        for u in scope.units
    ]


def _count_table(
    rows: Sequence[Line],
    columns: Sequence[Line],
    keys: Sequence[Sequence[tuple[Any, ...]]],
    values: _Values,
    audience: Audience,
) -> Table:
    counts = tuple(tuple(int(values.value.get(k, 0)) for k in line) for line in keys)
    contributors = None
    if audience.applies_contributor_rule:
        contributors = tuple(
            tuple(frozenset(values.contributors.get(k, ())) for k in line) for line in keys
        )
    return Table(tuple(r.key for r in rows), tuple(c.key for c in columns), counts, contributors)


def _count_tables(indicator: Indicator, scope: _Scope) -> _Published:
    """Counts: the comparison and the breakdowns that split the same totals are protected
    together (one exact joint audit); a breakdown that is not additive (a resident served in
    two areas counts in both) has totals of its own and is protected alone."""
    columns = _columns(indicator)
    rows = tuple(Line(u.key, u.label) for u in scope.units)
    title, heading = _title(indicator, scope.quarter), _heading(scope.audience)
    if not scope.units:
        empty = PublishedTable(indicator, title, rows, columns, (), rows_heading=heading)
        return _Published(empty, ())
    main = _count_table(
        rows, columns, _comparison_keys(indicator, scope), scope.values, scope.audience
    )
    parts = _all_parts(indicator, scope)
    tables = {
        k: _count_table(p.rows, p.columns, p.keys, p.merged, scope.audience)
        for k, p in parts.items()
    }
    linked = [k for k, t in tables.items() if t.column_totals == main.column_totals]
    first, rest = protect_together(main, [tables[k] for k in linked], scope.policy)
    protected = dict(zip(linked, rest, strict=True))
    for k, table in tables.items():
        if k not in protected:
            protected[k] = protect(table, scope.policy)
    return _Published(
        _published(indicator, title, first, rows, columns, heading),
        tuple(
            (k, _published(indicator, p.title, protected[k], p.rows, p.columns, p.heading))
            for k, p in parts.items()
        ),
    )


def _derived_tables(indicator: Indicator, scope: _Scope) -> _Published:
    """Sums, medians and shares: computed from the raw figures and hidden wherever the
    governing count (``Indicator.base``) is hidden as that count's own tables publish it."""
    assert indicator.base is not None
    base = _quarter_tables(REGISTRY[indicator.base], scope)
    columns = _columns(indicator)
    rows = tuple(Line(u.key, u.label) for u in scope.units)
    keys = _comparison_keys(indicator, scope)
    hidden_rows = [_unit_total(base.comparison, i).hidden is not None for i in range(len(rows))]
    comparison = _derived_table(
        indicator,
        _title(indicator, scope.quarter),
        rows,
        columns,
        keys,
        scope.values,
        hidden_rows,
        _audience_total(base.comparison).hidden is not None,
        _heading(scope.audience),
    )
    base_breakdowns = dict(base.breakdowns)
    breakdowns = []
    for k, p in _all_parts(indicator, scope).items():
        counts = base_breakdowns.get(k)
        if counts is None:  # the count has no such split: nothing can be shown safely
            hidden = [True] * len(p.rows)
        else:
            members = [r.key for r in counts.rows]
            hidden = [
                r.key not in members or _unit_total(counts, members.index(r.key)).hidden is not None
                for r in p.rows
            ]
        table = _derived_table(
            indicator, p.title, p.rows, p.columns, p.keys, p.merged, hidden, True, p.heading
        )
        breakdowns.append((k, table))
    return _Published(comparison, tuple(breakdowns))


def _derived_table(
    indicator: Indicator,
    title: str,
    rows: Sequence[Line],
    columns: Sequence[Line],
    keys: Sequence[Sequence[tuple[Any, ...]]],
    values: _Values,
    hidden_rows: Sequence[bool],
    total_hidden: bool,
    heading: str,
) -> PublishedTable:
    cells = tuple(
        tuple(
            Figure.hide(Hidden.BASE) if hidden else _derived_value(indicator, [k], values)
            for k in line
        )
        for line, hidden in zip(keys, hidden_rows, strict=True)
    )
    column_totals = tuple(
        Figure.hide(Hidden.BASE)
        if total_hidden
        else _derived_value(indicator, [line[j] for line in keys], values)
        for j in range(len(columns))
    )
    return PublishedTable(
        indicator=indicator,
        title=title,
        rows=tuple(rows),
        columns=tuple(columns),
        cells=cells,
        column_totals=column_totals if keys else None,
        rows_heading=heading,
    )


def _budget_tables(indicator: Indicator, scope: _Scope) -> _Published:
    """Budget figures: public money of an agreement, no residents; published as they are."""
    columns = _columns(indicator)
    rows = tuple(Line(u.key, u.label) for u in scope.units)
    keys = _comparison_keys(indicator, scope)
    shown = [False] * len(rows)
    comparison = _derived_table(
        indicator,
        _title(indicator, scope.quarter),
        rows,
        columns,
        keys,
        scope.values,
        shown,
        False,
        _heading(scope.audience),
    )
    breakdowns = tuple(
        (
            k,
            _derived_table(
                indicator,
                p.title,
                p.rows,
                p.columns,
                p.keys,
                p.merged,
                [False] * len(p.rows),
                True,
                p.heading,
            ),
        )
        for k, p in _all_parts(indicator, scope).items()
    )
    return _Published(comparison, breakdowns)


def _all_parts(indicator: Indicator, scope: _Scope) -> dict[str, _Parts]:
    allowed = sorted(indicator.breakdowns - WHERE)
    if indicator.id in BUDGET_INDICATORS:
        allowed = [b for b in allowed if b in (Breakdown.SERVICE, Breakdown.CATALOGUE_AREA)]
    found = {}
    for breakdown in allowed:
        parts = _breakdown_parts(indicator, breakdown, scope.units, scope.values, scope.quarter)
        if parts is not None:
            found[breakdown.value] = parts
    return found


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
