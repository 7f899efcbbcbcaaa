"""HTTP API of the resident's rights under GDPR, under /api/core (see cus_core.routes):
the timeline, the export (art. 15/20) and the anonymisation (art. 17) of one resident."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath

from cus_core.privacy import service
from cus_shared.identity.guards import require_tenant_roles
from cus_shared.identity.roles import CUS_STAFF_ROLES, Role
from cus_shared.tenancy import TenantSession

if TYPE_CHECKING:
    from litestar.types import ControllerRouterHandler

#: The timeline: everyone on the CUS staff of the gmina.
READERS = require_tenant_roles(*CUS_STAFF_ROLES)
#: An export hands out the whole file: only those who work on residents' cases.
EXPORTERS = require_tenant_roles(Role.DIRECTOR, Role.OUS, Role.KIPUS)
#: Erasure is the controller's decision (the director, for the gmina).
ERASERS = require_tenant_roles(Role.DIRECTOR)


class PrivacyController(Controller):
    """One resident's timeline, export and anonymisation."""

    path = "/gminy/{teryt:str}/residents/{resident_id:uuid}"
    tags = ["privacy"]
    opt = {"tenant_scoped": True, "audited": True}

    @get("/timeline", guards=[READERS])
    async def show_timeline(
        self, db: NamedDependency[TenantSession], resident_id: FromPath[UUID]
    ) -> list[dict[str, Any]]:
        """The resident's journey, newest first."""
        entries = await service.timeline(db, resident_id)
        return [
            {
                "at": e.at.isoformat() if e.has_time else e.at.date().isoformat(),
                "kind": e.kind,
                "title": e.title,
                "status": e.status,
                "link": e.link,
            }
            for e in entries
        ]

    @get("/export", guards=[EXPORTERS])
    async def export(
        self, db: NamedDependency[TenantSession], resident_id: FromPath[UUID]
    ) -> dict[str, Any]:
        """Everything held about the resident (GDPR art. 15 and 20), as JSON."""
        return await service.export_of(db, resident_id, form="json")

    @post("/anonymise", guards=[ERASERS], status_code=200)
    async def anonymise(
        self, db: NamedDependency[TenantSession], resident_id: FromPath[UUID]
    ) -> dict[str, Any]:
        """Anonymise the resident after the retention period, when no case is open."""
        result = await service.anonymise(db, resident_id)
        return {"resident_id": str(result.resident_id), "tables": result.tables}


#: Controllers and routers of this context, mounted by cus_core.routes.
ROUTES: list[ControllerRouterHandler] = [PrivacyController]
