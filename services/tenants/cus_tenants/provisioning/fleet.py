"""Migrating every tenant: from the registry, skipping those at head, bounded concurrency,
progress, per-tenant transactions, and a report that names every failure."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import text

from cus_shared.errors import first_line
from cus_shared.identifiers.teryt import Teryt
from cus_tenants.provisioning.tenant import TenantMigration, provision_tenant

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from cus_shared.migrations.trees import MigrationTree


@dataclass
class FleetReport:
    """Outcome of a fleet migration."""

    head: str
    total: int = 0
    skipped: int = 0
    migrated: list[TenantMigration] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when no tenant failed."""
        return not self.failed


async def tenants_behind(engine: AsyncEngine, head: str) -> tuple[int, list[str]]:
    """One query on the registry: how many tenants there are, which are not at head (an
    archived gmina has no schema to migrate: provisioning would make an empty one)."""
    async with engine.connect() as conn:
        rows = (
            await conn.execute(
                text(
                    "SELECT teryt, schema_revision IS NOT DISTINCT FROM :head AS at_head "
                    "FROM shared.gmina WHERE status <> 'archived' ORDER BY teryt"
                ),
                {"head": head},
            )
        ).all()
    return len(rows), [r.teryt for r in rows if not r.at_head]


async def migrate_fleet(
    engine: AsyncEngine,
    tree: MigrationTree,
    *,
    app_role: str,
    concurrency: int = 4,
    lock_timeout_ms: int = 5000,
    only: list[str] | None = None,
    on_progress: Callable[[str, bool], None] | None = None,
    on_start: Callable[[int], None] | None = None,
) -> FleetReport:
    """Bring every registered tenant (or ``only`` those) to the tree's head."""
    started = time.perf_counter()
    head = tree.head
    total, behind = await tenants_behind(engine, head)
    if only is not None:
        wanted = set(only)
        behind = [t for t in behind if t in wanted]
        total = len(wanted)
    report = FleetReport(head=head, total=total, skipped=total - len(behind))
    if on_start:
        on_start(len(behind))
    gate = asyncio.Semaphore(max(1, concurrency))

    async def one(teryt: str) -> None:
        async with gate:
            try:
                result = await provision_tenant(
                    engine, tree, Teryt(teryt), app_role=app_role, lock_timeout_ms=lock_timeout_ms
                )
            except Exception as exc:  # a failing tenant must not stop the others
                report.failed[teryt] = f"{type(exc).__name__}: {first_line(exc)}"
                ok = False
            else:
                report.migrated.append(result)
                ok = True
        if on_progress:
            on_progress(teryt, ok)

    await asyncio.gather(*(one(t) for t in behind))
    report.seconds = time.perf_counter() - started
    return report
