"""Backup and restore of everything: the whole database in one file.

The file holds ``pg_dump``'s custom-format dump of the database and a manifest (tenants,
revisions, the row count of every table, all read from the dump's own snapshot). Roles are
cluster-wide, so they are not dumped: a restore makes them the way bootstrap and
provisioning do (the fixed roles, then one per gmina of the manifest), restores the dump in
one transaction, checks every table's row count, then runs bootstrap (grants, the login
role's settings, the shared tree to head) and brings every gmina to the tenant tree's head.

Locks: ``pg_dump`` locks every table it dumps in one transaction, and a single-transaction
restore locks every object it creates. PostgreSQL's lock table holds about
``max_locks_per_transaction × (max_connections + max_prepared_transactions)`` locks; with
thousands of gminy that is exceeded at the defaults ("out of shared memory" half way). Both
directions check first and refuse with the setting to raise (README, "Operating many
tenants").
"""

from __future__ import annotations

import math
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import asyncpg

from cus_shared.database.engine import admin_url
from cus_shared.database.naming import (
    OWNER_ROLE,
    REPORTING_SCHEMA,
    SHARED_SCHEMA,
    quote_ident,
    tenant_role,
    tenant_schema,
)
from cus_shared.i18n.language import N_
from cus_shared.plugins import migration_tree
from cus_tenants.migrations import SHARED_TREE
from cus_tenants.operations.archive_file import (
    PlatformManifest,
    TenantEntry,
    local_name,
    read_archive,
    sha256_of,
    write_archive,
)
from cus_tenants.operations.backup import file_size, refuse_existing_output, tenant_tables
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
    require_platform,
    revision_of,
    server_version_num,
    valid_teryt,
)
from cus_tenants.provisioning.bootstrap import bootstrap_platform, ensure_platform_roles
from cus_tenants.provisioning.fleet import FleetReport, migrate_fleet
from cus_tenants.provisioning.tenant import ensure_tenant_role

if TYPE_CHECKING:
    from cus_shared.database.runtime import Database

DUMP_MEMBER = "database.dump"
#: Share of the lock table's guaranteed size one operation may plan to use. PostgreSQL often
#: manages ~25 % more from spare shared memory, but not reliably (other sessions lock too).
_LOCK_SHARE = 1.0


@dataclass(frozen=True)
class PlatformBackupSummary:
    """What a whole backup wrote."""

    file: Path
    bytes: int
    tenants: int
    tables: int
    rows: int
    seconds: float


@dataclass
class PlatformRestoreSummary:
    """What a whole restore did."""

    tenants: int
    tables: int
    rows: int
    migrations: FleetReport | None = None
    seconds: float = 0.0
    failed: dict[str, str] = field(default_factory=dict)


async def _lock_capacity(conn: asyncpg.Connection) -> tuple[int, int, int]:
    row = await conn.fetchrow(
        "SELECT current_setting('max_locks_per_transaction')::int AS per, "
        "current_setting('max_connections')::int + "
        "current_setting('max_prepared_transactions')::int AS slots"
    )
    assert row is not None
    per, slots = int(row["per"]), int(row["slots"])
    return per * slots, per, slots


async def check_lock_room(conn: asyncpg.Connection, needed: int) -> None:
    """Refuse before starting when one transaction would run out of lock slots."""
    capacity, per, slots = await _lock_capacity(conn)
    if needed > capacity * _LOCK_SHARE:
        raise OperationError(
            N_(
                "One transaction would need about {needed} locks, but PostgreSQL holds about "
                "{capacity} (max_locks_per_transaction = {per}). Set max_locks_per_transaction "
                "to at least {suggested} and restart PostgreSQL."
            ),
            needed=needed,
            capacity=capacity,
            per=per,
            suggested=math.ceil(needed / _LOCK_SHARE / slots / 64) * 64,
        )


async def _relations(conn: asyncpg.Connection, kinds: str) -> int:
    """Relations of these kinds outside the catalogue; with indexes (``i``) also each TOAST
    table and its index, which a restore creates and locks as well (measured: without them
    the estimate fell short by a third at 500 gminy)."""
    return int(
        await conn.fetchval(
            "SELECT count(*) + CASE WHEN 'i' = ANY($1::text[]) THEN "
            "2 * count(*) FILTER (WHERE c.reltoastrelid <> 0) ELSE 0 END "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') "
            "AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%' "
            'AND c.relkind = ANY($1::text[]::"char"[])',
            list(kinds),
        )
    )


async def _count_tables(
    connection: Connection, snapshot: str | None, schemas: list[str], reporter: Reporter
) -> dict[str, int]:
    """Rows of every table of these schemas, one transaction per schema (few locks each),
    all reading the same snapshot when one is given."""
    counts: dict[str, int] = {}
    async with admin_connection(connection) as conn:
        for number, schema in enumerate(schemas, 1):
            async with conn.transaction(isolation="repeatable_read", readonly=True):
                if snapshot is not None:
                    await conn.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
                await conn.execute(f"SET LOCAL ROLE {quote_ident(OWNER_ROLE)}")
                tables = await tenant_tables(conn, schema)
                if tables:
                    # One round trip per schema (thousands of schemas, dozens of tables each).
                    query = " UNION ALL ".join(
                        f"SELECT {index}, count(*) FROM {quote_ident(schema)}.{quote_ident(t)}"
                        for index, t in enumerate(tables)
                    )
                    for row in await conn.fetch(query):
                        counts[f"{schema}.{tables[row[0]]}"] = int(row[1])
            reporter.advance(number, len(schemas))
    return counts


def _schemas(tenants: list[TenantEntry]) -> list[str]:
    return [SHARED_SCHEMA, REPORTING_SCHEMA] + [
        tenant_schema(valid_teryt(t.teryt)) for t in tenants if t.status != ARCHIVED
    ]


async def backup_platform(
    admin_database_url: str,
    out: Path,
    *,
    pg_bin: Path | None = None,
    reporter: Reporter = SILENT,
) -> PlatformBackupSummary:
    """Write a backup of the whole database to ``out`` (a new file)."""
    started = time.perf_counter()
    refuse_existing_output(out)
    connection = Connection.from_url(admin_database_url)
    with tempfile.TemporaryDirectory(prefix="cus-backup-all-") as scratch:
        dump = Path(scratch) / "database.dump"
        async with admin_connection(connection) as conn:
            await require_platform(conn, connection.database)
            await check_lock_room(conn, await _relations(conn, "rpmf"))
            version = await server_version_num(conn)
            tools = await choose_client_tools(version // 10000, pg_bin)
            async with conn.transaction(isolation="repeatable_read", readonly=True):
                snapshot = str(await conn.fetchval("SELECT pg_export_snapshot()"))
                tenants = [
                    TenantEntry(
                        teryt=r["teryt"], status=r["status"], schema_revision=r["schema_revision"]
                    )
                    for r in await conn.fetch(
                        "SELECT teryt, status, schema_revision FROM shared.gmina ORDER BY teryt"
                    )
                ]
                shared_revision = await revision_of(conn, SHARED_SCHEMA)
                relations = await _relations(conn, "rpmfivS")
                reporter.step(
                    f"dumping database {connection.database} ({len(tenants)} gminy) "
                    f"with pg_dump {tools.version}"
                )
                finished = await run_program(
                    tools,
                    "pg_dump",
                    [
                        "--format=custom",
                        f"--snapshot={snapshot}",
                        "--lock-wait-timeout=60000",
                        f"--file={dump}",
                    ],
                    connection,
                )
                if finished.returncode != 0:
                    raise OperationError(
                        N_("pg_dump failed: {reason}"), reason=first_error(finished.stderr)
                    )
                reporter.step("counting rows of every table")
                counts = await _count_tables(connection, snapshot, _schemas(tenants), reporter)
        reporter.step(f"writing {out.name}")
        manifest = PlatformManifest(
            created_at=datetime.now(UTC),
            database=connection.database,
            shared_revision=shared_revision,
            server_version_num=version,
            client_version=tools.version,
            tenants=tenants,
            relations=relations,
            tables=counts,
            files={DUMP_MEMBER: sha256_of(dump)},
        )
        write_archive(out, manifest, {DUMP_MEMBER: dump}, compress=False)
    return PlatformBackupSummary(
        file=out,
        bytes=file_size(out),
        tenants=len(tenants),
        tables=len(counts),
        rows=sum(counts.values()),
        seconds=time.perf_counter() - started,
    )


async def restore_platform(
    db: Database,
    source: Path,
    *,
    pg_bin: Path | None = None,
    reporter: Reporter = SILENT,
) -> PlatformRestoreSummary:
    """Restore a whole backup into the empty database ``db`` points at."""
    started = time.perf_counter()
    settings = db.settings.database
    connection = Connection.from_url(admin_url(settings))
    with tempfile.TemporaryDirectory(prefix="cus-restore-all-") as scratch:
        folder = Path(scratch)
        reporter.step(f"checking {source.name}")
        manifest = read_archive(source, PlatformManifest, folder)
        async with admin_connection(connection) as conn:
            occupied = await conn.fetchval(
                "SELECT count(*) FROM pg_namespace WHERE nspname = ANY($1::text[]) "
                "OR nspname ~ '^gmina_[0-9]{7}$'",
                [SHARED_SCHEMA, REPORTING_SCHEMA],
            )
            if occupied:
                raise OperationError(
                    N_(
                        "The database {database} is not empty; restore a whole backup into a "
                        "new, empty database."
                    ),
                    database=connection.database,
                )
            version = await server_version_num(conn)
            if version // 10000 < manifest.server_version_num // 10000:
                raise OperationError(
                    N_(
                        "The backup comes from PostgreSQL {source}; this server is older "
                        "({target}). Restore into PostgreSQL {source} or newer."
                    ),
                    source=manifest.server_version_num // 10000,
                    target=version // 10000,
                )
            await check_lock_room(conn, manifest.relations)
            tools = await choose_client_tools(version // 10000, pg_bin)
        reporter.step(f"creating roles ({len(manifest.tenants)} gminy)")
        async with db.admin_engine.connect() as admin, admin.begin():
            await ensure_platform_roles(admin, settings.app_role)
            for tenant in manifest.tenants:
                role = tenant_role(valid_teryt(tenant.teryt))
                await ensure_tenant_role(admin, role, app_role=settings.app_role)
        reporter.step(f"restoring database with pg_restore {tools.version} (one transaction)")
        finished = await run_program(
            tools,
            "pg_restore",
            [
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={connection.database}",
                str(folder / local_name(DUMP_MEMBER)),
            ],
            connection,
        )
        if finished.returncode != 0:
            raise OperationError(
                N_("pg_restore failed, nothing was restored: {reason}"),
                reason=first_error(finished.stderr),
            )
    reporter.step("checking the row count of every table")
    counts = await _count_tables(connection, None, _schemas(manifest.tenants), reporter)
    wrong = sorted(t for t, n in manifest.tables.items() if counts.get(t) != n)
    if wrong:
        raise OperationError(
            N_(
                "After restoring, {count} tables do not match the backup's counts (first: {table})."
            ),
            count=len(wrong),
            table=wrong[0],
        )
    reporter.step("bootstrap: grants, login role, shared tree")
    await bootstrap_platform(db.admin_engine, settings, SHARED_TREE)
    reporter.step("bringing every gmina to the tenant tree's head")
    report = await migrate_fleet(
        db.admin_engine,
        migration_tree("tenant"),
        app_role=settings.app_role,
        concurrency=settings.migration_concurrency,
        lock_timeout_ms=settings.lock_timeout_ms,
        # Gminy whose schema was in the backup (not those archived or never provisioned).
        only=[
            t.teryt
            for t in manifest.tenants
            if t.status != ARCHIVED and t.schema_revision is not None
        ],
    )
    return PlatformRestoreSummary(
        tenants=len(manifest.tenants),
        tables=len(counts),
        rows=sum(counts.values()),
        migrations=report,
        seconds=time.perf_counter() - started,
        failed=dict(report.failed),
    )
