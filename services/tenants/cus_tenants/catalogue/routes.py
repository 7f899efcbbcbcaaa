"""HTTP API of the catalogue: the 14 statutory areas, and each agreement's versioned services.

Who may read and change an agreement's catalogue is decided by
:mod:`cus_tenants.agreements.access` (another agreement's catalogue answers 404, a reader
trying to change it 403)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from cus_shared.identity.guards import principal_of
from cus_tenants.agreements.access import agreement_access
from cus_tenants.catalogue import service
from cus_tenants.catalogue.schemas import (
    AreaRead,
    ServiceCreate,
    ServiceRead,
    ServiceSummary,
    ServiceVersionIn,
)
from cus_tenants.catalogue.vocabulary import AREAS
from cus_tenants.dependencies import provide_shared_session


class CatalogueController(Controller):
    """Katalog usług społecznych: what the gminy of an agreement offer, version by version."""

    path = "/"
    tags = ["catalogue"]
    dependencies = {"session": Provide(provide_shared_session)}

    @get("/catalogue/areas", sync_to_thread=False)
    def areas(self, request: Request[Any, Any, Any]) -> list[AreaRead]:
        """The 14 statutory areas (closed list) with their Polish, English and Ukrainian names."""
        principal_of(request)
        return [AreaRead.model_validate(a) for a in AREAS]

    @get("/agreements/{agreement_id:uuid}/catalogue/services")
    async def list_services(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        agreement_id: FromPath[UUID],
    ) -> list[ServiceSummary]:
        """The agreement's services with their current versions, by area and name."""
        access = await agreement_access(session, principal_of(request), agreement_id, change=False)
        rows = await service.list_services(session, access.agreement.id)
        return [service.summary_of(s) for s in rows]

    @post("/agreements/{agreement_id:uuid}/catalogue/services", status_code=201)
    async def create_service(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        agreement_id: FromPath[UUID],
        data: JSONBody[ServiceCreate],
    ) -> ServiceRead:
        """A new service and its version 1 (director or OUS of a member gmina, operators)."""
        principal = principal_of(request)
        access = await agreement_access(session, principal, agreement_id, change=True)
        created = await service.create_service(
            session, access.agreement.id, data, author=principal.user_id
        )
        return service.read_of(created)

    @get("/agreements/{agreement_id:uuid}/catalogue/services/{service_id:uuid}")
    async def show_service(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        agreement_id: FromPath[UUID],
        service_id: FromPath[UUID],
    ) -> ServiceRead:
        """A service with every version, oldest first."""
        access = await agreement_access(session, principal_of(request), agreement_id, change=False)
        return service.read_of(await service.get_service(session, access.agreement.id, service_id))

    @post(
        "/agreements/{agreement_id:uuid}/catalogue/services/{service_id:uuid}/versions",
        status_code=201,
    )
    async def add_version(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        agreement_id: FromPath[UUID],
        service_id: FromPath[UUID],
        data: JSONBody[ServiceVersionIn],
    ) -> ServiceRead:
        """A new version of a service (valid from a date not before the previous version's);
        older versions stay unchanged and readable."""
        principal = principal_of(request)
        access = await agreement_access(session, principal, agreement_id, change=True)
        changed = await service.add_version(
            session, access.agreement.id, service_id, data, author=principal.user_id
        )
        return service.read_of(changed)


#: Controllers and handlers mounted under /api/tenants.
ROUTES: list[Any] = [CatalogueController]
