"""The operations' commands in ``cus tenants …``: backup, restore, export, archive,
backup-all, restore-all. Each shows its steps as it goes and ends with a summary; a refusal
is printed in Polish and English and exits with code 2, having written nothing."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from cus_shared.cli_support import admin_database, run
from cus_shared.database.engine import admin_url
from cus_shared.i18n.language import N_
from cus_tenants.operations.errors import OperationError, bilingual
from cus_tenants.operations.progress import Reporter

if TYPE_CHECKING:
    from collections.abc import Coroutine

console = Console(stderr=True)

PgBin = Annotated[
    Path | None,
    typer.Option(
        "--pg-bin",
        help="Folder of pg_dump/psql/pg_restore (default: the newest suitable one found)",
    ),
]


class ConsoleReporter(Reporter):
    """Steps with elapsed time, and a bar while a step counts its work."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.bar: Progress | None = None
        self.task: Any = None

    def step(self, message: str) -> None:
        """Print a step, closing the bar of the one before."""
        self.close()
        console.print(f"[dim]{time.perf_counter() - self.started:7.1f} s[/dim]  {message}")

    def advance(self, done: int, total: int) -> None:
        """Move the bar (drawn only for work of some size)."""
        if total < 10:
            return
        if self.bar is None:
            self.bar = Progress(
                TextColumn("          "), BarColumn(), MofNCompleteColumn(), console=console
            )
            self.bar.start()
            self.task = self.bar.add_task("", total=total)
        self.bar.update(self.task, completed=done, total=total)

    def close(self) -> None:
        """Stop the bar, if any."""
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


def _run(coro: Coroutine[Any, Any, None], reporter: ConsoleReporter) -> None:
    try:
        run(coro)
    except OperationError as exc:
        reporter.close()
        console.print(exc.bilingual(), style="red", markup=False)
        raise typer.Exit(code=2) from None
    finally:
        reporter.close()


def _summary(title: str, rows: list[tuple[str, str]]) -> None:
    table = Table(title=title, show_header=False)
    for key, value in rows:
        table.add_row(key, value)
    console.print(table)


def _size(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB" if n >= 1_048_576 else f"{n / 1024:.1f} kB"


def add_operations_commands(app: typer.Typer) -> None:
    """Add the operations' commands to the ``tenants`` group."""

    @app.command("backup")
    def backup(
        teryt: Annotated[str, typer.Argument(help="TERYT code of the gmina")],
        out: Annotated[Path, typer.Option("--out", help="New backup file to write")],
        pg_bin: PgBin = None,
    ) -> None:
        """Back up one gmina: its schema and its rows of the shared tables, in one file."""
        from cus_tenants.operations.backup import backup_tenant

        reporter = ConsoleReporter()

        async def go() -> None:
            async with admin_database() as db:
                url = admin_url(db.settings.database)
                done = await backup_tenant(url, teryt, out, pg_bin=pg_bin, reporter=reporter)
            reporter.close()
            _summary(
                f"backup of gmina {done.teryt}",
                [
                    ("file", str(done.file)),
                    ("size", _size(done.bytes)),
                    ("tenant tables / rows", f"{done.tenant_tables} / {done.tenant_rows}"),
                    ("shared rows", str(done.shared_rows)),
                    ("time", f"{done.seconds:.1f} s"),
                ],
            )

        _run(go(), reporter)

    @app.command("restore")
    def restore(
        file: Annotated[Path, typer.Argument(help="Backup file of one gmina")],
        replace: Annotated[
            bool, typer.Option("--replace", help="Overwrite the gmina if it exists here")
        ] = False,
        pg_bin: PgBin = None,
    ) -> None:
        """Restore one gmina from its backup (refused if it exists, unless --replace)."""
        from cus_tenants.operations.restore import restore_tenant

        reporter = ConsoleReporter()

        async def go() -> None:
            async with admin_database() as db:
                done = await restore_tenant(
                    db, file, replace=replace, pg_bin=pg_bin, reporter=reporter
                )
            reporter.close()
            _summary(
                f"restore of gmina {done.teryt}",
                [
                    ("replaced", "yes" if done.replaced else "no"),
                    ("tenant tables / rows", f"{done.tenant_tables} / {done.tenant_rows}"),
                    ("own shared rows", str(done.shared_rows)),
                    ("checked", "row counts and checksums of every table"),
                    ("revision", f"{done.revision_before} → {done.revision_after}"),
                    ("status", done.status),
                    ("time", f"{done.seconds:.1f} s"),
                ],
            )

        _run(go(), reporter)

    @app.command("export")
    def export(
        teryt: Annotated[str, typer.Argument(help="TERYT code of the gmina")],
        out: Annotated[Path, typer.Option("--out", help="New folder to write")],
        pg_bin: PgBin = None,
    ) -> None:
        """Export one gmina for handover: a CSV file per table and a manifest."""
        from cus_tenants.operations.handover import export_tenant

        reporter = ConsoleReporter()

        async def go() -> None:
            async with admin_database() as db:
                url = admin_url(db.settings.database)
                done = await export_tenant(url, teryt, out, pg_bin=pg_bin, reporter=reporter)
            reporter.close()
            _summary(
                f"handover export of gmina {done.teryt}",
                [
                    ("folder", str(done.folder)),
                    ("files / rows", f"{done.files} / {done.rows}"),
                    ("time", f"{done.seconds:.1f} s"),
                ],
            )

        _run(go(), reporter)

    @app.command("archive")
    def archive(
        teryt: Annotated[str, typer.Argument(help="TERYT code of the gmina")],
        out: Annotated[Path, typer.Option("--out", help="New file for its backup")],
        yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation")] = False,
        pg_bin: PgBin = None,
    ) -> None:
        """Archive a gmina leaving its agreement: suspend, back up, remove from service."""
        from cus_tenants.operations.archival import archive_tenant

        if not yes:
            question = N_(
                "Archive gmina {teryt}? Its data leaves the database once its backup is written."
            )
            typer.confirm(bilingual(question, teryt=teryt[:20]), abort=True)
        reporter = ConsoleReporter()

        async def go() -> None:
            async with admin_database() as db:
                done = await archive_tenant(db, teryt, out, pg_bin=pg_bin, reporter=reporter)
            reporter.close()
            _summary(
                f"gmina {done.teryt} archived",
                [
                    ("backup", f"{done.backup.file} ({_size(done.backup.bytes)})"),
                    ("rows in the backup", str(done.backup.tenant_rows + done.backup.shared_rows)),
                    ("memberships removed", str(done.memberships_removed)),
                    ("agreement memberships ended", str(done.agreements_left)),
                    ("time", f"{done.seconds:.1f} s"),
                ],
            )

        _run(go(), reporter)

    @app.command("backup-all")
    def backup_all(
        out: Annotated[Path, typer.Option("--out", help="New backup file to write")],
        pg_bin: PgBin = None,
    ) -> None:
        """Back up the whole database (every gmina, shared, reporting) in one file."""
        from cus_tenants.operations.platform_backup import backup_platform

        reporter = ConsoleReporter()

        async def go() -> None:
            async with admin_database() as db:
                url = admin_url(db.settings.database)
                done = await backup_platform(url, out, pg_bin=pg_bin, reporter=reporter)
            reporter.close()
            _summary(
                "whole backup",
                [
                    ("file", str(done.file)),
                    ("size", _size(done.bytes)),
                    ("gminy", str(done.tenants)),
                    ("tables / rows", f"{done.tables} / {done.rows}"),
                    ("time", f"{done.seconds:.1f} s"),
                ],
            )

        _run(go(), reporter)

    @app.command("restore-all")
    def restore_all(
        file: Annotated[Path, typer.Argument(help="Whole backup file")],
        pg_bin: PgBin = None,
    ) -> None:
        """Restore a whole backup into an empty database (CUS_DATABASE_URL)."""
        from cus_tenants.operations.platform_backup import restore_platform

        reporter = ConsoleReporter()
        failed = False

        async def go() -> None:
            nonlocal failed
            async with admin_database() as db:
                done = await restore_platform(db, file, pg_bin=pg_bin, reporter=reporter)
            reporter.close()
            migrations = done.migrations
            _summary(
                "whole restore",
                [
                    ("gminy", str(done.tenants)),
                    ("tables / rows (counts checked)", f"{done.tables} / {done.rows}"),
                    (
                        "tenant migrations",
                        f"{len(migrations.migrated) if migrations else 0} run, "
                        f"{len(done.failed)} failed",
                    ),
                    ("time", f"{done.seconds:.1f} s"),
                ],
            )
            for teryt, error in sorted(done.failed.items()):
                console.print(f"{teryt}: {error}", style="red", markup=False)
            failed = bool(done.failed)

        _run(go(), reporter)
        if failed:
            raise typer.Exit(code=1)
