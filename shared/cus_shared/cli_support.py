"""What every command of the ``cus`` command line needs: a loop and database handles."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from cus_shared.database.runtime import Database
from cus_shared.settings import get_settings
from cus_shared.telemetry import configure_telemetry

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Coroutine

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from a synchronous command."""
    return asyncio.run(coro)


@asynccontextmanager
async def admin_database() -> AsyncIterator[Database]:
    """Database handles for a command, closed afterwards."""
    settings = get_settings()
    configure_telemetry("cus-cli", json_logs=settings.log_json)
    db = Database.connect(settings, application_name="cus-cli")
    try:
        yield db
    finally:
        await db.dispose()
