"""Pages of applications: the OUS qualification queue and waiting list, registering an
application for a resident, and an application's page with the KIPUS's interview form and the
team's decision form for each service.

Everything goes through the applications' service, which checks the rules and audits each
read and write. A form with mistakes writes nothing (its work runs in a savepoint that is
rolled back) and is shown again with the messages next to the fields.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from pydantic import ValidationError

from cus_core.applications import service
from cus_core.applications.routes import CASE_WORKERS, INTERVIEWERS, QUALIFIERS
from cus_core.applications.schemas import (
    ApplicationCreate,
    ApplicationRead,
    DecisionIn,
    InterviewIn,
)
from cus_core.offer.service import services_offered
from cus_core.residents import service as residents
from cus_core.residents.pages import iso_date
from cus_shared import clock
from cus_shared.errors import ConflictError, DomainError, FieldProblem, InputError
from cus_shared.i18n.language import gettext as _
from cus_shared.identity.roles import Role
from cus_shared.tenancy import TenantSession
from cus_shared.web.forms import FormErrors, error_status, form_errors, problems_from_validation
from cus_shared.web.pages import notify, render

if TYPE_CHECKING:
    from litestar.types import ControllerRouterHandler

#: Rows of the queue and of the waiting list shown.
QUEUE_SIZE = 200
AREA_CODES = tuple(range(1, 15))

_INTERVIEWER_ROLES = frozenset({Role.DIRECTOR, Role.KIPUS})
_QUALIFIER_ROLES = frozenset({Role.DIRECTOR, Role.OUS})
_FormFailure = (ValidationError, InputError, ConflictError)


# Labels, translated in the language of the request.


def channel_labels() -> dict[str, str]:
    """How an application reached the CUS."""
    return {
        "in_person": _("In person"),
        "letter": _("By letter"),
        "email": _("By e-mail"),
        "e_delivery": _("Electronic delivery (e-Doręczenia, ePUAP)"),
    }


def status_labels() -> dict[str, str]:
    """Where the qualification of a requested service stands."""
    return {
        "pending": _("Awaiting a decision"),
        "granted": _("Granted"),
        "refused": _("Refused"),
        "waiting": _("On the waiting list"),
        "withdrawn": _("Withdrawn"),
    }


def outcome_labels() -> dict[str, str]:
    """The decisions the team can take."""
    return {
        "granted": _("Grant"),
        "refused": _("Refuse"),
        "waiting": _("Put on the waiting list"),
    }


def support_form_labels() -> dict[str, str]:
    """How a granted service is given."""
    return {
        "single": _("Single service"),
        "ipus": _("Individual social services plan (IPUS)"),
    }


def area_labels() -> dict[int, str]:
    """The 14 areas of the catalogue of social services (art. 2 of the Act)."""
    return {
        1: _("Family policy"),
        2: _("Family support"),
        3: _("Foster care system"),
        4: _("Social assistance"),
        5: _("Health promotion and protection"),
        6: _("Support for persons with disabilities"),
        7: _("Public education"),
        8: _("Counteracting unemployment"),
        9: _("Culture"),
        10: _("Physical culture and tourism"),
        11: _("Stimulating civic activity"),
        12: _("Housing"),
        13: _("Environmental protection"),
        14: _("Vocational and social reintegration"),
    }


# Small helpers.


def _queue_path(db: TenantSession) -> str:
    return f"/gminy/{db.tenant.teryt}/applications"


def _application_path(db: TenantSession, application_id: UUID) -> str:
    return f"{_queue_path(db)}/{application_id}"


def _errors(error: DomainError | ValidationError) -> FormErrors:
    """Messages next to the fields; problems of one item of a list go to the list's field
    (``services.0`` → ``services``), as the form shows the list as one group."""
    if isinstance(error, ValidationError):
        problems = problems_from_validation(error)
    elif error.problems:
        problems = error.problems
    else:
        return form_errors(error)
    merged = [
        FieldProblem(field=p.field.split(".")[0], key=p.key, params=p.params) for p in problems
    ]
    return form_errors(merged)


async def _posted(request: Request[Any, Any, Any]) -> tuple[dict[str, str], list[str]]:
    """The posted form as plain strings, and the ticked services (several boxes, one name)."""
    form = await request.form()
    values = {
        str(k): str(v).strip() for k, v in form.items() if k != "_csrf_token" and isinstance(v, str)
    }
    ticked = [str(v) for v in form.getall("services", []) if isinstance(v, str)]
    return values, ticked


class ApplicationPages(Controller):
    """The qualification queue and the pages of one application."""

    path = "/gminy/{teryt:str}/applications"
    opt = {"tenant_scoped": True, "audited": True}

    @get("/", guards=[CASE_WORKERS])
    async def queue(
        self, request: Request[Any, Any, Any], db: NamedDependency[TenantSession]
    ) -> Template:
        """Applications to qualify (the plan due first, overdue ones said in words) and the
        waiting list (longest waiting first); every row shown is audited."""
        desk = await service.queue(db, limit=QUEUE_SIZE)
        return render(
            request,
            "core/applications/queue.html",
            title=_("Applications and qualification"),
            teryt=db.tenant.teryt,
            desk=desk,
            queue_path=_queue_path(db),
            register_path=f"/gminy/{db.tenant.teryt}/residents",
            statuses=status_labels(),
        )

    async def _detail_page(
        self,
        request: Request[Any, Any, Any],
        db: TenantSession,
        application: ApplicationRead,
        *,
        errors: FormErrors | None = None,
        failed_form: str | None = None,
        values: dict[str, str] | None = None,
        status_code: int = 200,
    ) -> Template:
        people = {
            p.id: p
            for p in await residents.summaries_of(
                db, [i for i in (application.resident_id, application.applicant_id) if i]
            )
        }
        interview_values = {"goals": "", "risks": "", "held_on": clock.today().isoformat()}
        if application.interview is not None:
            interview_values = {
                "goals": application.interview.goals,
                "risks": application.interview.risks or "",
                "held_on": application.interview.held_on.isoformat(),
                "version": str(application.interview.version),
                **{f"need.{n.area_code}": n.description for n in application.interview.needs},
            }
        if failed_form == "interview" and values is not None:
            interview_values = values
        return render(
            request,
            "core/applications/detail.html",
            title=_("Application %(number)s", number=application.number),
            teryt=db.tenant.teryt,
            errors=errors,
            status_code=status_code,
            application=application,
            resident=people.get(application.resident_id),
            applicant=people.get(application.applicant_id) if application.applicant_id else None,
            failed_form=failed_form,
            interview_values=interview_values,
            decision_values=values if failed_form and failed_form != "interview" else {},
            queue_path=_queue_path(db),
            application_path=_application_path(db, application.id),
            register_path=f"/gminy/{db.tenant.teryt}/residents",
            can_interview=bool(db.tenant.roles & _INTERVIEWER_ROLES),
            can_decide=bool(db.tenant.roles & _QUALIFIER_ROLES),
            can_plan=bool(
                db.tenant.roles & _INTERVIEWER_ROLES | db.tenant.roles & _QUALIFIER_ROLES
            ),
            channels=channel_labels(),
            statuses=status_labels(),
            outcomes=outcome_labels(),
            support_forms=support_form_labels(),
            areas=area_labels(),
            area_codes=AREA_CODES,
        )

    @get("/{application_id:uuid}", guards=[CASE_WORKERS])
    async def detail(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[TenantSession],
        application_id: FromPath[UUID],
    ) -> Template:
        """The application with its services, decisions and interview (audited)."""
        application = await service.read_application(db, application_id)
        return await self._detail_page(request, db, application)

    @post("/{application_id:uuid}/interview", guards=[INTERVIEWERS])
    async def interview(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[TenantSession],
        application_id: FromPath[UUID],
    ) -> Response[Any]:
        """Save the needs interview (one text per area of needs found)."""
        form, _ticked = await _posted(request)
        payload: dict[str, Any] = {
            "held_on": iso_date(form.get("held_on", "")),
            "goals": form.get("goals", ""),
            "risks": form.get("risks") or None,
            "needs": [
                {"area_code": code, "description": form[f"need.{code}"]}
                for code in AREA_CODES
                if form.get(f"need.{code}")
            ],
        }
        if form.get("version"):
            payload["version"] = form["version"]
        try:
            async with db.session.begin_nested():
                await service.record_interview(
                    db, application_id, InterviewIn.model_validate(payload)
                )
        except _FormFailure as exc:
            application = await service.read_application(db, application_id)
            return await self._detail_page(
                request,
                db,
                application,
                errors=_errors(exc),
                failed_form="interview",
                values=form,
                status_code=error_status(exc),
            )
        notify(request, _("Interview saved."))
        return Redirect(path=_application_path(db, application_id), status_code=303)

    @post(
        "/{application_id:uuid}/services/{requested_service_id:uuid}/decision",
        guards=[QUALIFIERS],
    )
    async def decide(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[TenantSession],
        application_id: FromPath[UUID],
        requested_service_id: FromPath[UUID],
    ) -> Response[Any]:
        """Record the team's decision on one service of the application."""
        form, _ticked = await _posted(request)
        payload = {
            name: form[name] for name in ("outcome", "support_form", "reason") if form.get(name)
        }
        try:
            async with db.session.begin_nested():
                await service.decide(
                    db, application_id, requested_service_id, DecisionIn.model_validate(payload)
                )
        except _FormFailure as exc:
            application = await service.read_application(db, application_id)
            return await self._detail_page(
                request,
                db,
                application,
                errors=_errors(exc),
                failed_form=str(requested_service_id),
                values=form,
                status_code=error_status(exc),
            )
        notify(request, _("Decision recorded."))
        return Redirect(path=_application_path(db, application_id), status_code=303)


class ResidentApplicationPages(Controller):
    """Registering an application from a resident's record."""

    path = "/gminy/{teryt:str}/residents/{resident_id:uuid}/applications"
    opt = {"tenant_scoped": True, "audited": True}

    async def _new_page(
        self,
        request: Request[Any, Any, Any],
        db: TenantSession,
        resident_id: UUID,
        *,
        values: dict[str, str],
        ticked: list[str],
        errors: FormErrors | None = None,
        status_code: int = 200,
    ) -> Template:
        resident = await residents.read_resident(db, resident_id)
        day = clock.today()
        offered = await services_offered(db, day)
        return render(
            request,
            "core/applications/new.html",
            title=_("Register an application"),
            teryt=db.tenant.teryt,
            errors=errors,
            status_code=status_code,
            resident=resident,
            values=values,
            ticked=ticked,
            services=[(str(s.service_id), s.name, s.code) for s in offered],
            channels=channel_labels(),
            record_path=f"/gminy/{db.tenant.teryt}/residents/{resident_id}",
            form_path=f"/gminy/{db.tenant.teryt}/residents/{resident_id}/applications/new",
            queue_path=_queue_path(db),
        )

    @get("/new", guards=[CASE_WORKERS])
    async def new_form(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[TenantSession],
        resident_id: FromPath[UUID],
    ) -> Template:
        """An empty application form for the resident (the record read is audited)."""
        values = {"channel": "in_person", "registered_on": clock.today().isoformat()}
        return await self._new_page(request, db, resident_id, values=values, ticked=[])

    @post("/new", guards=[CASE_WORKERS])
    async def create(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[TenantSession],
        resident_id: FromPath[UUID],
    ) -> Response[Any]:
        """Register the application; mistakes are shown next to the fields, nothing written."""
        form, ticked = await _posted(request)
        payload: dict[str, Any] = {
            "resident_id": str(resident_id),
            "channel": form.get("channel", ""),
            "declaration_signed": form.get("declaration_signed") == "yes",
            "services": ticked,
        }
        if form.get("registered_on"):
            payload["registered_on"] = iso_date(form["registered_on"])
        if form.get("applicant_id"):
            payload["applicant_id"] = form["applicant_id"]
        try:
            async with db.session.begin_nested():
                created = await service.create_application(
                    db, ApplicationCreate.model_validate(payload)
                )
        except _FormFailure as exc:
            return await self._new_page(
                request,
                db,
                resident_id,
                values=form,
                ticked=ticked,
                errors=_errors(exc),
                status_code=error_status(exc),
            )
        notify(request, _("Application registered."))
        return Redirect(path=_application_path(db, created.id), status_code=303)


#: Page controllers of this context, mounted by cus_core.pages.
PAGES: list[ControllerRouterHandler] = [ApplicationPages, ResidentApplicationPages]
