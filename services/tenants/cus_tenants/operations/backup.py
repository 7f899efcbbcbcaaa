"""Backup of one gmina: its schema and its rows of the shared tables, in one file.

Everything is read from one snapshot: a read-only REPEATABLE READ transaction exports it,
copies the gmina's shared rows and counts its tables, and ``pg_dump --snapshot`` dumps the
schema from the same snapshot, so the file is consistent even while the gmina is in use.
The schema is dumped as plain SQL (owners and grants included, which name only the fixed
owner role and the gmina's own role), the shared rows as COPY text, both checked by the
manifest (see ``archive_file``).
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

from cus_shared.database.naming import OWNER_ROLE, SHARED_SCHEMA, quote_ident
from cus_shared.i18n.language import N_
from cus_tenants.operations.archive_file import (
    SharedTableContent,
    TableContent,
    TenantManifest,
    sha256_of,
    write_archive,
)
from cus_tenants.operations.checksums import checksum_query, use_stable_text
from cus_tenants.operations.errors import OperationError
from cus_tenants.operations.postgres_tools import (
    Connection,
    choose_client_tools,
    first_error,
    run_program,
)
from cus_tenants.operations.progress import SILENT, Reporter
from cus_tenants.operations.registry import (
    ARCHIVED,
    admin_connection,
    record_handout,
    require_gmina,
    require_platform,
    revision_of,
    schema_exists,
    server_version_num,
    valid_teryt,
)
from cus_tenants.operations.shared_rows import SHARED_ROWS

SCHEMA_MEMBER = "tenant/schema.sql"


def shared_member(table: str) -> str:
    """Archive member holding a shared table's rows."""
    return f"shared/{table}.copy"


@dataclass(frozen=True)
class BackupSummary:
    """What a backup wrote."""

    teryt: str
    file: Path
    bytes: int
    tenant_tables: int
    tenant_rows: int
    shared_rows: int
    seconds: float


def refuse_existing_output(out: Path) -> None:
    """Backups never overwrite a file (an older backup may be the only good one)."""
    if out.exists():
        raise OperationError(
            N_("The file {file} already exists; choose another name."), file=out.name
        )
    if not out.parent.is_dir():
        raise OperationError(N_("The folder {folder} does not exist."), folder=str(out.parent))


def file_size(path: Path) -> int:
    """Bytes of a written file."""
    return path.stat().st_size


async def columns_of(conn: asyncpg.Connection, table: str) -> list[str]:
    """Column names of a shared table in their order."""
    rows = await conn.fetch(
        "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass($1) "
        "AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
        f"{SHARED_SCHEMA}.{table}",
    )
    return [str(r["attname"]) for r in rows]


async def tenant_tables(conn: asyncpg.Connection, schema: str) -> list[str]:
    """Tables of a tenant schema (within one schema we name; tenants come from the registry)."""
    rows = await conn.fetch(
        "SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename", schema
    )
    return [str(r["tablename"]) for r in rows]


async def backup_tenant(
    admin_url: str,
    teryt_code: str,
    out: Path,
    *,
    pg_bin: Path | None = None,
    reporter: Reporter = SILENT,
) -> BackupSummary:
    """Write the backup of one gmina to ``out`` (a new file)."""
    started = time.perf_counter()
    teryt = valid_teryt(teryt_code)
    refuse_existing_output(out)
    connection = Connection.from_url(admin_url)
    with tempfile.TemporaryDirectory(prefix="cus-backup-") as scratch:
        folder = Path(scratch)
        async with admin_connection(connection) as conn:
            await require_platform(conn, connection.database)
            entry = await require_gmina(conn, teryt)
            if entry.status == ARCHIVED:
                raise OperationError(
                    N_("Gmina {teryt} is archived: its data is in the backup made when archiving."),
                    teryt=teryt,
                )
            if entry.status == "provisioning" or not await schema_exists(conn, entry.schema):
                raise OperationError(
                    N_("Gmina {teryt} has no provisioned schema to back up."), teryt=teryt
                )
            version = await server_version_num(conn)
            tools = await choose_client_tools(version // 10000, pg_bin)
            reporter.step(f"reading gmina {teryt} from one snapshot")
            await record_handout(conn, entry.schema, "backup")
            async with conn.transaction(isolation="repeatable_read", readonly=True):
                await conn.execute(f"SET LOCAL ROLE {quote_ident(OWNER_ROLE)}")
                await use_stable_text(conn)
                snapshot = str(await conn.fetchval("SELECT pg_export_snapshot()"))
                entry = await require_gmina(conn, teryt)
                tables = await tenant_tables(conn, entry.schema)
                contents: dict[str, TableContent] = {}
                for number, table in enumerate(tables, 1):
                    row = await conn.fetchrow(
                        checksum_query(f"{quote_ident(entry.schema)}.{quote_ident(table)}")
                    )
                    assert row is not None
                    contents[table] = TableContent(rows=row["rows"], md5=row["md5"])
                    reporter.advance(number, len(tables))
                shared: list[SharedTableContent] = []
                members: dict[str, Path] = {}
                for rows in SHARED_ROWS:
                    row = await conn.fetchrow(
                        checksum_query(f"shared.{quote_ident(rows.table)}", rows.where), teryt
                    )
                    assert row is not None
                    path = folder / f"{rows.table}.copy"
                    await conn.copy_from_query(rows.select, teryt, output=path, format="text")
                    members[shared_member(rows.table)] = path
                    shared.append(
                        SharedTableContent(
                            table=rows.table,
                            kind=rows.kind,
                            columns=await columns_of(conn, rows.table),
                            rows=row["rows"],
                            md5=row["md5"],
                        )
                    )
                tenant_revision = await revision_of(conn, entry.schema)
                shared_revision = await revision_of(conn, SHARED_SCHEMA)
                reporter.step(f"dumping schema {entry.schema} with pg_dump {tools.version}")
                dump = folder / "schema.sql"
                finished = await run_program(
                    tools,
                    "pg_dump",
                    [
                        "--format=plain",
                        f"--schema={entry.schema}",
                        f"--snapshot={snapshot}",
                        f"--role={OWNER_ROLE}",
                        "--lock-wait-timeout=60000",
                        "--no-comments",
                        f"--file={dump}",
                    ],
                    connection,
                )
                if finished.returncode != 0:
                    raise OperationError(
                        N_("pg_dump failed: {reason}"), reason=first_error(finished.stderr)
                    )
                members[SCHEMA_MEMBER] = dump
        reporter.step(f"writing {out.name}")
        manifest = TenantManifest(
            teryt=teryt,
            name=entry.name,
            status=entry.status,
            created_at=datetime.now(UTC),
            tenant_revision=tenant_revision,
            shared_revision=shared_revision,
            server_version_num=version,
            client_version=tools.version,
            tenant_tables=contents,
            shared_tables=shared,
            files={name: sha256_of(path) for name, path in members.items()},
        )
        write_archive(out, manifest, members, compress=True)
    return BackupSummary(
        teryt=teryt,
        file=out,
        bytes=file_size(out),
        tenant_tables=len(contents),
        tenant_rows=sum(c.rows for c in contents.values()),
        shared_rows=sum(s.rows for s in shared),
        seconds=time.perf_counter() - started,
    )
