"""Core as a platform plugin."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cus_core.migrations import TENANT_TREE
from cus_shared.plugins import DemoStep, ServicePlugin

if TYPE_CHECKING:
    from litestar import Router

    from cus_shared.identity.principal import Principal
    from cus_shared.settings import Settings
    from cus_shared.web.navigation import NavLink, PageContext


def _router() -> Router:
    from cus_core.routes import build_router

    return build_router()


def _pages() -> Router:
    from cus_core.pages import build_pages

    return build_pages()


def _navigation(context: PageContext) -> list[NavLink]:
    from cus_core.pages import navigation

    return navigation(context)


def _start_page(principal: Principal) -> str | None:
    from cus_core.pages import start_page

    return start_page(principal)


async def _demo(settings: Settings) -> None:
    from cus_core.demo import seed_demo

    await seed_demo(settings)


plugin = ServicePlugin(
    name="core",
    title="Residents' personal data, per gmina",
    router=_router,
    migration_trees=(TENANT_TREE,),
    demo=DemoStep(order=20, run=_demo),
    pages=_pages,
    package_dir=Path(__file__).resolve().parent,
    navigation=_navigation,
    start_page=_start_page,
)
