"""HTTP API of the gmina registry: create (and provision), list, show, suspend, resume, migrate."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody, Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from cus_shared.database.runtime import Database
from cus_shared.identity.guards import require_roles
from cus_shared.identity.roles import Role
from cus_tenants.dependencies import provide_database, provide_shared_session
from cus_tenants.gminy import service
from cus_tenants.gminy.schemas import GminaCreate, GminaPage, GminaRead

operators_only = [require_roles(Role.OPERATOR)]


class GminaController(Controller):
    """Registry of gminy."""

    path = "/gminy"
    tags = ["gminy"]
    dependencies = {
        "session": Provide(provide_shared_session),
        "db": Provide(provide_database, sync_to_thread=False),
    }

    @post("/", guards=operators_only, status_code=201)
    async def create(self, data: JSONBody[GminaCreate], db: NamedDependency[Database]) -> GminaRead:
        """Register a gmina and provision its schema, role and tables (idempotent)."""
        gmina = await service.register_and_provision(db, data.teryt, data.name)
        return GminaRead.model_validate(gmina)

    @get("/")
    async def list_gminy(
        self,
        session: NamedDependency[AsyncSession],
        limit: Annotated[int, Parameter(ge=1, le=500)] = 50,
        offset: Annotated[int, Parameter(ge=0)] = 0,
        voivodeship: Annotated[str | None, Parameter(pattern=r"^\d{2}$")] = None,
    ) -> GminaPage:
        """Gminy in the registry, ordered by TERYT."""
        rows, total = await service.list_gminy(
            session, limit=limit, offset=offset, voivodeship=voivodeship
        )
        return GminaPage(
            items=[GminaRead.model_validate(g) for g in rows],
            total=total,
            limit=limit,
            offset=offset,
        )

    @get("/{teryt:str}")
    async def show(self, session: NamedDependency[AsyncSession], teryt: FromPath[str]) -> GminaRead:
        """One gmina."""
        return GminaRead.model_validate(await service.get_gmina(session, teryt))

    @post("/{teryt:str}/suspend", guards=operators_only, status_code=200)
    async def suspend(
        self, session: NamedDependency[AsyncSession], teryt: FromPath[str]
    ) -> GminaRead:
        """Suspend a gmina (its staff can no longer reach its residents)."""
        return GminaRead.model_validate(await service.suspend_gmina(session, teryt))

    @post("/{teryt:str}/resume", guards=operators_only, status_code=200)
    async def resume(
        self, session: NamedDependency[AsyncSession], teryt: FromPath[str]
    ) -> GminaRead:
        """Lift a suspension."""
        return GminaRead.model_validate(await service.resume_gmina(session, teryt))

    @post("/{teryt:str}/migrate", guards=operators_only, status_code=200)
    async def migrate(self, teryt: FromPath[str], db: NamedDependency[Database]) -> GminaRead:
        """Bring one gmina's schema to the head of the tenant tree."""
        return GminaRead.model_validate(await service.provision_registered(db, teryt))
