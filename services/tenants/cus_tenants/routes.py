"""The tenants service's router, mounted at /api/tenants."""

from __future__ import annotations

from litestar import Router

from cus_tenants.agreements.routes import AgreementController
from cus_tenants.budgets.routes import ROUTES as BUDGET_ROUTES
from cus_tenants.catalogue.routes import ROUTES as CATALOGUE_ROUTES
from cus_tenants.contracts.routes import ROUTES as CONTRACT_ROUTES
from cus_tenants.gminy.routes import GminaController
from cus_tenants.identity.routes import AuthController, UserController
from cus_tenants.partners.routes import ROUTES as PARTNER_ROUTES
from cus_tenants.programmes.routes import ROUTES as PROGRAMME_ROUTES


def build_router() -> Router:
    """All routes of the tenants service."""
    return Router(
        path="/api/tenants",
        route_handlers=[
            GminaController,
            AgreementController,
            AuthController,
            UserController,
            *CATALOGUE_ROUTES,
            *PROGRAMME_ROUTES,
            *PARTNER_ROUTES,
            *CONTRACT_ROUTES,
            *BUDGET_ROUTES,
        ],
    )
