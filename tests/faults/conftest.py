"""Fixtures of the fault tests: a PostgreSQL server of their own (which they stop and start),
a platform of two gminy with their staff on it, and the app serving it in process."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
import pytest
from litestar import Litestar
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from cus_shared.database.naming import SHARED_SCHEMA, TENANTS_SERVICE_ROLE
from cus_shared.database.runtime import Database
from cus_shared.identity.roles import Role, Scope
from cus_shared.settings import DatabaseSettings, Settings
from cus_shared.testing.private_postgres import PrivatePostgres, private_postgres
from tests.conftest import PASSWORD, running

#: The fault platform's gminy: Kramsk and Golina, each with its own KIPUS.
GMINY = {"3010052": "Kramsk", "3010013": "Golina"}


@dataclass(frozen=True)
class FaultPlatform:
    """A bootstrapped platform on the private server, with its administrative handles."""

    server: PrivatePostgres
    settings: Settings
    db: Database
    gminy: dict[str, str]

    def kipus(self, teryt: str) -> str:
        """The e-mail of the gmina's KIPUS."""
        return f"kipus.{teryt}@faults.local"


@pytest.fixture(scope="package")
def private_server() -> Iterator[PrivatePostgres]:
    """A PostgreSQL server of the fault tests only, started from the pgserver wheel's
    binaries; the tests may stop and start it."""
    with private_postgres() as server:
        yield server


def fault_settings(server: PrivatePostgres, database: str, **database_options: object) -> Settings:
    """Settings pointing at a database of the private server (nothing from the environment's
    database variables, which name the shared test server)."""
    return Settings(
        database=DatabaseSettings(
            url=server.url(database),
            app_url=None,
            **database_options,  # type: ignore[arg-type]
        )
    )


async def create_database(server: PrivatePostgres, name: str) -> None:
    """A new, empty database on the private server."""
    engine = create_async_engine(server.url(), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await engine.dispose()


async def provision_platform(
    server: PrivatePostgres, database: str, gminy: dict[str, str], **database_options: object
) -> FaultPlatform:
    """What tests/conftest.py's platform does, smaller: roles and the shared tree, the gminy
    migrated by the fleet runner, and a KIPUS for each gmina."""
    from cus_shared.plugins import migration_tree
    from cus_shared.tenancy import open_service_session
    from cus_tenants.gminy.service import register_gmina
    from cus_tenants.identity.schemas import MembershipIn, UserCreate
    from cus_tenants.identity.service import create_user
    from cus_tenants.migrations import SHARED_TREE
    from cus_tenants.provisioning.bootstrap import bootstrap_platform
    from cus_tenants.provisioning.fleet import migrate_fleet

    await create_database(server, database)
    settings = fault_settings(server, database, **database_options)
    db = Database.connect(settings, application_name="cus-fault-tests")
    await bootstrap_platform(db.admin_engine, settings.database, SHARED_TREE)
    async with open_service_session(
        db.sessions, db_role=TENANTS_SERVICE_ROLE, schema=SHARED_SCHEMA
    ) as session:
        for teryt, name in gminy.items():
            await register_gmina(session, teryt, name)
    report = await migrate_fleet(
        db.admin_engine, migration_tree("tenant"), app_role=settings.database.app_role
    )
    assert report.ok, report.failed
    platform = FaultPlatform(server=server, settings=settings, db=db, gminy=dict(gminy))
    async with open_service_session(
        db.sessions, db_role=TENANTS_SERVICE_ROLE, schema=SHARED_SCHEMA
    ) as session:
        for teryt in gminy:
            await create_user(
                session,
                UserCreate(
                    email=platform.kipus(teryt),
                    display_name=f"KIPUS {teryt}",
                    password=PASSWORD,
                    memberships=[MembershipIn(scope=Scope.GMINA, scope_id=teryt, role=Role.KIPUS)],
                ),
            )
    return platform


@asynccontextmanager
async def serving(platform: FaultPlatform) -> AsyncIterator[tuple[Litestar, httpx.AsyncClient]]:
    """All services in one app on the platform's database, started once, and a client."""
    from cus_shared.identity import revocation
    from cus_shared.plugins import discover
    from cus_shared.web.app import create_app

    # The list of ended sessions is cached per process: forget the other test apps' list.
    revocation.clear_cache()
    application = create_app(list(discover()), settings=platform.settings)
    async with (
        running(application),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=application),
            base_url="http://testserver.local",
            timeout=60,
        ) as client,
    ):
        yield application, client
    revocation.clear_cache()


async def bearer(client: httpx.AsyncClient, email: str) -> dict[str, str]:
    """Authorization headers of a user of the fault platform."""
    response = await client.post(
        "/api/tenants/auth/login", json={"email": email, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def in_thread_stop(server: PrivatePostgres, mode: str) -> None:
    """Stop the server without blocking the event loop that serves requests meanwhile."""
    await asyncio.to_thread(server.stop, mode)  # type: ignore[arg-type]
