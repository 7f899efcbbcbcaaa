"""Benchmark of the reporting snapshots: refreshing every tenant's snapshot of a quarter, and
the regional report over the largest voivodeship answered from snapshots.

    python3 dev.py bench reporting [--tenants 2500] [--mazowieckie 300] [--residents 30]
    CUS_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        python -m benchmarks.reporting_refresh --tenants 2500

Creates its own scratch database (``cus_bench_reporting``) on the given server (or the
embedded one), provisions N gminy with the real tenant tree (``--mazowieckie`` of them in
voivodeship 14, the rest elsewhere), gives them one agreement, service and contract, and seeds
each gmina under its own role: residents with an application, a qualification decision
(granted, refused or waiting) and a referral with its status event, and three months of
deliveries for the referrals accepted or in delivery, all in the last ended quarter. Then:

1. ``refresh_quarter`` of that quarter over all N gminy at each ``--concurrency`` (seconds,
   gminy/s, median and p95 milliseconds per gmina, failures), against one gmina refreshed
   alone (the median of ``--alone`` gminy, one after another) as the same-run baseline; every
   transaction's lock count is read just before it commits (the server's
   ``max_locks_per_transaction`` is printed next to it);
2. the quarter's snapshot rows copied with SQL into the 7 quarters before it (for every gmina,
   so the table holds 8 quarters of all N), then ``build_report`` for the ROPS audience of
   Mazowieckie over 8 quarters, ``--calls`` times per indicator, against the same report for
   3 gminy and against the bare SELECTs of the rows it reads.

The database and the tenant roles are dropped at the end (``--keep`` keeps them). A script,
never a test: its figures go to the README.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import asyncpg
from sqlalchemy import event, text

from benchmarks.partner_inbox import percentile, seed_gmina, setup_offer
from benchmarks.tenancy import (
    ENTER_AS,
    ROOT,
    Progress,
    asyncpg_dsn,
    command_line,
    drop_bench_roles,
    generate_teryts,
    machine_info,
    mark_roles,
    server_url,
    use_database,
)
from cus_core.migrations import TENANT_TREE
from cus_reporting.audiences import Audience, AudienceKind
from cus_reporting.indicators.definitions import REGISTRY
from cus_reporting.indicators.quarters import Quarter
from cus_reporting.migrations import migrate_reporting
from cus_reporting.publication.reports import build_report, forget_published
from cus_reporting.snapshots.refresh import refresh_gmina, refresh_quarter
from cus_shared import clock
from cus_shared.database.naming import (
    REPORTING_SCHEMA,
    REPORTING_SERVICE_ROLE,
    TENANT_BASE_ROLE,
    quote_ident,
    tenant_role,
    tenant_schema,
)
from cus_shared.database.runtime import Database
from cus_shared.identifiers.teryt import parse_teryt
from cus_shared.settings import Settings
from cus_shared.tenancy import open_service_session
from cus_tenants.migrations import SHARED_TREE
from cus_tenants.provisioning.bootstrap import bootstrap_platform
from cus_tenants.provisioning.fleet import migrate_fleet

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

DATABASE = "cus_bench_reporting"
MAZOWIECKIE = "14"
INDICATORS = ("residents_served", "decisions_by_outcome", "delivered_hours", "days_to_decision")
QUARTERS = 8
DEFAULT_OUTPUT = ROOT / "benchmarks" / "results" / "reporting.md"

#: The rest of a gmina's journey data, written under its own role after ``seed_gmina``:
#: applications spread over the quarter, one decision per requested service (4 of 6 granted,
#: 1 refused, 1 waiting), a status event per referral, deliveries in the quarter's months.
SEED_JOURNEY = (
    "UPDATE application SET registered_on = CAST(:first AS date) + abs(hashtext(number)) % 75",
    """
    INSERT INTO qualification_decision (id, requested_service_id, outcome, support_form, reason,
        decided_by, decided_by_roles, decided_at)
    SELECT gen_random_uuid(), rs.id, o.outcome,
           CASE WHEN o.outcome = 'granted' THEN 'single' END,
           CASE WHEN o.outcome = 'refused' THEN 'Brak przesłanek' END,
           :staff, 'kipus',
           CAST(a.registered_on + 1 + abs(hashtext(a.number || 'd')) % 14 AS timestamp)
               + interval '10 hours'
    FROM requested_service rs JOIN application a ON a.id = rs.application_id
    CROSS JOIN LATERAL (SELECT (ARRAY['granted', 'granted', 'granted', 'granted', 'refused',
        'waiting'])[1 + abs(hashtext(a.number)) % 6] AS outcome) o
    """,
    """
    INSERT INTO referral_event (id, referral_id, status, actor_kind, actor_id, occurred_at)
    SELECT gen_random_uuid(), f.id, f.status, 'cus', :staff,
           CAST(:first AS timestamp) + interval '20 days' + abs(hashtext(f.number)) % 40
               * interval '1 day'
    FROM referral f
    """,
    """
    INSERT INTO delivery (id, referral_id, month, sessions, hours, recorded_by,
        recorded_by_kind, recorded_at)
    SELECT gen_random_uuid(), f.id, CAST(m AS date), 2 + abs(hashtext(f.number)) % 6,
           1.5 * (2 + abs(hashtext(f.number)) % 6), :staff, 'partner', now()
    FROM referral f
    CROSS JOIN generate_series(CAST(:first AS date), CAST(:last AS date), interval '1 month') m
    WHERE f.status IN ('accepted', 'in_delivery')
    """,
)

#: Locks the committing transaction holds (its own query adds one on the pg_locks view).
LOCKS_SQL = (
    "SELECT count(*), count(*) FILTER (WHERE NOT fastpath) FROM pg_locks "
    "WHERE pid = pg_backend_pid()"
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.reporting_refresh", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("CUS_BENCH_DATABASE_URL"),
        help="Server to use (local only). Default: $CUS_BENCH_DATABASE_URL, else an embedded "
        "server in .cus/bench-pgdata",
    )
    parser.add_argument("--tenants", type=int, default=2500, help="Gminy to provision (N)")
    parser.add_argument("--mazowieckie", type=int, default=300, help="Of them in voivodeship 14")
    parser.add_argument("--residents", type=int, default=30, help="Residents per gmina")
    parser.add_argument(
        "--concurrency", default="1,4,8", help="Refresh concurrencies to measure (comma list)"
    )
    parser.add_argument("--alone", type=int, default=20, help="Gminy refreshed one by one")
    parser.add_argument("--calls", type=int, default=20, help="Timed warm reports per case")
    parser.add_argument(
        "--cold-calls", type=int, default=3, help="Timed first views (nothing kept) per case"
    )
    parser.add_argument("--warmup", type=int, default=2, help="Untimed reports per case")
    parser.add_argument(
        "--provision",
        choices=("clone", "tree"),
        default="clone",
        help="clone (default): the tenant tree once, then its pg_dump replayed per gmina; "
        "tree: the real migrations for every gmina (about 1 gmina/s on 2 CPUs)",
    )
    parser.add_argument(
        "--agreement-size", type=int, default=100, help="Gminy per agreement (at most 200)"
    )
    parser.add_argument("--provision-concurrency", type=int, default=4)
    parser.add_argument("--seed-concurrency", type=int, default=4)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="Markdown results")
    parser.add_argument("--keep", action="store_true", help="Keep the database and its roles")
    args = parser.parse_args(argv)
    args.concurrencies = [int(c) for c in args.concurrency.split(",") if c.strip()]
    if args.tenants < 4 or not 3 <= args.mazowieckie < args.tenants:
        parser.error("--mazowieckie must be at least 3 and fewer than --tenants")
    if args.residents < 6 or not args.concurrencies or min(args.concurrencies) < 1:
        parser.error("--residents must be at least 6 and every concurrency at least 1")
    return args


# --------------------------------------------------------------------------- results


@dataclass
class Results:
    """Everything measured, for the console and the markdown file."""

    setup: list[tuple[str, str]] = field(default_factory=list)
    refresh: list[tuple[int, float, int, float, float, int]] = field(default_factory=list)
    alone_ms: float = 0.0
    locks: list[tuple[int, int]] = field(default_factory=list)
    max_locks_setting: str = "?"
    figure_rows: int = 0
    reports: list[tuple[str, str, float, float, int]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def note(self, what: str, figure: str) -> None:
        """Record and print one setup figure."""
        self.setup.append((what, figure))
        print(f"==> {what}: {figure}", flush=True)


class LockMeter:
    """Reads, just before every commit on an engine, how many locks the transaction holds."""

    def __init__(self, engine: AsyncEngine, results: Results) -> None:
        self.results = results
        self.active = False
        event.listen(engine.sync_engine, "commit", self._on_commit)

    def _on_commit(self, conn: Any) -> None:
        if not self.active:
            return
        cursor = conn.connection.dbapi_connection.cursor()
        try:
            cursor.execute(LOCKS_SQL)
            total, shared = cursor.fetchone()
        finally:
            cursor.close()
        self.results.locks.append((int(total), int(shared)))


# --------------------------------------------------------------------------- setup


async def reset_database(maintenance_dsn: str, *, drop_only: bool = False) -> None:
    """Drop the scratch database and the tenant roles the benchmarks marked; create it again."""
    conn = await asyncpg.connect(maintenance_dsn)
    try:
        await conn.execute(f"DROP DATABASE IF EXISTS {quote_ident(DATABASE)} WITH (FORCE)")
        dropped = await drop_bench_roles(conn)
        if dropped:
            print(f"dropped {dropped} benchmark tenant roles", flush=True)
        if not drop_only:
            await conn.execute(f"CREATE DATABASE {quote_ident(DATABASE)}")
    finally:
        await conn.close()


def choose_teryts(total: int, region: int) -> list[str]:
    """``region`` gmina codes in Mazowieckie and ``total - region`` elsewhere (deterministic)."""
    pool = [str(t) for t in generate_teryts(max(total * 3, region * 24), set())]
    inside = [t for t in pool if t.startswith(MAZOWIECKIE)][:region]
    outside = [t for t in pool if not t.startswith(MAZOWIECKIE)][: total - region]
    if len(inside) < region or len(outside) < total - region:
        raise RuntimeError("not enough TERYT codes generated")
    return sorted(inside + outside)


def pg_dump_binary() -> str:
    """pg_dump from PATH or Debian's PostgreSQL directories."""
    found = shutil.which("pg_dump")
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_dump"), reverse=True):
        return str(candidate)
    raise SystemExit("--provision clone needs pg_dump (or use --provision tree)")


async def clone_tenants(
    db: Database,
    settings: Settings,
    dsn: str,
    template: str,
    teryts: list[str],
    concurrency: int,
) -> float:
    """Provision ``teryts`` by replaying the template tenant's dump (schema, grants, the
    migrations' rows) with its TERYT replaced: what the tenant tree makes, without running
    Alembic 2,500 times. Returns the seconds taken."""
    command = [
        pg_dump_binary(),
        "--schema",
        tenant_schema(parse_teryt(template)),
        "--inserts",
        "--no-comments",
        dsn,
    ]
    done = await asyncio.to_thread(subprocess.run, command, check=True, capture_output=True)
    dump = done.stdout.decode("utf-8")
    # Plain dumps of recent minor versions carry psql meta-commands (\\restrict): not SQL.
    script = "\n".join(line for line in dump.splitlines() if not line.startswith("\\"))
    started = time.perf_counter()
    app_role = quote_ident(settings.database.app_role)
    conn = await asyncpg.connect(dsn)
    # Roles first, as provisioning makes them: the login role may switch to each, and each
    # inherits what a gmina may read of the agreement from the group role (the dump carries
    # the grants inside the schema).
    try:
        for teryt in teryts:
            name = tenant_role(parse_teryt(teryt))
            role = quote_ident(name)
            if not await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", name):
                await conn.execute(f"CREATE ROLE {role} NOLOGIN INHERIT")
            await conn.execute(
                f"GRANT {role} TO {app_role}; GRANT {quote_ident(TENANT_BASE_ROLE)} TO {role}"
            )
    finally:
        await conn.close()
    await mark_roles(db.admin_engine, teryts)
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=concurrency)
    progress = Progress("clone", len(teryts))

    async def one(teryt: str) -> None:
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute(script.replace(f"gmina_{template}", f"gmina_{teryt}"))
            await conn.execute(
                "UPDATE shared.gmina SET status = 'active', schema_revision = $1 WHERE teryt = $2",
                TENANT_TREE.head,
                teryt,
            )
        progress.tick()

    try:
        await asyncio.gather(*(one(t) for t in teryts))
    finally:
        await pool.close()
    return time.perf_counter() - started


async def provision(
    db: Database,
    settings: Settings,
    dsn: str,
    teryts: list[str],
    args: argparse.Namespace,
    results: Results,
) -> list[str]:
    """Register the gminy and provision them (the tenant tree for all, or for the first and
    clones of it for the rest); the ones that worked."""
    concurrency = args.provision_concurrency
    cloned = teryts[1:] if args.provision == "clone" else []
    async with db.admin_engine.begin() as conn:
        await conn.execute(
            text("INSERT INTO shared.gmina (teryt, name, status) VALUES (:t, :n, 'provisioning')"),
            [{"t": t, "n": f"Gmina {t}"} for t in teryts if t not in cloned],
        )
    progress = Progress("provision")
    try:
        fleet = await migrate_fleet(
            db.admin_engine,
            TENANT_TREE,
            app_role=settings.database.app_role,
            concurrency=concurrency,
            on_start=progress.start,
            on_progress=progress.on_progress,
        )
    finally:
        await mark_roles(db.admin_engine, teryts)
    rate = len(fleet.migrated) / fleet.seconds if fleet.seconds else 0.0
    results.note(
        "provision (tenant tree, real migrations)",
        f"{len(fleet.migrated)} gminy in {fleet.seconds:.1f} s ({rate:.2f}/s, "
        f"concurrency {concurrency}), {len(fleet.failed)} failed",
    )
    if fleet.failed:
        raise RuntimeError(f"{len(fleet.failed)} gminy failed to provision: {fleet.failed}")
    if cloned:
        async with db.admin_engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO shared.gmina (teryt, name, status) VALUES (:t, :n, 'provisioning')"
                ),
                [{"t": t, "n": f"Gmina {t}"} for t in cloned],
            )
        seconds = await clone_tenants(db, settings, dsn, teryts[0], cloned, concurrency)
        results.note(
            "provision (clones of the first gmina's pg_dump)",
            f"{len(cloned)} gminy in {seconds:.1f} s ({len(cloned) / seconds:.1f}/s, "
            f"concurrency {concurrency})",
        )
    return teryts


async def offer_programmes(db: Database, teryts: list[str], service: uuid.UUID) -> None:
    """Each gmina's programme offering the service (so figures carry its area and code)."""
    async with db.admin_engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO shared.programme (id, teryt, title, resolution_number, "
                "resolution_date, period_start, period_end, diagnosis_date) "
                "SELECT gen_random_uuid(), t, 'Program usług społecznych', 'XII/1/2024', "
                "DATE '2024-01-01', DATE '2024-01-01', DATE '2030-12-31', DATE '2023-10-01' "
                "FROM unnest(CAST(:t AS text[])) t"
            ),
            {"t": teryts},
        )
        await conn.execute(
            text(
                "INSERT INTO shared.programme_service (id, programme_id, service_version_id) "
                "SELECT gen_random_uuid(), p.id, v.id FROM shared.programme p "
                "CROSS JOIN shared.service_version v WHERE v.service_id = :s "
                "AND p.teryt = ANY(:t)"
            ),
            {"s": service, "t": teryts},
        )


async def seed_journeys(
    db: Database, teryt: str, residents: int, quarter: Quarter, ids: tuple[uuid.UUID, ...]
) -> None:
    """One gmina's residents, applications and referrals (``seed_gmina``), then its decisions,
    status events and deliveries, under its own role."""
    partner, contract, service = ids
    await seed_gmina(db, teryt, residents, partner, contract, service)
    code = parse_teryt(teryt)
    params = {"first": quarter.first_day, "last": quarter.last_day, "staff": uuid.uuid4()}
    async with db.admin_engine.connect() as conn, conn.begin():
        await conn.execute(
            ENTER_AS, {"r": tenant_role(code), "s": quote_ident(tenant_schema(code))}
        )
        for sql in SEED_JOURNEY:
            await conn.execute(text(sql), params)


async def seed_all(
    db: Database,
    teryts: list[str],
    args: argparse.Namespace,
    quarter: Quarter,
    offers: dict[str, tuple[uuid.UUID, ...]],
    results: Results,
) -> None:
    """Seed every gmina with bounded concurrency; any failure is fatal."""
    gate = asyncio.Semaphore(args.seed_concurrency)
    progress = Progress("seed", len(teryts))
    started = time.perf_counter()

    async def one(teryt: str) -> None:
        async with gate:
            await seed_journeys(db, teryt, args.residents, quarter, offers[teryt])
        progress.tick()

    await asyncio.gather(*(one(t) for t in teryts))
    seconds = time.perf_counter() - started
    async with db.admin_engine.connect() as conn:
        sample = teryts[0]
        schema = quote_ident(tenant_schema(parse_teryt(sample)))
        counts = (
            await conn.execute(
                text(
                    f"SELECT (SELECT count(*) FROM {schema}.qualification_decision), "
                    f"(SELECT count(*) FROM {schema}.referral), "
                    f"(SELECT count(*) FROM {schema}.delivery)"
                )
            )
        ).one()
    results.note(
        "seed (per gmina)",
        f"{args.residents} residents, {counts[0]} decisions, {counts[1]} referrals, "
        f"{counts[2]} deliveries; {len(teryts)} gminy in {seconds:.1f} s",
    )


async def prepare(
    db: Database,
    settings: Settings,
    dsn: str,
    args: argparse.Namespace,
    quarter: Quarter,
    r: Results,
) -> list[str]:
    """Bootstrap, provision, offer and seed; the gminy ready for the refresh."""
    await bootstrap_platform(db.admin_engine, settings.database, SHARED_TREE)
    await migrate_reporting(db.admin_engine)
    async with db.admin_engine.connect() as conn:
        r.max_locks_setting = str(await conn.scalar(text("SHOW max_locks_per_transaction")))
        connections = await conn.scalar(text("SHOW max_connections"))
        version = await conn.scalar(text("SHOW server_version"))
    r.note(
        "server",
        f"PostgreSQL {version}, max_locks_per_transaction {r.max_locks_setting}, "
        f"max_connections {connections}",
    )
    teryts = await provision(
        db, settings, dsn, choose_teryts(args.tenants, args.mazowieckie), args, r
    )
    started = time.perf_counter()
    offers: dict[str, tuple[uuid.UUID, ...]] = {}
    size = args.agreement_size
    for start in range(0, len(teryts), size):
        members = teryts[start : start + size]
        partner, contract, service = await setup_offer(db, members)
        await offer_programmes(db, members, service)
        offers.update(dict.fromkeys(members, (partner, contract, service)))
    r.note(
        f"offer (agreements of {size} gminy, each a service, a partner, a contract)",
        f"{time.perf_counter() - started:.1f} s",
    )
    await seed_all(db, teryts, args, quarter, offers, r)
    return teryts


# --------------------------------------------------------------------------- refresh


async def measure_refresh(
    db: Database, teryts: list[str], args: argparse.Namespace, quarter: Quarter, r: Results
) -> None:
    """refresh_quarter over all gminy at each concurrency, then gminy refreshed alone."""
    meter = LockMeter(db.app_engine, r)
    meter.active = True
    for concurrency in args.concurrencies:
        progress = Progress(f"refresh c={concurrency}")
        report = await refresh_quarter(
            db.app_engine,
            quarter,
            concurrency=concurrency,
            on_start=progress.start,
            on_progress=progress.on_progress,
        )
        times = [float(ms) for ms in report.gmina_milliseconds]
        row = (
            concurrency,
            report.seconds,
            report.done,
            statistics.median(times) if times else float("nan"),
            percentile(times, 0.95) if times else float("nan"),
            len(report.failed),
        )
        r.refresh.append(row)
        print(
            f"==> refresh c={concurrency}: {report.seconds:.1f} s, {report.done} gminy, "
            f"{len(report.failed)} failed",
            flush=True,
        )
        if report.failed:
            teryt, error = sorted(report.failed.items())[0]
            r.problems.append(f"refresh c={concurrency}: {len(report.failed)} failed ({error})")
    alone = []
    for teryt in teryts[: args.alone]:
        started = time.perf_counter()
        await refresh_gmina(db.app_engine, teryt, quarter)
        alone.append((time.perf_counter() - started) * 1000)
    meter.active = False
    r.alone_ms = statistics.median(alone)
    print(f"==> one gmina alone: median {r.alone_ms:.1f} ms over {len(alone)}", flush=True)


# --------------------------------------------------------------------------- report


async def copy_quarters(db: Database, quarter: Quarter, r: Results) -> list[Quarter]:
    """Copy the quarter's snapshots (all gminy) into the 7 quarters before it, with SQL."""
    span = quarter.back(QUARTERS)
    started = time.perf_counter()
    async with db.admin_engine.begin() as conn:
        for earlier in span[:-1]:
            key = {"y": quarter.year, "q": quarter.number, "y2": earlier.year, "q2": earlier.number}
            await conn.execute(
                text(
                    "INSERT INTO reporting.snapshot (teryt, year, quarter, computed_at, run_id, "
                    "figures, milliseconds) SELECT teryt, :y2, :q2, computed_at, run_id, "
                    "figures, milliseconds FROM reporting.snapshot WHERE year = :y AND quarter = :q"
                ),
                key,
            )
            await conn.execute(
                text(
                    "INSERT INTO reporting.figure (teryt, year, quarter, indicator, breakdown, "
                    "member, category, value, denominator, histogram) SELECT teryt, :y2, :q2, "
                    "indicator, breakdown, member, category, value, denominator, histogram "
                    "FROM reporting.figure WHERE year = :y AND quarter = :q"
                ),
                key,
            )
    async with db.admin_engine.connect() as conn:
        await conn.execute(text("ANALYZE reporting.snapshot"))
        await conn.execute(text("ANALYZE reporting.figure"))
        r.figure_rows = int(await conn.scalar(text("SELECT count(*) FROM reporting.figure")) or 0)
    r.note(
        "8 quarters of snapshots (copied with SQL)",
        f"{r.figure_rows:,} figure rows in reporting.figure, "
        f"copied in {time.perf_counter() - started:.1f} s",
    )
    return span


RAW_SNAPSHOTS = text(
    "SELECT teryt, year, quarter, computed_at FROM reporting.snapshot "
    "WHERE teryt = ANY(:k) AND year * 4 + quarter BETWEEN :lo AND :hi"
)
RAW_FIGURES = text(
    "SELECT teryt, year, quarter, indicator, breakdown, member, category, value, denominator, "
    "histogram FROM reporting.figure WHERE teryt = ANY(:k) AND year * 4 + quarter BETWEEN :lo "
    "AND :hi AND indicator = ANY(:ind) AND (breakdown = '' OR (year = :y AND quarter = :q))"
)


async def time_calls(count: int, warmup: int, call: Any) -> list[float]:
    """Milliseconds of ``count`` sequential awaits of ``call()`` after ``warmup`` untimed."""
    timings = []
    for index in range(warmup + count):
        started = time.perf_counter()
        await call()
        if index >= warmup:
            timings.append((time.perf_counter() - started) * 1000)
    return timings


async def measure_reports(
    db: Database, teryts: list[str], args: argparse.Namespace, quarter: Quarter, r: Results
) -> None:
    """build_report for the region and for 3 gminy, and the bare SELECTs it stands on."""
    span = quarter.back(QUARTERS)
    region = [t for t in teryts if t.startswith(MAZOWIECKIE)]
    audiences = {
        f"region {MAZOWIECKIE} ({len(region)} gminy)": Audience(AudienceKind.REGION, MAZOWIECKIE),
        "3 gminy (director)": Audience(AudienceKind.OWN, gminy=tuple(region[:3])),
    }
    for indicator_id in INDICATORS:
        indicator = REGISTRY[indicator_id]
        for label, audience in audiences.items():

            async def report(
                audience: Audience = audience, indicator: Any = indicator, cold: bool = False
            ) -> int:
                if cold:  # the first view of this snapshot: nothing published yet in memory
                    forget_published()
                async with open_service_session(
                    db.sessions, db_role=REPORTING_SERVICE_ROLE, schema=REPORTING_SCHEMA
                ) as session:
                    built = await build_report(
                        session, audience, indicator, quarter, quarters=QUARTERS
                    )
                return len(built.comparison.rows)

            rows = await report()
            for state, calls, warmup in (("cold", args.cold_calls, 0), ("warm", args.calls, 1)):
                timings = await time_calls(
                    calls, warmup, lambda report=report, cold=state == "cold": report(cold=cold)
                )
                r.reports.append(
                    (
                        indicator_id,
                        f"{label}, {state}",
                        percentile(timings, 0.5),
                        percentile(timings, 0.95),
                        rows,
                    )
                )
                print(
                    f"==> report {indicator_id}, {label}, {state}: "
                    f"p50 {percentile(timings, 0.5):.1f} ms, "
                    f"p95 {percentile(timings, 0.95):.1f} ms, {rows} rows",
                    flush=True,
                )
        params = {
            "k": region,
            "lo": span[0].year * 4 + span[0].number,
            "hi": span[-1].year * 4 + span[-1].number,
            "y": quarter.year,
            "q": quarter.number,
            "ind": [indicator_id] + ([indicator.base] if indicator.base else []),
        }

        async def raw(params: dict[str, Any] = params) -> int:
            async with open_service_session(
                db.sessions, db_role=REPORTING_SERVICE_ROLE, schema=REPORTING_SCHEMA
            ) as session:
                await session.execute(RAW_SNAPSHOTS, params)
                return len((await session.execute(RAW_FIGURES, params)).all())

        fetched = await raw()
        timings = await time_calls(args.calls, args.warmup, raw)
        r.reports.append(
            (
                indicator_id,
                f"bare SELECTs of the region's rows ({fetched:,} figure rows)",
                percentile(timings, 0.5),
                percentile(timings, 0.95),
                len(region),
            )
        )


# --------------------------------------------------------------------------- output


def render(args: argparse.Namespace, r: Results, tenants: int, region: int, wall: float) -> str:
    """The markdown results."""
    out = [
        "# Reporting snapshots benchmark",
        "",
        f"Command: `{command_line('benchmarks.reporting_refresh')}`",
        "",
        f"N = {tenants} gminy ({region} in Mazowieckie), {args.residents} residents each; "
        f"total wall time {wall:.0f} s",
        "",
        "Machine: " + "; ".join(f"{k} {v}" for k, v in machine_info().items()),
        "",
        *(f"- {what}: {figure}" for what, figure in r.setup),
        "",
        "## Refresh of one quarter, all gminy",
        "",
        "| concurrency | seconds | gminy/s | median ms / gmina | p95 ms / gmina | failed "
        "| N × alone / concurrency |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for concurrency, seconds, done, median, p95, failed in r.refresh:
        expected = done * r.alone_ms / 1000 / concurrency
        out.append(
            f"| {concurrency} | {seconds:.1f} | {done / seconds:.1f} | {median:.0f} | {p95:.0f} "
            f"| {failed} | {expected:.1f} s ({seconds / expected:.2f}×) |"
        )
    if r.locks:
        most = max(total for total, _ in r.locks)
        shared = max(s for _, s in r.locks)
        out += [
            "",
            f"One gmina refreshed alone (same run, median of {args.alone}): {r.alone_ms:.1f} ms.",
            f"Locks held by a refresh transaction just before commit: at most {most} "
            f"({shared} outside the fast path) over {len(r.locks):,} transactions; server "
            f"max_locks_per_transaction = {r.max_locks_setting}.",
        ]
    out += [
        "",
        f"## Report over {QUARTERS} quarters from snapshots",
        "",
        "| indicator | audience | p50 ms | p95 ms | rows | p50 / 3-gmina report |",
        "|---|---|---:|---:|---:|---:|",
    ]
    small = {
        (ind, label.rsplit(", ", 1)[-1]): p50
        for ind, label, p50, _, _ in r.reports
        if label.startswith("3 gminy")
    }
    for indicator_id, label, p50, p95, rows in r.reports:
        base = small.get((indicator_id, label.rsplit(", ", 1)[-1]))
        ratio = f"{p50 / base:.1f}×" if base else "-"
        out.append(f"| {indicator_id} | {label} | {p50:.1f} | {p95:.1f} | {rows} | {ratio} |")
    if r.problems:
        out += ["", "## Problems", "", *(f"- {p}" for p in r.problems)]
    return "\n".join(out) + "\n"


async def run(
    args: argparse.Namespace, settings: Settings, dsn: str, r: Results
) -> tuple[int, int]:
    """Prepare and measure; (tenants, gminy in the region)."""
    quarter = Quarter.of(clock.today()).previous()
    db = Database.connect(settings, application_name="cus-bench-reporting")
    try:
        teryts = await prepare(db, settings, dsn, args, quarter, r)
        await measure_refresh(db, teryts, args, quarter, r)
        await copy_quarters(db, quarter, r)
        await measure_reports(db, teryts, args, quarter, r)
        return len(teryts), sum(t.startswith(MAZOWIECKIE) for t in teryts)
    finally:
        await db.dispose()


def main(argv: list[str] | None = None) -> int:
    """Run, print and write the results; drop the database unless --keep."""
    args = parse_args(argv)
    started = time.perf_counter()
    maintenance = server_url(args)
    maintenance_dsn = asyncpg_dsn(maintenance)
    settings = use_database(maintenance, DATABASE)
    results = Results()
    asyncio.run(reset_database(maintenance_dsn))
    sizes = (args.tenants, args.mazowieckie)
    status = 0
    try:
        sizes = asyncio.run(
            run(args, settings, asyncpg_dsn(os.environ["CUS_DATABASE_URL"]), results)
        )
    except Exception as exc:  # report what was measured before failing
        import traceback

        traceback.print_exc()
        results.problems.append(f"aborted: {type(exc).__name__}: {exc}")
        status = 1
    finally:
        if not args.keep:
            asyncio.run(reset_database(maintenance_dsn, drop_only=True))
        markdown = render(args, results, *sizes, time.perf_counter() - started)
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(markdown, encoding="utf-8")
        print("\n" + markdown, flush=True)
        print(f"results written to {args.output} at {datetime.now(UTC):%H:%M:%S}", flush=True)
    return status


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
