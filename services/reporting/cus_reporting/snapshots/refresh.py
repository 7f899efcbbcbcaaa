"""The snapshot job: every gmina's figures for a quarter, computed inside the gmina under its
own role and written as aggregates into the ``reporting`` schema; then the agreements' budget
figures under the tenants service's role.

Why it is shaped like this:
- **One transaction per gmina.** A gmina's figures are read under ``cus_gmina_<TERYT>`` and the
  same transaction then switches to ``cus_svc_reporting`` to replace that gmina's snapshot, so
  only aggregates cross the boundary, and a gmina's snapshot is never half old, half new. A
  transaction touches one tenant's tables only: about 110 locks (measured), whatever the number
  of tenants, well within the shared lock table at bounded concurrency, where one all-tenant
  transaction would run out of it at about 550 tenants with the default
  ``max_locks_per_transaction = 64``.
- **Bounded concurrency.** At most ``concurrency`` gminy at once (each one connection), so a
  refresh never takes the whole pool from the services.
- **Failures stay local.** A gmina whose figures fail (lock timeout, a schema behind) is named
  in the run with the first line of its error (aggregate SQL: no personal data) and keeps its
  previous snapshot; the others go on.
- **Re-runnable.** Refreshing a past quarter replaces its snapshots; ``computed_at`` says when.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import text

from cus_shared import clock
from cus_shared.database.naming import (
    REPORTING_SCHEMA,
    REPORTING_SERVICE_ROLE,
    SHARED_SCHEMA,
    TENANTS_SERVICE_ROLE,
    tenant_role,
    tenant_schema,
)
from cus_shared.errors import first_line
from cus_shared.identifiers.teryt import Teryt
from cus_shared.tenancy import enter_role

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

    from cus_reporting.indicators.quarters import Quarter
    from cus_reporting.snapshots.figures import Figure

#: How long one gmina may wait for a lock or run its aggregate statements.
LOCK_TIMEOUT = "2s"
STATEMENT_TIMEOUT = "60s"
#: How often (seconds) the run's progress is written for the operators' status page.
PROGRESS_EVERY = 1.0


@dataclass
class RefreshReport:
    """Outcome of one run."""

    run_id: uuid.UUID
    quarter: Quarter
    total: int
    done: int = 0
    failed: dict[str, str] = field(default_factory=dict)
    agreements: int = 0
    seconds: float = 0.0
    gmina_milliseconds: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


async def refresh_quarter(
    engine: AsyncEngine,
    quarter: Quarter,
    *,
    concurrency: int = 4,
    only: list[str] | None = None,
    on_start: Callable[[int], None] | None = None,
    on_progress: Callable[[str, bool], None] | None = None,
) -> RefreshReport:
    """Refresh every active gmina's snapshot of ``quarter`` (or ``only`` those)."""
    started = time.perf_counter()
    gminy = await copy_directory(engine)
    if only is not None:
        wanted = set(only)
        gminy = [t for t in gminy if t in wanted]
    report = RefreshReport(run_id=uuid.uuid4(), quarter=quarter, total=len(gminy))
    await _start_run(engine, report, concurrency)
    if on_start:
        on_start(len(gminy))
    gate = asyncio.Semaphore(max(1, concurrency))
    last_written = time.monotonic()

    async def one(teryt: str) -> None:
        nonlocal last_written
        async with gate:
            try:
                milliseconds = await refresh_gmina(engine, teryt, quarter, run_id=report.run_id)
            except Exception as exc:  # one gmina's failure must not stop the others
                report.failed[teryt] = f"{type(exc).__name__}: {first_line(exc)}"
                ok = False
            else:
                report.gmina_milliseconds.append(milliseconds)
                ok = True
            report.done += 1
        if on_progress:
            on_progress(teryt, ok)
        if time.monotonic() - last_written >= PROGRESS_EVERY:
            last_written = time.monotonic()
            await _write_progress(engine, report, finished=False)

    await asyncio.gather(*(one(t) for t in gminy))
    if only is None:
        report.agreements = await refresh_agreements(engine, quarter, run_id=report.run_id)
    report.seconds = time.perf_counter() - started
    await _write_progress(engine, report, finished=True)
    return report


async def copy_directory(engine: AsyncEngine) -> list[str]:
    """Copy the registry facts reports group by (name, voivodeship, current agreement) into the
    reporting schema; return the active gminy. Read under the tenants role, written under the
    reporting role, in one transaction that touches no tenant schema."""
    today = clock.today()
    async with engine.connect() as conn, conn.begin():
        await enter_role(conn, db_role=TENANTS_SERVICE_ROLE, schema=SHARED_SCHEMA)
        rows = (
            await conn.execute(
                text(
                    "SELECT g.teryt, g.name, g.status, a.id AS agreement_id, "
                    "a.name AS agreement_name FROM shared.gmina g "
                    "LEFT JOIN LATERAL (SELECT ag.id, ag.name FROM shared.agreement_member m "
                    "JOIN shared.agreement ag ON ag.id = m.agreement_id "
                    "WHERE m.teryt = g.teryt AND m.joined_on <= :today "
                    "AND (m.left_on IS NULL OR m.left_on >= :today) "
                    "ORDER BY m.joined_on DESC LIMIT 1) a ON true ORDER BY g.teryt"
                ),
                {"today": today},
            )
        ).all()
        await enter_role(conn, db_role=REPORTING_SERVICE_ROLE, schema=REPORTING_SCHEMA)
        if rows:
            await conn.execute(
                text(
                    "INSERT INTO reporting.gmina (teryt, name, voivodeship, agreement_id, "
                    "agreement_name, status, copied_at) SELECT * , now() FROM unnest("
                    "CAST(:teryt AS text[]), CAST(:name AS text[]), CAST(:voiv AS text[]), "
                    "CAST(:agreement AS uuid[]), CAST(:agreement_name AS text[]), "
                    "CAST(:status AS text[])) ON CONFLICT (teryt) DO UPDATE SET "
                    "name = excluded.name, voivodeship = excluded.voivodeship, "
                    "agreement_id = excluded.agreement_id, "
                    "agreement_name = excluded.agreement_name, status = excluded.status, "
                    "copied_at = excluded.copied_at"
                ),
                {
                    "teryt": [r.teryt for r in rows],
                    "name": [r.name for r in rows],
                    "voiv": [r.teryt[:2] for r in rows],
                    "agreement": [r.agreement_id for r in rows],
                    "agreement_name": [r.agreement_name for r in rows],
                    "status": [r.status for r in rows],
                },
            )
    return [r.teryt for r in rows if r.status == "active"]


async def refresh_gmina(
    engine: AsyncEngine, teryt: str, quarter: Quarter, *, run_id: uuid.UUID | None = None
) -> int:
    """Recompute one gmina's snapshot of a quarter; returns the milliseconds it took."""
    from cus_reporting.snapshots.tenant_figures import gmina_figures

    valid = Teryt(teryt)
    started = time.perf_counter()
    async with engine.connect() as conn, conn.begin():
        await _limits(conn)
        await enter_role(conn, db_role=tenant_role(valid), schema=tenant_schema(valid))
        figures = await gmina_figures(
            conn, quarter, request_id=f"reporting:{run_id}" if run_id else None
        )
        await enter_role(conn, db_role=REPORTING_SERVICE_ROLE, schema=REPORTING_SCHEMA)
        milliseconds = round((time.perf_counter() - started) * 1000)
        await _replace_snapshot(conn, valid, quarter, figures, run_id, milliseconds)
    return milliseconds


async def refresh_agreements(
    engine: AsyncEngine, quarter: Quarter, *, run_id: uuid.UUID | None = None
) -> int:
    """Recompute every agreement's budget figures of a quarter; returns how many."""
    from cus_reporting.snapshots.budget_figures import agreement_budget_figures

    async with engine.connect() as conn, conn.begin():
        await _limits(conn)
        await enter_role(conn, db_role=TENANTS_SERVICE_ROLE, schema=SHARED_SCHEMA)
        by_agreement = await agreement_budget_figures(conn, quarter)
        await enter_role(conn, db_role=REPORTING_SERVICE_ROLE, schema=REPORTING_SCHEMA)
        computed_at = clock.now()
        await conn.execute(
            text("DELETE FROM reporting.agreement_snapshot WHERE year = :y AND quarter = :q"),
            {"y": quarter.year, "q": quarter.number},
        )
        for agreement_id, figures in by_agreement.items():
            await conn.execute(
                text(
                    "INSERT INTO reporting.agreement_snapshot (agreement_id, year, quarter, "
                    "computed_at, run_id) VALUES (:a, :y, :q, :at, :run)"
                ),
                {
                    "a": agreement_id,
                    "y": quarter.year,
                    "q": quarter.number,
                    "at": computed_at,
                    "run": run_id,
                },
            )
            if figures:
                await conn.execute(
                    text(
                        "INSERT INTO reporting.agreement_figure (agreement_id, year, quarter, "
                        "indicator, breakdown, member, category, value, denominator) VALUES "
                        "(:a, :y, :q, :indicator, :breakdown, :member, :category, :value, "
                        ":denominator)"
                    ),
                    [
                        {
                            "a": agreement_id,
                            "y": quarter.year,
                            "q": quarter.number,
                            "indicator": f.indicator,
                            "breakdown": f.breakdown,
                            "member": f.member,
                            "category": f.category,
                            "value": f.value,
                            "denominator": f.denominator,
                        }
                        for f in figures
                    ],
                )
    return len(by_agreement)


async def _limits(conn: AsyncConnection) -> None:
    await conn.execute(
        text(
            "SELECT set_config('lock_timeout', :lock, true), "
            "set_config('statement_timeout', :statement, true)"
        ),
        {"lock": LOCK_TIMEOUT, "statement": STATEMENT_TIMEOUT},
    )


async def _replace_snapshot(
    conn: AsyncConnection,
    teryt: str,
    quarter: Quarter,
    figures: list[Figure],
    run_id: uuid.UUID | None,
    milliseconds: int,
) -> None:
    key = {"t": teryt, "y": quarter.year, "q": quarter.number}
    await conn.execute(
        text("DELETE FROM reporting.snapshot WHERE teryt = :t AND year = :y AND quarter = :q"),
        key,
    )
    await conn.execute(
        text(
            "INSERT INTO reporting.snapshot (teryt, year, quarter, computed_at, run_id, figures, "
            "milliseconds) VALUES (:t, :y, :q, :at, :run, :n, :ms)"
        ),
        {**key, "at": clock.now(), "run": run_id, "n": len(figures), "ms": milliseconds},
    )
    if not figures:
        return
    # One statement for all of a gmina's figures (arrays), not one round trip per figure.
    await conn.execute(
        text(
            "INSERT INTO reporting.figure (teryt, year, quarter, indicator, breakdown, member, "
            "category, value, denominator, histogram) SELECT :t, :y, :q, * FROM unnest("
            "CAST(:indicator AS text[]), CAST(:breakdown AS text[]), CAST(:member AS text[]), "
            "CAST(:category AS text[]), CAST(:value AS numeric[]), "
            "CAST(:denominator AS numeric[]), CAST(:histogram AS jsonb[]))"
        ),
        {
            **key,
            "indicator": [f.indicator for f in figures],
            "breakdown": [f.breakdown for f in figures],
            "member": [f.member for f in figures],
            "category": [f.category for f in figures],
            "value": [f.value for f in figures],
            "denominator": [f.denominator for f in figures],
            "histogram": [
                json.dumps({str(k): v for k, v in f.histogram.items()}) if f.histogram else None
                for f in figures
            ],
        },
    )


async def _start_run(engine: AsyncEngine, report: RefreshReport, concurrency: int) -> None:
    async with engine.connect() as conn, conn.begin():
        await enter_role(conn, db_role=REPORTING_SERVICE_ROLE, schema=REPORTING_SCHEMA)
        await conn.execute(
            text(
                "INSERT INTO reporting.refresh_run (id, year, quarter, status, started_at, total, "
                "done, failed, failures, concurrency) VALUES (:id, :y, :q, 'running', :at, "
                ":total, 0, 0, '{}', :c)"
            ),
            {
                "id": report.run_id,
                "y": report.quarter.year,
                "q": report.quarter.number,
                "at": clock.now(),
                "total": report.total,
                "c": concurrency,
            },
        )


async def _write_progress(engine: AsyncEngine, report: RefreshReport, *, finished: bool) -> None:
    status = "running"
    finished_at: datetime | None = None
    if finished:
        status = "finished" if report.ok else "failed"
        finished_at = clock.now()
    async with engine.connect() as conn, conn.begin():
        await enter_role(conn, db_role=REPORTING_SERVICE_ROLE, schema=REPORTING_SCHEMA)
        await conn.execute(
            text(
                "UPDATE reporting.refresh_run SET done = :done, failed = :failed, "
                "failures = CAST(:failures AS jsonb), status = :status, "
                "finished_at = :finished_at WHERE id = :id"
            ),
            {
                "id": report.run_id,
                "done": report.done,
                "failed": len(report.failed),
                "failures": json.dumps(report.failed),
                "status": status,
                "finished_at": finished_at,
            },
        )
