"""HTTP API of applications, under /api/core (see cus_core.routes):
/api/core/gminy/{teryt}/applications."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated
from uuid import UUID

from litestar import Controller, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, Parameter

from cus_core.applications import service
from cus_core.applications.schemas import (
    ApplicationCreate,
    ApplicationQueue,
    ApplicationRead,
    DecisionIn,
    InterviewIn,
)
from cus_shared.identity.guards import require_tenant_roles
from cus_shared.identity.roles import Role
from cus_shared.tenancy import TenantSession

if TYPE_CHECKING:
    from litestar.types import ControllerRouterHandler

#: Who works on residents' cases: registers applications and reads them.
CASE_WORKERS = require_tenant_roles(Role.DIRECTOR, Role.OUS, Role.KIPUS)
#: Who holds the needs interview.
INTERVIEWERS = require_tenant_roles(Role.DIRECTOR, Role.KIPUS)
#: Who qualifies (the OUS, with a KIPUS of the team, or the director).
QUALIFIERS = require_tenant_roles(Role.DIRECTOR, Role.OUS)

QueueLimit = Annotated[int, Parameter(ge=1, le=500)]


class ApplicationController(Controller):
    """Applications of one gmina's residents, their interviews and qualification."""

    path = "/gminy/{teryt:str}/applications"
    tags = ["applications"]
    opt = {"tenant_scoped": True, "audited": True}

    @post("/", guards=[CASE_WORKERS], status_code=201)
    async def create(
        self, db: NamedDependency[TenantSession], data: JSONBody[ApplicationCreate]
    ) -> ApplicationRead:
        """Register an application (wniosek) for services of the gmina's programme."""
        return await service.create_application(db, data)

    @get("/", guards=[CASE_WORKERS])
    async def queue(
        self, db: NamedDependency[TenantSession], limit: QueueLimit = 100
    ) -> ApplicationQueue:
        """Applications to qualify (plan due first) and the waiting list (oldest first)."""
        return await service.queue(db, limit=limit)

    @get("/{application_id:uuid}", guards=[CASE_WORKERS])
    async def show(
        self, db: NamedDependency[TenantSession], application_id: FromPath[UUID]
    ) -> ApplicationRead:
        """One application with its services, decisions and interview."""
        return await service.read_application(db, application_id)

    @put("/{application_id:uuid}/interview", guards=[INTERVIEWERS])
    async def interview(
        self,
        db: NamedDependency[TenantSession],
        application_id: FromPath[UUID],
        data: JSONBody[InterviewIn],
    ) -> ApplicationRead:
        """Record the needs interview, or replace it (send the version you read)."""
        return await service.record_interview(db, application_id, data)

    @post(
        "/{application_id:uuid}/services/{requested_service_id:uuid}/decision",
        guards=[QUALIFIERS],
        status_code=201,
    )
    async def decide(
        self,
        db: NamedDependency[TenantSession],
        application_id: FromPath[UUID],
        requested_service_id: FromPath[UUID],
        data: JSONBody[DecisionIn],
    ) -> ApplicationRead:
        """Decide on one requested service: granted, refused (with a reason) or waiting."""
        return await service.decide(db, application_id, requested_service_id, data)


#: Controllers and routers of this context, mounted by cus_core.routes.
ROUTES: list[ControllerRouterHandler] = [ApplicationController]
