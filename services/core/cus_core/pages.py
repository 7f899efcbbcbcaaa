"""Core's pages: each gmina's desk (the start page of CUS staff), the resident register, and
the partner inbox. Every gmina page runs in that gmina's tenant session, like the API."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from litestar import Request, Response, Router, get
from litestar.di import Provide
from litestar.response import Redirect

from cus_core.dependencies import provide_tenant, provide_tenant_session
from cus_shared.errors import NotFoundError
from cus_shared.identity.guards import principal_of
from cus_shared.identity.roles import CUS_STAFF_ROLES, Role
from cus_shared.web.navigation import NavLink

#: Who works on residents' cases (applications, plans, referrals, complaints).
CASE_ROLES = frozenset({Role.DIRECTOR, Role.OUS, Role.KIPUS})
#: Who organises the local community (volunteers, groups, events).
COMMUNITY_ROLES = frozenset({Role.DIRECTOR, Role.OSL})

if TYPE_CHECKING:
    from cus_shared.identity.principal import Principal
    from cus_shared.web.navigation import PageContext


@get("/gminy/switch", name="gmina-switch")
async def switch_gmina(request: Request[Any, Any, Any]) -> Response[Any]:
    """The gmina switcher: go to the desk of the chosen gmina (404 when it is not theirs)."""
    teryt = request.query_params.get("teryt", "")
    if not teryt:
        # "Switch" pressed before choosing: stay where the person starts.
        return Redirect(path="/", status_code=303)
    if not principal_of(request).roles_in(teryt):
        raise NotFoundError("not_found")
    return Redirect(path=f"/gminy/{teryt}/", status_code=303)


def build_pages() -> Router:
    """All pages of core, with the same tenancy dependencies as its API."""
    from cus_core.applications.pages import PAGES as APPLICATION_PAGES
    from cus_core.community.pages import PAGES as COMMUNITY_PAGES
    from cus_core.complaints.pages import PAGES as COMPLAINT_PAGES
    from cus_core.desk.pages import DeskPages, choose_gmina
    from cus_core.partner_inbox.pages import PAGES as PARTNER_INBOX_PAGES
    from cus_core.partner_reports.pages import PAGES as PARTNER_REPORT_PAGES
    from cus_core.plans.pages import PAGES as PLAN_PAGES
    from cus_core.privacy.pages import PAGES as PRIVACY_PAGES
    from cus_core.referrals.pages import PAGES as REFERRAL_PAGES
    from cus_core.residents.pages import ResidentPages

    return Router(
        path="/",
        route_handlers=[
            switch_gmina,
            choose_gmina,
            DeskPages,
            ResidentPages,
            *APPLICATION_PAGES,
            *PLAN_PAGES,
            *REFERRAL_PAGES,
            *COMPLAINT_PAGES,
            *COMMUNITY_PAGES,
            *PRIVACY_PAGES,
            *PARTNER_INBOX_PAGES,
            *PARTNER_REPORT_PAGES,
        ],
        dependencies={
            "tenant": Provide(provide_tenant),
            "db": Provide(provide_tenant_session),
        },
    )


def navigation(context: PageContext) -> list[NavLink]:
    """The desk and the register of the gmina shown (or of the only one); the partner inbox."""
    links: list[NavLink] = []
    principal = context.principal
    teryt = context.teryt or (
        next(iter(principal.tenant_roles)) if len(principal.tenant_roles) == 1 else None
    )
    roles = principal.roles_in(teryt) if teryt else frozenset()
    if teryt and roles & CUS_STAFF_ROLES:
        base = f"/gminy/{teryt}"
        links.append(NavLink("Desk", f"{base}/", active_prefix=f"{base}/$"))
        links.append(NavLink("Residents", f"{base}/residents"))
        if roles & CASE_ROLES:
            links.append(NavLink("Caseload", f"{base}/caseload"))
            links.append(NavLink("Applications", f"{base}/applications"))
            links.append(NavLink("Referrals", f"{base}/referrals"))
            links.append(NavLink("Complaints", f"{base}/complaints"))
            links.append(NavLink("Partners' reports", f"{base}/partner-reports"))
        if roles & COMMUNITY_ROLES:
            links.append(NavLink("Community", f"{base}/community"))
    elif principal.tenant_roles:
        links.append(NavLink("My gminy", "/gminy/"))
    if principal.has_role(Role.PARTNER_STAFF):
        links.append(NavLink("Referrals inbox", "/partner/inbox"))
        if context.teryt and context.teryt in principal.served_gminy:
            links.append(NavLink("Quarterly reports", f"/partner/gminy/{context.teryt}/reports"))
    return links


def start_page(principal: Principal) -> str | None:
    """CUS staff start at their gmina's desk (or choose among several); partners at the inbox."""
    gminy = [t for t, roles in principal.tenant_roles.items() if roles & CUS_STAFF_ROLES]
    if len(gminy) == 1:
        return f"/gminy/{gminy[0]}/"
    if gminy:
        return "/gminy/"
    if principal.has_role(Role.PARTNER_STAFF):
        return "/partner/inbox"
    return None
