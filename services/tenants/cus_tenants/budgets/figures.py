"""The figures of a budget, computed from plain data (no database): totals per period and
service, per service, per period and per funding source (planned and executed), the share of
each service, the value contracted to the social sector, and the funding rules of the seeds.

One calculation serves the API, the pages, the charts, the CSV and XLSX exports and the tests.
Amounts are whole grosze (``int``) and percentages ``Decimal`` with two places: never floats.

The funding rules (POWER 2.8 "Rozwój usług społecznych świadczonych w środowisku lokalnym",
as the seeds quote them): at least 80 % of a project's value goes to social services, and at
least 30 % of its direct costs is contracted by the CUS to the social sector. Both are checked
on the planned amounts and reported as warnings, never as errors: a plan may be incomplete
while it is being written.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Generic, TypeVar

#: Funding sources, in the order tables and exports show them.
FUNDING_SOURCES = ("eu_project", "gmina", "state_budget", "co_payment")
#: The source whose planned services count towards a project's value (the 80 % rule).
PROJECT_SOURCE = "eu_project"

#: At least this share of a project's value must go to services.
SERVICES_MIN_PERCENT = 80
#: At least this share of a project's direct costs must be contracted to the social sector.
SOCIAL_MIN_PERCENT = 30

RULE_SERVICES = "budget.rule_services_80"
RULE_SOCIAL = "budget.rule_social_30"

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True, slots=True)
class Amounts:
    """Planned and executed amounts, in grosze."""

    planned: int = 0
    executed: int = 0

    def __add__(self, other: Amounts) -> Amounts:
        return Amounts(self.planned + other.planned, self.executed + other.executed)


@dataclass(frozen=True, slots=True)
class Line(Generic[K]):
    """One row of a budget: a service in a period from one source."""

    service: K
    period: K
    source: str
    planned: int
    executed: int = 0


@dataclass(frozen=True)
class Table(Generic[K]):
    """Amounts of the services by period (of every source, or of one), with their totals."""

    cells: Mapping[tuple[K, K], Amounts]
    by_period: Mapping[K, Amounts]
    by_service: Mapping[K, Amounts]
    total: Amounts

    def cell(self, period: K, service: K) -> Amounts:
        """The amounts of one service in one period (zero when nothing is planned)."""
        return self.cells.get((period, service), Amounts())


@dataclass(frozen=True, slots=True)
class RuleWarning:
    """A funding rule the plan does not meet (yet), with the figures that show it."""

    key: str
    #: The amount the rule measures (services of the project, or contracted) in grosze.
    amount: int
    #: What it is measured against (the project's value, or its direct costs) in grosze.
    base: int
    #: ``amount`` as a percentage of ``base`` (rounded half up to two places).
    share: Decimal
    #: The minimum percentage and the smallest amount that meets it, and what is missing.
    required_percent: int
    required: int
    shortfall: int


@dataclass(frozen=True)
class Figures(Generic[K]):
    """Everything computed from one budget."""

    services: Sequence[K]
    periods: Sequence[K]
    #: All sources together.
    table: Table[K]
    #: Each source that has lines, in FUNDING_SOURCES order.
    by_source: Mapping[str, Table[K]]
    #: The share of each service in the planned total (None when nothing is planned).
    shares: Mapping[K, Decimal | None]
    #: The share of the total row: 100.00 whenever anything is planned.
    share_total: Decimal | None
    contracted: Mapping[K, int]
    contracted_total: int
    #: The planned services financed by the project (the EU source), for the 80 % rule.
    project_services: int
    project_value: int | None
    direct_costs: int | None
    #: Services of the project as a share of its value; contracted as a share of direct costs.
    services_share_of_project: Decimal | None
    contracted_share_of_direct_costs: Decimal | None
    warnings: Sequence[RuleWarning] = field(default_factory=tuple)


def percent(part: int, whole: int) -> Decimal | None:
    """``part`` as a percentage of ``whole``, rounded half up to two places, with integer
    arithmetic only (exact for any amount); None when ``whole`` is not positive.

    >>> percent(41_700, 1_219_492)
    Decimal('3.42')
    """
    if whole <= 0:
        return None
    # Hundredths of a percent: part * 10 000 / whole, rounded half up (part >= 0).
    hundredths = (2 * part * 10_000 + whole) // (2 * whole)
    return Decimal(hundredths).scaleb(-2)


def share_at_least(part: int, whole: int, minimum_percent: int) -> bool:
    """Whether ``part`` is at least ``minimum_percent`` of ``whole`` (exact, no rounding)."""
    return part * 100 >= whole * minimum_percent


def minimum_amount(whole: int, minimum_percent: int) -> int:
    """The smallest whole number of grosze that is at least ``minimum_percent`` of ``whole``."""
    return -(-whole * minimum_percent // 100)


def tabulate(periods: Sequence[K], services: Sequence[K], lines: Iterable[Line[K]]) -> Table[K]:
    """Sum the lines into cells, row and column totals and the grand total."""
    cells: dict[tuple[K, K], Amounts] = {}
    by_period = dict.fromkeys(periods, Amounts())
    by_service = dict.fromkeys(services, Amounts())
    total = Amounts()
    for line in lines:
        amounts = Amounts(line.planned, line.executed)
        key = (line.period, line.service)
        cells[key] = cells.get(key, Amounts()) + amounts
        by_period[line.period] = by_period.get(line.period, Amounts()) + amounts
        by_service[line.service] = by_service.get(line.service, Amounts()) + amounts
        total += amounts
    return Table(cells=cells, by_period=by_period, by_service=by_service, total=total)


def compute(
    *,
    periods: Sequence[K],
    services: Sequence[K],
    lines: Sequence[Line[K]],
    contracted: Mapping[K, int] | None = None,
    project_value: int | None = None,
    direct_costs: int | None = None,
) -> Figures[K]:
    """The figures of a budget: its services and periods in order, its lines, the value of
    each service contracted to the social sector, and (when given) the project's value and
    direct costs for the funding rules."""
    table = tabulate(periods, services, lines)
    by_source = {
        source: tabulate(periods, services, [line for line in lines if line.source == source])
        for source in FUNDING_SOURCES
        if any(line.source == source for line in lines)
    }
    planned_total = table.total.planned
    # Shares: each service's share is rounded half up on its own, and the total row shows
    # the share of the total (100.00), not the sum of the rounded shares. The rounded shares
    # may then add up to 100.01 or 99.99; they are NOT adjusted (no largest-remainder
    # method), because the seeds do exactly this: Jarocin's 32.96 + 32.96 + 16.95 + 17.14
    # make 100.01 and its table still says 100,00 % (largest remainder would turn 16.95 into
    # 16.94, which is not what the programme says); Kramsk's 3.42 + 47.98 + 29.33 + 19.27
    # happen to make 100.00. Each figure then matches what a person computes by hand for
    # that service, which is what a programme document and an auditor check.
    shares = {
        s: percent(table.by_service.get(s, Amounts()).planned, planned_total) for s in services
    }
    contracted_of = {s: (contracted or {}).get(s, 0) for s in services}
    contracted_total = sum(contracted_of.values())
    project = by_source.get(PROJECT_SOURCE)
    project_services = project.total.planned if project else 0
    warnings: list[RuleWarning] = []
    services_share = None
    if project_value:
        # The 80 % rule is about the project's money: services financed by the EU project
        # against the project's value (the gmina's own or other funds in the same budget do
        # not make up for it).
        services_share = percent(project_services, project_value)
        if not share_at_least(project_services, project_value, SERVICES_MIN_PERCENT):
            required = minimum_amount(project_value, SERVICES_MIN_PERCENT)
            warnings.append(
                RuleWarning(
                    key=RULE_SERVICES,
                    amount=project_services,
                    base=project_value,
                    share=services_share or Decimal("0.00"),
                    required_percent=SERVICES_MIN_PERCENT,
                    required=required,
                    shortfall=required - project_services,
                )
            )
    social_share = None
    if direct_costs:
        social_share = percent(contracted_total, direct_costs)
        if not share_at_least(contracted_total, direct_costs, SOCIAL_MIN_PERCENT):
            required = minimum_amount(direct_costs, SOCIAL_MIN_PERCENT)
            warnings.append(
                RuleWarning(
                    key=RULE_SOCIAL,
                    amount=contracted_total,
                    base=direct_costs,
                    share=social_share or Decimal("0.00"),
                    required_percent=SOCIAL_MIN_PERCENT,
                    required=required,
                    shortfall=required - contracted_total,
                )
            )
    return Figures(
        services=tuple(services),
        periods=tuple(periods),
        table=table,
        by_source=by_source,
        shares=shares,
        share_total=percent(planned_total, planned_total),
        contracted=contracted_of,
        contracted_total=contracted_total,
        project_services=project_services,
        project_value=project_value,
        direct_costs=direct_costs,
        services_share_of_project=services_share,
        contracted_share_of_direct_costs=social_share,
        warnings=tuple(warnings),
    )
