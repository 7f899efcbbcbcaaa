"""Where the tests' PostgreSQL comes from, in order:

1. ``CUS_TEST_DATABASE_URL`` (a server URL; each run creates and drops its own database);
2. a testcontainers PostgreSQL when a Docker engine answers;
3. the embedded server from the ``pgserver`` wheel (nothing to install).
"""

from __future__ import annotations

import gc
import os
import secrets
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from cus_shared.database.embedded import start_embedded_server, to_asyncpg_url


def _docker_answers() -> bool:
    try:
        import docker  # type: ignore[import-untyped]
    except ImportError:
        return False
    try:
        client: Any = docker.from_env(timeout=3)
        return bool(client.ping())
    except Exception:  # no engine, no socket, no permission: all mean "not available"
        return False


@contextmanager
def postgres_server(data_dir: Path) -> Iterator[tuple[str, str]]:
    """Yield (server URL, source) for a PostgreSQL server the tests may create databases on."""
    given = os.environ.get("CUS_TEST_DATABASE_URL")
    if given:
        yield to_asyncpg_url(given), "environment"
        return
    if _docker_answers():
        from testcontainers.postgres import PostgresContainer

        with PostgresContainer("postgres:16-alpine", driver=None) as container:
            yield to_asyncpg_url(container.get_connection_url()), "testcontainers"
        return
    yield _embedded(data_dir), "embedded"


def _embedded(data_dir: Path) -> str:
    # pgserver leaves a probe socket to the garbage collector; collect it now, quietly, rather
    # than let pytest's unraisable-exception check blame whichever test runs next.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        url = start_embedded_server(data_dir)
        gc.collect()
    return url


@contextmanager
def scratch_database(server_url: str) -> Iterator[str]:
    """Create a uniquely named database on the server, yield its URL, drop it afterwards."""
    import asyncio

    import asyncpg

    name = f"cus_test_{secrets.token_hex(4)}"
    url = make_url(server_url)
    dsn = url.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False
    )

    async def execute(sql: str) -> None:
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(execute(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with suppress(Exception):
            asyncio.run(execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
