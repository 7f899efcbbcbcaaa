"""HTTP API of complaints, scoped to one gmina: /api/core/gminy/{teryt}/complaints.

Registering and every later step are for the CUS team working on cases (KIPUS, OUS,
director); each step is a POST on the complaint and answers the complaint as it now stands.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated
from uuid import UUID

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, Parameter

from cus_core.complaints import service
from cus_core.complaints.schemas import (
    ComplaintCreate,
    ComplaintPage,
    ComplaintRead,
    CorrectiveActionIn,
    DecisionIn,
    ExplanationIn,
    InformIn,
)
from cus_shared.identity.guards import require_tenant_roles
from cus_shared.identity.roles import Role
from cus_shared.tenancy import TenantSession

if TYPE_CHECKING:
    from litestar.types import ControllerRouterHandler

#: Who handles complaints (reads and writes them).
HANDLERS = require_tenant_roles(Role.DIRECTOR, Role.OUS, Role.KIPUS)

Limit = Annotated[int, Parameter(ge=1, le=100)]
Offset = Annotated[int, Parameter(ge=0)]


class ComplaintController(Controller):
    """Residents' complaints about services, handled within one month."""

    path = "/gminy/{teryt:str}/complaints"
    tags = ["complaints"]
    opt = {"tenant_scoped": True, "audited": True}
    guards = [HANDLERS]

    @get("/")
    async def list_complaints(
        self, db: NamedDependency[TenantSession], limit: Limit = 20, offset: Offset = 0
    ) -> ComplaintPage:
        """Complaints, open ones first by due date, with their time-limit warnings."""
        items, total = await service.list_complaints(db, limit=limit, offset=offset)
        return ComplaintPage(items=items, total=total, limit=limit, offset=offset)

    @post("/", status_code=201)
    async def register(
        self, db: NamedDependency[TenantSession], data: JSONBody[ComplaintCreate]
    ) -> ComplaintRead:
        """Register a complaint (due one month after receipt)."""
        return await service.register_complaint(db, data)

    @get("/{complaint_id:uuid}")
    async def show(
        self, db: NamedDependency[TenantSession], complaint_id: FromPath[UUID]
    ) -> ComplaintRead:
        """One complaint with its time limit."""
        return await service.read_complaint(db, complaint_id)

    @post("/{complaint_id:uuid}/forward", status_code=200)
    async def forward(
        self, db: NamedDependency[TenantSession], complaint_id: FromPath[UUID]
    ) -> ComplaintRead:
        """Forward the complaint to the partner for an explanation."""
        return await service.forward(db, complaint_id)

    @post("/{complaint_id:uuid}/explanation", status_code=200)
    async def explanation(
        self,
        db: NamedDependency[TenantSession],
        complaint_id: FromPath[UUID],
        data: JSONBody[ExplanationIn],
    ) -> ComplaintRead:
        """Record the partner's explanation."""
        return await service.record_explanation(db, complaint_id, data)

    @post("/{complaint_id:uuid}/decision", status_code=200)
    async def decision(
        self,
        db: NamedDependency[TenantSession],
        complaint_id: FromPath[UUID],
        data: JSONBody[DecisionIn],
    ) -> ComplaintRead:
        """Decide the complaint."""
        return await service.decide(db, complaint_id, data)

    @post("/{complaint_id:uuid}/corrective-action", status_code=200)
    async def corrective_action(
        self,
        db: NamedDependency[TenantSession],
        complaint_id: FromPath[UUID],
        data: JSONBody[CorrectiveActionIn],
    ) -> ComplaintRead:
        """Record the corrective action taken."""
        return await service.record_corrective_action(db, complaint_id, data)

    @post("/{complaint_id:uuid}/informed", status_code=200)
    async def informed(
        self,
        db: NamedDependency[TenantSession],
        complaint_id: FromPath[UUID],
        data: JSONBody[InformIn],
    ) -> ComplaintRead:
        """Record that the resident was informed: the complaint is closed."""
        return await service.inform_resident(db, complaint_id, data)


#: Controllers and routers of this context, mounted by cus_core.routes.
ROUTES: list[ControllerRouterHandler] = [ComplaintController]
