"""The reporting service's role reads the `reporting` schema only: no tenant's personal data,
no agreement table, not even through the views a gmina's role reads (which keep rows of the
gmina whose role asks — none for the reporting role)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from cus_shared.database.engine import app_url
from cus_shared.database.naming import REPORTING_SERVICE_ROLE
from tests.conftest import GMINA_A, GMINA_B, Platform

pytestmark = [pytest.mark.isolation, pytest.mark.asyncio(loop_scope="session")]


@pytest.fixture
async def app_engine(platform: Platform) -> AsyncEngine:
    """The runtime login role, exactly as the services connect."""
    engine = create_async_engine(app_url(platform.settings.database))
    yield engine  # type: ignore[misc]
    await engine.dispose()


async def _as_reporting(engine: AsyncEngine, sql: str) -> object:
    async with engine.connect() as conn, conn.begin():
        await conn.execute(
            text(
                "SELECT set_config('role', :r, true), set_config('search_path', 'reporting', true)"
            ),
            {"r": REPORTING_SERVICE_ROLE},
        )
        return (await conn.execute(text(sql))).all()


@pytest.mark.parametrize(
    "sql",
    [
        *(
            f'SELECT * FROM "gmina_{teryt}".{table}'
            for teryt in (GMINA_A, GMINA_B)
            for table in ("resident", "application", "referral", "audit_log", "complaint")
        ),
        "SELECT * FROM shared.app_user",
        "SELECT * FROM shared.contract",
        "SELECT * FROM shared.gmina_contract_offer",
        "SELECT * FROM shared.contract_load",
    ],
)
async def test_reporting_role_cannot_read_tenants_or_shared(
    app_engine: AsyncEngine, sql: str
) -> None:
    with pytest.raises(ProgrammingError, match="permission denied"):
        await _as_reporting(app_engine, sql)


async def test_reporting_role_may_use_its_own_schema(app_engine: AsyncEngine) -> None:
    rows = await _as_reporting(
        app_engine, "SELECT has_schema_privilege(current_user, 'reporting', 'USAGE')"
    )
    assert rows == [(True,)]
