"""HTTP API of the partner's side of complaints in one gmina:
/api/core/partner/gminy/{teryt}/complaints (forwarded to the partner) and …/{id}/answer.
Mounted by cus_core.partner_inbox."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from litestar import Controller, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from cus_core.complaints import partner
from cus_core.complaints.partner import PartnerComplaint
from cus_core.complaints.schemas import ExplanationIn
from cus_core.referrals.routes import PARTNER_DEPENDENCIES, PARTNERS, TENANT_OPT
from cus_shared.tenancy import TenantSession

if TYPE_CHECKING:
    from litestar.types import ControllerRouterHandler


class PartnerComplaintController(Controller):
    """Complaints the CUS forwarded to the caller's organisations."""

    path = "/"
    tags = ["complaints", "partners"]
    opt = TENANT_OPT

    @get("/", guards=[PARTNERS])
    async def list_complaints(self, db: NamedDependency[TenantSession]) -> list[PartnerComplaint]:
        """Complaints awaiting the partner's answer first, by due date."""
        return await partner.partner_complaints(db)

    @post("/{complaint_id:uuid}/answer", guards=[PARTNERS], status_code=200)
    async def answer(
        self,
        db: NamedDependency[TenantSession],
        complaint_id: FromPath[UUID],
        data: JSONBody[ExplanationIn],
    ) -> PartnerComplaint:
        """Answer a forwarded complaint: it moves to explained."""
        return await partner.answer(db, complaint_id, data)


partner_complaint_router = Router(
    path="/partner/gminy/{teryt:str}/complaints",
    route_handlers=[PartnerComplaintController],
    dependencies=PARTNER_DEPENDENCIES,
    opt=TENANT_OPT,
    guards=[PARTNERS],
)

#: Mounted under /api/core (through cus_core.partner_inbox.routes).
PARTNER_COMPLAINT_ROUTES: list[ControllerRouterHandler] = [partner_complaint_router]
