"""Archival of a gmina leaving its agreement: suspended, backed up, removed from service.

Steps, each only after the one before succeeded:
1. **Suspend** (committed at once): every request for the gmina is refused from now on.
2. **Back up** to a new file, then **read the file back** whole (manifest, checksums): the
   data is removed only when a good backup exists.
3. In **one transaction**: the registry row is locked and must still be suspended; the
   schema is dropped (its data lives on in the backup only: a gmina that left must not keep
   personal data in the live database, its catalogue or the next whole backups); the
   memberships of people scoped to the gmina are deleted and its open agreement memberships
   end today (both are in the backup); the gmina's role loses every right it had in this
   database; the registry says ``archived`` and no schema revision.

What stays, and why: the registry row (agreements it led and history name it; the public
list shows it archived), its programmes, budgets, contract coverage and contract load (the
agreement's planning history and the other gminy's capacity figures), and the role itself,
without rights: every transaction of a request switches to the gmina's role before reading
its status, so a request reaching an archived gmina is refused as suspended instead of
failing on a missing role. ``cus tenants restore FILE`` brings it back (suspended).
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text

from cus_shared.database.engine import admin_url
from cus_shared.database.naming import (
    SHARED_SCHEMA,
    TENANT_BASE_ROLE,
    TENANTS_SERVICE_ROLE,
    quote_ident,
    tenant_role,
    tenant_schema,
)
from cus_shared.i18n.language import N_
from cus_shared.tenancy import open_service_session
from cus_tenants.gminy.service import suspend_gmina
from cus_tenants.operations.archive_file import TenantManifest, read_archive
from cus_tenants.operations.backup import BackupSummary, backup_tenant, refuse_existing_output
from cus_tenants.operations.errors import OperationError
from cus_tenants.operations.postgres_tools import Connection
from cus_tenants.operations.progress import SILENT, Reporter
from cus_tenants.operations.registry import (
    ARCHIVED,
    admin_connection,
    require_gmina,
    require_platform,
    valid_teryt,
)

if TYPE_CHECKING:
    from cus_shared.database.runtime import Database


@dataclass(frozen=True)
class ArchivalSummary:
    """What archival did."""

    teryt: str
    backup: BackupSummary
    memberships_removed: int
    agreements_left: int
    seconds: float


async def archive_tenant(
    db: Database,
    teryt_code: str,
    out: Path,
    *,
    pg_bin: Path | None = None,
    reporter: Reporter = SILENT,
) -> ArchivalSummary:
    """Archive one gmina, its backup written to ``out`` (a new file)."""
    started = time.perf_counter()
    teryt = valid_teryt(teryt_code)
    refuse_existing_output(out)
    url = admin_url(db.settings.database)
    connection = Connection.from_url(url)
    async with admin_connection(connection) as conn:
        await require_platform(conn, connection.database)
        entry = await require_gmina(conn, teryt)
    if entry.status == ARCHIVED:
        raise OperationError(N_("Gmina {teryt} is already archived."), teryt=teryt)
    if entry.status == "provisioning":
        raise OperationError(N_("Gmina {teryt} has no provisioned schema to back up."), teryt=teryt)

    reporter.step(f"suspending gmina {teryt}")
    async with open_service_session(
        db.sessions, db_role=TENANTS_SERVICE_ROLE, schema=SHARED_SCHEMA
    ) as session:
        await suspend_gmina(session, teryt)

    backup = await backup_tenant(url, teryt, out, pg_bin=pg_bin, reporter=reporter)
    reporter.step(f"reading {out.name} back")
    with tempfile.TemporaryDirectory(prefix="cus-archive-check-") as scratch:
        manifest = read_archive(out, TenantManifest, Path(scratch))
    if manifest.teryt != teryt:
        raise OperationError(N_("The file {file} is not a CUS backup."), file=out.name)

    reporter.step(f"removing gmina {teryt} from service")
    schema, role = quote_ident(tenant_schema(teryt)), quote_ident(tenant_role(teryt))
    async with db.admin_engine.connect() as admin, admin.begin():
        status = await admin.scalar(
            text("SELECT status FROM shared.gmina WHERE teryt = :t FOR UPDATE"), {"t": teryt}
        )
        if status != "suspended":
            # Resumed by someone while the backup ran: their decision wins.
            raise OperationError(
                N_("Gmina {teryt} was resumed while archiving; nothing was removed."),
                teryt=teryt,
            )
        await admin.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        removed = await admin.execute(
            text("DELETE FROM shared.membership WHERE scope = 'gmina' AND scope_id = :t"),
            {"t": teryt},
        )
        left = await admin.execute(
            text(
                "UPDATE shared.agreement_member SET left_on = greatest(joined_on, current_date) "
                "WHERE teryt = :t AND (left_on IS NULL OR left_on > current_date)"
            ),
            {"t": teryt},
        )
        await admin.execute(text(f"DROP OWNED BY {role}"))
        # Nor what every gmina inherits (the agreement's views): a restore grants it again.
        await admin.execute(text(f"REVOKE {quote_ident(TENANT_BASE_ROLE)} FROM {role}"))
        await admin.execute(
            text(
                "UPDATE shared.gmina SET status = :archived, schema_revision = NULL, "
                "updated_at = now() WHERE teryt = :t"
            ),
            {"archived": ARCHIVED, "t": teryt},
        )
    return ArchivalSummary(
        teryt=teryt,
        backup=backup,
        memberships_removed=removed.rowcount,
        agreements_left=left.rowcount,
        seconds=time.perf_counter() - started,
    )
