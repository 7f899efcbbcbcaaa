"""PostgreSQL goes away under load and comes back: requests fail fast with 503 and
Retry-After while it is away, ``/ready`` says not ready, the same running app serves again
once it is back, and every write that was acknowledged is in the database afterwards.

The server is stopped with ``pg_ctl stop -m fast`` (every session ended, as in a planned
restart or a failover) and with ``-m immediate`` (a crash: the restart replays the
write-ahead log). Timings are printed (``-s``), never asserted beyond generous bounds.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pytest
import pytest_asyncio
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from cus_shared.messages import translate
from cus_shared.web.security import SESSION_COOKIE
from tests.faults.conftest import (
    GMINY,
    FaultPlatform,
    bearer,
    in_thread_stop,
    provision_platform,
    serving,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    import httpx

    from cus_shared.testing.private_postgres import PrivatePostgres

pytestmark = pytest.mark.asyncio(loop_scope="session")

#: Generous bounds that cannot flake; the figures seen are far below (README, "Outages").
FAIL_FAST_SECONDS = 10.0
RECOVERY_SECONDS = 15.0
OUTAGE_SECONDS = 3.0
WRITERS_PER_GMINA = 3
READERS_PER_GMINA = 2
DATABASE = "cus_fault_restart"


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def platform(private_server: PrivatePostgres) -> AsyncIterator[FaultPlatform]:
    """Two gminy on the private server, pooled connections kept small so that the outage
    breaks connections that are in the pool as well as ones in use."""
    made = await provision_platform(private_server, DATABASE, GMINY, pool_size=4, max_overflow=4)
    yield made
    await made.db.dispose()


@dataclass
class Outcome:
    """One request of the load: when it started and ended (monotonic), what it answered."""

    kind: str
    started: float
    ended: float
    status: int
    retry_after: str | None
    code: str | None
    title: str | None

    @property
    def seconds(self) -> float:
        """How long the request took."""
        return self.ended - self.started


@dataclass
class Load:
    """Writers register residents (remembering every acknowledged id), readers list them."""

    client: httpx.AsyncClient
    headers: dict[str, dict[str, str]]
    outcomes: list[Outcome] = field(default_factory=list)
    acknowledged: dict[str, list[str]] = field(default_factory=dict)
    running: bool = True
    sequence: int = 0

    async def writer(self, teryt: str) -> None:
        """Register residents one after another; keep the id of each 201."""
        while self.running:
            self.sequence += 1
            body = {
                "given_name": "Awaria",
                "family_name": f"Test{self.sequence}",
                "birth_date": "1980-01-01",
            }
            started = time.monotonic()
            response = await self.client.post(
                f"/api/core/gminy/{teryt}/residents", json=body, headers=self.headers[teryt]
            )
            self._note("write", started, response)
            if response.status_code == 201:
                self.acknowledged.setdefault(teryt, []).append(response.json()["id"])
            await asyncio.sleep(0.02)

    async def reader(self, teryt: str) -> None:
        """List the gmina's residents one request after another."""
        while self.running:
            started = time.monotonic()
            response = await self.client.get(
                f"/api/core/gminy/{teryt}/residents?limit=5", headers=self.headers[teryt]
            )
            self._note("read", started, response)
            await asyncio.sleep(0.02)

    def _note(self, kind: str, started: float, response: httpx.Response) -> None:
        problem = {}
        if response.status_code >= 400 and "json" in response.headers.get("content-type", ""):
            problem = response.json()
        self.outcomes.append(
            Outcome(
                kind,
                started,
                time.monotonic(),
                response.status_code,
                response.headers.get("retry-after"),
                problem.get("code"),
                problem.get("title"),
            )
        )

    def between(self, start: float, end: float) -> list[Outcome]:
        """Requests that began and ended inside a span of time."""
        return [o for o in self.outcomes if o.started >= start and o.ended <= end]


async def _first_success_after(load: Load, moment: float, limit: float) -> float | None:
    """Seconds from ``moment`` to the end of the first successful request begun after it."""
    deadline = moment + limit
    while time.monotonic() < deadline:
        ok = [o.ended for o in load.outcomes if o.started >= moment and o.status < 400]
        if ok:
            return min(ok) - moment
        await asyncio.sleep(0.05)
    return None


@pytest.mark.parametrize("mode", ["fast", "immediate"])
async def test_requests_fail_fast_during_a_restart_and_no_acknowledged_write_is_lost(
    platform: FaultPlatform, mode: str
) -> None:
    server = platform.server
    async with serving(platform) as (_app, client):
        headers = {t: await bearer(client, platform.kipus(t)) for t in platform.gminy}
        load = Load(client=client, headers=headers)
        workers = [
            asyncio.create_task(work(teryt))
            for teryt in platform.gminy
            for work in [load.writer] * WRITERS_PER_GMINA + [load.reader] * READERS_PER_GMINA
        ]
        try:
            await asyncio.sleep(1.5)
            before_stop = time.monotonic()
            await in_thread_stop(server, mode)
            stopped = time.monotonic()
            # While the server is away: the load goes on, and readiness says so.
            await asyncio.sleep(0.5)
            ready_started = time.monotonic()
            not_ready = await client.get("/ready")
            ready_seconds = time.monotonic() - ready_started
            alive = await client.get("/health")
            teryt = next(iter(platform.gminy))
            in_english = await client.get(
                f"/api/core/gminy/{teryt}/residents?limit=5",
                headers={**headers[teryt], "Accept-Language": "en"},
            )
            token = headers[teryt]["Authorization"].removeprefix("Bearer ")
            page = await client.get(
                f"/gminy/{teryt}/residents", headers={"Cookie": f"{SESSION_COOKIE}={token}"}
            )
            await asyncio.sleep(OUTAGE_SECONDS - 0.5)
            restart = time.monotonic()
            await asyncio.to_thread(server.start)
            started = time.monotonic()
            recovered = await _first_success_after(load, started, RECOVERY_SECONDS)
            # A little more load after recovery, which must all succeed.
            await asyncio.sleep(1.5)
            settled = time.monotonic()
            await asyncio.sleep(1.0)
        finally:
            load.running = False
            await asyncio.gather(*workers)
        ready_again = await client.get("/ready")

    # Before the outage every request succeeded.
    healthy = load.between(0, before_stop)
    assert healthy and all(o.status in (200, 201) for o in healthy)
    # Nothing but success or 503 at any moment: no 500, no hanging request.
    assert {o.status for o in load.outcomes} <= {200, 201, 503}
    failed = [o for o in load.outcomes if o.status == 503]
    assert failed, "the outage must have been seen"
    assert all(o.retry_after == "5" and o.code == "database.unavailable" for o in failed)
    slowest_failure = max(o.seconds for o in failed)
    assert slowest_failure < FAIL_FAST_SECONDS
    # While the server was down, every request failed, and fast.
    during = load.between(stopped, restart)
    assert during and all(o.status == 503 for o in during)
    assert not_ready.status_code == 503 and not_ready.json()["status"] == "unavailable"
    assert ready_seconds < FAIL_FAST_SECONDS
    assert alive.status_code == 200  # the process is fine: no reason to restart it
    # Said in the person's language: Polish by default, English when asked; a page for pages.
    polish, english = (translate("database.unavailable", lang) for lang in ("pl", "en"))
    assert polish != "database.unavailable" and english != polish
    assert in_english.status_code == 503 and in_english.json()["title"] == english
    assert failed[0].title == polish
    assert page.status_code == 503 and page.headers["retry-after"] == "5"
    assert page.headers["content-type"].startswith("text/html") and polish in page.text
    # Back without restarting the app.
    assert recovered is not None, "no request succeeded after the restart"
    after = load.between(settled, float("inf"))
    assert after and all(o.status in (200, 201) for o in after)
    assert ready_again.status_code == 200
    # Every acknowledged write is there.
    acknowledged = sum(len(ids) for ids in load.acknowledged.values())
    # Counted on a new connection (the administrative pool's connections died with the server).
    checker = create_async_engine(server.url(DATABASE))
    try:
        async with checker.connect() as conn:
            for teryt, ids in load.acknowledged.items():
                found = await conn.scalar(
                    text(f'SELECT count(*) FROM "gmina_{teryt}".resident WHERE id = ANY(:ids)'),
                    {"ids": ids},
                )
                assert found == len(ids), (teryt, found, len(ids))
    finally:
        await checker.dispose()
    during_seconds = [o.seconds for o in during]
    print(  # the figures the README quotes (run with -s)
        f"\n[{mode}] requests {len(load.outcomes)}, acknowledged writes {acknowledged} (all "
        f"found), 503s {len(failed)}; pg_ctl stop {stopped - before_stop:.2f} s, start "
        f"{started - restart:.2f} s; during the outage: {len(during)} requests, slowest "
        f"{max(during_seconds) * 1000:.1f} ms, median "
        f"{sorted(during_seconds)[len(during_seconds) // 2] * 1000:.1f} ms; slowest 503 "
        f"{slowest_failure * 1000:.1f} ms; /ready {ready_seconds * 1000:.1f} ms; first "
        f"success {recovered * 1000:.0f} ms after the server was up"
    )
