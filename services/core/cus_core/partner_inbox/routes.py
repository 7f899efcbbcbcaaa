"""HTTP API of the partner inbox, under /api/core (see cus_core.routes): the referrals of
every gmina the caller's organisations serve (GET /partner/inbox) and a month's deliveries
in bulk (POST /partner/inbox/deliveries); also mounts the partner's problems and complaints
and the CUS's view of reported problems, which live in their own contexts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated
from uuid import UUID

from litestar import Controller, Router, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody, QueryParameter

from cus_core.complaints.partner_routes import PARTNER_COMPLAINT_ROUTES
from cus_core.partner_inbox import service
from cus_core.partner_inbox.access import (
    PartnerGminy,
    provide_partner_gminy,
    provide_partner_scope,
)
from cus_core.partner_inbox.schemas import BulkDeliveriesIn, BulkDeliveriesRead, InboxRead
from cus_core.referrals.problem_routes import PROBLEM_ROUTES
from cus_core.referrals.routes import PARTNERS, TENANT_OPT

if TYPE_CHECKING:
    from litestar.types import ControllerRouterHandler

#: Filters that may travel in the URL: none of them is personal data.
GminaFilter = Annotated[str | None, QueryParameter(max_length=7)]
StatusFilter = Annotated[str | None, QueryParameter(max_length=12)]
ServiceFilter = Annotated[UUID | None, QueryParameter()]

#: "tenant" is the partner's scope over its served gminy, "db" opens each of them in its own
#: transaction under its own role (see cus_core.partner_inbox.access).
INBOX_DEPENDENCIES = {
    "tenant": Provide(provide_partner_scope),
    "db": Provide(provide_partner_gminy),
}


class PartnerInboxController(Controller):
    """One inbox across the gminy the caller's organisations serve."""

    path = "/"
    tags = ["partners"]
    opt = TENANT_OPT

    @get("/", guards=[PARTNERS])
    async def inbox(
        self,
        db: NamedDependency[PartnerGminy],
        gmina: GminaFilter = None,
        status: StatusFilter = None,
        service_id: ServiceFilter = None,
    ) -> InboxRead:
        """Referrals sorted by urgency: pending ones by how soon they expire, then those
        missing last month's delivery record, then the rest."""
        filters = service.InboxFilters(gmina=gmina, status=status, service_id=service_id)
        return await service.read_inbox(db, filters)

    @post("/deliveries", guards=[PARTNERS], status_code=200)
    async def deliveries(
        self, db: NamedDependency[PartnerGminy], data: JSONBody[BulkDeliveriesIn]
    ) -> BulkDeliveriesRead:
        """Record a month's deliveries for many referrals; every row's outcome is reported."""
        return await service.record_bulk_deliveries(db, data)


inbox_router = Router(
    path="/partner/inbox",
    route_handlers=[PartnerInboxController],
    dependencies=INBOX_DEPENDENCIES,
    opt=TENANT_OPT,
    guards=[PARTNERS],
)

#: Controllers and routers of this context, mounted by cus_core.routes.
ROUTES: list[ControllerRouterHandler] = [
    inbox_router,
    *PROBLEM_ROUTES,
    *PARTNER_COMPLAINT_ROUTES,
]
