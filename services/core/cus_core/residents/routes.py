"""HTTP API of the resident register, scoped to one gmina: /api/core/gminy/{teryt}/residents.

Search criteria travel in a POST body, never in the URL (URLs end up in access logs).
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, Parameter

from cus_core.audit.service import trail_of
from cus_core.residents import service
from cus_core.residents.schemas import (
    AuditPage,
    AuditRead,
    ResidentCreate,
    ResidentPage,
    ResidentRead,
    ResidentSearch,
    ResidentUpdate,
)
from cus_shared.identity.guards import require_tenant_roles
from cus_shared.identity.roles import CUS_STAFF_ROLES, Role
from cus_shared.tenancy import TenantSession

READERS = require_tenant_roles(*CUS_STAFF_ROLES)
WRITERS = require_tenant_roles(Role.DIRECTOR, Role.OUS, Role.KIPUS)
SUPERVISORS = require_tenant_roles(Role.DIRECTOR, Role.OUS)

Limit = Annotated[int, Parameter(ge=1, le=100)]
Offset = Annotated[int, Parameter(ge=0)]


class ResidentController(Controller):
    """The register of residents of one gmina."""

    path = "/gminy/{teryt:str}/residents"
    tags = ["residents"]
    opt = {"tenant_scoped": True, "audited": True}

    @get("/", guards=[READERS])
    async def list_residents(
        self, db: NamedDependency[TenantSession], limit: Limit = 20, offset: Offset = 0
    ) -> ResidentPage:
        """A page of residents ordered by family name."""
        items, total = await service.list_residents(db, limit=limit, offset=offset)
        return ResidentPage(items=items, total=total, limit=limit, offset=offset)

    @post("/search", guards=[READERS], status_code=200)
    async def search(
        self, db: NamedDependency[TenantSession], data: JSONBody[ResidentSearch]
    ) -> ResidentPage:
        """Find residents by name, PESEL or date of birth."""
        items, total = await service.search_residents(db, data)
        return ResidentPage(items=items, total=total, limit=data.limit, offset=data.offset)

    @post("/", guards=[WRITERS], status_code=201)
    async def create(
        self, db: NamedDependency[TenantSession], data: JSONBody[ResidentCreate]
    ) -> ResidentRead:
        """Register a resident."""
        return await service.create_resident(db, data)

    @get("/{resident_id:uuid}", guards=[READERS])
    async def show(
        self, db: NamedDependency[TenantSession], resident_id: FromPath[UUID]
    ) -> ResidentRead:
        """One resident with their household."""
        return await service.read_resident(db, resident_id)

    @patch("/{resident_id:uuid}", guards=[WRITERS])
    async def update(
        self,
        db: NamedDependency[TenantSession],
        resident_id: FromPath[UUID],
        data: JSONBody[ResidentUpdate],
    ) -> ResidentRead:
        """Change a resident (send the version you read)."""
        return await service.update_resident(db, resident_id, data)

    @get("/{resident_id:uuid}/audit", guards=[SUPERVISORS])
    async def audit_trail(
        self,
        db: NamedDependency[TenantSession],
        resident_id: FromPath[UUID],
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> AuditPage:
        """Who read or changed this record, and when."""
        await service.ensure_exists(db, resident_id)
        rows, total = await trail_of(db, service.ENTITY, resident_id, limit=limit, offset=offset)
        return AuditPage(
            items=[AuditRead.model_validate(r) for r in rows],
            total=total,
            limit=limit,
            offset=offset,
        )
