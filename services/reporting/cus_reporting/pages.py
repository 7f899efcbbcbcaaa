"""The reporting service's pages: the regional start page of ROPS supervisors.

Indicators and their snapshots arrive with the reporting issue; the page already shows the
person's regions and says plainly that no snapshot has been computed yet.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from litestar import Request, Router, get
from litestar.response import Template

from cus_shared.i18n.language import gettext as _
from cus_shared.identifiers.teryt import VOIVODESHIPS
from cus_shared.identity.guards import principal_of, require_roles
from cus_shared.identity.roles import Role
from cus_shared.web.navigation import NavLink
from cus_shared.web.pages import render

if TYPE_CHECKING:
    from cus_shared.identity.principal import Principal
    from cus_shared.web.navigation import PageContext


@get("/reports", guards=[require_roles(Role.ROPS_SUPERVISOR, Role.OPERATOR)], name="reports")
async def regional_reports(request: Request[Any, Any, Any]) -> Template:
    """The regions whose anonymised reports the person may see."""
    principal = principal_of(request)
    codes = VOIVODESHIPS.keys() if principal.has_role(Role.OPERATOR) else principal.regions
    regions = [(code, VOIVODESHIPS[code]) for code in sorted(codes)]
    return render(request, "reporting/reports.html", title=_("Regional reports"), regions=regions)


def build_pages() -> Router:
    """All pages of the reporting service."""
    return Router(path="/", route_handlers=[regional_reports])


def navigation(context: PageContext) -> list[NavLink]:
    """Regional reports for ROPS supervisors (and operators)."""
    if context.principal.has_role(Role.ROPS_SUPERVISOR, Role.OPERATOR):
        return [NavLink("Regional reports", "/reports")]
    return []


def start_page(principal: Principal) -> str | None:
    """ROPS supervisors start at their region's reports."""
    return "/reports" if principal.has_role(Role.ROPS_SUPERVISOR) else None
