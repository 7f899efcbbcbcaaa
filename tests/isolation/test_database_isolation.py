"""Isolation enforced by PostgreSQL itself, not only by the code."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, ProgrammingError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from cus_shared.database.engine import app_url
from tests.conftest import GMINA_A, GMINA_B, Platform

pytestmark = [pytest.mark.isolation, pytest.mark.asyncio(loop_scope="session")]


@pytest.fixture
async def app_engine(platform: Platform) -> AsyncEngine:
    """The runtime login role, exactly as the services connect."""
    engine = create_async_engine(app_url(platform.settings.database))
    yield engine  # type: ignore[misc]
    await engine.dispose()


async def _as_tenant(engine: AsyncEngine, teryt: str, sql: str) -> object:
    async with engine.connect() as conn, conn.begin():
        await conn.execute(
            text("SELECT set_config('role', :r, true), set_config('search_path', :s, true)"),
            {"r": f"cus_gmina_{teryt}", "s": f'"gmina_{teryt}"'},
        )
        return (await conn.execute(text(sql))).all()


@pytest.mark.parametrize(
    "sql",
    [
        f'SELECT * FROM "gmina_{GMINA_B}".resident',
        f'INSERT INTO "gmina_{GMINA_B}".audit_log (actor_id, actor_roles, action, entity, '
        f"request_id) VALUES (gen_random_uuid(), 'x', 'read', 'resident', 'x') RETURNING id",
        f'DELETE FROM "gmina_{GMINA_B}".resident RETURNING id',
        "SELECT * FROM shared.app_user",
        "SELECT * FROM shared.membership",
    ],
)
async def test_tenant_role_cannot_touch_another_tenant_or_shared_tables(
    app_engine: AsyncEngine, sql: str
) -> None:
    with pytest.raises(ProgrammingError, match="permission denied"):
        await _as_tenant(app_engine, GMINA_A, sql)


async def test_tenant_role_reads_its_own_schema(app_engine: AsyncEngine) -> None:
    assert await _as_tenant(app_engine, GMINA_A, "SELECT count(*) FROM resident") is not None


async def test_login_role_cannot_take_a_role_it_was_not_granted(app_engine: AsyncEngine) -> None:
    async with app_engine.connect() as conn:
        with pytest.raises(DBAPIError, match="permission denied"):
            await conn.execute(text("SELECT set_config('role', 'cus_owner', true)"))


async def test_unqualified_sql_on_the_login_role_fails_closed(app_engine: AsyncEngine) -> None:
    async with app_engine.connect() as conn:
        path = await conn.scalar(text("SELECT current_setting('search_path')"))
        assert path == '""'
        with pytest.raises(ProgrammingError, match="does not exist"):
            await conn.execute(text("SELECT * FROM resident"))


async def test_login_role_alone_reads_no_tenant_data(app_engine: AsyncEngine) -> None:
    async with app_engine.connect() as conn:
        with pytest.raises(ProgrammingError, match="permission denied"):
            await conn.execute(text(f'SELECT * FROM "gmina_{GMINA_A}".resident'))


async def test_audit_log_is_append_only_for_the_tenant_role(app_engine: AsyncEngine) -> None:
    for sql in ("UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log", "TRUNCATE audit_log"):
        with pytest.raises(ProgrammingError, match="permission denied"):
            await _as_tenant(app_engine, GMINA_A, sql)


async def test_tenant_settings_do_not_outlive_the_transaction(app_engine: AsyncEngine) -> None:
    async with app_engine.connect() as conn:
        async with conn.begin():
            await conn.execute(
                text("SELECT set_config('role', :r, true), set_config('search_path', :s, true)"),
                {"r": f"cus_gmina_{GMINA_A}", "s": f'"gmina_{GMINA_A}"'},
            )
        user = await conn.scalar(text("SELECT current_user"))
        path = await conn.scalar(text("SELECT current_setting('search_path')"))
    assert user == platform_app_role()
    assert path == '""'


def platform_app_role() -> str:
    from cus_shared.settings import get_settings

    return get_settings().database.app_role


async def test_no_application_role_is_privileged(admin_engine: AsyncEngine) -> None:
    async with admin_engine.connect() as conn:
        rows = (
            await conn.execute(
                text(
                    "SELECT rolname, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb "
                    "FROM pg_roles WHERE rolname LIKE 'cus\\_%'"
                )
            )
        ).all()
    assert rows
    for name, superuser, bypass, createrole, createdb in rows:
        assert not (superuser or bypass or createrole or createdb), name


async def test_runtime_roles_own_nothing(admin_engine: AsyncEngine) -> None:
    """Owners bypass grants and row-level security: only cus_owner may own objects."""
    async with admin_engine.connect() as conn:
        owned = (
            await conn.execute(
                text(
                    "SELECT r.rolname, c.relname FROM pg_class c "
                    "JOIN pg_roles r ON r.oid = c.relowner "
                    "WHERE r.rolname LIKE 'cus\\_%' AND r.rolname <> 'cus_owner'"
                )
            )
        ).all()
        schemas = (
            await conn.execute(
                text(
                    "SELECT n.nspname, r.rolname FROM pg_namespace n "
                    "JOIN pg_roles r ON r.oid = n.nspowner WHERE n.nspname LIKE 'gmina\\_%' "
                    "OR n.nspname IN ('shared', 'reporting')"
                )
            )
        ).all()
    assert owned == []
    assert schemas
    assert {owner for _, owner in schemas} == {"cus_owner"}


async def test_each_tenant_role_reaches_only_its_own_schema(admin_engine: AsyncEngine) -> None:
    async with admin_engine.connect() as conn:
        rows = (
            await conn.execute(
                text(
                    "SELECT r.rolname, n.nspname FROM pg_roles r CROSS JOIN pg_namespace n "
                    "WHERE r.rolname LIKE 'cus\\_gmina\\_%' AND n.nspname LIKE 'gmina\\_%' "
                    "AND has_schema_privilege(r.rolname, n.nspname, 'USAGE')"
                )
            )
        ).all()
    assert rows
    for role, schema in rows:
        assert role.removeprefix("cus_gmina_") == schema.removeprefix("gmina_")
