"""Pages of budgets: a programme's budgets with the form for a new one; a budget as tables
(periods × services, shares and contracted, sources) and charts, with the funding rules'
warnings and its exports; forms for the budget, its services and its amounts (a grid of one
funding source and one kind of amount at a time). Same service functions as the API."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from cus_shared.errors import FieldProblem, InputError, NotFoundError
from cus_shared.i18n.amounts import (
    AmountFormatError,
    form_amount,
    parse_amount,
    plain_percent,
)
from cus_shared.i18n.formatting import format_money
from cus_shared.i18n.language import N_
from cus_shared.i18n.language import gettext as _
from cus_shared.identity.guards import principal_of
from cus_shared.web.forms import FormErrors, form_errors, problems_from_validation, read_form
from cus_shared.web.pages import notify, render
from cus_tenants.budgets import service
from cus_tenants.budgets.charts import charts as draw_charts
from cus_tenants.budgets.exports import SOURCE_LABELS
from cus_tenants.budgets.figures import FUNDING_SOURCES, Amounts
from cus_tenants.budgets.routes import export_response
from cus_tenants.budgets.schemas import (
    MAX_PERIODS,
    BudgetCreate,
    BudgetLinesIn,
    BudgetServicesIn,
    BudgetUpdate,
)
from cus_tenants.budgets.views import budget_summary, warning_message
from cus_tenants.dependencies import provide_shared_session

if TYPE_CHECKING:
    from cus_tenants.budgets.models import Budget
    from cus_tenants.programmes.models import Programme

#: Kinds of period as people read them.
KIND_LABELS: dict[str, str] = {"year": N_("By year"), "stage": N_("By stage")}
PERIOD_NAMES: dict[str, str] = {"year": N_("Year"), "stage": N_("Stage")}
#: The two kinds of amount the grid edits.
AMOUNT_KINDS: dict[str, str] = {
    "planned": N_("Planned amounts"),
    "executed": N_("Executed amounts"),
}

#: Empty rows for new periods on the forms.
NEW_PERIOD_ROWS = 6
EXTRA_PERIOD_ROWS = 2

_PERIOD_FIELD = re.compile(r"^periods(?:\[(\d+)\]|\.(\d+))(?:\.(\w+))?$")
_AMOUNT_FIELDS = {"project_value_grosze": "project_value", "direct_costs_grosze": "direct_costs"}


def _percent(value: Any) -> str:
    return f"{plain_percent(value)}%" if value is not None else "–"


def _amount(
    form: dict[str, str], name: str, problems: list[FieldProblem], *, blank: int | None = None
) -> int | None:
    """A typed amount in grosze (``blank`` when the field is empty); a problem when it is
    not an amount."""
    text = form.get(name, "").strip()
    if not text:
        return blank
    try:
        return parse_amount(text)
    except AmountFormatError:
        problems.append(FieldProblem(field=name, key="budget.amount_format"))
        return None


def _errors(problems: list[FieldProblem]) -> FormErrors:
    unique: list[FieldProblem] = []
    for problem in problems:
        if problem not in unique:
            unique.append(problem)
    return form_errors(unique)


def _period_rows(form: dict[str, str], count: int) -> list[dict[str, str]]:
    return [
        {
            key: form.get(f"periods.{row}.{key}", "")
            for key in ("id", "label", "starts_on", "ends_on", "remove")
        }
        for row in range(count)
    ]


def _period_problem(problem: FieldProblem, rows: list[int]) -> FieldProblem:
    """The API's ``periods[2].starts_on`` on the form's row of that period."""
    found = _PERIOD_FIELD.match(problem.field)
    if problem.field == "periods":
        return FieldProblem(field="periods.0.label", key=problem.key, params=problem.params)
    if not found:
        return FieldProblem(
            field=_AMOUNT_FIELDS.get(problem.field, problem.field),
            key=problem.key,
            params=problem.params,
        )
    index = int(found.group(1) or found.group(2))
    row = rows[index] if index < len(rows) else index
    part = found.group(3) or "label"
    if part == "id":
        part = "label"
    return FieldProblem(field=f"periods.{row}.{part}", key=problem.key, params=problem.params)


def _periods_from_rows(
    rows: list[dict[str, str]], *, with_ids: bool
) -> tuple[list[dict[str, str]], list[int]]:
    """The periods typed on a form (rows left empty or ticked for removal are left out) and
    the form row of each."""
    periods: list[dict[str, str]] = []
    row_of: list[int] = []
    for row, values in enumerate(rows):
        if values.get("remove"):
            continue
        if not (values["label"] or values["starts_on"] or values["ends_on"]):
            continue
        period = {key: values[key] for key in ("label", "starts_on", "ends_on") if values[key]}
        if with_ids and values.get("id"):
            period["id"] = values["id"]
        periods.append(period)
        row_of.append(row)
    return periods, row_of


def _budget_form(
    form: dict[str, str], rows: list[dict[str, str]], *, with_ids: bool
) -> tuple[dict[str, Any], dict[str, Any], list[FieldProblem], list[int]]:
    """What the new-budget and edit forms post: the values to show again, the body the API's
    model validates, the problems of the amounts typed, and the form row of each period."""
    values: dict[str, Any] = {
        "title": form.get("title", ""),
        "period_kind": form.get("period_kind", ""),
        "project_value": form.get("project_value", ""),
        "direct_costs": form.get("direct_costs", ""),
        "periods": rows,
    }
    problems: list[FieldProblem] = []
    periods, row_of = _periods_from_rows(rows, with_ids=with_ids)
    submitted: dict[str, Any] = {
        "title": values["title"],
        "period_kind": values["period_kind"],
        "periods": periods,
        "project_value_grosze": _amount(form, "project_value", problems),
        "direct_costs_grosze": _amount(form, "direct_costs", problems),
    }
    return values, submitted, problems, row_of


def _budget_id(text: str) -> UUID:
    try:
        return UUID(text)
    except ValueError:
        raise NotFoundError("not_found") from None


class ProgrammeBudgetPages(Controller):
    """A programme's budgets."""

    path = "/programmes/{programme_id:str}/budgets"
    dependencies = {"session": Provide(provide_shared_session)}

    async def _page(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        programme: Programme,
        can_change: bool,
        values: dict[str, Any],
        *,
        errors: FormErrors | None = None,
        status_code: int = 200,
    ) -> Template:
        budgets = await service.list_budgets(session, programme)
        return render(
            request,
            "tenants/budgets/list.html",
            title=_("Budgets of the programme %(title)s", title=programme.title),
            errors=errors,
            status_code=status_code,
            programme=programme,
            gmina_name=await service.gmina_name(session, programme.teryt),
            budgets=[(b, budget_summary(b)) for b in budgets],
            can_change=can_change,
            values=values,
            kind_labels=KIND_LABELS,
            kind_options=[(k, _(v)) for k, v in KIND_LABELS.items()],
        )

    @get("/", name="programme-budgets")
    async def budgets(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        programme_id: FromPath[str],
    ) -> Template:
        """The programme's budgets, and the form for a new one (director and OUS)."""
        programme, can_change = await service.programme_access(
            session, principal_of(request), programme_id, change=False
        )
        values: dict[str, Any] = {
            "title": "",
            "period_kind": "year",
            "project_value": "",
            "direct_costs": "",
            "periods": _period_rows({}, NEW_PERIOD_ROWS),
        }
        return await self._page(request, session, programme, can_change, values)

    @post("/", status_code=303)
    async def create(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        programme_id: FromPath[str],
    ) -> Response[Any]:
        """Create the budget, as the API does."""
        programme, can_change = await service.programme_access(
            session, principal_of(request), programme_id, change=True
        )
        form = await read_form(request)
        rows = _period_rows(form, NEW_PERIOD_ROWS)
        values, submitted, problems, row_of = _budget_form(form, rows, with_ids=False)
        data: BudgetCreate | None = None
        try:
            data = BudgetCreate.model_validate(submitted)
        except ValidationError as exc:
            problems += problems_from_validation(exc)
        if data is not None:
            problems += service.check_new_budget(programme, data)
        if problems or data is None:
            return await self._page(
                request,
                session,
                programme,
                can_change,
                values,
                errors=_errors([_period_problem(p, row_of) for p in problems]),
                status_code=422,
            )
        budget = await service.create_budget(session, programme, data)
        notify(request, _("Budget created: %(title)s.", title=budget.title))
        return Redirect(path=f"/budgets/{budget.id}", status_code=303)


class BudgetPages(Controller):
    """One budget: its tables and charts, its forms and its exports."""

    path = "/budgets/{budget_id:str}"
    dependencies = {"session": Provide(provide_shared_session)}

    @get("/", name="budget")
    async def show(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        budget_id: FromPath[str],
    ) -> Template:
        """The budget as the seeds show one: periods × services with totals, the share of
        each service and what is contracted, the funding rules, charts and exports."""
        budget, programme, can_change = await service.budget_access(
            session, principal_of(request), _budget_id(budget_id), change=False
        )
        report = await service.report_of(session, budget, programme, can_change=can_change)
        figures = report.figures
        period_name = _(PERIOD_NAMES[budget.period_kind])
        return render(
            request,
            "tenants/budgets/detail.html",
            title=budget.title,
            report=report,
            budget=budget,
            programme=programme,
            figures=figures,
            table=figures.table,
            zero=Amounts(),
            charts=draw_charts(report),
            warnings=[warning_message(w) for w in figures.warnings],
            percent=_percent,
            period_name=period_name,
            bars_title=_("Planned amounts per period and service"),
            bars_desc="; ".join(
                f"{p.label}: {format_money(figures.table.by_period[p.id].planned, grosze=True)}"
                for p in report.periods
            ),
            donut_title=_("Share of each service in the planned total"),
            donut_desc="; ".join(
                f"{i}. {s.name}: {_percent(figures.shares[s.id])}"
                for i, s in enumerate(report.services, start=1)
            ),
            kind_label=_(KIND_LABELS[budget.period_kind]),
            source_labels=SOURCE_LABELS,
            any_executed=figures.table.total.executed > 0,
            can_change=can_change,
        )

    @get("/export.csv", name="budget-export-csv")
    async def export_csv(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        budget_id: FromPath[str],
    ) -> Response[bytes]:
        """The budget as CSV (the API's export, with the page's session)."""
        budget, programme, can_change = await service.budget_access(
            session, principal_of(request), _budget_id(budget_id), change=False
        )
        report = await service.report_of(session, budget, programme, can_change=can_change)
        return export_response(report, "csv")

    @get("/export.xlsx", name="budget-export-xlsx")
    async def export_xlsx(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        budget_id: FromPath[str],
    ) -> Response[bytes]:
        """The budget as an Excel workbook (the API's export, with the page's session)."""
        budget, programme, can_change = await service.budget_access(
            session, principal_of(request), _budget_id(budget_id), change=False
        )
        report = await service.report_of(session, budget, programme, can_change=can_change)
        return export_response(report, "xlsx")

    # --- the budget itself ------------------------------------------------------------------

    def _edit_page(
        self,
        request: Request[Any, Any, Any],
        budget: Budget,
        values: dict[str, Any],
        *,
        errors: FormErrors | None = None,
        status_code: int = 200,
    ) -> Template:
        return render(
            request,
            "tenants/budgets/edit.html",
            title=_("Change the budget %(title)s", title=budget.title),
            errors=errors,
            status_code=status_code,
            budget=budget,
            values=values,
            kind_options=[(k, _(v)) for k, v in KIND_LABELS.items()],
        )

    @get("/edit", name="budget-edit")
    async def edit(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        budget_id: FromPath[str],
    ) -> Template:
        """The form to change the budget's title, kind, periods and project figures."""
        budget, _programme, _can = await service.budget_access(
            session, principal_of(request), _budget_id(budget_id), change=True
        )
        rows = [
            {
                "id": str(p.id),
                "label": p.label,
                "starts_on": p.starts_on.isoformat(),
                "ends_on": p.ends_on.isoformat(),
                "remove": "",
            }
            for p in budget.periods
        ] + _period_rows({}, EXTRA_PERIOD_ROWS)
        values: dict[str, Any] = {
            "title": budget.title,
            "period_kind": budget.period_kind,
            "project_value": _plain(budget.project_value_grosze),
            "direct_costs": _plain(budget.direct_costs_grosze),
            "periods": rows,
        }
        return self._edit_page(request, budget, values)

    @post("/edit", status_code=303)
    async def save(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        budget_id: FromPath[str],
    ) -> Response[Any]:
        """Save the changes, as the API's PATCH does."""
        budget, programme, _can = await service.budget_access(
            session, principal_of(request), _budget_id(budget_id), change=True
        )
        form = await read_form(request)
        rows = _period_rows(form, _row_count(form.get("period_rows", "")))
        values, submitted, problems, row_of = _budget_form(form, rows, with_ids=True)
        data: BudgetUpdate | None = None
        try:
            data = BudgetUpdate.model_validate(submitted)
        except ValidationError as exc:
            problems += problems_from_validation(exc)
        if data is not None:
            problems += await service.check_update(session, budget, programme, data)
        if problems or data is None:
            return self._edit_page(
                request,
                budget,
                values,
                errors=_errors([_period_problem(p, row_of) for p in problems]),
                status_code=422,
            )
        await service.update_budget(session, budget, programme, data)
        notify(request, _("The budget has been saved."))
        return Redirect(path=f"/budgets/{budget.id}", status_code=303)

    # --- services --------------------------------------------------------------------------

    async def _services_page(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        budget: Budget,
        programme: Programme,
        values: dict[str, str],
        *,
        errors: FormErrors | None = None,
        status_code: int = 200,
    ) -> Template:
        options = await service.available_services(session, programme)
        in_budget = [s.service_id for s in budget.services]
        order = {sid: i for i, sid in enumerate(in_budget)}
        options.sort(key=lambda o: (order.get(o.id, len(order)), o.name.casefold()))
        figures = service.figures_of(budget)
        return render(
            request,
            "tenants/budgets/services.html",
            title=_("Services of the budget %(title)s", title=budget.title),
            errors=errors,
            status_code=status_code,
            budget=budget,
            options=options,
            planned={o.id: figures.table.by_service.get(o.id, Amounts()).planned for o in options},
            values=values,
        )

    @get("/services", name="budget-services")
    async def services(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        budget_id: FromPath[str],
    ) -> Template:
        """The form to choose the budget's services and what each contracts to the sector."""
        budget, programme, _can = await service.budget_access(
            session, principal_of(request), _budget_id(budget_id), change=True
        )
        values: dict[str, str] = {}
        for stored in budget.services:
            values[f"include.{stored.service_id}"] = "1"
            values[f"contracted.{stored.service_id}"] = form_amount(stored.contracted_social_grosze)
        return await self._services_page(request, session, budget, programme, values)

    @post("/services", status_code=303)
    async def save_services(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        budget_id: FromPath[str],
    ) -> Response[Any]:
        """Save the services, as the API's PUT does (order: those already in the budget,
        then the newly ticked ones)."""
        budget, programme, _can = await service.budget_access(
            session, principal_of(request), _budget_id(budget_id), change=True
        )
        form = await read_form(request)
        options = await service.available_services(session, programme)
        in_budget = [s.service_id for s in budget.services]
        order = {sid: i for i, sid in enumerate(in_budget)}
        options.sort(key=lambda o: (order.get(o.id, len(order)), o.name.casefold()))
        values = {k: v for k, v in form.items() if k.startswith(("include.", "contracted."))}
        problems: list[FieldProblem] = []
        chosen: list[dict[str, Any]] = []
        field_of: list[UUID] = []
        for option in options:
            if not form.get(f"include.{option.id}"):
                continue
            contracted = _amount(form, f"contracted.{option.id}", problems, blank=0)
            chosen.append({"service_id": option.id, "contracted_social_grosze": contracted or 0})
            field_of.append(option.id)
        data: BudgetServicesIn | None = None
        try:
            data = BudgetServicesIn.model_validate({"services": chosen})
        except ValidationError as exc:
            problems += problems_from_validation(exc)
        if data is not None and not problems:
            problems += await service.check_services(session, budget, programme, data)

        def moved(problem: FieldProblem) -> FieldProblem:
            found = re.match(r"^services\[(\d+)\]\.(\w+)$", problem.field)
            if not found:
                return problem
            option_id = field_of[int(found.group(1))]
            name = "contracted" if found.group(2) == "contracted_social_grosze" else "include"
            return FieldProblem(field=f"{name}.{option_id}", key=problem.key, params=problem.params)

        if problems or data is None:
            return await self._services_page(
                request,
                session,
                budget,
                programme,
                values,
                errors=_errors([moved(p) for p in problems]),
                status_code=422,
            )
        await service.replace_services(session, budget, programme, data)
        notify(request, _("The services of the budget have been saved."))
        return Redirect(path=f"/budgets/{budget.id}", status_code=303)

    # --- amounts (one source and one kind of amount at a time) ------------------------------

    def _grid_page(
        self,
        request: Request[Any, Any, Any],
        report: service.BudgetReport,
        source: str,
        kind: str,
        values: dict[str, str],
        *,
        errors: FormErrors | None = None,
        status_code: int = 200,
    ) -> Template:
        return render(
            request,
            "tenants/budgets/lines.html",
            title=_("Amounts of the budget %(title)s", title=report.budget.title),
            errors=errors,
            status_code=status_code,
            report=report,
            budget=report.budget,
            source=source,
            kind=kind,
            values=values,
            source_options=[(k, _(SOURCE_LABELS[k])) for k in FUNDING_SOURCES],
            kind_options=[(k, _(v)) for k, v in AMOUNT_KINDS.items()],
            source_label=_(SOURCE_LABELS[source]),
            kind_label=_(AMOUNT_KINDS[kind]),
            period_name=_(PERIOD_NAMES[report.budget.period_kind]),
        )

    @get("/lines", name="budget-lines")
    async def lines(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        budget_id: FromPath[str],
        source: FromQuery[str] = "eu_project",
        amounts: FromQuery[str] = "planned",
    ) -> Template:
        """A grid of amounts (periods × services) of one funding source and one kind."""
        _check_grid(source, amounts)
        budget, programme, can_change = await service.budget_access(
            session, principal_of(request), _budget_id(budget_id), change=True
        )
        report = await service.report_of(session, budget, programme, can_change=can_change)
        values: dict[str, str] = {}
        stored = _stored_lines(budget)
        for p_index, period in enumerate(report.periods):
            for s_index, option in enumerate(report.services):
                found = stored.get((option.id, period.id, source))
                if found is not None:
                    amount = found[0] if amounts == "planned" else found[1]
                    values[f"cell.{p_index}.{s_index}"] = form_amount(amount) if amount else ""
        return self._grid_page(request, report, source, amounts, values)

    @post("/lines", status_code=303)
    async def save_lines(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        budget_id: FromPath[str],
        source: FromQuery[str] = "eu_project",
        amounts: FromQuery[str] = "planned",
    ) -> Response[Any]:
        """Save the grid: the other sources' lines and the other kind of amount stay; all
        lines are then replaced at once, as the API's PUT does."""
        _check_grid(source, amounts)
        budget, programme, can_change = await service.budget_access(
            session, principal_of(request), _budget_id(budget_id), change=True
        )
        report = await service.report_of(session, budget, programme, can_change=can_change)
        form = await read_form(request)
        values = {k: v for k, v in form.items() if k.startswith("cell.")}
        problems: list[FieldProblem] = []
        merged = _stored_lines(budget)
        cell_of: dict[tuple[UUID, UUID], str] = {}
        for p_index, period in enumerate(report.periods):
            for s_index, option in enumerate(report.services):
                name = f"cell.{p_index}.{s_index}"
                cell_of[(option.id, period.id)] = name
                typed = _amount(form, name, problems, blank=0)
                if typed is None:
                    continue
                planned, executed = merged.get((option.id, period.id, source), (0, 0))
                if amounts == "planned":
                    planned = typed
                else:
                    executed = typed
                merged[(option.id, period.id, source)] = (planned, executed)
        kept = [(k, v) for k, v in merged.items() if v != (0, 0)]
        data = BudgetLinesIn.model_validate(
            {
                "lines": [
                    {
                        "service_id": service_id,
                        "period_id": period_id,
                        "funding_source": line_source,
                        "planned_grosze": planned,
                        "executed_grosze": executed,
                    }
                    for (service_id, period_id, line_source), (planned, executed) in kept
                ]
            }
        )
        if not problems:
            problems += await service.check_lines(session, budget, data)

        def moved(problem: FieldProblem) -> FieldProblem:
            found = re.match(r"^lines\[(\d+)\]", problem.field)
            if found:
                (service_id, period_id, line_source), _amounts = kept[int(found.group(1))]
                if line_source == source and (service_id, period_id) in cell_of:
                    return FieldProblem(
                        field=cell_of[(service_id, period_id)],
                        key=problem.key,
                        params=problem.params,
                    )
            if problem.field.startswith("lines"):
                return FieldProblem(field="grid", key=problem.key, params=problem.params)
            return problem

        if problems:
            return self._grid_page(
                request,
                report,
                source,
                amounts,
                values,
                errors=_errors([moved(p) for p in problems]),
                status_code=422,
            )
        try:
            await service.replace_lines(session, budget, data)
        except InputError as exc:  # pragma: no cover - checked just above
            return self._grid_page(
                request, report, source, amounts, values, errors=form_errors(exc), status_code=422
            )
        notify(request, _("The amounts have been saved."))
        return Redirect(
            path=f"/budgets/{budget.id}/lines?source={source}&amounts={amounts}", status_code=303
        )


def _check_grid(source: str, amounts: str) -> None:
    if source not in FUNDING_SOURCES or amounts not in AMOUNT_KINDS:
        raise NotFoundError("not_found")


def _stored_lines(budget: Budget) -> dict[tuple[UUID, UUID, str], tuple[int, int]]:
    return {
        (stored.service_id, line.period_id, line.funding_source): (
            line.planned_grosze,
            line.executed_grosze,
        )
        for stored in budget.services
        for line in stored.lines
    }


def _row_count(text: str) -> int:
    """How many period rows the form had (never more than a budget may have, and some)."""
    return min(int(text), MAX_PERIODS + EXTRA_PERIOD_ROWS) if text.isdigit() else 0


def _plain(grosze: int | None) -> str:
    return "" if grosze is None else form_amount(grosze)


#: Controllers and handlers of pages, mounted at the site's root.
PAGES: list[Any] = [ProgrammeBudgetPages, BudgetPages]
