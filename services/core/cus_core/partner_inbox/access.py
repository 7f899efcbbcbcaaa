"""The partner's reach across gminy: every gmina its organisations serve, each opened in its
own transaction under that gmina's own database role (never one role reading several
gminy), a bounded number at a time so one person cannot take the whole connection pool."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from litestar import Request
from litestar.di import NamedDependency

from cus_core.offer.service import contracts_of_partners
from cus_shared.database.runtime import Database
from cus_shared.errors import DomainError, NotFoundError
from cus_shared.identity.guards import principal_of
from cus_shared.identity.principal import Principal
from cus_shared.tenancy import (
    TenantContext,
    TenantSession,
    open_tenant_session,
    resolve_partner_tenant,
)

T = TypeVar("T")

#: Gminy read at the same time for one request (each holds a pooled connection meanwhile).
GMINY_AT_ONCE = 8


@dataclass(frozen=True, slots=True)
class PartnerScope:
    """Who asks and which gminy their organisations serve (from the verified token)."""

    principal: Principal
    request_id: str

    @property
    def teryts(self) -> list[str]:
        """The served gminy, in a stable order."""
        return sorted(self.principal.served_gminy)

    def gmina_name(self, teryt: str) -> str:
        """The gmina's name as the token gives it (its TERYT code when unknown)."""
        return self.principal.gmina_names.get(teryt, teryt)

    def tenant(self, teryt: str) -> TenantContext:
        """The partner's tenant context in one gmina (404 when none of theirs serves it)."""
        return resolve_partner_tenant(self.principal, teryt, request_id=self.request_id)


@dataclass(frozen=True, slots=True)
class Unavailable:
    """A gmina that could not be opened, and why (a message key)."""

    key: str


@dataclass(frozen=True, slots=True)
class PartnerGminy:
    """Opens the served gminy one transaction each, under each gmina's own role."""

    scope: PartnerScope
    database: Database

    async def _in_gmina(
        self,
        tenant: TenantContext,
        work: Callable[[TenantSession], Awaitable[T]],
        limit: asyncio.Semaphore,
    ) -> T | Unavailable:
        async with limit:
            try:
                async with open_tenant_session(
                    self.database.sessions,
                    tenant,
                    lock_timeout_ms=self.database.settings.database.lock_timeout_ms,
                ) as db:
                    # Checked in the gmina's own view of its contracts, as per gmina.
                    if not await contracts_of_partners(db, tenant.partner_ids):
                        raise NotFoundError("not_found")
                    return await work(db)
            except DomainError as exc:
                return Unavailable(exc.key)

    async def each(
        self, teryts: Iterable[str], work: Callable[[TenantSession], Awaitable[T]]
    ) -> dict[str, T | Unavailable]:
        """Run ``work`` in every gmina given, in its own transaction (committed on success,
        rolled back on a refusal), at most :data:`GMINY_AT_ONCE` at a time."""
        limit = asyncio.Semaphore(GMINY_AT_ONCE)
        tenants: dict[str, TenantContext] = {}
        results: dict[str, T | Unavailable] = {}
        for teryt in teryts:
            try:
                tenants[teryt] = self.scope.tenant(teryt)
            except NotFoundError as exc:
                results[teryt] = Unavailable(exc.key)
        async with asyncio.TaskGroup() as group:
            tasks = {
                teryt: group.create_task(self._in_gmina(tenant, work, limit))
                for teryt, tenant in tenants.items()
            }
        results.update({teryt: task.result() for teryt, task in tasks.items()})
        return results


async def provide_partner_scope(request: Request[Any, Any, Any]) -> PartnerScope:
    """The caller's partner scope: every gmina their organisations serve."""
    return PartnerScope(
        principal=principal_of(request),
        request_id=str(request.scope["state"].get("request_id", "")),
    )


async def provide_partner_gminy(
    request: Request[Any, Any, Any], tenant: NamedDependency[PartnerScope]
) -> PartnerGminy:
    """Per-gmina transactions for the served gminy (opened on demand, one role each)."""
    database: Database = request.app.state.db
    return PartnerGminy(scope=tenant, database=database)
