"""The tenants service's pages: logging in and out, and the operator's administration of
gminy, agreements and users."""

from __future__ import annotations

from typing import TYPE_CHECKING

from litestar import Router

from cus_shared.identity.roles import Role
from cus_shared.web.navigation import NavLink

if TYPE_CHECKING:
    from cus_shared.identity.principal import Principal
    from cus_shared.web.navigation import PageContext


def build_pages() -> Router:
    """All pages of the tenants service."""
    from cus_tenants.identity.pages import LoginPages

    return Router(path="/", route_handlers=[LoginPages])


def navigation(context: PageContext) -> list[NavLink]:
    """The operator's administration links."""
    if not context.principal.has_role(Role.OPERATOR):
        return []
    return [
        NavLink("Gminy", "/admin/gminy"),
        NavLink("Agreements", "/admin/agreements"),
        NavLink("Users", "/admin/users"),
    ]


def start_page(principal: Principal) -> str | None:
    """Operators start at the registry of gminy."""
    return "/admin/gminy" if principal.has_role(Role.OPERATOR) else None
