"""Core's router, mounted at /api/core. Every route under it is tenant-scoped."""

from __future__ import annotations

from litestar import Router
from litestar.di import Provide

from cus_core.applications.routes import ROUTES as APPLICATION_ROUTES
from cus_core.community.routes import ROUTES as COMMUNITY_ROUTES
from cus_core.complaints.routes import ROUTES as COMPLAINT_ROUTES
from cus_core.dependencies import provide_tenant, provide_tenant_session
from cus_core.partner_inbox.routes import ROUTES as PARTNER_INBOX_ROUTES
from cus_core.partner_reports.routes import ROUTES as PARTNER_REPORT_ROUTES
from cus_core.plans.routes import ROUTES as PLAN_ROUTES
from cus_core.privacy.routes import ROUTES as PRIVACY_ROUTES
from cus_core.referrals.routes import ROUTES as REFERRAL_ROUTES
from cus_core.residents.routes import ResidentController


def build_router() -> Router:
    """All routes of core, with the tenancy dependencies."""
    return Router(
        path="/api/core",
        route_handlers=[
            ResidentController,
            *APPLICATION_ROUTES,
            *PLAN_ROUTES,
            *REFERRAL_ROUTES,
            *COMPLAINT_ROUTES,
            *COMMUNITY_ROUTES,
            *PRIVACY_ROUTES,
            *PARTNER_INBOX_ROUTES,
            *PARTNER_REPORT_ROUTES,
        ],
        dependencies={
            "tenant": Provide(provide_tenant),
            "db": Provide(provide_tenant_session),
        },
    )
