"""What every command of the ``cus`` command line needs: a loop and database handles."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager, contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from cus_shared.database.runtime import Database
from cus_shared.settings import get_settings
from cus_shared.telemetry import configure_telemetry

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Coroutine, Iterator

    from rich.console import Console

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


@contextmanager
def tenant_progress(
    label: str, console: Console
) -> Iterator[tuple[Callable[[int], None], Callable[[str, bool], None]]]:
    """A progress bar over tenants for long commands (migrating, refreshing): yields the
    ``on_start(total)`` and ``on_progress(teryt, ok)`` callbacks the fleet runners take."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn(f"[bold]{label}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[failed]} failed"),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        task = progress.add_task(label, total=0, failed=0)
        failed = 0

        def started(count: int) -> None:
            progress.update(task, total=count)

        def advanced(_: str, ok: bool) -> None:
            nonlocal failed
            failed += 0 if ok else 1
            progress.update(task, advance=1, failed=failed)

        yield started, advanced
