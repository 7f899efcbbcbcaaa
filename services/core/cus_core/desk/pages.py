"""Pages of the gmina desk (start page of CUS staff) and of choosing a gmina.

The desk shows each of the person's roles in the gmina its own panels, reading only what the
platform holds today (the register and its audit log). Names shown on the desk are audited
as list accesses, like every other read of personal data; counts are not personal data.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.response import Template

from cus_core.applications import service as applications
from cus_core.audit.service import AuditAction, access_counts, recent_entities_of
from cus_core.community import service as community
from cus_core.complaints import service as complaints
from cus_core.partner_inbox.pages import category_labels
from cus_core.partner_reports import service as partner_reports
from cus_core.plans import service as plans
from cus_core.plans.pages import due_labels, kind_labels
from cus_core.referrals import problems
from cus_core.residents import service as residents
from cus_core.residents.pages import action_labels, role_labels
from cus_shared import clock
from cus_shared.i18n.language import gettext as _
from cus_shared.identity.guards import require_tenant_roles
from cus_shared.identity.roles import CUS_STAFF_ROLES, Role
from cus_shared.tenancy import TenantSession
from cus_shared.web.pages import render

DESK_READERS = require_tenant_roles(*CUS_STAFF_ROLES)

#: "Recently" on the desk: residents a KIPUS worked with, and new registrations.
RECENT_DAYS = 30
#: The director's view of accesses to personal data.
ACCESS_DAYS = 7
RECENT_LIMIT = 10

_TOTALS_ROLES = frozenset({Role.DIRECTOR, Role.OUS, Role.OSL, Role.SOCIAL_ASSISTANCE_ORGANISER})
_WRITER_ROLES = frozenset({Role.DIRECTOR, Role.OUS, Role.KIPUS})
#: Who sees the qualification queue and the complaints' deadlines (with names) on the desk;
#: the director's desk stays aggregates only (the queue is one click away).
_QUALIFIER_ROLES = frozenset({Role.OUS})
_COMMUNITY_ROLES = frozenset({Role.DIRECTOR, Role.OSL})
_REPORT_ROLES = frozenset({Role.DIRECTOR, Role.OUS})
_CASE_ROLES = frozenset({Role.OUS, Role.KIPUS})
#: What a KIPUS's "recent residents" are made of: records opened, registered or changed.
_WORKED_WITH = (AuditAction.READ, AuditAction.CREATE, AuditAction.UPDATE)


@get("/gminy/", name="gmina-choice")
async def choose_gmina(request: Request[Any, Any, Any]) -> Template:
    """The gminy a person works in, to choose one (people in several gminy start here)."""
    return render(request, "core/desk/choose.html", title=_("Your gminy"))


class DeskPages(Controller):
    """The desk of one gmina."""

    path = "/gminy/{teryt:str}"
    opt = {"tenant_scoped": True, "audited": True}

    @get("/", guards=[DESK_READERS])
    async def desk(
        self, request: Request[Any, Any, Any], db: NamedDependency[TenantSession]
    ) -> Template:
        """What each of the person's roles needs first in this gmina."""
        tenant = db.tenant
        roles = tenant.roles
        now = datetime.now(UTC)
        context: dict[str, Any] = {
            "is_kipus": Role.KIPUS in roles,
            "is_ous": Role.OUS in roles,
            "is_osl": Role.OSL in roles,
            "is_organiser": Role.SOCIAL_ASSISTANCE_ORGANISER in roles,
            "is_director": Role.DIRECTOR in roles,
            "register_path": f"/gminy/{tenant.teryt}/residents",
            "can_write": bool(roles & _WRITER_ROLES),
            "recent_days": RECENT_DAYS,
            "access_days": ACCESS_DAYS,
        }
        if roles & _TOTALS_ROLES:
            count, recent = await residents.register_totals(
                db, since=now - timedelta(days=RECENT_DAYS)
            )
            context["totals"] = {"count": count, "recent": recent}
        if Role.KIPUS in roles:
            ids = await recent_entities_of(
                db,
                residents.ENTITY,
                tenant.principal.user_id,
                actions=_WORKED_WITH,
                since=now - timedelta(days=RECENT_DAYS),
                limit=RECENT_LIMIT,
            )
            context["my_recent"] = await residents.summaries_of(db, ids)
        if Role.KIPUS in roles:
            context["due_reviews"] = await plans.due_reviews(
                db, tenant.principal.user_id, limit=RECENT_LIMIT
            )
            context["review_kinds"] = kind_labels()
            context["due_names"] = due_labels()
        if Role.OUS in roles:
            context["newest"] = await residents.recently_registered(db, limit=RECENT_LIMIT)
        if roles & _QUALIFIER_ROLES:
            context["queue"] = await applications.qualification_queue(db, limit=RECENT_LIMIT)
            context["complaints_due"] = await complaints.complaints_due(db, limit=RECENT_LIMIT)
        if roles & _CASE_ROLES:
            # Partners report problems "without delay": the CUS sees them first thing.
            context["problems"] = await problems.open_problems(db, limit=RECENT_LIMIT)
            context["problem_kinds"] = category_labels()
        if roles & _REPORT_ROLES:
            # Partners' reports hold counts only: the director's desk shows them too.
            context["reports_to_review"] = await partner_reports.reports_to_review(db)
            context["reports_late"] = await partner_reports.reports_overdue(db)
        if roles & _COMMUNITY_ROLES:
            context["community"] = await community.summary(db, clock.today().year)
        if Role.DIRECTOR in roles:
            counts = await access_counts(db, since=now - timedelta(days=ACCESS_DAYS))
            context["access"] = counts
            context["action_names"] = action_labels()
            context["role_names"] = role_labels()
        name = tenant.principal.gmina_names.get(tenant.teryt, tenant.teryt)
        return render(
            request,
            "core/desk/desk.html",
            title=_("Desk: %(gmina)s", gmina=name),
            teryt=tenant.teryt,
            **context,
        )
