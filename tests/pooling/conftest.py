"""A real PgBouncer in transaction mode with a small pool in front of the session's database,
and the platform's app connecting through it as a deployment behind PgBouncer would."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import httpx
import pytest
import pytest_asyncio
from litestar import Litestar
from sqlalchemy.engine import make_url

from cus_shared.testing.pgbouncer import PGBOUNCER, pgbouncer
from tests.conftest import Platform, running

#: Server connections PgBouncer may open: far fewer than the clients of the load.
POOLER_POOL_SIZE = 4
#: Client connections the app may hold at once (all of them go through the pooler).
APP_POOL_SIZE = 30


@dataclass(frozen=True)
class Pooled:
    """The app behind the pooler, and the pooler's URL for the runtime role."""

    app: Litestar
    client: httpx.AsyncClient
    url: str


@pytest.fixture(scope="session")
def pooler_url(platform: Platform) -> Iterator[str]:
    """The runtime role's URL through PgBouncer (transaction mode, POOLER_POOL_SIZE servers).

    Derived from the administrative URL, not from the suite's app URL, so that a run with
    ``CUS_TEST_VIA_PGBOUNCER=1`` does not stack one pooler on another.
    """
    if not PGBOUNCER.exists():
        pytest.fail(
            f"{PGBOUNCER} is missing: `python3 dev.py test` installs Debian's pgbouncer as root",
            pytrace=False,
        )
    database = platform.settings.database
    assert database.url is not None
    upstream = make_url(database.url).set(
        username=database.app_role, password=database.app_password.get_secret_value()
    )
    with pgbouncer(
        upstream.render_as_string(hide_password=False), pool_size=POOLER_POOL_SIZE
    ) as url:
        yield url


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def pooled(platform: Platform, pooler_url: str) -> AsyncIterator[Pooled]:
    """All services in one app whose runtime engine goes through the pooler."""
    from cus_shared.plugins import discover
    from cus_shared.web.app import create_app

    database = platform.settings.database.model_copy(
        update={
            "app_url": pooler_url,
            "pooler": "pgbouncer",
            "pool_size": APP_POOL_SIZE,
            "max_overflow": 0,
            # The load queues 108 requests on 4 server connections: on a busy CI machine a
            # request may wait longer than the 10 s a service would allow before its 503.
            "pool_timeout_seconds": 120.0,
        }
    )
    settings = platform.settings.model_copy(update={"database": database})
    application = create_app(list(discover()), settings=settings)
    async with running(application):
        transport = httpx.ASGITransport(app=application)  # type: ignore[arg-type]
        async with httpx.AsyncClient(
            transport=transport, base_url="http://testserver.local"
        ) as client:
            yield Pooled(app=application, client=client, url=pooler_url)
