"""HTTP API of the gmina registry: create (and provision), list, show, suspend, resume, migrate."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody, Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from cus_shared.database.naming import SHARED_SCHEMA, TENANTS_SERVICE_ROLE
from cus_shared.database.runtime import Database
from cus_shared.identifiers.teryt import parse_teryt
from cus_shared.identity.guards import require_roles
from cus_shared.identity.roles import Role
from cus_shared.plugins import migration_tree
from cus_shared.tenancy import open_service_session
from cus_tenants.dependencies import provide_database, provide_shared_session
from cus_tenants.gminy import service
from cus_tenants.gminy.schemas import GminaCreate, GminaPage, GminaRead
from cus_tenants.provisioning.tenant import provision_tenant

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
        async with open_service_session(
            db.sessions, db_role=TENANTS_SERVICE_ROLE, schema=SHARED_SCHEMA
        ) as session:
            gmina = await service.register_gmina(session, data.teryt, data.name)
            teryt = gmina.teryt
        await provision_tenant(
            db.admin_engine,
            migration_tree("tenant"),
            parse_teryt(teryt),
            app_role=db.settings.database.app_role,
            lock_timeout_ms=db.settings.database.lock_timeout_ms,
        )
        async with open_service_session(
            db.sessions, db_role=TENANTS_SERVICE_ROLE, schema=SHARED_SCHEMA
        ) as session:
            return GminaRead.model_validate(await service.get_gmina(session, teryt))

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
        async with open_service_session(
            db.sessions, db_role=TENANTS_SERVICE_ROLE, schema=SHARED_SCHEMA
        ) as session:
            code = (await service.get_gmina(session, teryt)).teryt
        await provision_tenant(
            db.admin_engine,
            migration_tree("tenant"),
            parse_teryt(code),
            app_role=db.settings.database.app_role,
            lock_timeout_ms=db.settings.database.lock_timeout_ms,
        )
        async with open_service_session(
            db.sessions, db_role=TENANTS_SERVICE_ROLE, schema=SHARED_SCHEMA
        ) as session:
            return GminaRead.model_validate(await service.get_gmina(session, code))
