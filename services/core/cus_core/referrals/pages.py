"""Pages of referrals: the CUS's list by status, referring a granted service, a referral's
history with its deliveries and the contract's capacity, a resident's consents; and the
partner's side of one gmina (its referrals, accepting, declining, recording deliveries).

Every read and write goes through the services, audited there. A refused form or action
writes nothing (its work runs in a savepoint rolled back) and explains why on the page.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from pydantic import ValidationError

from cus_core.offer import service as offer
from cus_core.referrals import consents, deliveries, partner_view, service
from cus_core.referrals.models import REFERRAL_STATUSES
from cus_core.referrals.routes import CASE_WORKERS, PARTNER_DEPENDENCIES, PARTNERS, TENANT_OPT
from cus_core.referrals.schemas import ConsentCreate, DeliveryIn, ReasonIn, ReferralCreate
from cus_shared import clock
from cus_shared.errors import DomainError, NotFoundError
from cus_shared.i18n.language import gettext as _
from cus_shared.tenancy import TenantSession
from cus_shared.web.forms import FormErrors, error_status, form_errors, parse_form, read_form
from cus_shared.web.pages import act_and_return, notify, render

_PAGE_SIZE = 50


def status_labels() -> dict[str, str]:
    """Statuses of a referral, in the request's language."""
    return {
        "pending": _("Pending"),
        "accepted": _("Accepted"),
        "declined": _("Declined"),
        "in_delivery": _("In delivery"),
        "completed": _("Completed"),
        "cancelled": _("Cancelled"),
        "expired": _("Expired"),
    }


def scope_labels() -> dict[str, str]:
    """What a consent lets the CUS share."""
    return {
        "identity": _("Name"),
        "contact": _("Address"),
        "needs": _("Needs from the interview"),
    }


def actor_labels() -> dict[str, str]:
    """Who changed a referral's status."""
    return {"cus": _("CUS"), "partner": _("Partner"), "system": _("System")}


def _list_path(db: TenantSession) -> str:
    return f"/gminy/{db.tenant.teryt}/referrals"


def _partner_path(db: TenantSession) -> str:
    return f"/partner/gminy/{db.tenant.teryt}/referrals"


def _query_uuid(request: Request[Any, Any, Any], name: str) -> UUID:
    try:
        return UUID(request.query_params.get(name, ""))
    except ValueError:
        raise NotFoundError("not_found") from None


class ReferralPages(Controller):
    """The CUS's referrals of one gmina, as pages."""

    path = "/gminy/{teryt:str}/referrals"
    opt = TENANT_OPT

    @get("/", guards=[CASE_WORKERS])
    async def list_page(
        self, request: Request[Any, Any, Any], db: NamedDependency[TenantSession]
    ) -> Template:
        """Referrals by status (the status may travel in the URL: it is no personal data)."""
        status = request.query_params.get("status") or None
        if status not in (None, *REFERRAL_STATUSES):
            status = None
        rows, total = await service.list_referrals(db, status=status, limit=_PAGE_SIZE, offset=0)
        return render(
            request,
            "core/referrals/list.html",
            title=_("Referrals"),
            teryt=db.tenant.teryt,
            referrals=rows,
            total=total,
            status=status or "",
            statuses=status_labels(),
            list_path=_list_path(db),
        )

    async def _new_page(
        self,
        request: Request[Any, Any, Any],
        db: TenantSession,
        requested_service_id: UUID,
        *,
        values: dict[str, str],
        errors: FormErrors | None = None,
        status_code: int = 200,
    ) -> Template:
        requested = await service.granted_service(db, requested_service_id)
        today = clock.today()
        covering = await offer.contracts_covering(db, requested.service_id, today)
        consented = {
            c.partner_id for c in await consents.consents_of(db, requested.resident_id) if c.active
        }
        names = await offer.service_names(db, [requested.service_id])
        return render(
            request,
            "core/referrals/new.html",
            title=_("Refer a granted service"),
            teryt=db.tenant.teryt,
            errors=errors,
            status_code=status_code,
            values=values,
            service_name=names.get(requested.service_id, ""),
            requested_service_id=str(requested.id),
            contracts=covering,
            consented=consented,
            consents_path=f"/gminy/{db.tenant.teryt}/residents/{requested.resident_id}/consents",
            list_path=_list_path(db),
        )

    @get("/new", guards=[CASE_WORKERS])
    async def new_form(
        self, request: Request[Any, Any, Any], db: NamedDependency[TenantSession]
    ) -> Template:
        """Choose the contract, the period and the volume (``?requested_service=<id>``)."""
        requested = _query_uuid(request, "requested_service")
        values = {"starts_on": clock.today().isoformat()}
        return await self._new_page(request, db, requested, values=values)

    @post("/new", guards=[CASE_WORKERS])
    async def create(
        self, request: Request[Any, Any, Any], db: NamedDependency[TenantSession]
    ) -> Response[Any]:
        """Refer the service; mistakes are shown on the form and nothing is written."""
        form = await read_form(request)
        try:
            requested = UUID(form.get("requested_service_id", ""))
        except ValueError:
            raise NotFoundError("not_found") from None
        try:
            data = parse_form(ReferralCreate, form)
            async with db.session.begin_nested():
                created = await service.create_referral(db, data)
        except (ValidationError, DomainError) as exc:
            if isinstance(exc, NotFoundError):
                raise
            return await self._new_page(
                request,
                db,
                requested,
                values=form,
                errors=form_errors(exc),
                status_code=error_status(exc),
            )
        notify(request, _("Referral sent."))
        return Redirect(path=f"{_list_path(db)}/{created.id}", status_code=303)

    @get("/{referral_id:uuid}", guards=[CASE_WORKERS])
    async def detail(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[TenantSession],
        referral_id: FromPath[UUID],
    ) -> Template:
        """A referral's history, deliveries, actions and the contract's capacity this year."""
        referral = await service.read_referral(db, referral_id)
        capacity = None
        if await offer.contract(db, referral.contract_id) is not None:
            capacity = await deliveries.contract_capacity(
                db, referral.contract_id, clock.today().year
            )
        return render(
            request,
            "core/referrals/detail.html",
            title=_("Referral %(number)s", number=referral.number),
            teryt=db.tenant.teryt,
            referral=referral,
            capacity=capacity,
            statuses=status_labels(),
            actors=actor_labels(),
            in_house=referral.partner_id is None,
            this_month=clock.first_of_month(clock.today()).strftime("%Y-%m"),
            list_path=_list_path(db),
            path=f"{_list_path(db)}/{referral.id}",
        )

    @post("/{referral_id:uuid}/cancel", guards=[CASE_WORKERS])
    async def cancel(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[TenantSession],
        referral_id: FromPath[UUID],
    ) -> Response[Any]:
        """Cancel the referral with a reason."""
        form = await read_form(request)

        async def action() -> None:
            await service.cancel(db, referral_id, parse_form(ReasonIn, form).reason)

        return await act_and_return(request, db.session, f"{_list_path(db)}/{referral_id}", action)

    @post("/{referral_id:uuid}/complete", guards=[CASE_WORKERS])
    async def complete(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[TenantSession],
        referral_id: FromPath[UUID],
    ) -> Response[Any]:
        """Close a delivered referral."""

        async def action() -> None:
            await service.complete(db, referral_id)

        return await act_and_return(request, db.session, f"{_list_path(db)}/{referral_id}", action)

    @post("/{referral_id:uuid}/accept", guards=[CASE_WORKERS])
    async def accept(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[TenantSession],
        referral_id: FromPath[UUID],
    ) -> Response[Any]:
        """Accept an in-house referral."""

        async def action() -> None:
            await service.accept(db, referral_id)

        return await act_and_return(request, db.session, f"{_list_path(db)}/{referral_id}", action)

    @post("/{referral_id:uuid}/deliveries", guards=[CASE_WORKERS])
    async def record_delivery(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[TenantSession],
        referral_id: FromPath[UUID],
    ) -> Response[Any]:
        """Record what the CUS delivered itself in a month."""
        form = await read_form(request)
        month = form.pop("month", "")

        async def action() -> None:
            await deliveries.record_delivery(db, referral_id, month, parse_form(DeliveryIn, form))

        return await act_and_return(request, db.session, f"{_list_path(db)}/{referral_id}", action)


class ConsentPages(Controller):
    """A resident's consents to share data with partners."""

    path = "/gminy/{teryt:str}/residents/{resident_id:uuid}/consents"
    opt = TENANT_OPT

    async def _page(
        self,
        request: Request[Any, Any, Any],
        db: TenantSession,
        resident_id: UUID,
        *,
        values: dict[str, Any],
        errors: FormErrors | None = None,
        status_code: int = 200,
    ) -> Template:
        rows = await consents.consents_of(db, resident_id)
        partners = await consents.partners_serving(db, clock.today())
        return render(
            request,
            "core/referrals/consents.html",
            title=_("Consents to share data"),
            teryt=db.tenant.teryt,
            errors=errors,
            status_code=status_code,
            values=values,
            consents=rows,
            partners=sorted(partners.items(), key=lambda p: p[1]),
            scopes=scope_labels(),
            path=f"/gminy/{db.tenant.teryt}/residents/{resident_id}/consents",
            record_path=f"/gminy/{db.tenant.teryt}/residents/{resident_id}",
        )

    @get("/", guards=[CASE_WORKERS])
    async def list_page(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[TenantSession],
        resident_id: FromPath[UUID],
    ) -> Template:
        """The resident's consents and a form to record a new one."""
        values = {"given_on": clock.today().isoformat(), "scope": []}
        return await self._page(request, db, resident_id, values=values)

    @post("/", guards=[CASE_WORKERS])
    async def give(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[TenantSession],
        resident_id: FromPath[UUID],
    ) -> Response[Any]:
        """Record a consent; mistakes are shown on the form and nothing is written."""
        raw = await request.form()
        scope = [str(v) for v in raw.getall("scope", [])]
        form = await read_form(request)
        form.pop("scope", None)
        try:
            filled = {k: v for k, v in form.items() if v}
            data = ConsentCreate.model_validate({**filled, "scope": scope})
            async with db.session.begin_nested():
                await consents.give_consent(db, resident_id, data)
        except (ValidationError, DomainError) as exc:
            if isinstance(exc, NotFoundError):
                raise
            return await self._page(
                request,
                db,
                resident_id,
                values={**form, "scope": scope},
                errors=form_errors(exc),
                status_code=error_status(exc),
            )
        notify(request, _("Consent recorded."))
        return Redirect(
            path=f"/gminy/{db.tenant.teryt}/residents/{resident_id}/consents", status_code=303
        )

    @post("/{consent_id:uuid}/withdraw", guards=[CASE_WORKERS])
    async def withdraw(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[TenantSession],
        resident_id: FromPath[UUID],
        consent_id: FromPath[UUID],
    ) -> Response[Any]:
        """Withdraw a consent: sharing under it stops at once."""

        async def action() -> None:
            await consents.withdraw_consent(db, resident_id, consent_id)

        back = f"/gminy/{db.tenant.teryt}/residents/{resident_id}/consents"
        return await act_and_return(request, db.session, back, action)


class PartnerReferralPages(Controller):
    """The referrals a partner received from one gmina, as pages."""

    path = "/"
    opt = TENANT_OPT

    @get("/", guards=[PARTNERS])
    async def list_page(
        self, request: Request[Any, Any, Any], db: NamedDependency[TenantSession]
    ) -> Template:
        """Referrals addressed to the person's organisations (no personal data listed)."""
        rows = await partner_view.partner_referrals(db)
        return render(
            request,
            "core/referrals/partner_list.html",
            title=_("Referrals from the gmina"),
            referrals=rows,
            statuses=status_labels(),
            path=_partner_path(db),
        )

    @get("/{referral_id:uuid}", guards=[PARTNERS])
    async def detail(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[TenantSession],
        referral_id: FromPath[UUID],
    ) -> Template:
        """One referral with what the resident's consent lets the partner know."""
        referral = await partner_view.partner_referral(db, referral_id)
        return render(
            request,
            "core/referrals/partner_detail.html",
            title=_("Referral %(number)s", number=referral.number),
            referral=referral,
            statuses=status_labels(),
            scopes=scope_labels(),
            this_month=clock.first_of_month(clock.today()).strftime("%Y-%m"),
            list_path=_partner_path(db),
            path=f"{_partner_path(db)}/{referral.id}",
        )

    @post("/{referral_id:uuid}/accept", guards=[PARTNERS])
    async def accept(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[TenantSession],
        referral_id: FromPath[UUID],
    ) -> Response[Any]:
        """Take the referral on."""

        async def action() -> None:
            await service.accept(db, referral_id)

        return await act_and_return(
            request, db.session, f"{_partner_path(db)}/{referral_id}", action
        )

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
            await service.decline(db, referral_id, parse_form(ReasonIn, form).reason)

        return await act_and_return(
            request, db.session, f"{_partner_path(db)}/{referral_id}", action
        )

    @post("/{referral_id:uuid}/deliveries", guards=[PARTNERS])
    async def record_delivery(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[TenantSession],
        referral_id: FromPath[UUID],
    ) -> Response[Any]:
        """Record what was delivered in a month."""
        form = await read_form(request)
        month = form.pop("month", "")

        async def action() -> None:
            await deliveries.record_delivery(db, referral_id, month, parse_form(DeliveryIn, form))

        return await act_and_return(
            request, db.session, f"{_partner_path(db)}/{referral_id}", action
        )


partner_pages = Router(
    path="/partner/gminy/{teryt:str}/referrals",
    route_handlers=[PartnerReferralPages],
    dependencies=PARTNER_DEPENDENCIES,
    opt=TENANT_OPT,
    guards=[PARTNERS],
)

#: Page controllers of this context, mounted by cus_core.pages.
PAGES: list[Any] = [ReferralPages, ConsentPages, partner_pages]
