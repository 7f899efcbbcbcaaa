"""The platform behind a real PgBouncer in transaction mode (issue 8, part 3).

A small server pool serves many more client connections, so consecutive transactions of one
client run on different server connections and one server connection serves every gmina in
turn. Nothing may survive a transaction: no tenant's role or schema (they are set with
``set_config(..., true)``) and no prepared statement (``CUS_DATABASE_POOLER=pgbouncer``).
The isolation suite also runs whole through PgBouncer (``CUS_TEST_VIA_PGBOUNCER=1``, see
``dev.py test``).
"""

from __future__ import annotations

import asyncio
import random
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from cus_shared.database.engine import create_engine
from tests.conftest import GMINA_A, GMINA_B, GMINA_C, Platform, login
from tests.pooling.conftest import APP_POOL_SIZE, POOLER_POOL_SIZE, Pooled

pytestmark = pytest.mark.asyncio(loop_scope="session")

#: Each gmina's own user and the family name that marks its residents in this test.
GMINY = {
    GMINA_A: ("kipus.a@test.local", "Zupqakowa"),
    GMINA_B: ("kipus.b@test.local", "Zupqbowska"),
    GMINA_C: ("kipus.c@test.local", "Zupqcewicz"),
}
#: Every marker starts with this: a search for it would find the other gminy's residents if
#: a request ever ran in another gmina's schema. (Other tests of the session register
#: residents too, e.g. "Pulpitowa…": the prefix is one no other test uses.)
COMMON_PREFIX = "zupq"
RESIDENTS_FIRST = 12
ROUNDS = 12


def _statement_errors(errors: list[BaseException]) -> list[str]:
    return [str(e) for e in errors if "prepared statement" in str(e)]


async def _transactions(url: str, pooler: str, platform: Platform) -> list[BaseException]:
    """Many short transactions of 20 clients over the pooler's few server connections."""
    settings = platform.settings.database.model_copy(
        update={"pooler": pooler, "pool_size": 20, "max_overflow": 0}
    )
    engine = create_engine(url, settings, application_name="cus-pooling-probe")
    errors: list[BaseException] = []

    async def client(number: int) -> None:
        for step in range(15):
            try:
                async with engine.begin() as conn:
                    await conn.execute(text("SELECT CAST(:a AS int) + 1"), {"a": step})
                    await conn.execute(text(f"SELECT {number % 4} + CAST(:a AS int)"), {"a": 1})
            except DBAPIError as error:
                errors.append(error)

    try:
        await asyncio.gather(*(client(number) for number in range(20)))
        if pooler == "pgbouncer":
            # Enough transactions at once to meet every server connection of the pooler.
            left = await asyncio.gather(*(_statements_left(engine) for _ in range(8)))
            assert {count for _, count in left} == {0}, left
    finally:
        await engine.dispose()
    return errors


async def _statements_left(engine: AsyncEngine) -> tuple[int, int]:
    """(server connection, prepared statements it holds), seen from one transaction."""
    async with engine.begin() as conn:
        row = await conn.execute(
            text(
                "SELECT pg_backend_pid(), (SELECT count(*) FROM pg_prepared_statements) "
                "FROM pg_sleep(0.05)"
            )
        )
        pid, count = row.one()
    return int(pid), int(count)


async def test_cached_named_statements_break_and_the_pooler_setting_fixes_it(
    platform: Platform, pooled: Pooled
) -> None:
    """The control: the default engine (named, cached statements) fails behind transaction
    pooling — which shows the load below would notice — and ``pooler=pgbouncer`` does not."""
    assert await _transactions(pooled.url, "pgbouncer", platform) == []
    # Last: the default engine leaves named statements on the pooler's server connections.
    broken = await _transactions(pooled.url, "none", platform)
    assert _statement_errors(broken), "expected prepared-statement errors without the setting"


async def test_pooler_multiplexes_many_clients_over_few_server_connections(
    pooled: Pooled,
) -> None:
    """Four times as many client connections as server connections, all open at once."""
    clients = [
        await asyncpg.connect(
            make_url(pooled.url).set(drivername="postgresql").render_as_string(hide_password=False),
            statement_cache_size=0,
        )
        for _ in range(4 * POOLER_POOL_SIZE)
    ]
    try:
        pids = await asyncio.gather(*(c.fetchval("SELECT pg_backend_pid()") for c in clients))
    finally:
        await asyncio.gather(*(c.close() for c in clients))
    assert len(clients) == 16 and 1 <= len(set(pids)) <= POOLER_POOL_SIZE


def _ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


async def test_mixed_tenant_load_sees_only_its_own_gmina(
    platform: Platform, pooled: Pooled
) -> None:
    """Reads and writes of three gminy at once, over four server connections: every answer
    holds only its own gmina's residents, no request fails, the counts add up."""
    client = pooled.client
    headers = {teryt: await login(client, email) for teryt, (email, _) in GMINY.items()}
    created: dict[str, list[dict[str, Any]]] = {teryt: [] for teryt in GMINY}

    async def create(teryt: str, index: int) -> None:
        body = {
            "given_name": f"Osoba{'abcdefghijklmnop'[index % 16]}",
            "family_name": GMINY[teryt][1],
            "birth_date": "1970-01-01",
        }
        response = await client.post(
            f"/api/core/gminy/{teryt}/residents", json=body, headers=headers[teryt]
        )
        created[teryt].append(_ok(response, 201))

    async def search(teryt: str) -> None:
        response = await client.post(
            f"/api/core/gminy/{teryt}/residents/search",
            json={"name": COMMON_PREFIX, "limit": 100},
            headers=headers[teryt],
        )
        page = _ok(response)
        assert {item["family_name"] for item in page["items"]} <= {GMINY[teryt][1]}, teryt

    async def read_and_edit(teryt: str) -> None:
        mine = random.choice(created[teryt][:RESIDENTS_FIRST])
        base = f"/api/core/gminy/{teryt}/residents/{mine['id']}"
        resident = _ok(await client.get(base, headers=headers[teryt]))
        assert resident["family_name"] == GMINY[teryt][1]
        listing = _ok(
            await client.get(f"/api/core/gminy/{teryt}/residents?limit=100", headers=headers[teryt])
        )
        others = {marker for t, (_, marker) in GMINY.items() if t != teryt}
        assert not others & {item["family_name"] for item in listing["items"]}, teryt

    # Sampled while the load runs: client connections the app holds, and the server
    # connections busy for the runtime role.
    checked_out: list[int] = []
    busy: set[int] = set()
    done = asyncio.Event()

    async def sample() -> None:
        pool: Any = pooled.app.state.db.app_engine.pool
        async with platform.db.admin_engine.connect() as conn:
            while not done.is_set():
                checked_out.append(pool.checkedout())
                rows = await conn.execute(
                    text(
                        "SELECT pid FROM pg_stat_activity WHERE usename = :role "
                        "AND datname = current_database() AND state <> 'idle'"
                    ),
                    {"role": platform.settings.database.app_role},
                )
                busy.update(pid for (pid,) in rows)
                await conn.rollback()  # pg_stat_activity is read once per transaction
                await asyncio.sleep(0.005)

    sampler = asyncio.create_task(sample())
    try:
        await asyncio.gather(
            *(create(teryt, index) for teryt in GMINY for index in range(RESIDENTS_FIRST))
        )
        work = []
        for teryt in GMINY:
            for index in range(ROUNDS):
                work += [
                    search(teryt),
                    read_and_edit(teryt),
                    create(teryt, RESIDENTS_FIRST + index),
                ]
        random.shuffle(work)
        assert len(work) >= 100
        await asyncio.gather(*work)
    finally:
        done.set()
        await sampler

    expected = RESIDENTS_FIRST + ROUNDS
    for teryt, (_, marker) in GMINY.items():
        assert len(created[teryt]) == expected
        page = _ok(
            await client.post(
                f"/api/core/gminy/{teryt}/residents/search",
                json={"name": COMMON_PREFIX, "limit": 100},
                headers=headers[teryt],
            )
        )
        assert page["total"] == expected and {i["family_name"] for i in page["items"]} == {marker}
        async with platform.db.admin_engine.connect() as conn:
            stored = await conn.scalar(
                text(f'SELECT count(*) FROM "gmina_{teryt}".resident WHERE family_name = :m'),
                {"m": marker},
            )
        assert stored == expected
    # Multiplexed: many client connections at once, never more than the pooler's servers.
    assert max(checked_out) > POOLER_POOL_SIZE, max(checked_out)
    assert max(checked_out) <= APP_POOL_SIZE
    assert 1 <= len(busy) <= POOLER_POOL_SIZE, busy
