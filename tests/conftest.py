"""Fixtures: a real PostgreSQL (environment URL, testcontainers or embedded), a scratch
database per run migrated with the real migrations, two provisioned gminy and their staff."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
import pytest_asyncio
from litestar import Litestar
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from cus_shared.database.naming import SHARED_SCHEMA, TENANTS_SERVICE_ROLE
from cus_shared.database.runtime import Database
from cus_shared.identity.roles import Role, Scope
from cus_shared.settings import Settings, get_settings
from cus_shared.testing.pgbouncer import runtime_through_pgbouncer
from cus_shared.testing.postgres import postgres_server, scratch_database

if TYPE_CHECKING:
    from tests.journey import Offer

ROOT = Path(__file__).resolve().parents[1]
# The suite logs in with passwords only: second-factor enforcement is off for the app under
# test (and ``cus serve`` of the browser tests, which inherits the environment), set before
# any settings are read; tests/integration/test_identity_hardening.py runs an app with it on.
# Enrolled users are asked for their code whatever this says.
os.environ["CUS_AUTH_MFA_REQUIRED"] = "false"
# Every in-process request of the suite comes from one client address, so the deliberate
# wrong passwords of many tests would add up to the per-address limit and throttle unrelated
# tests depending on their order; the limit itself is tested with its own settings
# (tests/integration/test_identity_hardening.py::test_an_address_is_throttled_after_its_limit).
os.environ["CUS_AUTH_ADDRESS_FAILURE_LIMIT"] = "100000"
PASSWORD = "Test-password-2026!"

#: Gminy of the test platform: A and B share an agreement, C is elsewhere.
GMINA_A = "3010052"
GMINA_B = "3010013"
GMINA_C = "1465011"


@dataclass(frozen=True)
class Platform:
    """What the session's database holds."""

    settings: Settings
    db: Database
    agreement_id: str


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    """A fresh database for this run, dropped afterwards. With ``CUS_TEST_VIA_PGBOUNCER=1``
    the runtime role's connections go through a PgBouncer in transaction mode."""
    with (
        postgres_server(ROOT / ".cus" / "test-pgdata") as (server, source),
        scratch_database(server) as url,
        runtime_through_pgbouncer(url),
    ):
        os.environ["CUS_DATABASE_URL"] = url
        os.environ["CUS_TEST_DATABASE_SOURCE"] = source
        get_settings.cache_clear()
        yield url
        get_settings.cache_clear()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def platform(database_url: str) -> AsyncIterator[Platform]:
    """Bootstrapped platform with gminy A, B, C provisioned and staff users."""
    from cus_shared.plugins import migration_tree
    from cus_shared.tenancy import open_service_session
    from cus_tenants.agreements.schemas import AgreementCreate, MemberIn
    from cus_tenants.agreements.service import create_agreement
    from cus_tenants.gminy.service import register_gmina
    from cus_tenants.identity.schemas import MembershipIn, UserCreate
    from cus_tenants.identity.service import create_user
    from cus_tenants.migrations import SHARED_TREE
    from cus_tenants.provisioning.bootstrap import bootstrap_platform
    from cus_tenants.provisioning.fleet import migrate_fleet

    settings = get_settings()
    assert settings.database.url == database_url
    db = Database.connect(settings, application_name="cus-tests")
    await bootstrap_platform(db.admin_engine, settings.database, SHARED_TREE)
    async with open_service_session(
        db.sessions, db_role=TENANTS_SERVICE_ROLE, schema=SHARED_SCHEMA
    ) as session:
        for teryt, name in ((GMINA_A, "Kramsk"), (GMINA_B, "Golina"), (GMINA_C, "Warszawa")):
            await register_gmina(session, teryt, name)
    report = await migrate_fleet(
        db.admin_engine, migration_tree("tenant"), app_role=settings.database.app_role
    )
    assert report.ok, report.failed
    from cus_reporting.migrations import migrate_reporting

    await migrate_reporting(db.admin_engine)
    async with open_service_session(
        db.sessions, db_role=TENANTS_SERVICE_ROLE, schema=SHARED_SCHEMA
    ) as session:
        from datetime import date

        agreement = await create_agreement(
            session,
            AgreementCreate(
                name="Porozumienie testowe",
                lead_teryt=GMINA_A,
                members=[
                    MemberIn(teryt=GMINA_A, joined_on=date(2024, 1, 1)),
                    MemberIn(teryt=GMINA_B, joined_on=date(2024, 1, 1)),
                ],
            ),
        )
        agreement_id = str(agreement.id)
        # The partner organisation partner@test.local works for, in the partner registry.
        from cus_tenants.partners.schemas import ContactIn, PartnerCategory, PartnerCreate
        from cus_tenants.partners.service import create_partner

        partner = await create_partner(
            session,
            agreement.id,
            (GMINA_A, GMINA_B),
            PartnerCreate(
                name="Spółdzielnia Socjalna Test",
                category=PartnerCategory.SOCIAL_ECONOMY,
                nip="6652877583",
                areas=[4, 14],
                gminy=[GMINA_A, GMINA_B],
                contacts=[
                    ContactIn(name="Anna Testowa", email="anna@spoldzielnia.test"),
                    ContactIn(name="Piotr Testowy", phone="+48 600 100 200"),
                ],
            ),
        )
        users: list[tuple[str, Scope, str, Role]] = [
            ("operator@test.local", Scope.PLATFORM, "*", Role.OPERATOR),
            ("kipus.a@test.local", Scope.GMINA, GMINA_A, Role.KIPUS),
            ("kipus.b@test.local", Scope.GMINA, GMINA_B, Role.KIPUS),
            ("kipus.c@test.local", Scope.GMINA, GMINA_C, Role.KIPUS),
            ("osl.a@test.local", Scope.GMINA, GMINA_A, Role.OSL),
            ("ous.a@test.local", Scope.GMINA, GMINA_A, Role.OUS),
            ("director@test.local", Scope.AGREEMENT, agreement_id, Role.DIRECTOR),
            ("rops@test.local", Scope.REGION, "30", Role.ROPS_SUPERVISOR),
            ("partner@test.local", Scope.PARTNER, str(partner.id), Role.PARTNER_STAFF),
        ]
        for email, scope, scope_id, role in users:
            await create_user(
                session,
                UserCreate(
                    email=email,
                    display_name=email.split("@")[0],
                    password=PASSWORD,
                    memberships=[MembershipIn(scope=scope, scope_id=scope_id, role=role)],
                ),
            )
    yield Platform(settings=settings, db=db, agreement_id=agreement_id)
    await db.dispose()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def app(platform: Platform) -> AsyncIterator[Litestar]:
    """All three services in one app, as in the embedded default, started once (lifespan) in
    the session's event loop: every client of the tests speaks to this one running app, so
    its connection pool only ever serves one loop."""
    from cus_shared.plugins import discover
    from cus_shared.web.app import create_app

    application = create_app(list(discover()), settings=platform.settings)
    async with running(application):
        yield application


@asynccontextmanager
async def running(application: Litestar) -> AsyncIterator[None]:
    """Start and stop an ASGI app's lifespan in a task of its own, as a server does (the
    fixture's setup and teardown run in different tasks, which anyio's scopes refuse)."""
    inbox: asyncio.Queue[dict[str, str]] = asyncio.Queue()
    outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def receive() -> dict[str, str]:
        return await inbox.get()

    async def send(message: dict[str, Any]) -> None:
        await outbox.put(message)

    scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}
    task = asyncio.create_task(application(scope, receive, send))  # type: ignore[arg-type]
    await inbox.put({"type": "lifespan.startup"})
    started = await outbox.get()
    assert started["type"] == "lifespan.startup.complete", started
    try:
        yield
    finally:
        await inbox.put({"type": "lifespan.shutdown"})
        stopped = await outbox.get()
        assert stopped["type"] == "lifespan.shutdown.complete", stopped
        await task


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def client(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client speaking to the app in process."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver.local", follow_redirects=True
    ) as http:
        yield http


_tokens: dict[str, str] = {}


async def login(client: httpx.AsyncClient, email: str) -> dict[str, str]:
    """Authorization headers for a test user (tokens cached per session)."""
    if email not in _tokens:
        response = await client.post(
            "/api/tenants/auth/login", json={"email": email, "password": PASSWORD}
        )
        assert response.status_code == 200, response.text
        _tokens[email] = response.json()["access_token"]
    return {"Authorization": f"Bearer {_tokens[email]}"}


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def offer(platform: Platform) -> Offer:
    """Services, programmes and contracts for the resident's journey (made once)."""
    from tests.journey import make_offer

    return await make_offer(platform)


@pytest.fixture
def admin_engine(platform: Platform) -> AsyncEngine:
    """The administrative engine (superuser or migration role)."""
    return platform.db.admin_engine


async def count_rows(engine: AsyncEngine, teryt: str, table: str) -> int:
    """Rows in a tenant table (read as admin, outside the app)."""
    async with engine.connect() as conn:
        value: Any = await conn.scalar(text(f'SELECT count(*) FROM "gmina_{teryt}"."{table}"'))
    return int(value)
