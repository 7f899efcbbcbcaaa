"""The one ``cus`` command line. Services add their command groups through plugins."""

from __future__ import annotations

import asyncio
import os
from typing import Annotated

import typer
from rich.console import Console

from cus_shared.plugins import ServicePlugin, by_name, discover
from cus_shared.settings import get_settings

console = Console(stderr=True)

app = typer.Typer(
    name="cus",
    help="CUS platform: partner Social Services Centres (Centra Usług Społecznych).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


def _selected(services: list[str] | None) -> list[ServicePlugin]:
    if not services or services == ["all"]:
        return list(discover())
    try:
        return [by_name(name) for name in services]
    except LookupError as exc:
        raise typer.BadParameter(f"unknown service {exc}") from None


async def prepare_database() -> None:
    """Bootstrap roles and schemas and migrate everything to head (every service's part)."""
    settings = get_settings()
    for plugin in discover():
        if plugin.prepare is not None:
            await plugin.prepare(settings)


@app.command()
def migrate() -> None:
    """Bootstrap roles and schemas, migrate the shared tree and every tenant to head."""
    asyncio.run(prepare_database())


@app.command()
def serve(
    service: Annotated[
        list[str] | None,
        typer.Option(help="Service to serve (tenants, core, reporting); repeat; default all"),
    ] = None,
    host: Annotated[str | None, typer.Option(help="Address to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on")] = None,
    prepare: Annotated[
        bool, typer.Option("--migrate/--no-migrate", help="Migrate the database before serving")
    ] = False,
) -> None:
    """Serve one service (its own container) or all of them in one process."""
    plugins = _selected(service)
    if prepare:
        asyncio.run(prepare_database())
    _serve(plugins, host, port)


def _serve(plugins: list[ServicePlugin], host: str | None, port: int | None) -> None:
    import uvicorn

    from cus_shared.web.app import create_app

    settings = get_settings()
    application = create_app(plugins, settings=settings)
    address = host or settings.host
    bound = port or settings.port
    console.print(f"serving {', '.join(p.name for p in plugins)} on http://{address}:{bound}/")
    uvicorn.run(application, host=address, port=bound, log_level="warning", access_log=False)


@app.command()
def demo(
    serve_after: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve all services after seeding")
    ] = True,
    residents: Annotated[int, typer.Option(help="Residents per gmina")] = 300,
    port: Annotated[int | None, typer.Option(help="Port to listen on")] = None,
) -> None:
    """Provision a demo partner CUS of three gminy with users and residents, then serve.

    The demo accounts log in with their password alone: the second factor is not required
    (``CUS_AUTH_MFA_REQUIRED=false``) unless the environment says otherwise."""
    os.environ["CUS_DEMO_RESIDENTS"] = str(residents)
    os.environ.setdefault("CUS_AUTH_MFA_REQUIRED", "false")

    async def seed() -> None:
        await prepare_database()
        settings = get_settings()
        steps = sorted((p.demo for p in discover() if p.demo), key=lambda s: s.order)
        for step in steps:
            await step.run(settings)

    asyncio.run(seed())
    if serve_after:
        settings = get_settings()
        console.print(
            f"Otwórz http://{settings.host}:{port or settings.port}/ i zaloguj się jednym z kont "
            "demonstracyjnych powyżej. / Open the address and log in with a demo account above."
        )
        if not get_settings().auth.mfa_required:
            console.print(
                "Logowanie dwuetapowe (TOTP) jest w demo WYŁĄCZONE (CUS_AUTH_MFA_REQUIRED=false);"
                " można je włączyć na stronie /account. / Two-step login is OFF for the demo;"
                " anyone can set it up on /account."
            )
        _serve(list(discover()), None, port)


def _add_service_groups() -> None:
    for plugin in discover():
        if plugin.cli is not None:
            app.add_typer(plugin.cli(), name=plugin.name, help=plugin.title)


def main() -> None:
    """Entry point of the ``cus`` script."""
    _add_service_groups()
    app()
