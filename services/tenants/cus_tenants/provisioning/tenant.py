"""Provisioning one gmina: its role, its schema, the tenant tree to head, its grants.

Idempotent and atomic: everything happens in one transaction (PostgreSQL's DDL is
transactional), so a failure leaves no half-made tenant behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from cus_shared.database.naming import (
    OWNER_ROLE,
    TENANT_BASE_ROLE,
    quote_ident,
    tenant_role,
    tenant_schema,
)
from cus_shared.migrations.trees import upgrade_schema_async
from cus_shared.tenancy import enter_role
from cus_tenants.provisioning.bootstrap import ensure_role

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

    from cus_shared.identifiers.teryt import Teryt
    from cus_shared.migrations.trees import MigrationTree

#: Concurrent GRANTs on the same login role can collide in pg_auth_members.
_RETRIES = 3


@dataclass(frozen=True, slots=True)
class TenantMigration:
    """What happened to one tenant's schema."""

    teryt: str
    before: str | None
    after: str | None

    @property
    def changed(self) -> bool:
        """Whether any revision was applied."""
        return self.before != self.after


async def provision_tenant(
    engine: AsyncEngine,
    tree: MigrationTree,
    teryt: Teryt,
    *,
    app_role: str,
    lock_timeout_ms: int = 5000,
    activate: bool = True,
) -> TenantMigration:
    """Create or bring up to date one gmina's role, schema, tables and grants."""
    for attempt in range(_RETRIES):
        try:
            return await _provision_once(
                engine,
                tree,
                teryt,
                app_role=app_role,
                lock_timeout_ms=lock_timeout_ms,
                activate=activate,
            )
        except DBAPIError as exc:
            if attempt + 1 == _RETRIES or "concurrently" not in str(exc.orig):
                raise
    raise AssertionError("unreachable")


async def ensure_tenant_role(conn: AsyncConnection, role: str, *, app_role: str) -> None:
    """A gmina's role: the login role may switch to it, and it inherits what every gmina may
    use of the agreement from the group role (never granted on shared objects one by one)."""
    if await ensure_role(conn, role, "NOLOGIN INHERIT"):
        await conn.execute(text(f"GRANT {quote_ident(role)} TO {quote_ident(app_role)}"))
    member = await conn.scalar(
        text("SELECT pg_has_role(CAST(:r AS name), CAST(:g AS name), 'MEMBER')"),
        {"r": role, "g": TENANT_BASE_ROLE},
    )
    if not member:  # a tenant provisioned before the group role: move it over once
        await conn.execute(text(f"ALTER ROLE {quote_ident(role)} INHERIT"))
        await conn.execute(text(f"GRANT {quote_ident(TENANT_BASE_ROLE)} TO {quote_ident(role)}"))


async def _provision_once(
    engine: AsyncEngine,
    tree: MigrationTree,
    teryt: Teryt,
    *,
    app_role: str,
    lock_timeout_ms: int,
    activate: bool,
) -> TenantMigration:
    schema, role = tenant_schema(teryt), tenant_role(teryt)
    async with engine.connect() as conn, conn.begin():
        await conn.execute(
            text("SELECT set_config('lock_timeout', :t, true)"), {"t": f"{lock_timeout_ms}ms"}
        )
        await ensure_tenant_role(conn, role, app_role=app_role)
        await conn.execute(
            text(
                f"CREATE SCHEMA IF NOT EXISTS {quote_ident(schema)} "
                f"AUTHORIZATION {quote_ident(OWNER_ROLE)}"
            )
        )
        await enter_role(conn, db_role=OWNER_ROLE, schema=schema)
        before, after = await upgrade_schema_async(conn, tree, schema)
        if tree.grants is not None:
            for sql in tree.grants(schema, role):
                await conn.execute(text(sql))
        await conn.execute(
            text(
                "UPDATE shared.gmina SET schema_revision = :rev, updated_at = now(), "
                "status = CASE WHEN status = 'provisioning' AND :activate THEN 'active' "
                "ELSE status END WHERE teryt = :teryt"
            ),
            {"rev": after, "teryt": teryt, "activate": activate},
        )
    return TenantMigration(teryt=teryt, before=before, after=after)
