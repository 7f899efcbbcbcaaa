"""Budgets: who may see and change them, validation of periods, services and lines (every
problem collected before anything is written), and the budget with its figures.

Access follows the programme's gmina (``gmina_planning_access``): staff of the gminy of its
agreements read, the gmina's director and OUS change, operators do everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.orm import lazyload, selectinload

from cus_shared.errors import FieldProblem, InputError, NotFoundError
from cus_shared.i18n.amounts import MAX_GROSZE
from cus_shared.i18n.formatting import format_date, format_money
from cus_tenants.agreements.access import gmina_planning_access
from cus_tenants.budgets import figures as calc
from cus_tenants.budgets.models import Budget, BudgetLine, BudgetPeriod, BudgetService
from cus_tenants.budgets.schemas import MAX_PERIODS, PeriodIn
from cus_tenants.catalogue.models import CatalogueService
from cus_tenants.gminy.service import gmina_names
from cus_tenants.programmes.models import Programme
from cus_tenants.programmes.service import agreements_of

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.ext.asyncio import AsyncSession

    from cus_shared.identity.principal import Principal
    from cus_tenants.budgets.schemas import (
        BudgetCreate,
        BudgetLinesIn,
        BudgetServicesIn,
        BudgetUpdate,
        PeriodChange,
    )


@dataclass(frozen=True, slots=True)
class ServiceOption:
    """A catalogue service a budget may include."""

    id: UUID
    code: str
    name: str


@dataclass(frozen=True)
class BudgetReport:
    """A budget with what its pages, API and exports show: names and figures."""

    budget: Budget
    programme: Programme
    gmina_name: str
    services: Sequence[ServiceOption]
    periods: Sequence[BudgetPeriod]
    figures: calc.Figures[UUID]
    can_change: bool

    def service_name(self, service_id: UUID) -> str:
        """The current name of a service of the budget."""
        return next((s.name for s in self.services if s.id == service_id), "")


def _key(value: UUID | str) -> UUID:
    try:
        return value if isinstance(value, UUID) else UUID(str(value))
    except ValueError:
        raise NotFoundError("not_found") from None


def _today() -> date:
    return datetime.now(UTC).date()


async def programme_access(
    session: AsyncSession, principal: Principal, programme_id: UUID | str, *, change: bool
) -> tuple[Programme, bool]:
    """The programme if the caller may read its budgets (404), and whether they may change
    them (403 when ``change`` and they may not)."""
    programme = await session.scalar(
        select(Programme)
        .where(Programme.id == _key(programme_id))
        .options(lazyload(Programme.services))
    )
    if programme is None:
        raise NotFoundError("not_found")
    can_change = await gmina_planning_access(session, principal, programme.teryt, change=change)
    return programme, can_change


async def budget_access(
    session: AsyncSession,
    principal: Principal,
    budget_id: UUID | str,
    *,
    change: bool,
) -> tuple[Budget, Programme, bool]:
    """The budget and its programme if the caller may read it (404), and whether they may
    change it (403 when ``change`` and they may not). A change locks the budget's row, so two
    people saving at once take turns."""
    budget = await session.get(Budget, _key(budget_id), with_for_update=change or None)
    if budget is None:
        raise NotFoundError("not_found")
    programme, can_change = await programme_access(
        session, principal, budget.programme_id, change=change
    )
    return budget, programme, can_change


async def list_budgets(session: AsyncSession, programme: Programme) -> list[Budget]:
    """A programme's budgets by title."""
    return list(
        await session.scalars(
            select(Budget).where(Budget.programme_id == programme.id).order_by(Budget.title)
        )
    )


async def gmina_name(session: AsyncSession, teryt: str) -> str:
    """The name of a programme's gmina."""
    return (await gmina_names(session, [teryt])).get(teryt, teryt)


async def available_services(session: AsyncSession, programme: Programme) -> list[ServiceOption]:
    """The catalogue services a programme's budget may include: those of the agreements its
    gmina belongs to today or belonged to during the programme's period."""
    agreements = await agreements_of(session, programme)
    rows = await session.scalars(
        select(CatalogueService)
        .where(CatalogueService.agreement_id.in_(agreements))
        .order_by(CatalogueService.code)
    )
    options = [
        ServiceOption(id=s.id, code=s.code, name=s.current.name if s.versions else s.code)
        for s in rows
    ]
    return sorted(options, key=lambda o: (o.name.casefold(), o.code))


async def services_of(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, ServiceOption]:
    """Catalogue services by id, with their current names."""
    if not ids:
        return {}
    rows = await session.scalars(select(CatalogueService).where(CatalogueService.id.in_(ids)))
    return {
        s.id: ServiceOption(id=s.id, code=s.code, name=s.current.name if s.versions else s.code)
        for s in rows
    }


# --- periods -----------------------------------------------------------------------------


def year_periods(programme: Programme) -> list[tuple[str, date, date]]:
    """One period per calendar year of the programme (the first and last may be partial)."""
    return [
        (
            str(year),
            max(date(year, 1, 1), programme.period_start),
            min(date(year, 12, 31), programme.period_end),
        )
        for year in range(programme.period_start.year, programme.period_end.year + 1)
    ]


def _period_problems(
    periods: Sequence[PeriodIn], kind: str, programme: Programme
) -> list[FieldProblem]:
    """Dates in order, within the programme, one after another without overlaps; a year
    within one calendar year."""
    problems: list[FieldProblem] = []
    window: dict[str, str | int] = {
        "start": format_date(programme.period_start),
        "end": format_date(programme.period_end),
    }
    previous_end: date | None = None
    for index, period in enumerate(periods):
        name = f"periods[{index}]"
        if period.ends_on < period.starts_on:
            problems.append(FieldProblem(field=f"{name}.ends_on", key="budget.period_dates"))
        if period.starts_on < programme.period_start or period.starts_on > programme.period_end:
            problems.append(
                FieldProblem(
                    field=f"{name}.starts_on", key="budget.period_outside_programme", params=window
                )
            )
        if period.ends_on > programme.period_end or period.ends_on < programme.period_start:
            problems.append(
                FieldProblem(
                    field=f"{name}.ends_on", key="budget.period_outside_programme", params=window
                )
            )
        if kind == "year" and period.starts_on.year != period.ends_on.year:
            problems.append(FieldProblem(field=f"{name}.ends_on", key="budget.period_year"))
        if previous_end is not None and period.starts_on <= previous_end:
            problems.append(
                FieldProblem(
                    field=f"{name}.starts_on",
                    key="budget.periods_overlap",
                    params={"number": index},
                )
            )
        previous_end = max(previous_end or period.ends_on, period.ends_on)
    return problems


def _amount_problem(value: int | None, field: str) -> FieldProblem | None:
    if value is None or 0 <= value <= MAX_GROSZE:
        return None
    return FieldProblem(field=field, key="budget.amount")


def _money(grosze: int) -> str:
    return format_money(grosze, grosze=True)


def new_periods(programme: Programme, data: BudgetCreate) -> list[PeriodIn]:
    """The periods of a new budget: those given, or for a budget by year without any, one
    per calendar year of the programme."""
    if data.periods or data.period_kind != "year":
        return list(data.periods)
    return [
        PeriodIn(label=label, starts_on=start, ends_on=end)
        for label, start, end in year_periods(programme)[:MAX_PERIODS]
    ]


def check_new_budget(programme: Programme, data: BudgetCreate) -> list[FieldProblem]:
    """Everything wrong with a new budget (nothing when it may be stored)."""
    periods = new_periods(programme, data)
    problems: list[FieldProblem] = []
    if not periods:
        problems.append(FieldProblem(field="periods", key="budget.periods_required"))
    problems += _period_problems(periods, data.period_kind, programme)
    for field in ("project_value_grosze", "direct_costs_grosze"):
        found = _amount_problem(getattr(data, field), field)
        if found:
            problems.append(found)
    return problems


async def create_budget(session: AsyncSession, programme: Programme, data: BudgetCreate) -> Budget:
    """Validate and store a new budget with its periods (no services or amounts yet)."""
    problems = check_new_budget(programme, data)
    if problems:
        raise InputError("invalid_input", problems=problems)
    periods = new_periods(programme, data)
    budget = Budget(
        programme_id=programme.id,
        title=data.title,
        period_kind=data.period_kind,
        project_value_grosze=data.project_value_grosze,
        direct_costs_grosze=data.direct_costs_grosze,
        periods=[
            BudgetPeriod(ordinal=i, label=p.label, starts_on=p.starts_on, ends_on=p.ends_on)
            for i, p in enumerate(periods)
        ],
        services=[],
    )
    session.add(budget)
    await session.flush()
    return budget


async def check_update(
    session: AsyncSession, budget: Budget, programme: Programme, data: BudgetUpdate
) -> list[FieldProblem]:
    """Everything wrong with a change of a budget (nothing when it may be stored): also a
    removal of periods that would leave a service with less than is contracted of it."""
    given = data.model_fields_set
    kind = data.period_kind or budget.period_kind
    problems: list[FieldProblem] = []
    if data.periods is not None:
        problems += _period_problems(data.periods, kind, programme)
        stored = {p.id for p in budget.periods}
        named: set[UUID] = set()
        for index, period in enumerate(data.periods):
            if period.id is None:
                continue
            if period.id not in stored:
                problems.append(
                    FieldProblem(field=f"periods[{index}].id", key="budget.period_unknown")
                )
            elif period.id in named:
                problems.append(FieldProblem(field=f"periods[{index}].id", key="field.invalid"))
            named.add(period.id)
        problems += await _contracted_after_removal(session, budget, stored - named)
    elif kind == "year" and any(p.starts_on.year != p.ends_on.year for p in budget.periods):
        # The stored periods do not fit the new kind: say so on the kind.
        problems.append(FieldProblem(field="period_kind", key="budget.period_year"))
    for field in ("project_value_grosze", "direct_costs_grosze"):
        found = _amount_problem(getattr(data, field), field)
        if found:
            problems.append(found)
    for field in ("title", "period_kind"):
        if field in given and getattr(data, field) is None:
            problems.append(FieldProblem(field=field, key="field.required"))
    return problems


async def update_budget(
    session: AsyncSession, budget: Budget, programme: Programme, data: BudgetUpdate
) -> Budget:
    """Change a budget's title, kind, periods or the project's value and direct costs."""
    problems = await check_update(session, budget, programme, data)
    given = data.model_fields_set
    kind = data.period_kind or budget.period_kind
    if problems:
        raise InputError("invalid_input", problems=problems)
    if data.title is not None:
        budget.title = data.title
    budget.period_kind = kind
    for field in ("project_value_grosze", "direct_costs_grosze"):
        if field in given:
            setattr(budget, field, getattr(data, field))
    if data.periods is not None:
        await _replace_periods(session, budget, data.periods)
    budget.updated_at = func.now()
    await session.flush()
    return await _reload(session, budget)


async def _contracted_after_removal(
    session: AsyncSession, budget: Budget, removed: set[UUID]
) -> list[FieldProblem]:
    """Services whose contracted value would exceed what stays planned without the removed
    periods' amounts."""
    if not removed:
        return []
    remaining = [
        (service, sum(x.planned_grosze for x in service.lines if x.period_id not in removed))
        for service in budget.services
    ]
    short = [(s, planned) for s, planned in remaining if s.contracted_social_grosze > planned]
    names = await services_of(session, [s.service_id for s, _ in short])
    return [
        FieldProblem(
            field="periods",
            key="budget.contracted_exceeds_planned",
            params={
                "service": names[s.service_id].name if s.service_id in names else "",
                "contracted": _money(s.contracted_social_grosze),
                "planned": _money(planned),
            },
        )
        for s, planned in short
    ]


async def _replace_periods(
    session: AsyncSession, budget: Budget, periods: Sequence[PeriodChange]
) -> None:
    """The new list of periods: stored ones by id changed, new ones added, the rest removed
    with their amounts; in steps, because (budget, ordinal) is unique and the database
    removes a period's lines itself."""
    wanted = {p.id for p in periods if p.id is not None}
    gone = {p.id for p in budget.periods if p.id not in wanted}
    if gone:
        for service in budget.services:
            service.lines = [line for line in service.lines if line.period_id not in gone]
        await session.flush()
    stored = {p.id: p for p in budget.periods if p.id in wanted}
    budget.periods = list(stored.values())
    for index, period in enumerate(budget.periods):
        period.ordinal = -1 - index
    await session.flush()
    ordered: list[BudgetPeriod] = []
    for index, change in enumerate(periods):
        target = stored.get(change.id) if change.id is not None else None
        if target is None:
            target = BudgetPeriod(ordinal=index)
        target.ordinal = index
        target.label, target.starts_on, target.ends_on = (
            change.label,
            change.starts_on,
            change.ends_on,
        )
        ordered.append(target)
    budget.periods = ordered


# --- services ----------------------------------------------------------------------------


async def check_services(
    session: AsyncSession, budget: Budget, programme: Programme, data: BudgetServicesIn
) -> list[FieldProblem]:
    """Everything wrong with a new list of the budget's services."""
    allowed = {o.id: o for o in await available_services(session, programme)}
    stored = {s.service_id: s for s in budget.services}
    problems: list[FieldProblem] = []
    seen: set[UUID] = set()
    for index, item in enumerate(data.services):
        name = f"services[{index}]"
        if item.service_id in seen:
            problems.append(
                FieldProblem(field=f"{name}.service_id", key="budget.service_duplicate")
            )
        seen.add(item.service_id)
        if item.service_id not in allowed:
            problems.append(FieldProblem(field=f"{name}.service_id", key="budget.service_unknown"))
            continue
        found = _amount_problem(item.contracted_social_grosze, f"{name}.contracted_social_grosze")
        if found:
            problems.append(found)
            continue
        existing = stored.get(item.service_id)
        planned = sum(line.planned_grosze for line in existing.lines) if existing else 0
        if item.contracted_social_grosze > planned:
            problems.append(
                FieldProblem(
                    field=f"{name}.contracted_social_grosze",
                    key="budget.contracted_exceeds_planned",
                    params={
                        "service": allowed[item.service_id].name,
                        "contracted": _money(item.contracted_social_grosze),
                        "planned": _money(planned),
                    },
                )
            )
    return problems


async def replace_services(
    session: AsyncSession, budget: Budget, programme: Programme, data: BudgetServicesIn
) -> Budget:
    """Set the budget's services (in order) and what each contracts to the social sector.
    A service left out leaves the budget with its amounts."""
    problems = await check_services(session, budget, programme, data)
    if problems:
        raise InputError("invalid_input", problems=problems)
    stored = {s.service_id: s for s in budget.services}
    # Two steps, because (budget, ordinal) is unique and rows are updated one at a time:
    # first the services that go are removed and those that stay step aside, then each
    # takes its place.
    kept = {item.service_id for item in data.services}
    budget.services = [s for s in budget.services if s.service_id in kept]
    for index, service in enumerate(budget.services):
        service.ordinal = -1 - index
    await session.flush()
    for index, item in enumerate(data.services):
        existing = stored.get(item.service_id)
        if existing is None:
            budget.services.append(
                BudgetService(
                    service_id=item.service_id,
                    ordinal=index,
                    contracted_social_grosze=item.contracted_social_grosze,
                    lines=[],
                )
            )
        else:
            existing.ordinal = index
            existing.contracted_social_grosze = item.contracted_social_grosze
    budget.updated_at = func.now()
    await session.flush()
    return await _reload(session, budget)


# --- lines -------------------------------------------------------------------------------


async def check_lines(
    session: AsyncSession, budget: Budget, data: BudgetLinesIn
) -> list[FieldProblem]:
    """Everything wrong with a new set of the budget's lines."""
    services = {s.service_id: s for s in budget.services}
    periods = {p.id for p in budget.periods}
    problems: list[FieldProblem] = []
    seen: set[tuple[UUID, UUID, str]] = set()
    planned: dict[UUID, int] = dict.fromkeys(services, 0)
    for index, line in enumerate(data.lines):
        name = f"lines[{index}]"
        if line.service_id not in services:
            problems.append(
                FieldProblem(field=f"{name}.service_id", key="budget.service_not_in_budget")
            )
        if line.period_id not in periods:
            problems.append(FieldProblem(field=f"{name}.period_id", key="budget.period_unknown"))
        bad_amount = False
        for field in ("planned_grosze", "executed_grosze"):
            found = _amount_problem(getattr(line, field), f"{name}.{field}")
            if found:
                problems.append(found)
                bad_amount = True
        key = (line.service_id, line.period_id, line.funding_source)
        if key in seen:
            problems.append(FieldProblem(field=name, key="budget.line_duplicate"))
        seen.add(key)
        if line.service_id in planned and not bad_amount:
            planned[line.service_id] += line.planned_grosze
    if problems:
        return problems
    names = await services_of(session, list(services))
    for service_id, service in services.items():
        if service.contracted_social_grosze > planned[service_id]:
            problems.append(
                FieldProblem(
                    field="lines",
                    key="budget.contracted_exceeds_planned",
                    params={
                        "service": names[service_id].name if service_id in names else "",
                        "contracted": _money(service.contracted_social_grosze),
                        "planned": _money(planned[service_id]),
                    },
                )
            )
    return problems


async def replace_lines(session: AsyncSession, budget: Budget, data: BudgetLinesIn) -> Budget:
    """Replace every line of the budget at once: amounts of its services in its periods."""
    problems = await check_lines(session, budget, data)
    if problems:
        raise InputError("invalid_input", problems=problems)
    services = {s.service_id: s for s in budget.services}
    wanted: dict[UUID, dict[tuple[UUID, str], tuple[int, int]]] = {s: {} for s in services}
    for line in data.lines:
        wanted[line.service_id][(line.period_id, line.funding_source)] = (
            line.planned_grosze,
            line.executed_grosze,
        )
    # Lines that stay are updated in place, new ones added, the rest removed: never a delete
    # and an insert of the same (service, period, source) in one flush.
    for service_id, service in services.items():
        target = wanted[service_id]
        kept: list[BudgetLine] = []
        for stored in service.lines:
            amounts = target.pop((stored.period_id, stored.funding_source), None)
            if amounts is not None:
                stored.planned_grosze, stored.executed_grosze = amounts
                kept.append(stored)
        for (period_id, source), (planned_amount, executed_amount) in target.items():
            kept.append(
                BudgetLine(
                    period_id=period_id,
                    funding_source=source,
                    planned_grosze=planned_amount,
                    executed_grosze=executed_amount,
                )
            )
        service.lines = kept
    budget.updated_at = func.now()
    await session.flush()
    return await _reload(session, budget)


async def _reload(session: AsyncSession, budget: Budget) -> Budget:
    """The budget as stored after a change: periods and services in their order, lines,
    the time of the change (everything read again, over what the session holds)."""
    reloaded = await session.scalar(
        select(Budget)
        .where(Budget.id == budget.id)
        .options(
            selectinload(Budget.periods),
            selectinload(Budget.services).selectinload(BudgetService.lines),
        )
        .execution_options(populate_existing=True)
    )
    assert reloaded is not None
    return reloaded


# --- figures -----------------------------------------------------------------------------


def figures_of(budget: Budget) -> calc.Figures[UUID]:
    """The figures of a stored budget (services by their catalogue id, periods by id)."""
    lines = [
        calc.Line(
            service=service.service_id,
            period=line.period_id,
            source=line.funding_source,
            planned=line.planned_grosze,
            executed=line.executed_grosze,
        )
        for service in budget.services
        for line in service.lines
    ]
    return calc.compute(
        periods=[p.id for p in budget.periods],
        services=[s.service_id for s in budget.services],
        lines=lines,
        contracted={s.service_id: s.contracted_social_grosze for s in budget.services},
        project_value=budget.project_value_grosze,
        direct_costs=budget.direct_costs_grosze,
    )


async def report_of(
    session: AsyncSession, budget: Budget, programme: Programme, *, can_change: bool
) -> BudgetReport:
    """The budget with names and figures, as the API, pages and exports show it."""
    names = await services_of(session, [s.service_id for s in budget.services])
    return BudgetReport(
        budget=budget,
        programme=programme,
        gmina_name=await gmina_name(session, programme.teryt),
        services=[
            names.get(s.service_id, ServiceOption(id=s.service_id, code="", name=""))
            for s in budget.services
        ],
        periods=list(budget.periods),
        figures=figures_of(budget),
        can_change=can_change,
    )
