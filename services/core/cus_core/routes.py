"""Core's router, mounted at /api/core. Every route under it is tenant-scoped."""

from __future__ import annotations

from litestar import Router
from litestar.di import Provide

from cus_core.dependencies import provide_tenant, provide_tenant_session
from cus_core.residents.routes import ResidentController


def build_router() -> Router:
    """All routes of core, with the tenancy dependencies."""
    return Router(
        path="/api/core",
        route_handlers=[ResidentController],
        dependencies={
            "tenant": Provide(provide_tenant),
            "db": Provide(provide_tenant_session),
        },
    )
