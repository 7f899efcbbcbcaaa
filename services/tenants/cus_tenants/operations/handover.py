"""Handover export of one gmina to another operator or system: a folder of CSV files.

Why CSV and not an SQL dump: the receiver may run anything (another vendor's system, a
spreadsheet, an archive's ingest tool); CSV (RFC 4180, UTF-8, a header row, PostgreSQL's
text for each value: ISO dates, timestamps in UTC) is read by all of them and depends on
neither our PostgreSQL version nor our code. ``manifest.json`` lists every file with its
table, row count, SHA-256 and column types, so the receiver can check that nothing is
missing; ``schema.sql`` (the schema's DDL, without owners or grants) is there for a
receiver who does use PostgreSQL.

What: every table of the gmina's schema (except Alembic's version table) under ``gmina/``,
and its rows of the shared tables (see ``shared_rows``) under ``shared/``, without the
accounts' secrets (password hashes, second-factor secrets). All from one snapshot. The
folder is written beside its destination and renamed into place when complete.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel

from cus_shared.database.naming import OWNER_ROLE, SHARED_SCHEMA, quote_ident
from cus_shared.i18n.language import N_
from cus_tenants.operations.archive_file import sha256_of
from cus_tenants.operations.backup import tenant_tables
from cus_tenants.operations.checksums import use_stable_text
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
from cus_tenants.operations.shared_rows import SECRET_COLUMNS, SHARED_ROWS


class ExportedColumn(BaseModel):
    """A column of an exported table."""

    name: str
    type: str


class ExportedFile(BaseModel):
    """One CSV file of the export."""

    path: str
    schema_name: str
    table: str
    rows: int
    sha256: str
    columns: list[ExportedColumn]


class HandoverManifest(BaseModel):
    """What a handover export holds."""

    format: str = "cus-tenant-handover"
    format_version: int = 1
    teryt: str
    name: str
    created_at: datetime
    tenant_revision: str | None
    shared_revision: str | None
    encoding: str = "UTF-8"
    csv: str = "RFC 4180, comma-separated, header row, empty field = NULL"
    files: list[ExportedFile]


@dataclass(frozen=True)
class HandoverSummary:
    """What an export wrote."""

    teryt: str
    folder: Path
    files: int
    rows: int
    seconds: float


_COLUMN_TYPES = (
    "SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type "
    "FROM pg_attribute a WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 "
    "AND NOT a.attisdropped ORDER BY a.attnum"
)


def _refuse_used_folder(out: Path) -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise OperationError(
            N_("The folder {folder} already exists and is not empty."), folder=out.name
        )
    if not out.parent.is_dir():
        raise OperationError(N_("The folder {folder} does not exist."), folder=str(out.parent))


def _move_into_place(staging: Path, out: Path) -> None:
    if out.exists():
        out.rmdir()  # empty, checked before
    staging.rename(out)


async def export_tenant(
    admin_database_url: str,
    teryt_code: str,
    out: Path,
    *,
    pg_bin: Path | None = None,
    reporter: Reporter = SILENT,
) -> HandoverSummary:
    """Write the handover export of one gmina into the new folder ``out``."""
    started = time.perf_counter()
    teryt = valid_teryt(teryt_code)
    _refuse_used_folder(out)
    connection = Connection.from_url(admin_database_url)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        (staging / "gmina").mkdir()
        (staging / "shared").mkdir()
        files: list[ExportedFile] = []
        async with admin_connection(connection) as conn:
            await require_platform(conn, connection.database)
            entry = await require_gmina(conn, teryt)
            if entry.status in (ARCHIVED, "provisioning") or not await schema_exists(
                conn, entry.schema
            ):
                raise OperationError(
                    N_("Gmina {teryt} has no provisioned schema to back up."), teryt=teryt
                )
            tools = await choose_client_tools(await server_version_num(conn) // 10000, pg_bin)
            await record_handout(conn, entry.schema, "export")
            async with conn.transaction(isolation="repeatable_read", readonly=True):
                await conn.execute(f"SET LOCAL ROLE {quote_ident(OWNER_ROLE)}")
                await use_stable_text(conn)
                snapshot = str(await conn.fetchval("SELECT pg_export_snapshot()"))
                tables = [
                    t for t in await tenant_tables(conn, entry.schema) if t != "alembic_version"
                ]
                sources = [(entry.schema, t, None) for t in tables] + [
                    (SHARED_SCHEMA, r.table, r) for r in SHARED_ROWS
                ]
                for number, (schema, table, rows) in enumerate(sources, 1):
                    qualified = f"{quote_ident(schema)}.{quote_ident(table)}"
                    columns = [
                        ExportedColumn(name=c["name"], type=c["type"])
                        for c in await conn.fetch(_COLUMN_TYPES, f"{schema}.{table}")
                        if c["name"] not in SECRET_COLUMNS.get(table, ())
                    ]
                    names = ", ".join(f"t.{quote_ident(c.name)}" for c in columns)
                    folder = "gmina" if rows is None else "shared"
                    path = staging / folder / f"{table}.csv"
                    query = f"SELECT {names} FROM {qualified} t"
                    args: tuple[str, ...] = ()
                    if rows is not None:
                        query += f" WHERE {rows.where}"
                        args = (teryt,)
                    status = await conn.copy_from_query(
                        f'{query} ORDER BY t::text COLLATE "C"',
                        *args,
                        output=path,
                        format="csv",
                        header=True,
                        encoding="UTF8",
                    )
                    files.append(
                        ExportedFile(
                            path=f"{folder}/{table}.csv",
                            schema_name=schema,
                            table=table,
                            rows=int(str(status).split()[-1]),
                            sha256=sha256_of(path),
                            columns=columns,
                        )
                    )
                    reporter.advance(number, len(sources))
                tenant_revision = await revision_of(conn, entry.schema)
                shared_revision = await revision_of(conn, SHARED_SCHEMA)
                reporter.step("writing schema.sql")
                finished = await run_program(
                    tools,
                    "pg_dump",
                    [
                        "--schema-only",
                        f"--schema={entry.schema}",
                        f"--snapshot={snapshot}",
                        f"--role={OWNER_ROLE}",
                        "--no-owner",
                        "--no-privileges",
                        f"--file={staging / 'schema.sql'}",
                    ],
                    connection,
                )
                if finished.returncode != 0:
                    raise OperationError(
                        N_("pg_dump failed: {reason}"), reason=first_error(finished.stderr)
                    )
        manifest = HandoverManifest(
            teryt=teryt,
            name=entry.name,
            created_at=datetime.now(UTC),
            tenant_revision=tenant_revision,
            shared_revision=shared_revision,
            files=files,
        )
        (staging / "manifest.json").write_text(manifest.model_dump_json(indent=2), "utf-8")
        _move_into_place(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return HandoverSummary(
        teryt=teryt,
        folder=out,
        files=len(files),
        rows=sum(f.rows for f in files),
        seconds=time.perf_counter() - started,
    )
