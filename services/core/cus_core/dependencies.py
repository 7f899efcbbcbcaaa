"""Tenancy dependencies of core's routes: the only way a handler gets a tenant session."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

from litestar import Request
from litestar.di import NamedDependency
from litestar.params import FromPath

from cus_shared.database.runtime import Database
from cus_shared.identity.guards import principal_of
from cus_shared.telemetry import tag_current_span
from cus_shared.tenancy import TenantContext, TenantSession, open_tenant_session, resolve_tenant


async def provide_tenant(request: Request[Any, Any, Any], teryt: FromPath[str]) -> TenantContext:
    """Authorise the caller for the gmina in the path (404 when not theirs)."""
    tenant = resolve_tenant(
        principal_of(request), teryt, request_id=str(request.scope["state"].get("request_id", ""))
    )
    tag_current_span(tenant=tenant.teryt)
    return tenant


async def provide_tenant_session(
    request: Request[Any, Any, Any], tenant: NamedDependency[TenantContext]
) -> AsyncGenerator[TenantSession, None]:
    """A transaction under the gmina's role and schema, committed before the response."""
    db: NamedDependency[Database] = request.app.state.db
    async with open_tenant_session(
        db.sessions, tenant, lock_timeout_ms=db.settings.database.lock_timeout_ms
    ) as session:
        yield session
