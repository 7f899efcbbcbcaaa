"""Tenancy dependencies of the partner's side of one gmina: partner staff act in a gmina
only for their organisations' referrals, and only when an organisation of theirs serves the
gmina under a contract (checked in the gmina's own view of its contracts)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

from litestar import Request
from litestar.di import NamedDependency
from litestar.params import FromPath

from cus_core.offer.service import contracts_of_partners
from cus_shared.database.runtime import Database
from cus_shared.errors import NotFoundError
from cus_shared.identity.guards import principal_of
from cus_shared.telemetry import tag_current_span
from cus_shared.tenancy import (
    TenantContext,
    TenantSession,
    open_tenant_session,
    resolve_partner_tenant,
)


async def provide_partner_tenant(
    request: Request[Any, Any, Any], teryt: FromPath[str]
) -> TenantContext:
    """Authorise partner staff for the gmina in the path (404 when they have no partner)."""
    tenant = resolve_partner_tenant(
        principal_of(request), teryt, request_id=str(request.scope["state"].get("request_id", ""))
    )
    tag_current_span(tenant=tenant.teryt)
    return tenant


async def provide_partner_session(
    request: Request[Any, Any, Any], tenant: NamedDependency[TenantContext]
) -> AsyncGenerator[TenantSession, None]:
    """A transaction in the gmina's schema, or 404 unless one of the caller's organisations
    serves the gmina under a contract."""
    db: NamedDependency[Database] = request.app.state.db
    async with open_tenant_session(
        db.sessions, tenant, lock_timeout_ms=db.settings.database.lock_timeout_ms
    ) as session:
        if not await contracts_of_partners(session, tenant.partner_ids):
            raise NotFoundError("not_found")
        yield session
