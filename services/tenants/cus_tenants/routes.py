"""The tenants service's router, mounted at /api/tenants."""

from __future__ import annotations

from litestar import Router

from cus_tenants.agreements.routes import AgreementController
from cus_tenants.gminy.routes import GminaController
from cus_tenants.identity.routes import AuthController, UserController


def build_router() -> Router:
    """All routes of the tenants service."""
    return Router(
        path="/api/tenants",
        route_handlers=[GminaController, AgreementController, AuthController, UserController],
    )
