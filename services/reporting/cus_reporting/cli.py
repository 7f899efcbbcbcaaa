"""``cus reporting …``: refresh the snapshots of a quarter, list the job's runs."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cus_reporting.indicators.quarters import Quarter
from cus_shared import clock
from cus_shared.cli_support import admin_database, run, tenant_progress

console = Console(stderr=True)


def _quarter(label: str | None) -> Quarter:
    if label is None:
        return Quarter.of(clock.today()).previous()
    try:
        return Quarter.parse(label)
    except ValueError:
        raise typer.BadParameter(
            "kwartał zapisuje się jak 2026-Q3 / a quarter is written like 2026-Q3"
        ) from None


def build_cli() -> typer.Typer:
    """The ``reporting`` command group."""
    app = typer.Typer(help="Anonymised indicators: snapshots per quarter.", no_args_is_help=True)

    @app.command("refresh")
    def refresh(
        quarter: Annotated[
            str | None, typer.Option(help="Quarter like 2026-Q3 (default: the last ended one)")
        ] = None,
        quarters: Annotated[int, typer.Option(help="Also this many quarters before it")] = 1,
        concurrency: Annotated[int, typer.Option(help="Gminy computed at once")] = 4,
        gmina: Annotated[
            list[str] | None, typer.Option(help="Only this gmina (TERYT); repeat")
        ] = None,
    ) -> None:
        """Compute every gmina's figures (under its own role) into the reporting schema."""
        from cus_reporting.snapshots.refresh import refresh_quarter

        last = _quarter(quarter)
        failed = 0

        async def go() -> None:
            nonlocal failed
            async with admin_database() as db:
                for q in last.back(max(1, quarters)):
                    with tenant_progress(f"snapshots {q.label}", console) as (started, advanced):
                        report = await refresh_quarter(
                            db.app_engine,
                            q,
                            concurrency=concurrency,
                            only=gmina,
                            on_start=started,
                            on_progress=advanced,
                        )
                    timings = sorted(report.gmina_milliseconds)
                    median = timings[len(timings) // 2] if timings else 0
                    console.print(
                        f"{q.label}: {report.total} gminy, {report.done - len(report.failed)} "
                        f"computed, {len(report.failed)} failed, {report.agreements} agreements' "
                        f"budgets, {report.seconds:.1f} s (median {median} ms per gmina)"
                    )
                    for teryt, reason in sorted(report.failed.items()):
                        console.print(f"  [red]{teryt}[/red] {reason}")
                    failed += len(report.failed)

        run(go())
        if failed:
            raise typer.Exit(1)

    @app.command("runs")
    def runs(limit: Annotated[int, typer.Option(help="How many, newest first")] = 10) -> None:
        """The snapshot job's latest runs."""
        from cus_reporting.status import latest_runs

        async def go() -> None:
            async with admin_database() as db:
                table = Table("started", "quarter", "status", "done", "failed", "seconds")
                for r in await latest_runs(db.sessions, limit=limit):
                    table.add_row(
                        f"{r.started_at:%Y-%m-%d %H:%M}",
                        r.quarter.label,
                        r.status,
                        f"{r.done}/{r.total}",
                        str(r.failed),
                        f"{r.seconds:.1f}" if r.seconds is not None else "-",
                    )
                Console().print(table)

        run(go())

    return app
