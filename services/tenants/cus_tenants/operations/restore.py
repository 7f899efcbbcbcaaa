"""Restore of one gmina from its backup, into the platform it came from or another one.

Order, and why:
1. The file is checked whole (manifest, checksums) before the database is touched.
2. Refused when the gmina is in service there (active, suspended or being provisioned)
   unless ``replace``; an archived gmina is restored without it (that is what its archive
   backup is for). Refused when the file's revisions are unknown to this version.
3. The gmina's role is made the way provisioning makes it (its grants are in the dump).
4. One ``psql`` transaction, all or nothing: (with ``replace``) the old schema and the
   gmina's own shared rows go; the shared rows are written (context rows only when missing);
   the schema dump runs; every table's row count and checksum are compared with the
   manifest; the gmina is left ``provisioning``, so no request reaches it yet.
5. Provisioning runs as for any gmina (role, grants, tenant tree to head, registry
   revision), then the gmina gets back the status it had when backed up.
A failure in 5 leaves the gmina ``provisioning`` (not served); running the restore again
with ``replace`` finishes it.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from sqlalchemy import text

from cus_shared.database.engine import admin_url
from cus_shared.database.naming import OWNER_ROLE, quote_ident, tenant_role, tenant_schema
from cus_shared.i18n.language import N_
from cus_shared.plugins import migration_tree
from cus_tenants.operations.archive_file import TenantManifest, local_name, read_archive
from cus_tenants.operations.backup import SCHEMA_MEMBER, columns_of, shared_member
from cus_tenants.operations.checksums import STABLE_TEXT_SETTINGS, checksum_query
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
    find_gmina,
    require_platform,
    revision_of,
    schema_exists,
    server_version_num,
    valid_teryt,
)
from cus_tenants.operations.shared_rows import SHARED_ROWS
from cus_tenants.provisioning.tenant import ensure_tenant_role, provision_tenant

if TYPE_CHECKING:
    from cus_shared.database.runtime import Database
    from cus_shared.identifiers.teryt import Teryt

_VERIFY_FAILED = "cus-restore-verify"
_LEAD_MISSING = "cus-restore-lead-missing"


@dataclass(frozen=True)
class RestoreSummary:
    """What a restore did."""

    teryt: str
    replaced: bool
    tenant_tables: int
    tenant_rows: int
    shared_rows: int
    revision_before: str | None
    revision_after: str | None
    status: str
    seconds: float


async def restore_tenant(
    db: Database,
    source: Path,
    *,
    replace: bool = False,
    pg_bin: Path | None = None,
    reporter: Reporter = SILENT,
) -> RestoreSummary:
    """Restore one gmina from a backup file into the platform ``db`` points at."""
    started = time.perf_counter()
    settings = db.settings.database
    connection = Connection.from_url(admin_url(settings))
    tree = migration_tree("tenant")
    with tempfile.TemporaryDirectory(prefix="cus-restore-") as scratch:
        folder = Path(scratch)
        reporter.step(f"checking {source.name}")
        manifest = read_archive(source, TenantManifest, folder)
        teryt = valid_teryt(manifest.teryt)
        known = {r.revision for r in tree.script.walk_revisions()}
        if manifest.tenant_revision is not None and manifest.tenant_revision not in known:
            raise OperationError(
                N_(
                    "The backup is at tenant revision {revision}, which this version does not "
                    "know (restore it with the version that made it, or a newer one)."
                ),
                revision=manifest.tenant_revision,
            )
        async with admin_connection(connection) as conn:
            await require_platform(conn, connection.database)
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
            entry = await find_gmina(conn, teryt)
            in_service = entry is not None and entry.status != ARCHIVED
            leftover = await schema_exists(conn, tenant_schema(teryt))
            if (in_service or leftover) and not replace:
                raise OperationError(
                    N_(
                        "Gmina {teryt} already exists on this platform; nothing was restored. "
                        "Use --replace to overwrite it with the backup."
                    ),
                    teryt=teryt,
                )
            target_columns = {
                t.table: await columns_of(conn, t.table) for t in manifest.shared_tables
            }
            before = await revision_of(conn, tenant_schema(teryt)) if leftover else None
            tools = await choose_client_tools(version // 10000, pg_bin)
        for table in manifest.shared_tables:
            missing = [c for c in table.columns if c not in target_columns[table.table]]
            if missing:
                raise OperationError(
                    N_(
                        "This platform's shared table {table} lacks columns of the backup; "
                        "migrate it (`cus migrate`) before restoring."
                    ),
                    table=table.table,
                )
        async with db.admin_engine.connect() as admin, admin.begin():
            # The role as provisioning makes it; the dump's grants name it.
            await ensure_tenant_role(admin, tenant_role(teryt), app_role=settings.app_role)
        reporter.step(f"restoring gmina {teryt} in one transaction")
        script = folder / "restore.sql"
        with script.open("w", encoding="utf-8") as out:
            # An archived gmina keeps its registry row and planning rows: they are replaced.
            clear = replace or entry is not None
            try:
                _write_script(out, manifest, teryt, folder, target_columns, replace=clear)
            except (ValueError, AssertionError, KeyError):
                # Names or checksums no backup of ours holds (quote_ident refuses them).
                raise OperationError(
                    N_("The file {file} is not a CUS backup."), file=source.name
                ) from None
        finished = await run_program(
            tools,
            "psql",
            ["--no-psqlrc", "--quiet", "-v", "ON_ERROR_STOP=1", f"--file={script}"],
            connection,
        )
        if finished.returncode != 0:
            raise _psql_failure(finished.stderr, teryt)
    reporter.step(f"provisioning gmina {teryt} (grants, migrations)")
    async with db.admin_engine.connect() as admin:
        # The registry row as backed up; provisioning stamps it, the restore puts it back.
        updated_at = await admin.scalar(
            text("SELECT updated_at FROM shared.gmina WHERE teryt = :teryt"), {"teryt": teryt}
        )
    migrated = await provision_tenant(
        db.admin_engine,
        tree,
        teryt,
        app_role=settings.app_role,
        lock_timeout_ms=settings.lock_timeout_ms,
        activate=False,
    )
    async with db.admin_engine.connect() as admin, admin.begin():
        await admin.execute(
            text(
                "UPDATE shared.gmina SET status = :status, updated_at = :updated_at "
                "WHERE teryt = :teryt"
            ),
            {"status": manifest.status, "updated_at": updated_at, "teryt": teryt},
        )
    return RestoreSummary(
        teryt=teryt,
        replaced=replace and (before is not None or entry is not None),
        tenant_tables=len(manifest.tenant_tables),
        tenant_rows=sum(t.rows for t in manifest.tenant_tables.values()),
        shared_rows=sum(t.rows for t in manifest.shared_tables if t.kind == "own"),
        revision_before=manifest.tenant_revision,
        revision_after=migrated.after,
        status=manifest.status,
        seconds=time.perf_counter() - started,
    )


def _literal(teryt: Teryt) -> str:
    # A validated code of seven digits: safe as an SQL literal.
    assert teryt.isdigit() and len(teryt) == 7
    return f"'{teryt}'"


def _write_script(
    out: TextIO,
    manifest: TenantManifest,
    teryt: Teryt,
    folder: Path,
    target_columns: dict[str, list[str]],
    *,
    replace: bool,
) -> None:
    """The psql script of step 4 (see the module's docstring)."""
    code = _literal(teryt)
    schema = quote_ident(tenant_schema(teryt))
    owner = quote_ident(OWNER_ROLE)
    by_table = {t.table: t for t in manifest.shared_tables}
    out.write("BEGIN;\n")
    # The owner of the shared tables bypasses row-level security (contract_load).
    out.write(f"SET ROLE {owner};\n")
    if replace:
        out.write(f"DROP SCHEMA IF EXISTS {schema} CASCADE;\n")
        for rows in reversed(SHARED_ROWS):
            if rows.kind == "own" and rows.table != "gmina":
                where = rows.where.replace("$1", code)
                out.write(f"DELETE FROM shared.{quote_ident(rows.table)} t WHERE {where};\n")
    for rows in SHARED_ROWS:
        content = by_table.get(rows.table)
        if content is None:
            raise OperationError(N_("The file {file} is not a CUS backup."), file="manifest")
        temp = quote_ident(f"cus_{rows.table}")
        columns = ", ".join(quote_ident(c) for c in content.columns)
        out.write(
            f"CREATE TEMP TABLE {temp} (LIKE shared.{quote_ident(rows.table)}) ON COMMIT DROP;\n"
        )
        out.write(f"COPY pg_temp.{temp} ({columns}) FROM STDIN;\n")
        with (folder / local_name(shared_member(rows.table))).open(encoding="utf-8") as data:
            for line in data:
                out.write(line)
        out.write("\\.\n")
        target = f"shared.{quote_ident(rows.table)}"
        if rows.table == "agreement":
            # An agreement names its lead gmina, which must be registered here.
            out.write(
                "DO $cus$ BEGIN IF EXISTS (SELECT 1 FROM pg_temp.cus_agreement a "
                "WHERE NOT EXISTS (SELECT 1 FROM shared.agreement x WHERE x.id = a.id) "
                "AND NOT EXISTS (SELECT 1 FROM shared.gmina g WHERE g.teryt = a.lead_teryt)) "
                f"THEN RAISE EXCEPTION '{_LEAD_MISSING}'; END IF; END $cus$;\n"
            )
        insert = f"INSERT INTO {target} ({columns}) SELECT {columns} FROM pg_temp.{temp}"
        if rows.kind == "context":
            out.write(f"{insert} ON CONFLICT DO NOTHING;\n")
        elif rows.table == "gmina":
            updates = ", ".join(
                f"{quote_ident(c)} = EXCLUDED.{quote_ident(c)}"
                for c in content.columns
                if c != "teryt"
            )
            out.write(f"{insert} ON CONFLICT (teryt) DO UPDATE SET {updates};\n")
        else:
            out.write(f"{insert};\n")
    out.write("RESET ROLE;\n")
    with (folder / local_name(SCHEMA_MEMBER)).open(encoding="utf-8") as dump:
        for line in dump:
            out.write(line)
    out.write("\n")
    for statement in STABLE_TEXT_SETTINGS:
        out.write(f"{statement};\n")
    for table, counted in manifest.tenant_tables.items():
        qualified = f"{schema}.{quote_ident(table)}"
        out.write(_verify(checksum_query(qualified), counted.rows, counted.md5, table))
    for rows in SHARED_ROWS:
        shared = by_table[rows.table]
        if rows.kind != "own":
            continue
        query = checksum_query(f"shared.{quote_ident(rows.table)}", rows.where.replace("$1", code))
        same_columns = target_columns[rows.table] == shared.columns
        out.write(_verify(query, shared.rows, shared.md5 if same_columns else None, rows.table))
    out.write(
        "UPDATE shared.gmina SET status = 'provisioning', schema_revision = NULL "
        f"WHERE teryt = {code};\n"
    )
    out.write("COMMIT;\n")


def _verify(query: str, rows: int, md5: str | None, table: str) -> str:
    """A statement failing the transaction when a table's rows differ from the manifest."""
    assert all(c.isalnum() or c == "_" for c in table) and (md5 is None or md5.isalnum())
    condition = f"r.rows <> {int(rows)}" + (f" OR r.md5 <> '{md5}'" if md5 else "")
    return (
        "DO $cus$ DECLARE r record; BEGIN "
        f"SELECT * INTO r FROM ({query}) q; "
        f"IF {condition} THEN RAISE EXCEPTION '{_VERIFY_FAILED} {table}'; END IF; "
        "END $cus$;\n"
    )


def _psql_failure(stderr: str, teryt: Teryt) -> OperationError:
    reason = first_error(stderr)
    if _LEAD_MISSING in reason:
        return OperationError(
            N_(
                "The backup's agreement is led by a gmina not registered on this platform; "
                "register that gmina or restore the whole backup. Nothing was restored."
            )
        )
    if _VERIFY_FAILED in reason:
        return OperationError(
            N_(
                "After restoring, table {table} did not match the backup's counts and "
                "checksums; nothing was restored."
            ),
            table=reason.split(_VERIFY_FAILED, 1)[1].strip().split()[0],
        )
    return OperationError(
        N_("Restoring gmina {teryt} failed, nothing was restored: {reason}"),
        teryt=teryt,
        reason=reason,
    )
