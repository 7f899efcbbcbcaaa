"""The partner inbox page: referrals addressed to the person's organisation, across gminy.

Referrals arrive with the resident's journey (referrals to partners); until then the inbox
says plainly that nothing has been referred, rather than pretending otherwise.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.response import Template

from cus_shared.i18n.language import gettext as _
from cus_shared.identity.guards import require_roles
from cus_shared.identity.principal import Principal
from cus_shared.identity.roles import Role, Scope
from cus_shared.web.pages import render


@get("/partner/inbox", guards=[require_roles(Role.PARTNER_STAFF)], name="partner-inbox")
async def partner_inbox(request: Request[Any, Any, Any]) -> Template:
    """Referrals for the person's partner organisations (none can exist yet)."""
    principal: Principal = request.user
    partners = sorted(
        principal.partner_names.get(m.scope_id, m.scope_id)
        for m in principal.memberships
        if m.scope is Scope.PARTNER
    )
    return render(
        request, "core/partner_inbox/inbox.html", title=_("Referrals inbox"), partners=partners
    )


#: Page handlers of this context, mounted by cus_core.pages.
PAGES = [partner_inbox]
