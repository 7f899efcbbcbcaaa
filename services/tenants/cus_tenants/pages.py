"""The tenants service's pages: logging in and out, and the operator's administration of
gminy, agreements and users; the navigation of the shared planning. Also what those pages
share: names of statuses and gmina types, and field problems of the API moved onto a form's
fields (role and scope names are in cus_shared.web.labels)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from litestar import Router
from pydantic import ValidationError

from cus_shared.errors import DomainError, FieldProblem
from cus_shared.i18n.language import N_
from cus_shared.identity.roles import CUS_STAFF_ROLES, Role
from cus_shared.web.forms import form_errors, problems_from_validation
from cus_shared.web.navigation import NavLink
from cus_tenants.gminy.models import GminaStatus

if TYPE_CHECKING:
    from collections.abc import Callable

    from cus_shared.identity.principal import Principal
    from cus_shared.web.forms import FormErrors
    from cus_shared.web.navigation import PageContext


#: A gmina's lifecycle.
STATUS_LABELS: dict[str, str] = {
    GminaStatus.PROVISIONING.value: N_("Being provisioned"),
    GminaStatus.ACTIVE.value: N_("Active"),
    GminaStatus.SUSPENDED.value: N_("Suspended"),
    GminaStatus.ARCHIVED.value: N_("Archived"),
}

#: Kinds of gmina by the last digit of the TERYT code.
GMINA_TYPE_LABELS: dict[str, str] = {
    "1": N_("Urban gmina"),
    "2": N_("Rural gmina"),
    "3": N_("Urban-rural gmina"),
}


def errors_on_form(
    error: DomainError | ValidationError,
    field_of: Callable[[FieldProblem], FieldProblem | None] = lambda p: p,
) -> FormErrors:
    """The API's problems (pydantic's or the service's) as messages next to a form's fields.

    ``field_of`` moves a problem onto the form's field (the API's ``members[0].teryt`` is the
    form's ``members``) or drops it (None); a message repeated for one field is shown once.
    """
    if isinstance(error, DomainError) and not error.problems:
        return form_errors(error)
    if isinstance(error, ValidationError):
        found = problems_from_validation(error)
    else:
        found = error.problems
    moved: list[FieldProblem] = []
    for problem in found:
        target = field_of(problem)
        if target is not None and target not in moved:
            moved.append(target)
    return form_errors(moved)


def build_pages() -> Router:
    """All pages of the tenants service."""
    from cus_tenants.agreements.pages import AgreementPages
    from cus_tenants.budgets.pages import PAGES as BUDGET_PAGES
    from cus_tenants.catalogue.pages import PAGES as CATALOGUE_PAGES
    from cus_tenants.contracts.pages import PAGES as CONTRACT_PAGES
    from cus_tenants.gminy.pages import GminaPages
    from cus_tenants.identity.pages import LoginPages, UserPages
    from cus_tenants.partners.pages import PAGES as PARTNER_PAGES
    from cus_tenants.programmes.pages import PAGES as PROGRAMME_PAGES

    return Router(
        path="/",
        route_handlers=[
            LoginPages,
            GminaPages,
            AgreementPages,
            UserPages,
            *CATALOGUE_PAGES,
            *PROGRAMME_PAGES,
            *PARTNER_PAGES,
            *CONTRACT_PAGES,
            *BUDGET_PAGES,
        ],
    )


def navigation(context: PageContext) -> list[NavLink]:
    """The operator's administration; what the agreement shares and plans for CUS staff."""
    links: list[NavLink] = []
    principal = context.principal
    if principal.has_role(Role.OPERATOR):
        links += [
            NavLink("Gminy", "/admin/gminy"),
            NavLink("Agreements", "/admin/agreements"),
            NavLink("Users", "/admin/users"),
            NavLink("Sign-in events", "/admin/auth-events/"),
        ]
    if principal.has_role(Role.PARTNER_ADMIN):
        links.append(NavLink("Staff", "/staff/"))
    if principal.has_role(Role.OPERATOR, *CUS_STAFF_ROLES):
        links += [
            NavLink("Services catalogue", "/catalogue"),
            NavLink("Programmes", "/programmes"),
            NavLink("Partners", "/partners"),
            NavLink("Contracts", "/contracts"),
        ]
    return links


def start_page(principal: Principal) -> str | None:
    """Operators start at the registry of gminy."""
    return "/admin/gminy" if principal.has_role(Role.OPERATOR) else None
