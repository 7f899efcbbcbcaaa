"""What the operations read of the platform: the administrative connection, the gmina's
registry row, the revisions and the server's version."""

from __future__ import annotations

import json
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING
from uuid import UUID

import asyncpg

from cus_shared.database.naming import quote_ident, tenant_schema
from cus_shared.i18n.language import N_
from cus_shared.identifiers.teryt import Teryt, TerytError, parse_teryt
from cus_tenants.gminy.models import GminaStatus
from cus_tenants.operations.errors import OperationError
from cus_tenants.operations.postgres_tools import Connection

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

#: Registry status of a gmina whose data was removed from service (migration s0005).
#: The registry status of a gmina whose data left the platform (see archival.py).
ARCHIVED = GminaStatus.ARCHIVED.value


@dataclass(frozen=True)
class RegistryEntry:
    """A gmina as the registry has it."""

    teryt: Teryt
    name: str
    status: str
    schema_revision: str | None

    @property
    def schema(self) -> str:
        """Its tenant schema."""
        return tenant_schema(self.teryt)


def valid_teryt(code: str) -> Teryt:
    """A TERYT code, or a refusal the operator understands."""
    try:
        return parse_teryt(code)
    except TerytError:
        raise OperationError(
            N_("{teryt} is not a valid TERYT code of a gmina."), teryt=code[:20]
        ) from None


@asynccontextmanager
async def admin_connection(connection: Connection) -> AsyncIterator[asyncpg.Connection]:
    """One administrative connection to a platform database (refused when it is not one)."""
    try:
        conn = await asyncpg.connect(**connection.asyncpg_kwargs(), timeout=10)
    except (OSError, asyncpg.PostgresError) as exc:
        raise OperationError(
            N_("Cannot connect to the database {database}: {reason}"),
            database=connection.database,
            reason=type(exc).__name__,
        ) from None
    try:
        yield conn
    finally:
        await conn.close()


async def is_platform(conn: asyncpg.Connection) -> bool:
    """Whether the database holds a bootstrapped platform (its shared registry)."""
    return bool(await conn.fetchval("SELECT to_regclass('shared.gmina') IS NOT NULL"))


async def require_platform(conn: asyncpg.Connection, database: str) -> None:
    """Refuse databases without the shared registry."""
    if not await is_platform(conn):
        raise OperationError(
            N_("The database {database} holds no CUS platform (run `cus migrate` first)."),
            database=database,
        )


async def find_gmina(conn: asyncpg.Connection, teryt: Teryt) -> RegistryEntry | None:
    """The registry's row of a gmina, if any."""
    row = await conn.fetchrow(
        "SELECT name, status, schema_revision FROM shared.gmina WHERE teryt = $1", teryt
    )
    if row is None:
        return None
    return RegistryEntry(teryt, row["name"], row["status"], row["schema_revision"])


async def require_gmina(conn: asyncpg.Connection, teryt: Teryt) -> RegistryEntry:
    """The registry's row of a gmina, or a refusal."""
    entry = await find_gmina(conn, teryt)
    if entry is None:
        raise OperationError(N_("Gmina {teryt} is not in the registry."), teryt=teryt)
    return entry


async def schema_exists(conn: asyncpg.Connection, schema: str) -> bool:
    """Whether a (tenant) schema exists."""
    return bool(await conn.fetchval("SELECT to_regnamespace($1) IS NOT NULL", schema))


async def revision_of(conn: asyncpg.Connection, schema: str) -> str | None:
    """The Alembic revision a schema is at (None when it has no version table)."""
    if not await conn.fetchval("SELECT to_regclass($1) IS NOT NULL", f"{schema}.alembic_version"):
        return None
    value = await conn.fetchval(f"SELECT version_num FROM {quote_ident(schema)}.alembic_version")
    return str(value) if value is not None else None


async def server_version_num(conn: asyncpg.Connection) -> int:
    """The server's version as a number (150020 for 15.20)."""
    return int(await conn.fetchval("SELECT current_setting('server_version_num')::int"))


#: The audit log needs an actor: the nil UUID stands for the platform's operators' commands.
OPERATOR_COMMAND = UUID(int=0)


async def record_handout(conn: asyncpg.Connection, schema: str, purpose: str) -> None:
    """One entry in the gmina's own audit log before its records leave the database (a backup,
    a handover export): every read of personal data is audited, the operators' too. Written
    and committed before the snapshot is taken, so the file carries its own entry."""
    await conn.execute(
        f"INSERT INTO {quote_ident(schema)}.audit_log (actor_id, actor_roles, action, entity, "
        "entity_id, request_id, details) VALUES ($1, 'operator', 'export', 'gmina', NULL, $2, "
        "$3::jsonb)",
        OPERATOR_COMMAND,
        f"cus tenants {purpose}",
        json.dumps({"purpose": purpose, "via": "cus tenants"}),
    )
