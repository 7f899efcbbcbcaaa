"""HTTP API of referrals, consents and deliveries, under /api/core (see cus_core.routes):
the CUS's side per gmina, and the partner's side of one gmina
(/api/core/partner/gminy/{teryt}/referrals) with its own tenancy dependencies."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated
from uuid import UUID

from litestar import Controller, Router, get, post, put
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody, QueryParameter

from cus_core.referrals import consents, deliveries, partner_view, service
from cus_core.referrals.partner_access import provide_partner_session, provide_partner_tenant
from cus_core.referrals.schemas import (
    CapacityRead,
    ConsentCreate,
    ConsentRead,
    DeliveryIn,
    DeliveryRead,
    PartnerReferralRead,
    PartnerReferralSummary,
    ReasonIn,
    ReferralCreate,
    ReferralPage,
    ReferralRead,
)
from cus_shared.identity.guards import require_roles, require_tenant_roles
from cus_shared.identity.roles import CUS_STAFF_ROLES, Role
from cus_shared.tenancy import TenantSession

if TYPE_CHECKING:
    from litestar.types import ControllerRouterHandler

READERS = require_tenant_roles(*CUS_STAFF_ROLES)
#: Who refers residents and follows the loop: KIPUS, OUS and the director.
CASE_WORKERS = require_tenant_roles(Role.DIRECTOR, Role.OUS, Role.KIPUS)
PARTNERS = require_roles(Role.PARTNER_STAFF)
TENANT_OPT = {"tenant_scoped": True, "audited": True}

Limit = Annotated[int, QueryParameter(ge=1, le=100)]
Offset = Annotated[int, QueryParameter(ge=0)]
#: A referral status (not personal data, so it may travel in the URL).
StatusFilter = Annotated[str | None, QueryParameter(max_length=12)]


class ConsentController(Controller):
    """A resident's consents to share data with partners."""

    path = "/gminy/{teryt:str}/residents/{resident_id:uuid}/consents"
    tags = ["referrals"]
    opt = TENANT_OPT

    @get("/", guards=[CASE_WORKERS])
    async def list_consents(
        self, db: NamedDependency[TenantSession], resident_id: FromPath[UUID]
    ) -> list[ConsentRead]:
        """The resident's consents, newest first."""
        return await consents.consents_of(db, resident_id)

    @post("/", guards=[CASE_WORKERS], status_code=201)
    async def give(
        self,
        db: NamedDependency[TenantSession],
        resident_id: FromPath[UUID],
        data: JSONBody[ConsentCreate],
    ) -> ConsentRead:
        """Record a consent to share data with a partner serving this gmina."""
        return await consents.give_consent(db, resident_id, data)

    @post("/{consent_id:uuid}/withdraw", guards=[CASE_WORKERS], status_code=200)
    async def withdraw(
        self,
        db: NamedDependency[TenantSession],
        resident_id: FromPath[UUID],
        consent_id: FromPath[UUID],
    ) -> ConsentRead:
        """Withdraw a consent: sharing under it stops at once."""
        return await consents.withdraw_consent(db, resident_id, consent_id)


class ReferralController(Controller):
    """Referrals of granted services to providers, as the CUS follows them."""

    path = "/gminy/{teryt:str}/referrals"
    tags = ["referrals"]
    opt = TENANT_OPT

    @get("/", guards=[CASE_WORKERS])
    async def list_referrals(
        self,
        db: NamedDependency[TenantSession],
        status: StatusFilter = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> ReferralPage:
        """Referrals of the gmina, newest first (overdue pending ones expire first)."""
        items, total = await service.list_referrals(db, status=status, limit=limit, offset=offset)
        return ReferralPage(items=items, total=total, limit=limit, offset=offset)

    @post("/", guards=[CASE_WORKERS], status_code=201)
    async def create(
        self, db: NamedDependency[TenantSession], data: JSONBody[ReferralCreate]
    ) -> ReferralRead:
        """Refer a granted service under a contract, reserving its capacity."""
        return await service.create_referral(db, data)

    @get("/{referral_id:uuid}", guards=[CASE_WORKERS])
    async def show(
        self, db: NamedDependency[TenantSession], referral_id: FromPath[UUID]
    ) -> ReferralRead:
        """One referral with its history and deliveries."""
        return await service.read_referral(db, referral_id)

    @post("/{referral_id:uuid}/accept", guards=[CASE_WORKERS], status_code=200)
    async def accept(
        self, db: NamedDependency[TenantSession], referral_id: FromPath[UUID]
    ) -> ReferralRead:
        """Accept an in-house referral (the CUS delivers it itself)."""
        return await service.read_after_change(db, await service.accept(db, referral_id))

    @post("/{referral_id:uuid}/decline", guards=[CASE_WORKERS], status_code=200)
    async def decline(
        self,
        db: NamedDependency[TenantSession],
        referral_id: FromPath[UUID],
        data: JSONBody[ReasonIn],
    ) -> ReferralRead:
        """Decline an in-house referral, saying why."""
        referral = await service.decline(db, referral_id, data.reason)
        return await service.read_after_change(db, referral)

    @post("/{referral_id:uuid}/start", guards=[CASE_WORKERS], status_code=200)
    async def start(
        self, db: NamedDependency[TenantSession], referral_id: FromPath[UUID]
    ) -> ReferralRead:
        """Mark an accepted referral as in delivery."""
        return await service.read_after_change(db, await service.start(db, referral_id))

    @post("/{referral_id:uuid}/cancel", guards=[CASE_WORKERS], status_code=200)
    async def cancel(
        self,
        db: NamedDependency[TenantSession],
        referral_id: FromPath[UUID],
        data: JSONBody[ReasonIn],
    ) -> ReferralRead:
        """Cancel a referral, saying why; capacity of the months not started is released."""
        referral = await service.cancel(db, referral_id, data.reason)
        return await service.read_after_change(db, referral)

    @post("/{referral_id:uuid}/complete", guards=[CASE_WORKERS], status_code=200)
    async def complete(
        self, db: NamedDependency[TenantSession], referral_id: FromPath[UUID]
    ) -> ReferralRead:
        """Close a delivered referral; capacity after this month is released."""
        return await service.read_after_change(db, await service.complete(db, referral_id))

    @get("/{referral_id:uuid}/deliveries", guards=[CASE_WORKERS])
    async def list_deliveries(
        self, db: NamedDependency[TenantSession], referral_id: FromPath[UUID]
    ) -> list[DeliveryRead]:
        """What was delivered per month."""
        return await deliveries.list_deliveries(db, referral_id)

    @put("/{referral_id:uuid}/deliveries/{month:str}", guards=[CASE_WORKERS])
    async def record_delivery(
        self,
        db: NamedDependency[TenantSession],
        referral_id: FromPath[UUID],
        month: FromPath[str],
        data: JSONBody[DeliveryIn],
    ) -> DeliveryRead:
        """Record what the CUS delivered itself in a month (YYYY-MM) of an in-house referral."""
        return await deliveries.record_delivery(db, referral_id, month, data)


class CapacityController(Controller):
    """Capacity use of the contracts covering the gmina."""

    path = "/gminy/{teryt:str}/contracts"
    tags = ["referrals"]
    opt = TENANT_OPT

    @get("/{contract_id:uuid}/capacity", guards=[READERS])
    async def capacity(
        self,
        db: NamedDependency[TenantSession],
        contract_id: FromPath[UUID],
        year: Annotated[int, QueryParameter(ge=2000, le=2100)],
    ) -> CapacityRead:
        """Planned (all gminy and here) and delivered (here) volume per month of a year."""
        return await deliveries.contract_capacity(db, contract_id, year)


class PartnerReferralController(Controller):
    """The referrals a partner received from one gmina."""

    path = "/"
    tags = ["referrals", "partners"]
    opt = TENANT_OPT

    @get("/", guards=[PARTNERS])
    async def list_referrals(
        self, db: NamedDependency[TenantSession], status: StatusFilter = None
    ) -> list[PartnerReferralSummary]:
        """Referrals addressed to the caller's organisations, newest first."""
        service.check_status(status)
        return await partner_view.partner_referrals(db, status=status)

    @get("/{referral_id:uuid}", guards=[PARTNERS])
    async def show(
        self, db: NamedDependency[TenantSession], referral_id: FromPath[UUID]
    ) -> PartnerReferralRead:
        """One referral with the minimum data the consent allows."""
        return await partner_view.partner_referral(db, referral_id)

    @post("/{referral_id:uuid}/accept", guards=[PARTNERS], status_code=200)
    async def accept(
        self, db: NamedDependency[TenantSession], referral_id: FromPath[UUID]
    ) -> PartnerReferralRead:
        """Take the referral on."""
        await service.accept(db, referral_id)
        return await partner_view.partner_referral(db, referral_id)

    @post("/{referral_id:uuid}/decline", guards=[PARTNERS], status_code=200)
    async def decline(
        self,
        db: NamedDependency[TenantSession],
        referral_id: FromPath[UUID],
        data: JSONBody[ReasonIn],
    ) -> PartnerReferralRead:
        """Refuse the referral, saying why."""
        await service.decline(db, referral_id, data.reason)
        return await partner_view.partner_referral(db, referral_id)

    @post("/{referral_id:uuid}/start", guards=[PARTNERS], status_code=200)
    async def start(
        self, db: NamedDependency[TenantSession], referral_id: FromPath[UUID]
    ) -> PartnerReferralRead:
        """Say that delivery has begun."""
        await service.start(db, referral_id)
        return await partner_view.partner_referral(db, referral_id)

    @put("/{referral_id:uuid}/deliveries/{month:str}", guards=[PARTNERS])
    async def record_delivery(
        self,
        db: NamedDependency[TenantSession],
        referral_id: FromPath[UUID],
        month: FromPath[str],
        data: JSONBody[DeliveryIn],
    ) -> DeliveryRead:
        """Record what was delivered in a month (YYYY-MM)."""
        return await deliveries.record_delivery(db, referral_id, month, data)


#: The partner's side of one gmina, with the partner tenancy in place of CUS staff's.
PARTNER_DEPENDENCIES = {
    "tenant": Provide(provide_partner_tenant),
    "db": Provide(provide_partner_session),
}

partner_router = Router(
    path="/partner/gminy/{teryt:str}/referrals",
    route_handlers=[PartnerReferralController],
    dependencies=PARTNER_DEPENDENCIES,
    opt=TENANT_OPT,
    guards=[PARTNERS],
)

#: Controllers and routers of this context, mounted by cus_core.routes.
ROUTES: list[ControllerRouterHandler] = [
    ConsentController,
    ReferralController,
    CapacityController,
    partner_router,
]
