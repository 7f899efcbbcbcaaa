"""``cus tenants …``: registry and provisioning from the command line."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from cus_shared.cli_support import admin_database, run, tenant_progress
from cus_shared.database.naming import SHARED_SCHEMA, TENANTS_SERVICE_ROLE
from cus_shared.errors import DomainError
from cus_shared.messages import translate
from cus_shared.plugins import migration_tree
from cus_shared.tenancy import open_service_session
from cus_tenants.gminy import service
from cus_tenants.operations.commands import add_operations_commands
from cus_tenants.provisioning.fleet import FleetReport, migrate_fleet

console = Console(stderr=True)


def build_cli() -> typer.Typer:
    """The ``tenants`` command group."""
    app = typer.Typer(
        help="Gminy (tenants): register, provision, suspend, migrate.", no_args_is_help=True
    )

    @app.command("create")
    def create(
        teryt: Annotated[str, typer.Argument(help="TERYT TERC code of the gmina (7 digits)")],
        name: Annotated[str, typer.Argument(help="Name of the gmina")],
    ) -> None:
        """Register a gmina and provision its schema, role and tables."""

        async def go() -> None:
            async with admin_database() as db:
                gmina = await service.register_and_provision(db, teryt, name)
                revision = gmina.schema_revision
                console.print(f"gmina {gmina.teryt} provisioned at revision {revision}")

        _run_domain(go())

    @app.command("list")
    def list_cmd() -> None:
        """List registered gminy."""

        async def go() -> None:
            async with (
                admin_database() as db,
                open_service_session(
                    db.sessions, db_role=TENANTS_SERVICE_ROLE, schema=SHARED_SCHEMA
                ) as session,
            ):
                rows, total = await service.list_gminy(session, limit=10_000, offset=0)
                table = Table("TERYT", "name", "status", "revision")
                for g in rows:
                    table.add_row(g.teryt, g.name, g.status, g.schema_revision or "-")
                Console().print(table)
                console.print(f"{total} gminy")

        _run_domain(go())

    @app.command("show")
    def show(teryt: Annotated[str, typer.Argument(help="TERYT code")]) -> None:
        """Show one gmina."""

        async def go() -> None:
            async with (
                admin_database() as db,
                open_service_session(
                    db.sessions, db_role=TENANTS_SERVICE_ROLE, schema=SHARED_SCHEMA
                ) as session,
            ):
                g = await service.get_gmina(session, teryt)
                Console().print(
                    f"{g.teryt}  {g.name}\nstatus: {g.status}\nrevision: {g.schema_revision}"
                )

        _run_domain(go())

    @app.command("suspend")
    def suspend(teryt: Annotated[str, typer.Argument(help="TERYT code")]) -> None:
        """Suspend a gmina: its staff can no longer reach its residents."""

        async def go() -> None:
            async with (
                admin_database() as db,
                open_service_session(
                    db.sessions, db_role=TENANTS_SERVICE_ROLE, schema=SHARED_SCHEMA
                ) as session,
            ):
                await service.suspend_gmina(session, teryt)
            console.print(f"gmina {teryt} suspended")

        _run_domain(go())

    @app.command("resume")
    def resume(teryt: Annotated[str, typer.Argument(help="TERYT code")]) -> None:
        """Lift a gmina's suspension."""

        async def go() -> None:
            async with (
                admin_database() as db,
                open_service_session(
                    db.sessions, db_role=TENANTS_SERVICE_ROLE, schema=SHARED_SCHEMA
                ) as session,
            ):
                await service.resume_gmina(session, teryt)
            console.print(f"gmina {teryt} active")

        _run_domain(go())

    @app.command("migrate")
    def migrate(
        teryt: Annotated[list[str] | None, typer.Argument(help="TERYT codes (or --all)")] = None,
        all_: Annotated[bool, typer.Option("--all", help="Every gmina in the registry")] = False,
        concurrency: Annotated[
            int | None, typer.Option(help="Tenants migrated at once (default from settings)")
        ] = None,
    ) -> None:
        """Bring tenant schemas to the head of the tenant tree; report and exit 1 on failures."""
        if not all_ and not teryt:
            raise typer.BadParameter("give TERYT codes or --all")
        report = asyncio.run(run_fleet(None if all_ else list(teryt or []), concurrency))
        print_report(report)
        if not report.ok:
            raise typer.Exit(code=1)

    # backup, restore, export, archive, backup-all, restore-all
    add_operations_commands(app)
    return app


async def run_fleet(only: list[str] | None, concurrency: int | None) -> FleetReport:
    """Migrate the fleet with a progress bar."""
    async with admin_database() as db:
        settings = db.settings.database
        with tenant_progress("migrating tenants", console) as (started, advanced):
            return await migrate_fleet(
                db.admin_engine,
                migration_tree("tenant"),
                app_role=settings.app_role,
                concurrency=concurrency or settings.migration_concurrency,
                lock_timeout_ms=settings.lock_timeout_ms,
                only=only,
                on_start=started,
                on_progress=advanced,
            )


def print_report(report: FleetReport) -> None:
    """The summary of a fleet migration."""
    changed = sum(1 for m in report.migrated if m.changed)
    console.print(
        f"head {report.head}: {report.total} tenants, {report.skipped} already at head, "
        f"{changed} migrated, {len(report.migrated) - changed} unchanged, "
        f"{len(report.failed)} failed in {report.seconds:.1f} s"
    )
    if report.failed:
        table = Table("TERYT", "error", title="failed tenants")
        for teryt, error in sorted(report.failed.items()):
            table.add_row(teryt, error)
        console.print(table)


def _run_domain(coro: Coroutine[Any, Any, None]) -> None:
    try:
        run(coro)
    except DomainError as exc:
        console.print(
            f"[red]{translate(exc.key, 'pl', exc.params)} / {translate(exc.key, 'en', exc.params)}"
        )
        raise typer.Exit(code=2) from None
