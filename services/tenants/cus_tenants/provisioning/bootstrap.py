"""Platform bootstrap: fixed roles, the shared and reporting schemas, the shared tree.

Role layout (see README, "Isolation"):
- ``cus_owner`` owns every schema and table and never serves a request;
- the login role (``cus_app``) has no rights of its own, NOINHERIT, an empty search_path;
  each transaction switches to a service or tenant role with ``set_config(..., true)``;
- one NOLOGIN role per service and per gmina, each with rights on its own schema only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import text

from cus_shared.database.naming import (
    CORE_SERVICE_ROLE,
    OWNER_ROLE,
    REPORTING_SCHEMA,
    REPORTING_SERVICE_ROLE,
    SERVICE_ROLES,
    SHARED_SCHEMA,
    TENANT_BASE_ROLE,
    TENANTS_SERVICE_ROLE,
    quote_ident,
)
from cus_shared.migrations.trees import upgrade_schema_async
from cus_shared.tenancy import enter_role

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

    from cus_shared.migrations.trees import MigrationTree
    from cus_shared.settings import DatabaseSettings


#: The views of ``shared`` a gmina's role reads (each keeps the rows of ``current_user``'s gmina).
TENANT_SHARED_VIEWS = "shared.gmina_service_offer, shared.gmina_contract_offer"


async def ensure_role(conn: AsyncConnection, name: str, options: str) -> bool:
    """Create a role when missing; True when it was created."""
    exists = await conn.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name})
    if exists:
        return False
    await conn.execute(text(f"CREATE ROLE {quote_ident(name)} {options}"))
    return True


async def ensure_platform_roles(conn: AsyncConnection, app_role: str) -> None:
    """The fixed roles (owner, services, the tenants' group role, the login role), when
    missing; their rights come from the bootstrap and the grants after each migration."""
    await ensure_role(conn, OWNER_ROLE, "NOLOGIN")
    for role in SERVICE_ROLES:
        await ensure_role(conn, role, "NOLOGIN NOINHERIT")
    await ensure_role(conn, TENANT_BASE_ROLE, "NOLOGIN NOINHERIT")
    await ensure_role(conn, app_role, "LOGIN NOINHERIT")


async def bootstrap_platform(
    engine: AsyncEngine, settings: DatabaseSettings, shared_tree: MigrationTree
) -> str | None:
    """Create roles and schemas, migrate the shared tree to head, apply grants.

    Returns the shared tree's revision after the run.
    """
    app_role = settings.app_role
    async with engine.connect() as conn, conn.begin():
        # One bootstrap at a time (parallel test workers, several containers starting).
        await conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('cus.bootstrap'))"))
        await ensure_platform_roles(conn, app_role)
        statement = (
            await conn.execute(
                text(
                    "SELECT format('ALTER ROLE %I WITH LOGIN NOINHERIT NOSUPERUSER NOBYPASSRLS "
                    "NOCREATEDB NOCREATEROLE PASSWORD %L', CAST(:r AS text), CAST(:p AS text))"
                ),
                {"r": app_role, "p": settings.app_password.get_secret_value()},
            )
        ).scalar_one()
        await conn.execute(text(statement))
        # Unqualified SQL on the login role fails closed: no schema is searched.
        await conn.execute(text(f"ALTER ROLE {quote_ident(app_role)} SET search_path = ''"))
        is_superuser = await conn.scalar(
            text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        )
        if not is_superuser:
            await conn.execute(text(f"GRANT {quote_ident(OWNER_ROLE)} TO CURRENT_USER"))
        for role in SERVICE_ROLES:
            await conn.execute(text(f"GRANT {quote_ident(role)} TO {quote_ident(app_role)}"))
        database = await conn.scalar(text("SELECT current_database()"))
        await conn.execute(
            text(
                f"GRANT CONNECT ON DATABASE {quote_ident(str(database))} TO {quote_ident(app_role)}"
            )
        )
        for schema in (SHARED_SCHEMA, REPORTING_SCHEMA):
            await conn.execute(
                text(
                    f"CREATE SCHEMA IF NOT EXISTS {quote_ident(schema)} "
                    f"AUTHORIZATION {quote_ident(OWNER_ROLE)}"
                )
            )
            await conn.execute(text(f"REVOKE ALL ON SCHEMA {quote_ident(schema)} FROM PUBLIC"))

        await enter_role(conn, db_role=OWNER_ROLE, schema=SHARED_SCHEMA)
        _, after = await upgrade_schema_async(conn, shared_tree, SHARED_SCHEMA)
        for sql in shared_grants(app_role):
            await conn.execute(text(sql))
    return after


def shared_grants(app_role: str) -> list[str]:
    """Rights on the shared and reporting schemas, re-applied after every migration."""
    app = quote_ident(app_role)
    tenants = quote_ident(TENANTS_SERVICE_ROLE)
    core = quote_ident(CORE_SERVICE_ROLE)
    reporting = quote_ident(REPORTING_SERVICE_ROLE)
    tenant = quote_ident(TENANT_BASE_ROLE)
    return [
        f"GRANT USAGE ON SCHEMA shared TO {tenants}, {core}, {app}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA shared TO {tenants}",
        f"REVOKE ALL ON shared.alembic_version FROM {tenants}",
        # The directory is the one thing read before a tenant role is taken (same statement).
        f"GRANT SELECT ON shared.tenant_directory TO {app}, {core}",
        # Every service checks ended sessions and records refused authorisations (s0004).
        # (Guarded: the grants also run after migrating to an earlier revision.)
        "DO $$ BEGIN IF to_regclass('shared.session_revocation') IS NOT NULL THEN "
        f"EXECUTE 'GRANT SELECT ON shared.session_revocation TO {app}'; "
        f"EXECUTE 'GRANT INSERT ON shared.auth_event TO {app}'; END IF; END $$",
        f"GRANT USAGE ON SCHEMA reporting TO {reporting}",
        # What every gmina may read of the agreement (s0003), once for all tenant roles.
        f"GRANT USAGE ON SCHEMA shared TO {tenant}",
        "DO $$ BEGIN IF to_regclass('shared.contract_load') IS NOT NULL THEN "
        f"EXECUTE 'GRANT SELECT ON {TENANT_SHARED_VIEWS} TO {tenant}'; "
        f"EXECUTE 'GRANT SELECT, INSERT, UPDATE ON shared.contract_load TO {tenant}'; "
        "EXECUTE 'GRANT EXECUTE ON FUNCTION shared.contract_load_total(uuid, date) TO "
        f"{tenant}'; END IF; END $$",
    ]
