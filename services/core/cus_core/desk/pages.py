"""Pages of the gmina desk (start page of CUS staff) and of choosing a gmina."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.response import Template

from cus_shared.i18n.language import gettext as _
from cus_shared.identity.guards import principal_of, require_tenant_roles
from cus_shared.identity.roles import CUS_STAFF_ROLES
from cus_shared.tenancy import TenantSession
from cus_shared.web.pages import render

DESK_READERS = require_tenant_roles(*CUS_STAFF_ROLES)


@get("/gminy/", name="gmina-choice")
async def choose_gmina(request: Request[Any, Any, Any]) -> Template:
    """The gminy a person works in, to choose one (people in several gminy start here)."""
    principal = principal_of(request)
    return render(request, "core/desk/choose.html", title=_("Your gminy"), principal=principal)


class DeskPages(Controller):
    """The desk of one gmina."""

    path = "/gminy/{teryt:str}"
    opt = {"tenant_scoped": True, "audited": True}

    @get("/", guards=[DESK_READERS])
    async def desk(
        self, request: Request[Any, Any, Any], db: NamedDependency[TenantSession]
    ) -> Template:
        """What the person's role needs first in this gmina."""
        tenant = db.tenant
        name = tenant.principal.gmina_names.get(tenant.teryt, tenant.teryt)
        return render(
            request,
            "core/desk/desk.html",
            title=_("Desk: %(gmina)s", gmina=name),
            teryt=tenant.teryt,
        )
