"""Pages of the partner inbox: referrals from every gmina the person's organisations serve,
sorted by urgency and filterable, accepted or declined in place, a month's deliveries
recorded for many referrals at once; a problem in delivery reported to the CUS; complaints
forwarded to the partner answered; and the CUS's list of reported problems to acknowledge.

Each gmina is read and written in its own transaction under its own role (see
cus_core.partner_inbox.access); a refused form writes nothing and says why.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from pydantic import ValidationError

from cus_core.complaints import partner as complaints
from cus_core.complaints.schemas import ExplanationIn
from cus_core.partner_inbox import service
from cus_core.partner_inbox.access import PartnerGminy
from cus_core.partner_inbox.routes import INBOX_DEPENDENCIES
from cus_core.partner_inbox.schemas import BulkDeliveriesIn, BulkDeliveriesRead, BulkDeliveryRow
from cus_core.referrals import problems
from cus_core.referrals import service as referrals
from cus_core.referrals.models import REFERRAL_STATUSES
from cus_core.referrals.pages import status_labels
from cus_core.referrals.problem_schemas import CATEGORIES, AcknowledgeIn, ProblemIn
from cus_core.referrals.routes import CASE_WORKERS, PARTNER_DEPENDENCIES, PARTNERS, TENANT_OPT
from cus_core.referrals.schemas import ReasonIn
from cus_shared import clock
from cus_shared.errors import DomainError, NotFoundError
from cus_shared.i18n.language import gettext as _
from cus_shared.tenancy import TenantSession
from cus_shared.web.forms import FormErrors, error_summary, form_errors, parse_form, read_form
from cus_shared.web.pages import act_and_return, notify, render

INBOX_PATH = "/partner/inbox"
#: Referrals whose month of deliveries may be recorded.
_RECORDING = ("accepted", "in_delivery")


def category_labels() -> dict[str, str]:
    """Kinds of problems in delivery, in the request's language."""
    return {
        "absence": _("Nobody at home"),
        "health": _("Health got worse"),
        "safety": _("Safety concern"),
        "refusal": _("The person refuses the service"),
        "other": _("Other"),
    }


def urgency_labels() -> dict[str, str]:
    """Why a referral stands where it does in the inbox."""
    return {
        "pending": _("Awaiting your answer"),
        "missing_delivery": _("Last month's delivery not recorded"),
        "other": "",
    }


def _filters(request: Request[Any, Any, Any], served: list[str]) -> service.InboxFilters:
    """Filters from the URL (none is personal data); unknown values are ignored."""
    gmina = request.query_params.get("gmina") or None
    status = request.query_params.get("status") or None
    raw_service = request.query_params.get("service") or ""
    try:
        service_id = UUID(raw_service) if raw_service else None
    except ValueError:
        service_id = None
    return service.InboxFilters(
        gmina=gmina if gmina in served else None,
        status=status if status in REFERRAL_STATUSES else None,
        service_id=service_id,
    )


def _bulk_rows(form: dict[str, str]) -> list[dict[str, str]]:
    """The rows the person filled in: fields ``sessions:<teryt>:<id>`` and ``hours:…``."""
    rows: list[dict[str, str]] = []
    for name, sessions in form.items():
        if not name.startswith("sessions:"):
            continue
        _kind, teryt, referral_id = [*name.split(":", 2), "", ""][:3]
        hours = form.get(f"hours:{teryt}:{referral_id}", "").strip().replace(",", ".")
        if not sessions.strip() and not hours:
            continue
        rows.append(
            {
                "teryt": teryt,
                "referral_id": referral_id,
                "sessions": sessions.strip() or "0",
                "hours": hours or "0",
            }
        )
    return rows


class PartnerInboxPages(Controller):
    """The inbox across gminy, with the month's deliveries in bulk."""

    path = "/"
    opt = TENANT_OPT

    async def _page(
        self,
        request: Request[Any, Any, Any],
        db: PartnerGminy,
        *,
        outcome: BulkDeliveriesRead | None = None,
        errors: FormErrors | None = None,
        values: dict[str, str] | None = None,
        status_code: int = 200,
    ) -> Template:
        scope = db.scope
        filters = _filters(request, scope.teryts)
        inbox = await service.read_inbox(db, filters)
        services = sorted(
            {(str(i.service_id), i.service_name) for i in inbox.items}, key=lambda s: s[1]
        )
        recording = [i for i in inbox.items if i.status in _RECORDING]
        this_month = clock.first_of_month(clock.today()).strftime("%Y-%m")
        numbers = {(i.teryt, i.id): i.number for i in inbox.items}
        return render(
            request,
            "core/partner_inbox/inbox.html",
            title=_("Referrals inbox"),
            inbox=inbox,
            gminy=[(g.teryt, g.name) for g in inbox.gminy],
            partners=sorted(scope.principal.partner_names.values()),
            gmina_names={g.teryt: g.name for g in inbox.gminy},
            services=services,
            statuses=status_labels(),
            urgencies=urgency_labels(),
            filters={
                "gmina": filters.gmina or "",
                "status": filters.status or "",
                "service": str(filters.service_id) if filters.service_id else "",
            },
            recording=recording,
            values=values or {"month": this_month},
            errors=errors,
            outcome=outcome,
            numbers=numbers,
            status_code=status_code,
            path=INBOX_PATH,
        )

    @get("/", guards=[PARTNERS])
    async def inbox(
        self, request: Request[Any, Any, Any], db: NamedDependency[PartnerGminy]
    ) -> Template:
        """Referrals from every served gmina, the most urgent first."""
        return await self._page(request, db)

    @post("/deliveries", guards=[PARTNERS])
    async def deliveries(
        self, request: Request[Any, Any, Any], db: NamedDependency[PartnerGminy]
    ) -> Template:
        """Record the month for every row filled in; the outcome of each row is shown."""
        form = await read_form(request)
        month = form.get("month", "")
        try:
            data = BulkDeliveriesIn(
                month=month,
                rows=[BulkDeliveryRow.model_validate(r) for r in _bulk_rows(form)],
            )
            outcome = await service.record_bulk_deliveries(db, data)
        except (DomainError, ValidationError) as exc:
            if isinstance(exc, NotFoundError):
                raise
            errors = form_errors(exc)
            return await self._page(
                request, db, errors=errors, values={"month": month}, status_code=422
            )
        if outcome.saved:
            notify(request, _("Saved: %(num)s.", num=outcome.saved))
        return await self._page(request, db, outcome=outcome, values={"month": month})


class InboxDecisionPages(Controller):
    """Accepting or declining a referral from the inbox (back to the inbox afterwards)."""

    path = "/"
    opt = TENANT_OPT

    @post("/{referral_id:uuid}/accept", guards=[PARTNERS])
    async def accept(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[TenantSession],
        referral_id: FromPath[UUID],
    ) -> Response[Any]:
        """Take the referral on."""

        async def action() -> None:
            await referrals.accept(db, referral_id)

        return await act_and_return(request, db.session, INBOX_PATH, action)

    @post("/{referral_id:uuid}/decline", guards=[PARTNERS])
    async def decline(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[TenantSession],
        referral_id: FromPath[UUID],
    ) -> Response[Any]:
        """Refuse the referral, saying why."""
        form = await read_form(request)

        async def action() -> None:
            await referrals.decline(db, referral_id, parse_form(ReasonIn, form).reason)

        return await act_and_return(request, db.session, INBOX_PATH, action)


class PartnerProblemPages(Controller):
    """Reporting a problem in delivering one referral."""

    path = "/"
    opt = TENANT_OPT

    async def _page(
        self,
        request: Request[Any, Any, Any],
        db: TenantSession,
        referral_id: UUID,
        *,
        values: dict[str, Any],
        errors: FormErrors | None = None,
        status_code: int = 200,
    ) -> Template:
        reported = await problems.problems_of(db, referral_id)
        referral_path = f"/partner/gminy/{db.tenant.teryt}/referrals/{referral_id}"
        return render(
            request,
            "core/partner_inbox/report_problem.html",
            title=_("Report a problem in delivery"),
            problems=reported,
            categories=category_labels(),
            values=values,
            errors=errors,
            status_code=status_code,
            referral_path=referral_path,
            path=f"{referral_path}/problems",
        )

    @get("/", guards=[PARTNERS])
    async def form(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[TenantSession],
        referral_id: FromPath[UUID],
    ) -> Template:
        """The problems reported so far and a form for a new one."""
        return await self._page(request, db, referral_id, values={})

    @post("/", guards=[PARTNERS])
    async def report(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[TenantSession],
        referral_id: FromPath[UUID],
    ) -> Response[Any]:
        """Report the problem; the CUS sees it at once."""
        form = await read_form(request)
        values = {**form, "urgent": form.get("urgent") == "yes"}
        try:
            data = ProblemIn.model_validate(
                {
                    "category": form.get("category", ""),
                    "urgent": form.get("urgent") == "yes",
                    "description": form.get("description", ""),
                }
            )
            async with db.session.begin_nested():
                await problems.report_problem(db, referral_id, data)
        except (DomainError, ValidationError) as exc:
            if isinstance(exc, NotFoundError):
                raise
            status = exc.status_code if isinstance(exc, DomainError) else 422
            return await self._page(
                request, db, referral_id, values=values, errors=form_errors(exc), status_code=status
            )
        notify(request, _("The problem was reported to the CUS."))
        return Redirect(
            path=f"/partner/gminy/{db.tenant.teryt}/referrals/{referral_id}/problems",
            status_code=303,
        )


class PartnerComplaintPages(Controller):
    """Complaints forwarded to the partner in one gmina, and its answers."""

    path = "/"
    opt = TENANT_OPT

    @get("/", guards=[PARTNERS])
    async def list_page(
        self, request: Request[Any, Any, Any], db: NamedDependency[TenantSession]
    ) -> Template:
        """Complaints awaiting an answer first, each with a form for the explanation."""
        rows = await complaints.partner_complaints(db)
        return render(
            request,
            "core/partner_inbox/complaints.html",
            title=_("Complaints forwarded to you"),
            complaints=rows,
            gmina_name=db.tenant.principal.gmina_names.get(db.tenant.teryt, db.tenant.teryt),
            path=f"/partner/gminy/{db.tenant.teryt}/complaints",
        )

    @post("/{complaint_id:uuid}/answer", guards=[PARTNERS])
    async def answer(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[TenantSession],
        complaint_id: FromPath[UUID],
    ) -> Response[Any]:
        """Send the explanation: the complaint moves to explained."""
        form = await read_form(request)
        back = f"/partner/gminy/{db.tenant.teryt}/complaints"
        try:
            async with db.session.begin_nested():
                await complaints.answer(db, complaint_id, parse_form(ExplanationIn, form))
        except (DomainError, ValidationError) as exc:
            if isinstance(exc, NotFoundError):
                raise
            notify(request, error_summary(exc), "error")
            return Redirect(path=back, status_code=303)
        notify(request, _("Your answer was sent to the CUS."))
        return Redirect(path=back, status_code=303)


class ProblemPages(Controller):
    """Problems in delivery reported by partners, as the CUS of one gmina sees them."""

    path = "/gminy/{teryt:str}/problems"
    opt = TENANT_OPT

    @get("/", guards=[CASE_WORKERS])
    async def list_page(
        self, request: Request[Any, Any, Any], db: NamedDependency[TenantSession]
    ) -> Template:
        """Open problems, urgent ones first, each with a form to acknowledge it."""
        rows = await problems.open_problems(db, limit=100)
        return render(
            request,
            "core/partner_inbox/cus_problems.html",
            title=_("Problems reported by partners"),
            teryt=db.tenant.teryt,
            problems=rows,
            categories=category_labels(),
            path=f"/gminy/{db.tenant.teryt}/problems",
        )

    @post("/{problem_id:uuid}/acknowledge", guards=[CASE_WORKERS])
    async def acknowledge(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[TenantSession],
        problem_id: FromPath[UUID],
    ) -> Response[Any]:
        """Acknowledge the problem, saying what the CUS did."""
        form = await read_form(request)
        back = f"/gminy/{db.tenant.teryt}/problems"
        try:
            async with db.session.begin_nested():
                await problems.acknowledge(db, problem_id, parse_form(AcknowledgeIn, form))
        except (DomainError, ValidationError) as exc:
            if isinstance(exc, NotFoundError):
                raise
            notify(request, error_summary(exc), "error")
            return Redirect(path=back, status_code=303)
        notify(request, _("Acknowledged."))
        return Redirect(path=back, status_code=303)


def _partner_router(path: str, handler: type[Controller]) -> Router:
    return Router(
        path=path,
        route_handlers=[handler],
        dependencies=PARTNER_DEPENDENCIES,
        opt=TENANT_OPT,
        guards=[PARTNERS],
    )


inbox_pages = Router(
    path=INBOX_PATH,
    route_handlers=[PartnerInboxPages],
    dependencies=INBOX_DEPENDENCIES,
    opt=TENANT_OPT,
    guards=[PARTNERS],
)

#: Page handlers of this context, mounted by cus_core.pages.
PAGES: list[Any] = [
    inbox_pages,
    _partner_router("/partner/inbox/gminy/{teryt:str}/referrals", InboxDecisionPages),
    _partner_router(
        "/partner/gminy/{teryt:str}/referrals/{referral_id:uuid}/problems", PartnerProblemPages
    ),
    _partner_router("/partner/gminy/{teryt:str}/complaints", PartnerComplaintPages),
    ProblemPages,
]

__all__ = ["CATEGORIES", "PAGES", "category_labels"]
