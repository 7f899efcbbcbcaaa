"""The tenants service as a platform plugin."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cus_shared.plugins import DemoStep, ServicePlugin

if TYPE_CHECKING:
    import typer
    from litestar import Router

    from cus_shared.identity.principal import Principal
    from cus_shared.settings import Settings
    from cus_shared.web.navigation import NavLink, PageContext


def _router() -> Router:
    from cus_tenants.routes import build_router

    return build_router()


def _pages() -> Router:
    from cus_tenants.pages import build_pages

    return build_pages()


def _navigation(context: PageContext) -> list[NavLink]:
    from cus_tenants.pages import navigation

    return navigation(context)


def _start_page(principal: Principal) -> str | None:
    from cus_tenants.pages import start_page

    return start_page(principal)


def _cli() -> typer.Typer:
    from cus_tenants.cli import build_cli

    return build_cli()


async def _prepare(settings: Settings) -> None:
    from cus_shared.cli_support import admin_database
    from cus_tenants.cli import print_report, run_fleet
    from cus_tenants.migrations import SHARED_TREE
    from cus_tenants.provisioning.bootstrap import bootstrap_platform

    async with admin_database() as db:
        revision = await bootstrap_platform(db.admin_engine, settings.database, SHARED_TREE)
    print(f"shared schema at revision {revision}")
    report = await run_fleet(None, None)
    print_report(report)
    if not report.ok:
        raise SystemExit(1)


async def _demo(settings: Settings) -> None:
    from cus_tenants.demo import seed_demo

    await seed_demo(settings)


def _trees() -> tuple:  # type: ignore[type-arg]
    from cus_tenants.migrations import SHARED_TREE

    return (SHARED_TREE,)


plugin = ServicePlugin(
    name="tenants",
    title="Gminy, agreements, users and provisioning (control plane)",
    router=_router,
    cli=_cli,
    migration_trees=_trees(),
    demo=DemoStep(order=10, run=_demo),
    prepare=_prepare,
    pages=_pages,
    package_dir=Path(__file__).resolve().parent,
    navigation=_navigation,
    start_page=_start_page,
)
