"""Tenancy benchmark: provisioning, fleet migrations and per-tenant read load at few and many
gminy, the API against a raw asyncpg loop doing the same transaction.

Run from the repository root (a script, never a test; it makes and drops its own database)::

    python -m benchmarks.tenancy --tenants 2500 --seconds 15
    python3 dev.py bench --tenants 20 --seconds 3

Phases: A provision N gminy and seed residents; B ``migrate --all`` with nothing to do;
C ``migrate --all`` adding one column; D the resident read endpoint under load (real app in a
subprocess, load generator in another); E a raw asyncpg loop with the same transaction.
Everything targets 127.0.0.1 or a unix socket, and every loop stops by time and by count.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import multiprocessing
import os
import platform
import random
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import uuid
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import asyncpg
import httpx
from sqlalchemy import insert, select, text
from sqlalchemy.engine import make_url

from cus_core.migrations import TENANT_TREE, tenant_grants
from cus_core.residents.models import Household, Resident
from cus_shared.database.embedded import start_embedded_server, to_asyncpg_url
from cus_shared.database.engine import admin_url, app_url, create_engine
from cus_shared.database.naming import (
    OWNER_ROLE,
    TENANT_ROLE_PATTERN,
    quote_ident,
    tenant_role,
    tenant_schema,
)
from cus_shared.identifiers.teryt import GMINA_TYPES, VOIVODESHIPS, Teryt, parse_teryt
from cus_shared.identity.principal import Membership
from cus_shared.identity.roles import Role, Scope
from cus_shared.identity.tokens import issue_token
from cus_shared.migrations.trees import MigrationTree
from cus_shared.plugins import discover
from cus_shared.settings import get_settings
from cus_tenants.gminy.models import GminaStatus
from cus_tenants.migrations import SHARED_TREE
from cus_tenants.provisioning.bootstrap import bootstrap_platform
from cus_tenants.provisioning.fleet import FleetReport, migrate_fleet

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterator, Sequence

    from sqlalchemy import MetaData
    from sqlalchemy.ext.asyncio import AsyncEngine

    from cus_shared.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATABASE = "cus_bench"
#: Marks (cluster-wide) tenant roles this benchmark created, so a later run can drop them
#: even when an earlier one died before its cleanup.
ROLE_COMMENT = "cus-bench"
BENCH_REVISION = "zbench01"
DEFAULT_OUTPUT = Path("benchmarks/results/latest.md")
#: Hard bound on iterations per load worker, on top of the time bound.
MAX_REQUESTS_PER_WORKER = 2_000_000
REQUEST_TIMEOUT_S = 10.0
PROGRESS_EVERY = 100
RAW_APPLICATION = "cus-bench-raw"

ENTER_AS = text("SELECT set_config('role', :r, true), set_config('search_path', :s, true)")

#: The raw loop's transaction: the app's own tenant entry statement, the resident, one
#: audit row (the app adds one more query for household members when there are any).
RAW_ENTER = (
    "SELECT set_config('role', $1, true), set_config('search_path', $2, true), "
    "set_config('lock_timeout', $3, true), "
    "(SELECT status FROM shared.tenant_directory WHERE teryt = $4)"
)
RAW_SELECT = (
    "SELECT id, given_name, family_name, pesel, birth_date, sex, street, building_no, "
    "apartment_no, postal_code, city, preferred_language, household_id, household_role, "
    "version, created_at, updated_at FROM resident WHERE id = $1"
)
RAW_AUDIT = (
    "INSERT INTO audit_log (actor_id, actor_roles, action, entity, entity_id, request_id) "
    "VALUES ($1, $2, $3, $4, $5, $6)"
)

EXTRA_REVISION = '''"""Benchmark only: one nullable column on resident.

Revision ID: {revision}
Revises: {down}
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "{revision}"
down_revision = "{down}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("resident", sa.Column("bench_note", sa.String(40)))


def downgrade() -> None:
    op.drop_column("resident", "bench_note")
'''


# --------------------------------------------------------------------------- options


def use_database(server: str, database: str) -> Settings:
    """Point the platform's settings at a benchmark database on ``server``. An explicit app
    URL would point at another database: it is derived from this one instead."""
    os.environ["CUS_DATABASE_URL"] = (
        make_url(server).set(database=database).render_as_string(hide_password=False)
    )
    os.environ.pop("CUS_DATABASE_APP_URL", None)
    get_settings.cache_clear()
    return get_settings()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.tenancy", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("CUS_BENCH_DATABASE_URL"),
        help="Server to use (any database on it; cus_bench is created). Default: "
        "$CUS_BENCH_DATABASE_URL, else an embedded server in .cus/bench-pgdata",
    )
    parser.add_argument("--tenants", type=int, default=2500, help="Gminy to provision (N)")
    parser.add_argument("--small", type=int, default=3, help="Gminy of the small load phases")
    parser.add_argument("--concurrency", type=int, default=8, help="HTTP clients / raw workers")
    parser.add_argument("--seconds", type=float, default=15.0, help="Measured seconds per load")
    parser.add_argument(
        "--warmup", type=float, default=2.0, help="Unmeasured seconds before each load phase"
    )
    parser.add_argument("--residents-per-tenant", type=int, default=20)
    parser.add_argument("--provision-concurrency", type=int, default=4)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="Markdown results")
    parser.add_argument("--keep", action="store_true", help="Keep the database and its roles")
    parser.add_argument(
        "--reuse", action="store_true", help="Reuse an existing cus_bench instead of recreating"
    )
    args = parser.parse_args(argv)
    if args.tenants < 1 or args.small < 1 or args.concurrency < 1:
        parser.error("--tenants, --small and --concurrency must be at least 1")
    if args.residents_per_tenant < 1 or args.provision_concurrency < 1:
        parser.error("--residents-per-tenant and --provision-concurrency must be at least 1")
    if not 0 < args.seconds <= 600 or not 0 <= args.warmup <= 60:
        parser.error("--seconds must be in (0, 600] and --warmup in [0, 60]")
    args.small = min(args.small, args.tenants)
    return args


# --------------------------------------------------------------------------- results


@dataclass
class LoadSpec:
    """What one load process does (picklable: it crosses into a spawned process)."""

    kind: str  # "api" or "raw"
    target: str  # base URL of the app, or the asyncpg DSN of the login role
    tenants: int
    pairs: list[tuple[str, str]]  # (teryt, resident id)
    tokens: dict[str, str]
    concurrency: int
    seconds: float
    warmup: float
    #: Where to find the PostgreSQL backends doing the work (by application_name), and the
    #: app server's pid: their CPU time is read from /proc (the server is local).
    stats_dsn: str = ""
    db_application: str = ""
    server_pid: int | None = None
    seed: int = 2026


@dataclass
class LoadResult:
    """Outcome of one load phase; latencies in milliseconds, sorted."""

    kind: str
    tenants: int
    seconds: float
    latencies_ms: list[float]
    errors: int
    first_errors: list[str]
    #: CPU seconds used inside the CPU window (measured start to the last response).
    cpu_window: float
    client_cpu_seconds: float
    server_cpu_seconds: float = math.nan
    db_cpu_seconds: float = math.nan

    @property
    def ok(self) -> int:
        """Successful requests completed inside the measured window."""
        return len(self.latencies_ms)

    @property
    def rps(self) -> float:
        """Successful requests per second."""
        return self.ok / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        """Latency percentile (nearest rank), ms."""
        values = self.latencies_ms
        if not values:
            return math.nan
        return values[max(0, math.ceil(q / 100 * len(values)) - 1)]

    def cpu_ms(self, seconds: float) -> float:
        """CPU milliseconds per successful request."""
        if not self.ok or not self.cpu_window:
            return math.nan
        return seconds * 1000 / (self.rps * self.cpu_window)

    def cpu_text(self) -> str:
        """Where the CPU went, per request."""
        parts = [f"client {_ms(self.cpu_ms(self.client_cpu_seconds))}"]
        if self.kind == "api":
            parts.append(f"app server {_ms(self.cpu_ms(self.server_cpu_seconds))}")
        parts.append(f"PostgreSQL {_ms(self.cpu_ms(self.db_cpu_seconds))}")
        return ", ".join(parts) + " ms CPU/req"

    def line(self) -> str:
        """One human line."""
        errors = f", first: {', '.join(self.first_errors)}" if self.first_errors else ""
        return (
            f"{self.rps:,.0f} req/s, p50 {_ms(self.pct(50))} / p95 {_ms(self.pct(95))} / "
            f"p99 {_ms(self.pct(99))} ms, {self.ok:,} ok, {self.errors} errors{errors}; "
            f"{self.cpu_text()}"
        )


@dataclass
class Report:
    """Everything measured, for the console and the markdown file."""

    command: str
    tenants: int
    machine: dict[str, str] = field(default_factory=dict)
    rows: list[tuple[str, int, str]] = field(default_factory=list)
    loads: dict[tuple[str, int], LoadResult] = field(default_factory=dict)
    noop_seconds: float | None = None
    problems: list[str] = field(default_factory=list)

    def add(self, phase: str, tenants: int, figures: str) -> None:
        """Record and print a phase's figures."""
        self.rows.append((phase, tenants, figures))
        print(f"==> {phase} [{tenants} tenants]: {figures}", flush=True)


# --------------------------------------------------------------------------- database setup


def asyncpg_dsn(url: str) -> str:
    """A plain libpq-style DSN for asyncpg from any PostgreSQL URL we accept."""
    return (
        make_url(to_asyncpg_url(url))
        .set(drivername="postgresql")
        .render_as_string(hide_password=False)
    )


def server_url(args: argparse.Namespace) -> str:
    """The maintenance URL (asyncpg dialect): given, or the embedded server's."""
    if args.database_url:
        url = to_asyncpg_url(args.database_url)
        host = make_url(url).host
        # Only local servers: a benchmark must not hammer anything else.
        if host not in (None, "", "127.0.0.1", "localhost", "::1"):
            raise SystemExit(f"refusing non-local database host {host!r}")
        return url
    return start_embedded_server(ROOT / ".cus" / "bench-pgdata")


async def drop_bench_roles(conn: asyncpg.Connection[Any]) -> int:
    """Drop tenant roles this benchmark marked; roles still used elsewhere are left."""
    names = [
        r["rolname"]
        for r in await conn.fetch(
            "SELECT rolname FROM pg_roles WHERE shobj_description(oid, 'pg_authid') = $1",
            ROLE_COMMENT,
        )
        if TENANT_ROLE_PATTERN.fullmatch(r["rolname"])
    ]
    dropped = 0
    for start in range(0, len(names), 500):
        batch = names[start : start + 500]
        try:
            await conn.execute("DROP ROLE IF EXISTS " + ", ".join(map(quote_ident, batch)))
            dropped += len(batch)
        except asyncpg.PostgresError:
            for name in batch:  # one by one: skip only those another database depends on
                with suppress(asyncpg.PostgresError):
                    await conn.execute(f"DROP ROLE IF EXISTS {quote_ident(name)}")
                    dropped += 1
    return dropped


async def reset_database(maintenance_dsn: str, *, reuse: bool) -> None:
    """Create cus_bench afresh (dropping leftovers of earlier runs), or keep it with --reuse."""
    conn = await asyncpg.connect(maintenance_dsn)
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", BENCH_DATABASE)
        if exists and reuse:
            return
        await conn.execute(f"DROP DATABASE IF EXISTS {quote_ident(BENCH_DATABASE)} WITH (FORCE)")
        dropped = await drop_bench_roles(conn)
        if dropped:
            print(f"dropped {dropped} tenant roles left by an earlier run", flush=True)
        await conn.execute(f"CREATE DATABASE {quote_ident(BENCH_DATABASE)}")
    finally:
        await conn.close()


async def drop_database(maintenance_dsn: str) -> None:
    """Drop cus_bench and the tenant roles made for it."""
    conn = await asyncpg.connect(maintenance_dsn)
    try:
        await conn.execute(f"DROP DATABASE IF EXISTS {quote_ident(BENCH_DATABASE)} WITH (FORCE)")
        dropped = await drop_bench_roles(conn)
        print(f"dropped database {BENCH_DATABASE} and {dropped} tenant roles", flush=True)
    finally:
        await conn.close()


def generate_teryts(count: int, taken: set[str], seed: int = 2026) -> list[Teryt]:
    """Distinct valid gmina TERYT codes (deterministic), none of them in ``taken``."""
    rng = random.Random(seed)
    voivodeships, types = sorted(VOIVODESHIPS), sorted(GMINA_TYPES)
    seen: set[str] = set()
    codes: list[Teryt] = []
    # 16 * 99 * 99 * 3 = 470,448 codes exist; the attempt bound only guards against a bug.
    for _ in range(count * 50 + 1000):
        if len(codes) == count:
            break
        code = (
            f"{rng.choice(voivodeships)}{rng.randint(1, 99):02d}{rng.randint(1, 99):02d}"
            f"{rng.choice(types)}"
        )
        if code in seen or code in taken:
            continue
        seen.add(code)
        codes.append(parse_teryt(code))
    if len(codes) < count:
        raise RuntimeError("could not generate enough TERYT codes")
    return codes


class Progress:
    """Prints a line every PROGRESS_EVERY tenants."""

    def __init__(self, label: str, total: int = 0) -> None:
        self.label, self.total = label, total
        self.done = self.failed = 0
        self.started = time.perf_counter()

    def start(self, total: int) -> None:
        """Set the total (migrate_fleet's on_start)."""
        self.total = total
        self.started = time.perf_counter()
        print(f"  {self.label}: {total} tenants to do", flush=True)

    def tick(self, ok: bool = True) -> None:
        """One tenant done."""
        self.done += 1
        self.failed += 0 if ok else 1
        if self.done % PROGRESS_EVERY == 0 or self.done == self.total:
            elapsed = time.perf_counter() - self.started
            print(
                f"  {self.label}: {self.done}/{self.total} in {elapsed:.1f} s "
                f"({self.done / elapsed if elapsed else 0:.1f}/s), {self.failed} failed",
                flush=True,
            )

    def on_progress(self, _teryt: str, ok: bool) -> None:
        """migrate_fleet's on_progress."""
        self.tick(ok)


def _tenant_metadata() -> MetaData:
    from cus_core.models import TenantBase

    return TenantBase.metadata


def bench_tree(workdir: Path) -> MigrationTree:
    """A copy of the tenant tree plus one revision adding a nullable column."""
    source = TENANT_TREE.script_location
    versions = workdir / "versions"
    versions.mkdir(parents=True)
    for script in (source / "versions").glob("*.py"):
        shutil.copy2(script, versions / script.name)
    shutil.copy2(source / "script.py.mako", workdir / "script.py.mako")
    (versions / f"{BENCH_REVISION}_bench_note.py").write_text(
        EXTRA_REVISION.format(revision=BENCH_REVISION, down=TENANT_TREE.head), encoding="utf-8"
    )
    tree = MigrationTree(
        name="tenant-bench",
        kind="tenant",
        script_location=workdir,
        metadata=_tenant_metadata,
        grants=tenant_grants,
    )
    if tree.head != BENCH_REVISION:
        raise RuntimeError(f"benchmark tree head is {tree.head}, expected {BENCH_REVISION}")
    return tree


async def seed_one(engine: AsyncEngine, teryt: str, count: int) -> list[str]:
    """Residents of one gmina inserted under its own role (as cus_core.demo does); their ids.

    Already seeded (--reuse): the existing ids are returned instead.
    """
    from cus_core.demo import demo_residents

    code = parse_teryt(teryt)
    async with engine.connect() as conn, conn.begin():
        await conn.execute(
            ENTER_AS, {"r": tenant_role(code), "s": quote_ident(tenant_schema(code))}
        )
        existing = list(await conn.scalars(select(Resident.id).order_by(Resident.id).limit(count)))
        if existing:
            return [str(i) for i in existing]
        households, rows = demo_residents(teryt, count)
        if households:
            await conn.execute(insert(Household), households)
        await conn.execute(insert(Resident), rows)
    return [str(row["id"]) for row in rows]


async def seed_all(
    engine: AsyncEngine, teryts: list[str], count: int, concurrency: int
) -> dict[str, list[str]]:
    """Seed every gmina with bounded concurrency; any failure is fatal (after all finish)."""
    gate = asyncio.Semaphore(concurrency)
    progress = Progress("seed residents", len(teryts))

    async def one(teryt: str) -> tuple[str, list[str]]:
        async with gate:
            ids = await seed_one(engine, teryt, count)
        progress.tick()
        return teryt, ids

    results = await asyncio.gather(*(one(t) for t in teryts), return_exceptions=True)
    failures = [r for r in results if isinstance(r, BaseException)]
    if failures:
        raise RuntimeError(f"{len(failures)} gminy could not be seeded: {failures[0]!r}")
    return dict(r for r in results if not isinstance(r, BaseException))


async def revert_bench_column(engine: AsyncEngine, teryts: list[str], concurrency: int) -> None:
    """Undo phase C (for --keep), so the kept database matches the real tenant tree again."""
    gate = asyncio.Semaphore(concurrency)
    head = TENANT_TREE.head

    async def one(teryt: str) -> None:
        schema = quote_ident(tenant_schema(parse_teryt(teryt)))
        async with gate, engine.connect() as conn, conn.begin():
            await conn.execute(ENTER_AS, {"r": OWNER_ROLE, "s": schema})
            await conn.execute(
                text(f"ALTER TABLE {schema}.resident DROP COLUMN IF EXISTS bench_note")
            )
            await conn.execute(
                text(f"UPDATE {schema}.alembic_version SET version_num = :h"), {"h": head}
            )
            await conn.execute(
                text("UPDATE shared.gmina SET schema_revision = :h WHERE teryt = :t"),
                {"h": head, "t": teryt},
            )

    await asyncio.gather(*(one(t) for t in teryts))


def fleet_figures(report: FleetReport) -> str:
    """The figures of a fleet run."""
    done = len(report.migrated)
    rate = done / report.seconds if report.seconds else 0.0
    figures = (
        f"{report.seconds:.2f} s, {done} migrated ({rate:.1f} tenants/s), "
        f"{report.skipped} skipped, {len(report.failed)} failed"
    )
    if report.failed:
        teryt, error = sorted(report.failed.items())[0]
        figures += f" (first: {teryt}: {error})"
    return figures


@dataclass
class Prepared:
    """What the load phases need from the setup."""

    tenants: list[str]
    residents: dict[str, list[str]]


async def prepare(
    args: argparse.Namespace,
    maintenance_dsn: str,
    settings: Settings,
    report: Report,
    workdir: Path,
) -> Prepared:
    """Database, bootstrap and phases A, B and C."""
    await reset_database(maintenance_dsn, reuse=args.reuse)
    engine = create_engine(
        admin_url(settings.database), settings.database, application_name="cus-bench"
    )
    app_role = settings.database.app_role
    concurrency = args.provision_concurrency
    lock_timeout = settings.database.lock_timeout_ms
    try:
        async with engine.connect() as conn:
            report.machine["PostgreSQL"] = str(await conn.scalar(text("SHOW server_version")))
            for name in ("shared_buffers", "max_connections"):
                report.machine[f"PostgreSQL {name}"] = str(await conn.scalar(text(f"SHOW {name}")))
        revision = await bootstrap_platform(engine, settings.database, SHARED_TREE)
        print(f"bootstrapped {BENCH_DATABASE}: shared schema at {revision}", flush=True)

        # Phase A: register and provision N gminy, then seed residents.
        async with engine.connect() as conn:
            registered = list(await conn.scalars(text("SELECT teryt FROM shared.gmina")))
            roles = set(
                await conn.scalars(
                    text("SELECT rolname FROM pg_roles WHERE rolname LIKE 'cus\\_gmina\\_%'")
                )
            )
        # Codes whose role exists but is not ours (other databases of the cluster) are
        # skipped: the cleanup drops the roles of this benchmark's gminy.
        taken = {r.removeprefix("cus_gmina_") for r in roles} - set(registered)
        missing = max(0, args.tenants - len(registered))
        new = generate_teryts(missing, taken | set(registered)) if missing else []
        if len(registered) > args.tenants:
            report.problems.append(
                f"--reuse: registry holds {len(registered)} gminy, more than --tenants"
            )
        started = time.perf_counter()
        if new:
            async with engine.begin() as conn:
                await conn.execute(
                    text(
                        "INSERT INTO shared.gmina (teryt, name, status) "
                        "VALUES (:teryt, :name, :status)"
                    ),
                    [
                        {
                            "teryt": c,
                            "name": f"Gmina testowa {c}",
                            "status": GminaStatus.PROVISIONING.value,
                        }
                        for c in new
                    ],
                )
        tenants = sorted([*registered, *new])
        report.add("A register gminy", len(new), f"{time.perf_counter() - started:.2f} s")

        progress = Progress("provision")
        try:
            fleet = await migrate_fleet(
                engine,
                TENANT_TREE,
                app_role=app_role,
                concurrency=concurrency,
                lock_timeout_ms=lock_timeout,
                on_start=progress.start,
                on_progress=progress.on_progress,
            )
        finally:
            await mark_roles(engine, new)
        report.add("A provision", len(tenants), fleet_figures(fleet))
        if fleet.failed:
            failed = set(fleet.failed)
            report.problems.append(f"{len(failed)} gminy failed to provision; left out of loads")
            tenants = [t for t in tenants if t not in failed]

        started = time.perf_counter()
        residents = await seed_all(engine, tenants, args.residents_per_tenant, concurrency)
        seconds = time.perf_counter() - started
        rows = sum(len(v) for v in residents.values())
        report.add(
            "A seed residents",
            len(tenants),
            f"{rows:,} residents in {seconds:.2f} s ({len(tenants) / seconds:.1f} tenants/s)",
        )

        # Phase B: nothing to apply; should be one registry query.
        noop = await migrate_fleet(
            engine,
            TENANT_TREE,
            app_role=app_role,
            concurrency=concurrency,
            lock_timeout_ms=lock_timeout,
        )
        report.noop_seconds = noop.seconds
        report.add("B migrate --all no-op", noop.total, fleet_figures(noop))

        # Phase C: one nullable column in every tenant.
        tree = bench_tree(workdir)
        progress = Progress("migrate one column")
        column = await migrate_fleet(
            engine,
            tree,
            app_role=app_role,
            concurrency=concurrency,
            lock_timeout_ms=lock_timeout,
            on_start=progress.start,
            on_progress=progress.on_progress,
        )
        report.add("C migrate --all one column", column.total, fleet_figures(column))
        if column.failed:
            report.problems.append(f"{len(column.failed)} gminy failed the one-column migration")
        if args.keep:
            await revert_bench_column(engine, tenants, concurrency)
            print("reverted the benchmark column (--keep)", flush=True)
        return Prepared(tenants=tenants, residents=residents)
    finally:
        await engine.dispose()


async def mark_roles(engine: AsyncEngine, teryts: Sequence[str]) -> None:
    """Comment this run's new tenant roles, so that the cleanup (or a later run) finds them."""
    if not teryts:
        return
    async with engine.begin() as conn:
        names = list(
            await conn.scalars(
                text("SELECT rolname FROM pg_roles WHERE rolname = ANY(:names)"),
                {"names": [tenant_role(parse_teryt(t)) for t in teryts]},
            )
        )
        for name in names:
            await conn.execute(text(f"COMMENT ON ROLE {quote_ident(name)} IS '{ROLE_COMMENT}'"))


# --------------------------------------------------------------------------- load processes


def run_load(spec: LoadSpec) -> LoadResult:
    """Entry point of a load process: the API client or the raw loop, on uvloop if present."""
    main = _api_load(spec) if spec.kind == "api" else _raw_load(spec)
    try:
        import uvloop
    except ImportError:  # plain asyncio is still a fair client, only slower
        return asyncio.run(main)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(main)


async def _drive(spec: LoadSpec, call: Callable[[str, str], Awaitable[str | None]]) -> LoadResult:
    """Run ``concurrency`` workers issuing calls on random (tenant, resident) pairs.

    A call returns None on success, else a short error text. Latency and throughput count the
    successes completed inside the measured window (after the warm-up); errors count all.
    """
    rng = random.Random(spec.seed)
    pairs = spec.pairs
    latencies: list[float] = []
    first_errors: list[str] = []
    errors = 0
    now = time.perf_counter()
    measure_from = now + spec.warmup
    deadline = measure_from + spec.seconds
    meter = CpuMeter(spec)
    await meter.connect()

    async def clock() -> None:
        await asyncio.sleep(max(0.0, measure_from - time.perf_counter()))
        await meter.start()

    async def worker() -> None:
        nonlocal errors
        for _ in range(MAX_REQUESTS_PER_WORKER):
            started = time.perf_counter()
            if started >= deadline:
                return
            teryt, resident = rng.choice(pairs)
            try:
                problem = await asyncio.wait_for(call(teryt, resident), REQUEST_TIMEOUT_S)
            except Exception as exc:  # every failure is a data point, never a crash
                problem = type(exc).__name__
            finished = time.perf_counter()
            if problem is not None:
                errors += 1
                if len(first_errors) < 5:
                    first_errors.append(problem)
            elif measure_from <= finished <= deadline:
                latencies.append((finished - started) * 1000)

    try:
        timer = asyncio.create_task(clock())
        await asyncio.gather(*(worker() for _ in range(spec.concurrency)))
        await timer
        window, client, server, database = meter.stop()
    finally:
        await meter.close()
    latencies.sort()
    return LoadResult(
        kind=spec.kind,
        tenants=spec.tenants,
        seconds=spec.seconds,
        latencies_ms=latencies,
        errors=errors,
        first_errors=first_errors,
        cpu_window=window,
        client_cpu_seconds=client,
        server_cpu_seconds=server,
        db_cpu_seconds=database,
    )


def proc_cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a local process (Linux /proc), None when unreadable."""
    try:
        # Fields after the parenthesised command name: utime and stime are the 12th and 13th.
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


class CpuMeter:
    """CPU used during the measured window by this process, the app server and the
    PostgreSQL backends of the load (found by application_name)."""

    def __init__(self, spec: LoadSpec) -> None:
        self.spec = spec
        self.conn: asyncpg.Connection[Any] | None = None
        self.started = 0.0
        self.client = 0.0
        self.server: float | None = None
        self.backends: dict[int, float] = {}

    async def connect(self) -> None:
        """Open the connection used to list backends (before the load starts)."""
        if self.spec.stats_dsn and self.spec.db_application:
            with suppress(OSError, asyncpg.PostgresError):
                self.conn = await asyncpg.connect(self.spec.stats_dsn)

    async def start(self) -> None:
        """Take the first readings."""
        self.started = time.perf_counter()
        self.client = time.process_time()
        if self.spec.server_pid is not None:
            self.server = proc_cpu_seconds(self.spec.server_pid)
        if self.conn is not None:
            rows = await self.conn.fetch(
                "SELECT pid FROM pg_stat_activity WHERE application_name = $1",
                self.spec.db_application,
            )
            for row in rows:
                reading = proc_cpu_seconds(int(row["pid"]))
                if reading is not None:
                    self.backends[int(row["pid"])] = reading

    def stop(self) -> tuple[float, float, float, float]:
        """(window seconds, client, server, database CPU seconds); NaN when unknown."""
        window = time.perf_counter() - self.started if self.started else 0.0
        client = time.process_time() - self.client if self.started else math.nan
        server = math.nan
        if self.server is not None and self.spec.server_pid is not None:
            now = proc_cpu_seconds(self.spec.server_pid)
            server = math.nan if now is None else now - self.server
        database = math.nan
        if self.backends:
            database = 0.0
            for pid, before in self.backends.items():
                now = proc_cpu_seconds(pid)
                database += 0.0 if now is None else now - before
        return window, client, server, database

    async def close(self) -> None:
        """Close the listing connection."""
        if self.conn is not None:
            await self.conn.close()


async def _api_load(spec: LoadSpec) -> LoadResult:
    """GET one resident through the app, with the gmina's own token."""
    headers = {t: {"Authorization": f"Bearer {token}"} for t, token in spec.tokens.items()}
    limits = httpx.Limits(
        max_connections=spec.concurrency, max_keepalive_connections=spec.concurrency
    )
    async with httpx.AsyncClient(
        base_url=spec.target, limits=limits, timeout=REQUEST_TIMEOUT_S
    ) as client:

        async def call(teryt: str, resident: str) -> str | None:
            response = await client.get(
                f"/api/core/gminy/{teryt}/residents/{resident}", headers=headers[teryt]
            )
            return None if response.status_code == 200 else f"HTTP {response.status_code}"

        return await _drive(spec, call)


async def _raw_load(spec: LoadSpec) -> LoadResult:
    """The same transaction with asyncpg directly, as the app's login role."""
    actor = uuid.uuid4()
    lock_timeout = f"{get_settings().database.lock_timeout_ms}ms"
    names = {
        t: (tenant_role(parse_teryt(t)), quote_ident(tenant_schema(parse_teryt(t))))
        for t in {t for t, _ in spec.pairs}
    }
    pool = await asyncpg.create_pool(
        spec.target,
        min_size=spec.concurrency,
        max_size=spec.concurrency,
        command_timeout=REQUEST_TIMEOUT_S,
        server_settings={"application_name": RAW_APPLICATION},
    )
    try:

        async def call(teryt: str, resident: str) -> str | None:
            role, schema = names[teryt]
            async with pool.acquire() as conn, conn.transaction():
                status = await conn.fetchrow(RAW_ENTER, role, schema, lock_timeout, teryt)
                if status is None or status[3] != "active":
                    return "not active"
                row = await conn.fetchrow(RAW_SELECT, uuid.UUID(resident))
                if row is None:
                    return "missing"
                await conn.execute(
                    RAW_AUDIT, actor, "kipus", "read", "resident", row["id"], uuid.uuid4().hex
                )
            return None

        return await _drive(spec, call)
    finally:
        await pool.close()


def in_process(spec: LoadSpec) -> LoadResult:
    """Run a load phase in a fresh process, so client and server never share an interpreter."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        future = pool.submit(run_load, spec)
        # Bounded: the workers stop at their deadline; this only guards against a hang.
        return future.result(timeout=spec.warmup + spec.seconds + 120)


# --------------------------------------------------------------------------- app server


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def app_server(env: dict[str, str], log_path: Path) -> Iterator[tuple[str, int]]:
    """The real app (``cus serve``) in a subprocess; terminated on exit, whatever happened."""
    port = free_port()
    code = (
        "import sys; from cus_shared.cli import main; "
        f"sys.argv = ['cus', 'serve', '--host', '127.0.0.1', '--port', '{port}']; main()"
    )
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-c", code],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, process, log_path)
        yield base, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def wait_ready(base: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    """Poll /ready for up to 60 s; fail early when the server died."""
    deadline = time.monotonic() + 60
    with httpx.Client(base_url=base, timeout=2.0) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                tail = log_path.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"app server exited with {process.returncode}:\n{tail}")
            with suppress(httpx.HTTPError):
                if client.get("/ready").status_code == 200:
                    return
            time.sleep(0.2)
    raise RuntimeError("app server not ready after 60 s")


def tokens_for(settings: Settings, teryts: list[str]) -> dict[str, str]:
    """One KIPUS token per gmina, signed like the tenants service does; no user row needed:
    the services verify the signature only."""
    tokens: dict[str, str] = {}
    for teryt in teryts:
        token, _ = issue_token(
            settings.auth,
            user_id=uuid.uuid4(),
            memberships=(Membership(Scope.GMINA, teryt, Role.KIPUS),),
            tenant_roles={teryt: frozenset({Role.KIPUS})},
        )
        tokens[teryt] = token
    return tokens


def load_phases(
    args: argparse.Namespace, settings: Settings, prepared: Prepared, report: Report
) -> None:
    """Phases D and E at --small and at all tenants."""
    env = dict(os.environ)
    env["CUS_DATABASE_URL"] = admin_url(settings.database)
    env.pop("CUS_DATABASE_APP_URL", None)  # derived from CUS_DATABASE_URL, like ours
    # No exporter unless the caller asked for one: exporting is not what we measure.
    env.setdefault("OTEL_TRACES_EXPORTER", "none")
    env.setdefault("OTEL_METRICS_EXPORTER", "none")
    raw_dsn = asyncpg_dsn(app_url(settings.database))
    # The app names its connections "cus-" + its services (cus_shared.web.app.create_app).
    app_application = "cus-" + "-".join(p.name for p in discover())
    log_path = args.output.parent / "server.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log_path.write_bytes(b"")
    sizes = (
        [args.small] if args.small == len(prepared.tenants) else [args.small, len(prepared.tenants)]
    )
    for size in sizes:
        teryts = prepared.tenants[:size]
        pairs = [(t, r) for t in teryts for r in prepared.residents[t]]
        common: dict[str, Any] = {
            "tenants": size,
            "pairs": pairs,
            "concurrency": args.concurrency,
            "seconds": args.seconds,
            "warmup": args.warmup,
            "stats_dsn": raw_dsn,
        }
        with app_server(env, log_path) as (base, pid):
            spec = LoadSpec(
                kind="api",
                target=base,
                tokens=tokens_for(settings, teryts),
                db_application=app_application,
                server_pid=pid,
                **common,
            )
            api = in_process(spec)
        report.loads[("api", size)] = api
        report.add("D API GET resident", size, api.line())
        raw = in_process(
            LoadSpec(
                kind="raw", target=raw_dsn, tokens={}, db_application=RAW_APPLICATION, **common
            )
        )
        report.loads[("raw", size)] = raw
        report.add("E raw asyncpg loop", size, raw.line())


# --------------------------------------------------------------------------- report


def machine_info() -> dict[str, str]:
    """CPU, memory and Python of this machine."""
    info = {"nproc": str(os.cpu_count()), "Python": platform.python_version()}
    with suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["CPU"] = line.split(":", 1)[1].strip()
                break
    with suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory"] = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    info["platform"] = platform.platform()
    info["load average at start"] = _load_average()
    return info


def _load_average() -> str:
    # Other work on the machine skews every figure; the load average shows it.
    with suppress(OSError):
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    return "-"


def command_line(module: str = "benchmarks.tenancy") -> str:
    """The command as typed (the database URL's password hidden)."""
    env = ""
    bench_url = os.environ.get("CUS_BENCH_DATABASE_URL")
    if bench_url:
        shown = make_url(bench_url).render_as_string(hide_password=True)
        env = f"CUS_BENCH_DATABASE_URL={shown} "
    return f"{env}python -m {module} {shlex.join(sys.argv[1:])}".rstrip()


def _ms(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.1f}"


def targets(report: Report, small: int, large: int) -> list[tuple[str, bool | None, str]]:
    """The goals: (what, met or None when unmeasured, the figure)."""
    api_n, raw_n = report.loads.get(("api", large)), report.loads.get(("raw", large))
    api_s = report.loads.get(("api", small))
    goals: list[tuple[str, bool | None, str]] = []
    if api_n and raw_n and raw_n.rps:
        ratio = api_n.rps / raw_n.rps
        goals.append(("API throughput at N >= 1/3 of raw", ratio >= 1 / 3, f"{ratio:.2f}"))
    else:
        goals.append(("API throughput at N >= 1/3 of raw", None, "-"))
    measured = [(small, api_s)] + ([(large, api_n)] if large != small else [])
    for size, result in measured:
        if result:
            goals.append(
                (
                    f"API p95 < 25 ms at {size} tenants",
                    result.pct(95) < 25,
                    f"{_ms(result.pct(95))} ms",
                )
            )
    if api_n and api_s and small != large:
        growth = api_n.pct(95) / api_s.pct(95)
        goals.append(("API p95(N) <= 1.25 x p95(small)", growth <= 1.25, f"{growth:.2f}x"))
    if report.noop_seconds is not None:
        goals.append(
            ("migrate --all no-op < 30 s", report.noop_seconds < 30, f"{report.noop_seconds:.2f} s")
        )
    return goals


def render(report: Report, small: int, large: int, wall: float) -> str:
    """The markdown results."""
    out = [
        "# Tenancy benchmark",
        "",
        f"Command: `{report.command}`",
        "",
        f"Total wall time: {wall:.0f} s",
        "",
        "Machine: " + "; ".join(f"{k} {v}" for k, v in report.machine.items()),
        "",
        "| phase | tenants | figure(s) |",
        "|---|---:|---|",
        *(f"| {p} | {n} | {f} |" for p, n, f in report.rows),
        "",
    ]
    sizes = sorted({n for _, n in report.loads})
    if sizes:
        out += [
            "| tenants | API req/s | API p50 / p95 / p99 ms | raw req/s "
            "| raw p50 / p95 / p99 ms | API/raw throughput | API errors | raw errors |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for size in sizes:
            api, raw = report.loads.get(("api", size)), report.loads.get(("raw", size))

            def pcts(r: LoadResult | None) -> str:
                if r is None:
                    return "-"
                return f"{_ms(r.pct(50))} / {_ms(r.pct(95))} / {_ms(r.pct(99))}"

            ratio = f"{api.rps / raw.rps:.2f}" if api and raw and raw.rps else "-"
            out.append(
                f"| {size} | {f'{api.rps:,.0f}' if api else '-'} | {pcts(api)} "
                f"| {f'{raw.rps:,.0f}' if raw else '-'} | {pcts(raw)} | {ratio} "
                f"| {api.errors if api else '-'} | {raw.errors if raw else '-'} |"
            )
        out.append("")
        for kind in ("api", "raw"):
            low, high = report.loads.get((kind, small)), report.loads.get((kind, large))
            if low and high and small != large:
                out.append(
                    f"- {kind} p95({large})/p95({small}) = "
                    f"{high.pct(95) / low.pct(95):.2f}; throughput({large})/throughput({small})"
                    f" = {high.rps / low.rps:.2f}"
                )
        for (kind, size), result in sorted(report.loads.items()):
            out.append(f"- CPU per request, {kind} at {size} tenants: {result.cpu_text()}")
        out.append("")
    out += ["## Targets", ""]
    for what, met, figure in targets(report, small, large):
        mark = "not measured" if met is None else ("met" if met else "MISSED")
        out.append(f"- {what}: {figure} — {mark}")
    if report.problems:
        out += ["", "## Problems", "", *(f"- {p}" for p in report.problems)]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    """Run every phase, print and write the results; drop the database unless --keep."""
    args = parse_args(argv)
    started = time.perf_counter()
    report = Report(command=command_line(), tenants=args.tenants, machine=machine_info())
    maintenance = server_url(args)
    maintenance_dsn = asyncpg_dsn(maintenance)
    settings = use_database(maintenance, BENCH_DATABASE)
    workdir = Path(tempfile.mkdtemp(prefix="cus-bench-"))
    prepared: Prepared | None = None
    status = 0
    try:
        prepared = asyncio.run(prepare(args, maintenance_dsn, settings, report, workdir))
        load_phases(args, settings, prepared, report)
    except Exception as exc:  # report what was measured before failing
        traceback.print_exc()
        report.problems.append(f"aborted: {type(exc).__name__}: {exc}")
        status = 1
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if not args.keep:
            try:
                asyncio.run(drop_database(maintenance_dsn))
            except Exception as exc:  # the results still deserve to be written
                report.problems.append(f"cleanup failed: {exc}")
        report.machine["load average at end"] = _load_average()
        large = len(prepared.tenants) if prepared else args.tenants
        markdown = render(report, args.small, large, time.perf_counter() - started)
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(markdown, encoding="utf-8")
        print("\n" + markdown, flush=True)
        print(f"results written to {args.output}", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
