"""Reporting as a platform plugin."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cus_shared.plugins import ServicePlugin

if TYPE_CHECKING:
    from litestar import Router

    from cus_shared.identity.principal import Principal
    from cus_shared.web.navigation import NavLink, PageContext


def _router() -> Router:
    from cus_reporting.routes import build_router

    return build_router()


def _pages() -> Router:
    from cus_reporting.pages import build_pages

    return build_pages()


def _navigation(context: PageContext) -> list[NavLink]:
    from cus_reporting.pages import navigation

    return navigation(context)


def _start_page(principal: Principal) -> str | None:
    from cus_reporting.pages import start_page

    return start_page(principal)


plugin = ServicePlugin(
    name="reporting",
    title="Anonymised indicators for ROPS and the Regional CUS Forum",
    router=_router,
    pages=_pages,
    package_dir=Path(__file__).resolve().parent,
    navigation=_navigation,
    start_page=_start_page,
)
