"""Pages of complaints: the list with time-limit warnings, registering a complaint for a
resident, and one complaint with a form for each next step.

Every read and write goes through the complaints service (audited in the same transaction).
A form with mistakes writes nothing (its work runs in a savepoint that is rolled back).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from pydantic import BaseModel, ValidationError

from cus_core.audit.service import AuditAction, record_access
from cus_core.complaints import service
from cus_core.complaints.routes import HANDLERS
from cus_core.complaints.schemas import (
    ComplaintCreate,
    ComplaintRead,
    CorrectiveActionIn,
    DecisionIn,
    ExplanationIn,
    InformIn,
)
from cus_core.offer.service import services_offered
from cus_core.residents.models import Resident
from cus_core.residents.pages import iso_date, page_offset
from cus_shared import clock
from cus_shared.errors import (
    ConflictError,
    InputError,
    MalformedRequestError,
    NotFoundError,
)
from cus_shared.i18n.language import current_language
from cus_shared.i18n.language import gettext as _
from cus_shared.messages import translate
from cus_shared.tenancy import TenantSession
from cus_shared.web.forms import FormErrors, error_status, form_errors, parse_form, read_form
from cus_shared.web.pages import notify, render

if TYPE_CHECKING:
    from litestar.types import ControllerRouterHandler

PAGE_SIZE = 20


def channel_labels() -> dict[str, str]:
    """How a complaint may reach the CUS."""
    return {
        "in_person": _("In person"),
        "letter": _("Letter"),
        "email": _("E-mail"),
        "e_delivery": _("Electronic delivery"),
        "phone": _("Phone"),
    }


def status_labels() -> dict[str, str]:
    """Stages of a complaint."""
    return {
        "registered": _("Registered"),
        "forwarded": _("Forwarded to the partner"),
        "explained": _("Explanation received"),
        "decided": _("Decided"),
        "closed": _("Closed (resident informed)"),
    }


def outcome_labels() -> dict[str, str]:
    """How a complaint may be decided."""
    return {
        "upheld": _("Upheld"),
        "partly_upheld": _("Partly upheld"),
        "not_upheld": _("Not upheld"),
    }


def _list_path(db: TenantSession) -> str:
    return f"/gminy/{db.tenant.teryt}/complaints"


#: The steps a complaint page offers: form model, service call, message when done.
_STEPS: dict[str, type[BaseModel] | None] = {
    "forward": None,
    "explanation": ExplanationIn,
    "decision": DecisionIn,
    "corrective-action": CorrectiveActionIn,
    "informed": InformIn,
}


async def _run_step(
    db: TenantSession, complaint_id: UUID, name: str, form: dict[str, str]
) -> ComplaintRead:
    if name == "forward":
        return await service.forward(db, complaint_id)
    if name == "explanation":
        return await service.record_explanation(db, complaint_id, parse_form(ExplanationIn, form))
    if name == "decision":
        return await service.decide(db, complaint_id, parse_form(DecisionIn, form))
    if name == "corrective-action":
        return await service.record_corrective_action(
            db, complaint_id, parse_form(CorrectiveActionIn, form)
        )
    if "informed_on" in form:
        form["informed_on"] = iso_date(form["informed_on"])
    return await service.inform_resident(db, complaint_id, parse_form(InformIn, form))


class ComplaintPages(Controller):
    """Complaints of one gmina, as pages."""

    path = "/gminy/{teryt:str}/complaints"
    opt = {"tenant_scoped": True, "audited": True}
    guards = [HANDLERS]

    @get("/")
    async def list_page(
        self, request: Request[Any, Any, Any], db: NamedDependency[TenantSession]
    ) -> Template:
        """Complaints, open ones first by due date, with their warnings in words."""
        offset = page_offset(request)
        rows, total = await service.list_complaints(db, limit=PAGE_SIZE, offset=offset)
        return render(
            request,
            "core/complaints/list.html",
            title=_("Complaints"),
            teryt=db.tenant.teryt,
            complaints=rows,
            total=total,
            limit=PAGE_SIZE,
            offset=offset,
            list_path=_list_path(db),
            statuses=status_labels(),
        )

    # Registering.

    async def _new_page(
        self,
        request: Request[Any, Any, Any],
        db: TenantSession,
        resident_id: UUID,
        *,
        values: dict[str, str],
        errors: FormErrors | None = None,
        status_code: int = 200,
    ) -> Template:
        resident = await db.session.get(Resident, resident_id)
        if resident is None:
            raise NotFoundError("not_found")
        await record_access(db, AuditAction.READ, "resident", [resident.id])
        referrals = await service.referrals_of(db, resident.id)
        services = await services_offered(db, clock.today())
        return render(
            request,
            "core/complaints/new.html",
            title=_("Register a complaint"),
            teryt=db.tenant.teryt,
            errors=errors,
            status_code=status_code,
            values=values,
            resident=resident,
            list_path=_list_path(db),
            channels=channel_labels(),
            referrals=[(str(r[0]), r[1]) for r in referrals],
            partners=[(str(k), v) for k, v in (await service.partners_serving(db)).items()],
            services=[(str(s.service_id), s.name) for s in services],
        )

    @get("/new")
    async def new_form(
        self, request: Request[Any, Any, Any], db: NamedDependency[TenantSession]
    ) -> Template:
        """The registration form for the resident in ``?resident=<id>``."""
        try:
            resident_id = UUID(request.query_params.get("resident", ""))
        except ValueError:
            raise MalformedRequestError("invalid_input") from None
        values = {
            "resident_id": str(resident_id),
            "channel": "in_person",
            "received_on": clock.today().isoformat(),
        }
        return await self._new_page(request, db, resident_id, values=values)

    @post("/new")
    async def create(
        self, request: Request[Any, Any, Any], db: NamedDependency[TenantSession]
    ) -> Response[Any]:
        """Register the complaint; mistakes are shown next to the fields, nothing written."""
        form = await read_form(request)
        try:
            resident_id = UUID(form.get("resident_id", ""))
        except ValueError:
            raise MalformedRequestError("invalid_input") from None
        if form.get("received_on"):
            form["received_on"] = iso_date(form["received_on"])
        try:
            async with db.session.begin_nested():
                created = await service.register_complaint(db, parse_form(ComplaintCreate, form))
        except (ValidationError, InputError, ConflictError) as exc:
            return await self._new_page(
                request,
                db,
                resident_id,
                values=form,
                errors=form_errors(exc),
                status_code=error_status(exc),
            )
        notify(request, _("Complaint registered."))
        return Redirect(path=f"{_list_path(db)}/{created.id}", status_code=303)

    # One complaint and its steps.

    def _show_page(
        self,
        request: Request[Any, Any, Any],
        db: TenantSession,
        complaint: ComplaintRead,
        *,
        values: dict[str, str] | None = None,
        errors: FormErrors | None = None,
        status_code: int = 200,
    ) -> Template:
        return render(
            request,
            "core/complaints/show.html",
            title=_("Complaint %(number)s", number=complaint.number),
            teryt=db.tenant.teryt,
            errors=errors,
            status_code=status_code,
            values=values or {"informed_on": clock.today().isoformat()},
            complaint=complaint,
            list_path=_list_path(db),
            record_path=f"{_list_path(db)}/{complaint.id}",
            residents_path=f"/gminy/{db.tenant.teryt}/residents",
            channels=channel_labels(),
            statuses=status_labels(),
            outcomes=outcome_labels(),
        )

    @get("/{complaint_id:uuid}")
    async def show(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[TenantSession],
        complaint_id: FromPath[UUID],
    ) -> Template:
        """The complaint, its time limit and the form for the next step."""
        complaint = await service.read_complaint(db, complaint_id)
        return self._show_page(request, db, complaint)

    @post("/{complaint_id:uuid}/{step:str}")
    async def take_step(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[TenantSession],
        complaint_id: FromPath[UUID],
        step: FromPath[str],
    ) -> Response[Any]:
        """One step of the handling; a refused step is explained and changes nothing."""
        if step not in _STEPS:
            raise NotFoundError("not_found")
        form = await read_form(request)
        try:
            async with db.session.begin_nested():
                await _run_step(db, complaint_id, step, dict(form))
        except (ValidationError, InputError, ConflictError) as exc:
            errors = form_errors(exc)
            if isinstance(exc, ConflictError) and exc.problems:
                # Why the step is refused, then the complaint's stage.
                errors.summary.insert(0, (None, translate(exc.key, current_language())))
            complaint = await service.read_complaint(db, complaint_id)
            return self._show_page(
                request,
                db,
                complaint,
                values=form,
                errors=errors,
                status_code=error_status(exc),
            )
        notify(request, _("Complaint updated."))
        return Redirect(path=f"{_list_path(db)}/{complaint_id}", status_code=303)


#: Page controllers of this context, mounted by cus_core.pages.
PAGES: list[ControllerRouterHandler] = [ComplaintPages]
