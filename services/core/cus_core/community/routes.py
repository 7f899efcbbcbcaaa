"""HTTP API of community work, scoped to one gmina: /api/core/gminy/{teryt}/community.

The OSL and the director record volunteers, self-help groups, neighbour support and events;
the rest of the CUS team (KIPUS, OUS) may read them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated
from uuid import UUID

from litestar import Controller, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, Parameter

from cus_core.community import service
from cus_core.community.schemas import (
    CommunitySummary,
    EventCreate,
    EventRead,
    GroupCreate,
    GroupEnd,
    GroupRead,
    SupportCreate,
    SupportEnd,
    SupportRead,
    VolunteerCreate,
    VolunteerEnd,
    VolunteerRead,
    VolunteerUpdate,
)
from cus_shared import clock
from cus_shared.identity.guards import require_tenant_roles
from cus_shared.identity.roles import Role
from cus_shared.tenancy import TenantSession

if TYPE_CHECKING:
    from litestar.types import ControllerRouterHandler

READERS = require_tenant_roles(Role.DIRECTOR, Role.OSL, Role.OUS, Role.KIPUS)
WRITERS = require_tenant_roles(Role.DIRECTOR, Role.OSL)

Year = Annotated[int | None, Parameter(ge=2000, le=2100)]


class CommunityController(Controller):
    """Community work of one gmina."""

    path = "/gminy/{teryt:str}/community"
    tags = ["community"]
    opt = {"tenant_scoped": True, "audited": True}

    @get("/summary", guards=[READERS])
    async def summary(
        self, db: NamedDependency[TenantSession], year: Year = None
    ) -> CommunitySummary:
        """Counts of a year's community work (this year when none is given)."""
        return await service.summary(db, year or clock.today().year)

    # Volunteers.

    @get("/volunteers", guards=[READERS])
    async def list_volunteers(self, db: NamedDependency[TenantSession]) -> list[VolunteerRead]:
        """Every volunteer, active ones first."""
        return await service.list_volunteers(db)

    @post("/volunteers", guards=[WRITERS], status_code=201)
    async def create_volunteer(
        self, db: NamedDependency[TenantSession], data: JSONBody[VolunteerCreate]
    ) -> VolunteerRead:
        """Record a volunteer."""
        return await service.create_volunteer(db, data)

    @get("/volunteers/{volunteer_id:uuid}", guards=[READERS])
    async def show_volunteer(
        self, db: NamedDependency[TenantSession], volunteer_id: FromPath[UUID]
    ) -> VolunteerRead:
        """One volunteer."""
        return await service.read_volunteer(db, volunteer_id)

    @patch("/volunteers/{volunteer_id:uuid}", guards=[WRITERS])
    async def update_volunteer(
        self,
        db: NamedDependency[TenantSession],
        volunteer_id: FromPath[UUID],
        data: JSONBody[VolunteerUpdate],
    ) -> VolunteerRead:
        """Change a volunteer's data or kinds."""
        return await service.update_volunteer(db, volunteer_id, data)

    @post("/volunteers/{volunteer_id:uuid}/end", guards=[WRITERS], status_code=200)
    async def end_volunteer(
        self,
        db: NamedDependency[TenantSession],
        volunteer_id: FromPath[UUID],
        data: JSONBody[VolunteerEnd],
    ) -> VolunteerRead:
        """Record the last day a volunteer was active."""
        return await service.end_volunteer(db, volunteer_id, data)

    # Self-help groups.

    @get("/groups", guards=[READERS])
    async def list_groups(self, db: NamedDependency[TenantSession]) -> list[GroupRead]:
        """Every self-help group, active ones first."""
        return await service.list_groups(db)

    @post("/groups", guards=[WRITERS], status_code=201)
    async def create_group(
        self, db: NamedDependency[TenantSession], data: JSONBody[GroupCreate]
    ) -> GroupRead:
        """Record a self-help group."""
        return await service.create_group(db, data)

    @post("/groups/{group_id:uuid}/end", guards=[WRITERS], status_code=200)
    async def end_group(
        self, db: NamedDependency[TenantSession], group_id: FromPath[UUID], data: JSONBody[GroupEnd]
    ) -> GroupRead:
        """Record the day a group ended."""
        return await service.end_group(db, group_id, data)

    # Neighbour support.

    @get("/neighbour-support", guards=[READERS])
    async def list_support(self, db: NamedDependency[TenantSession]) -> list[SupportRead]:
        """Every neighbour-support link, current ones first."""
        return await service.list_support(db)

    @post("/neighbour-support", guards=[WRITERS], status_code=201)
    async def link_support(
        self, db: NamedDependency[TenantSession], data: JSONBody[SupportCreate]
    ) -> SupportRead:
        """Link a volunteer with a resident they help."""
        return await service.link_support(db, data)

    @post("/neighbour-support/{support_id:uuid}/end", guards=[WRITERS], status_code=200)
    async def end_support(
        self,
        db: NamedDependency[TenantSession],
        support_id: FromPath[UUID],
        data: JSONBody[SupportEnd],
    ) -> SupportRead:
        """Record the day a neighbour-support link ended."""
        return await service.end_support(db, support_id, data)

    # Events.

    @get("/events", guards=[READERS])
    async def list_events(
        self, db: NamedDependency[TenantSession], year: Year = None
    ) -> list[EventRead]:
        """A year's events (this year when none is given), latest first."""
        return await service.list_events(db, year or clock.today().year)

    @post("/events", guards=[WRITERS], status_code=201)
    async def create_event(
        self, db: NamedDependency[TenantSession], data: JSONBody[EventCreate]
    ) -> EventRead:
        """Record a local event."""
        return await service.create_event(db, data)


#: Controllers and routers of this context, mounted by cus_core.routes.
ROUTES: list[ControllerRouterHandler] = [CommunityController]
