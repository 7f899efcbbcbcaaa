"""Pages of individual plans (IPUS): the KIPUS caseload (due and overdue reviews first), a new
plan, a plan with its approval, reviews, amendment and closing forms, old versions, and the
printable plan (PDF, in Polish).

Every read and write goes through the plans service, which audits it. A form with mistakes
writes nothing (its work runs in a savepoint that is rolled back) and is shown again with
the messages next to the fields.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from pydantic import ValidationError

from cus_core.applications import service as applications
from cus_core.offer import service as offer
from cus_core.plans import printout, service
from cus_core.plans.routes import CASE_WORKERS
from cus_core.plans.schemas import (
    PlanAmend,
    PlanClose,
    PlanCreate,
    PlanRead,
    PlanResident,
    PlanStatus,
    ReviewRecord,
)
from cus_shared import clock
from cus_shared.errors import DomainError, FieldProblem, MalformedRequestError
from cus_shared.i18n.language import gettext as _
from cus_shared.i18n.language import use_language
from cus_shared.identity.roles import Role
from cus_shared.tenancy import TenantSession
from cus_shared.web.forms import (
    FormErrors,
    error_status,
    form_errors,
    problems_from_validation,
    read_form,
)
from cus_shared.web.pages import notify, render

if TYPE_CHECKING:
    from litestar.types import ControllerRouterHandler

#: Rows of goals and services a plan form offers (blank rows are ignored).
GOAL_ROWS = 3
SERVICE_ROWS = 3
_GOAL_FIELDS = ("description", "measure")
_SERVICE_FIELDS = ("service_id", "contract_id", "schedule", "volume_per_month")
_ROW_FIELD = re.compile(r"^(goals|services)\.(\d+)\.(.+)$")
#: Rows of the caseload and of the due reviews shown.
DUE_LIMIT = 100


def kind_labels() -> dict[str, str]:
    """Kinds of reviews."""
    return {
        "review": _("Review"),
        "summary": _("Six-month summary"),
        "closing": _("Closing summary"),
    }


def outcome_labels() -> dict[str, str]:
    """Outcomes of a review."""
    return {
        "continue": _("Continue the plan"),
        "change": _("Change the plan"),
        "end": _("End the plan"),
    }


def status_labels() -> dict[str, str]:
    """Statuses of a plan."""
    return {"draft": _("Draft plan"), "approved": _("Approved plan"), "closed": _("Closed plan")}


def due_labels() -> dict[str, str]:
    """How urgent a review is, in words (not colour only)."""
    return {"overdue": _("Past due"), "due_soon": _("Due soon"), "later": _("Later")}


def _base(db: TenantSession) -> str:
    return f"/gminy/{db.tenant.teryt}/plans"


def _plan_path(db: TenantSession, plan_id: UUID) -> str:
    return f"{_base(db)}/{plan_id}"


def _query_uuid(request: Request[Any, Any, Any], name: str) -> UUID | None:
    raw = request.query_params.get(name, "")
    if not raw:
        return None
    try:
        return UUID(raw)
    except ValueError:
        raise MalformedRequestError("invalid_input") from None


# --- the goals and services of a form ------------------------------------------------------


def _rows(form: dict[str, str], group: str, fields: tuple[str, ...], count: int) -> list[int]:
    """Indices of the rows of a group the person filled in (blank rows are ignored)."""
    return [
        index
        for index in range(count)
        if any(form.get(f"{group}.{index}.{name}", "") for name in fields)
    ]


def _content(
    form: dict[str, str], starts_on: str, ends_on: str
) -> tuple[dict[str, Any], dict[str, dict[int, int]]]:
    """Goals and services of the form as the API's lists, and for each list which form row
    each item came from (so that messages land next to the right row). A service row's
    blank dates are the plan's."""
    goals = _rows(form, "goals", _GOAL_FIELDS, GOAL_ROWS)
    services = _rows(form, "services", _SERVICE_FIELDS, SERVICE_ROWS)
    payload: dict[str, Any] = {
        "goals": [
            {
                name: form[f"goals.{i}.{name}"]
                for name in _GOAL_FIELDS
                if form.get(f"goals.{i}.{name}")
            }
            for i in goals
        ],
        "services": [
            {
                **{
                    name: form[f"services.{i}.{name}"]
                    for name in _SERVICE_FIELDS
                    if form.get(f"services.{i}.{name}")
                },
                "starts_on": form.get(f"services.{i}.starts_on") or starts_on,
                "ends_on": form.get(f"services.{i}.ends_on") or ends_on,
            }
            for i in services
        ],
    }
    return payload, {"goals": dict(enumerate(goals)), "services": dict(enumerate(services))}


def _errors(
    error: DomainError | ValidationError, rows: dict[str, dict[int, int]] | None = None
) -> FormErrors:
    """Messages for a form, with list positions turned back into the form's rows."""
    if isinstance(error, ValidationError):
        problems = problems_from_validation(error)
    elif error.problems:
        problems = error.problems
    else:
        return form_errors(error)
    mapped = []
    for problem in problems:
        name = problem.field
        found = _ROW_FIELD.match(name)
        if found and rows is not None:
            group, index, rest = found.groups()
            name = f"{group}.{rows[group].get(int(index), int(index))}.{rest}"
        elif name in ("goals", "services"):
            name = f"{name}.0.{'description' if name == 'goals' else 'service_id'}"
        mapped.append(FieldProblem(field=name, key=problem.key, params=problem.params))
    return form_errors(mapped)


async def _choices(db: TenantSession) -> dict[str, list[tuple[str, str]]]:
    """Services of the programme in force today and the contracts covering them."""
    services = await offer.services_offered(db, clock.today())
    contracts: dict[UUID, str] = {}
    for item in services:
        for contract in await offer.contracts_covering(db, item.service_id, clock.today()):
            provider = contract.partner_name or _("the CUS itself")
            contracts[contract.contract_id] = f"{contract.number} — {provider}"
    return {
        "services": [(str(s.service_id), s.name) for s in services],
        "contracts": sorted(((str(k), v) for k, v in contracts.items()), key=lambda c: c[1]),
    }


def _plan_values(plan: PlanRead) -> dict[str, str]:
    """The current version as the amendment form's values."""
    values = {"ends_on": plan.ends_on.isoformat()}
    for index, goal in enumerate(plan.version.goals[:GOAL_ROWS]):
        values[f"goals.{index}.description"] = goal.description
        values[f"goals.{index}.measure"] = goal.measure or ""
    for index, item in enumerate(plan.version.services[:SERVICE_ROWS]):
        values.update(
            {
                f"services.{index}.service_id": str(item.service_id),
                f"services.{index}.contract_id": str(item.contract_id or ""),
                f"services.{index}.schedule": item.schedule,
                f"services.{index}.volume_per_month": (
                    f"{item.volume_per_month:f}" if item.volume_per_month else ""
                ),
                f"services.{index}.starts_on": item.starts_on.isoformat(),
                f"services.{index}.ends_on": item.ends_on.isoformat(),
            }
        )
    return values


class CaseloadPages(Controller):
    """The KIPUS caseload of one gmina."""

    path = "/gminy/{teryt:str}/caseload"
    opt = {"tenant_scoped": True, "audited": True}

    @get("/", guards=[CASE_WORKERS])
    async def caseload(
        self, request: Request[Any, Any, Any], db: NamedDependency[TenantSession]
    ) -> Template:
        """Overdue and due reviews first, then the active plans: the caller's own, or all of
        the gmina's for the director and an OUS who coordinate none."""
        everyone = Role.KIPUS not in db.tenant.roles
        coordinator = None if everyone else db.tenant.principal.user_id
        if coordinator is None:
            due = await service.due_list(db, everyone=True)
        else:
            due = await service.due_reviews(db, coordinator, limit=DUE_LIMIT)
        return render(
            request,
            "core/plans/caseload.html",
            title=_("Caseload"),
            teryt=db.tenant.teryt,
            everyone=everyone,
            awaiting=await applications.awaiting_plan(db, limit=DUE_LIMIT),
            due=[d for d in due if d.status.value != "later"],
            plans=await service.active_plans(db, coordinator),
            plans_path=_base(db),
            kinds=kind_labels(),
            statuses=status_labels(),
            urgency=due_labels(),
        )


class PlanPages(Controller):
    """Individual plans of one gmina, as pages."""

    path = "/gminy/{teryt:str}/plans"
    opt = {"tenant_scoped": True, "audited": True}

    # A new plan.

    async def _new_page(
        self,
        request: Request[Any, Any, Any],
        db: TenantSession,
        resident: PlanResident,
        *,
        values: dict[str, str],
        errors: FormErrors | None = None,
        status_code: int = 200,
    ) -> Template:
        return render(
            request,
            "core/plans/new.html",
            title=_("New individual plan"),
            teryt=db.tenant.teryt,
            errors=errors,
            status_code=status_code,
            values=values,
            resident=resident,
            plans_path=_base(db),
            needs_coordinator=Role.KIPUS not in db.tenant.roles,
            choices=await _choices(db),
            goal_rows=range(GOAL_ROWS),
            service_rows=range(SERVICE_ROWS),
        )

    @get("/new", guards=[CASE_WORKERS])
    async def new_form(
        self, request: Request[Any, Any, Any], db: NamedDependency[TenantSession]
    ) -> Template:
        """An empty plan for a resident (``?resident=<id>[&application=<id>]``): 3 months
        from today unless changed."""
        resident_id = _query_uuid(request, "resident")
        if resident_id is None:
            raise MalformedRequestError("invalid_input")
        application_id = _query_uuid(request, "application")
        resident = await service.resident_for_plan(db, resident_id)
        today = clock.today()
        values = {
            "resident_id": str(resident_id),
            "application_id": str(application_id or ""),
            "starts_on": today.isoformat(),
            "ends_on": service.last_day(today, service.MIN_MONTHS).isoformat(),
        }
        return await self._new_page(request, db, resident, values=values)

    @post("/new", guards=[CASE_WORKERS])
    async def create(
        self, request: Request[Any, Any, Any], db: NamedDependency[TenantSession]
    ) -> Response[Any]:
        """Draft the plan; mistakes are shown next to the fields, nothing written."""
        form = await read_form(request)
        try:
            resident_id = UUID(form.get("resident_id", ""))
        except ValueError:
            raise MalformedRequestError("invalid_input") from None
        resident = await service.resident_for_plan(db, resident_id)
        content, rows = _content(form, form.get("starts_on", ""), form.get("ends_on", ""))
        payload = {
            **content,
            **{
                name: form[name]
                for name in ("resident_id", "application_id", "coordinator_id")
                if form.get(name)
            },
            "starts_on": form.get("starts_on", ""),
            "ends_on": form.get("ends_on", ""),
        }
        try:
            data = PlanCreate.model_validate(payload)
            async with db.session.begin_nested():
                created = await service.create_plan(db, data)
        except (ValidationError, DomainError) as exc:
            if isinstance(exc, DomainError) and exc.status_code not in (409, 422):
                raise
            return await self._new_page(
                request,
                db,
                resident,
                values=form,
                errors=_errors(exc, rows),
                status_code=error_status(exc),
            )
        notify(request, _("Plan drafted. It takes effect when approved."))
        return Redirect(path=_plan_path(db, created.id), status_code=303)

    # A plan and what can be done with it.

    async def _plan_page(
        self,
        request: Request[Any, Any, Any],
        db: TenantSession,
        plan: PlanRead,
        *,
        values: dict[str, str] | None = None,
        errors: FormErrors | None = None,
        failed: str = "",
        status_code: int = 200,
    ) -> Template:
        today = clock.today()
        return render(
            request,
            "core/plans/plan.html",
            title=_("Individual plan %(number)s", number=plan.number),
            teryt=db.tenant.teryt,
            errors=errors,
            status_code=status_code,
            plan=plan,
            values=values if values is not None else _plan_values(plan),
            failed=failed,
            today=today.isoformat(),
            urgency={
                r.id: service.due_status(r.due_on, today).value
                for r in plan.reviews
                if r.done_on is None
            },
            can_approve=plan.status is PlanStatus.DRAFT and await service.may_approve(db),
            plans_path=_base(db),
            plan_path=_plan_path(db, plan.id),
            choices=await _choices(db) if plan.status is PlanStatus.APPROVED else {},
            goal_rows=range(GOAL_ROWS),
            service_rows=range(SERVICE_ROWS),
            kinds=kind_labels(),
            outcomes=outcome_labels(),
            statuses=status_labels(),
            urgency_labels=due_labels(),
        )

    @get("/{plan_id:uuid}", guards=[CASE_WORKERS])
    async def plan(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[TenantSession],
        plan_id: FromPath[UUID],
    ) -> Template:
        """The plan, its reviews and versions, and the forms allowed in its status."""
        return await self._plan_page(request, db, await service.read_plan(db, plan_id))

    async def _act(
        self,
        request: Request[Any, Any, Any],
        db: TenantSession,
        plan_id: UUID,
        form_name: str,
        action: Any,
        done: str,
        rows: dict[str, dict[int, int]] | None = None,
    ) -> Response[Any]:
        """Run a change in a savepoint; on a mistake show the plan again with the messages
        beside the form that failed, nothing written."""
        form = await read_form(request)
        try:
            async with db.session.begin_nested():
                await action(form)
        except (ValidationError, DomainError) as exc:
            if isinstance(exc, DomainError) and exc.status_code not in (409, 422, 403):
                raise
            plan = await service.read_plan(db, plan_id)
            values = {**_plan_values(plan), **form} if form_name == "amend" else None
            return await self._plan_page(
                request,
                db,
                plan,
                values=values,
                errors=_errors(exc, rows),
                failed=form_name,
                status_code=error_status(exc),
            )
        notify(request, done)
        return Redirect(path=_plan_path(db, plan_id), status_code=303)

    @post("/{plan_id:uuid}/approve", guards=[CASE_WORKERS])
    async def approve(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[TenantSession],
        plan_id: FromPath[UUID],
    ) -> Response[Any]:
        """Approve the draft; the reviews are scheduled."""

        async def action(_form: dict[str, str]) -> None:
            await service.approve_plan(db, plan_id)

        return await self._act(
            request, db, plan_id, "approve", action, _("Plan approved. Reviews are scheduled.")
        )

    @post("/{plan_id:uuid}/reviews/{review_id:uuid}", guards=[CASE_WORKERS])
    async def review(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[TenantSession],
        plan_id: FromPath[UUID],
        review_id: FromPath[UUID],
    ) -> Response[Any]:
        """Record a review's outcome."""

        async def action(form: dict[str, str]) -> None:
            data = ReviewRecord.model_validate({k: v for k, v in form.items() if v})
            await service.record_review(db, plan_id, review_id, data)

        return await self._act(
            request, db, plan_id, f"review-{review_id}", action, _("Review recorded.")
        )

    @post("/{plan_id:uuid}/amend", guards=[CASE_WORKERS])
    async def amend(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[TenantSession],
        plan_id: FromPath[UUID],
    ) -> Response[Any]:
        """Amend the plan: a new version; the old one stays readable."""
        form = await read_form(request)
        current = await service.read_plan(db, plan_id)
        ends_on = form.get("ends_on") or current.ends_on.isoformat()
        content, rows = _content(form, current.starts_on.isoformat(), ends_on)

        async def action(_form: dict[str, str]) -> None:
            payload = {**content, "ends_on": ends_on}
            if form.get("reason"):
                payload["reason"] = form["reason"]
            await service.amend_plan(db, plan_id, PlanAmend.model_validate(payload))

        return await self._act(
            request, db, plan_id, "amend", action, _("Plan amended: a new version."), rows
        )

    @post("/{plan_id:uuid}/close", guards=[CASE_WORKERS])
    async def close(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[TenantSession],
        plan_id: FromPath[UUID],
    ) -> Response[Any]:
        """Record the closing summary and close the plan."""

        async def action(form: dict[str, str]) -> None:
            data = PlanClose.model_validate({k: v for k, v in form.items() if v})
            await service.close_plan(db, plan_id, data)

        return await self._act(request, db, plan_id, "close", action, _("Plan closed."))

    # Old versions and the printout.

    @get("/{plan_id:uuid}/versions/{number:int}", guards=[CASE_WORKERS])
    async def version(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[TenantSession],
        plan_id: FromPath[UUID],
        number: FromPath[int],
    ) -> Template:
        """One version of the plan as it was."""
        found = await service.read_version(db, plan_id, number)
        return render(
            request,
            "core/plans/version.html",
            title=_("Plan %(number)s, version %(version)s", number=found.number, version=number),
            teryt=db.tenant.teryt,
            found=found,
            plans_path=_base(db),
            plan_path=_plan_path(db, plan_id),
        )

    @get("/{plan_id:uuid}/pdf", guards=[CASE_WORKERS])
    async def pdf(
        self, db: NamedDependency[TenantSession], plan_id: FromPath[UUID]
    ) -> Response[bytes]:
        """The plan to print and sign, in Polish; the read is audited as a PDF."""
        with use_language("pl"):
            plan = await service.read_plan(db, plan_id, details={"format": "pdf"})
            content = printout.render_plan(plan)
        return Response(
            content=content,
            media_type="application/pdf",
            headers={
                "Content-Disposition": f'attachment; filename="{printout.filename(plan)}"',
                "Cache-Control": "no-store",
            },
        )


#: Page controllers of this context, mounted by cus_core.pages.
PAGES: list[ControllerRouterHandler] = [CaseloadPages, PlanPages]
