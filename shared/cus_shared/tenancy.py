"""Tenant context: from the authenticated membership to a transaction that runs under the
gmina's own database role and schema.

Only :func:`resolve_tenant` makes a :class:`TenantContext`, and only
:func:`open_tenant_session` makes a :class:`TenantSession`; repositories take a
``TenantSession``, never a schema name, so holding one proves the checks ran.

Everything is set with transaction-scoped settings (``set_config(..., true)``), so a
connection returned to the pool, or handed on by a transaction-pooling PgBouncer, keeps
nothing of the tenant.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from uuid import UUID

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from cus_shared.database.naming import quote_ident, tenant_role, tenant_schema
from cus_shared.errors import DomainError, NotFoundError
from cus_shared.identifiers.teryt import Teryt, TerytError, parse_teryt

# Runtime imports: Litestar inspects these dataclasses' annotations when injecting them.
from cus_shared.identity.principal import Principal
from cus_shared.identity.roles import Role, Scope

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from sqlalchemy.ext.asyncio import async_sessionmaker

_SEAL = object()

#: One statement, one round trip, one SQL text for every tenant: switch role and schema for
#: this transaction only and read the gmina's status from the registry's directory view.
_ENTER_TENANT = text(
    "SELECT set_config('role', :role, true), "
    "set_config('search_path', :search_path, true), "
    "set_config('lock_timeout', :lock_timeout, true), "
    "(SELECT status FROM shared.tenant_directory WHERE teryt = :teryt)"
)

_ENTER_SERVICE = text(
    "SELECT set_config('role', :role, true), set_config('search_path', :search_path, true)"
)


class TenantSuspendedError(DomainError):
    """The gmina exists and the caller belongs to it, but it is suspended."""

    status_code = 403
    code = "gmina.suspended"


@dataclass(frozen=True, slots=True)
class TenantContext:
    """A gmina the caller was authorised to act in, with the roles they hold there."""

    teryt: Teryt
    schema: str
    db_role: str
    principal: Principal
    roles: frozenset[Role]
    request_id: str
    _seal: object = field(repr=False, compare=False)
    #: Set when partner staff act in the gmina: the organisations whose referrals they may
    #: see (and nothing else of the gmina's data).
    partner_ids: frozenset[UUID] = frozenset()

    def __post_init__(self) -> None:
        if self._seal is not _SEAL:
            raise TypeError("TenantContext is made by resolve_tenant only")

    @property
    def is_partner(self) -> bool:
        """Whether the caller is a partner's staff member rather than CUS staff."""
        return bool(self.partner_ids)


def resolve_tenant(principal: Principal, raw_teryt: str, *, request_id: str) -> TenantContext:
    """Authorise the caller for a gmina: unknown, malformed or foreign gminy all answer 404."""
    try:
        teryt = parse_teryt(raw_teryt)
    except TerytError:
        raise NotFoundError("not_found") from None
    roles = principal.roles_in(teryt)
    if not roles:
        raise NotFoundError("not_found")
    return TenantContext(
        teryt=teryt,
        schema=tenant_schema(teryt),
        db_role=tenant_role(teryt),
        principal=principal,
        roles=roles,
        request_id=request_id,
        _seal=_SEAL,
    )


def resolve_partner_tenant(
    principal: Principal, raw_teryt: str, *, request_id: str
) -> TenantContext:
    """Authorise partner staff for a gmina, for their organisations' referrals only.

    The token names the gminy each organisation serves under a contract; the tenant session
    checks it again in the gmina's own view of its contracts."""
    try:
        teryt = parse_teryt(raw_teryt)
    except TerytError:
        raise NotFoundError("not_found") from None
    # Only the organisations that serve this gmina (resolved at login from the contracts).
    partner_ids = frozenset(
        UUID(m.scope_id)
        for m in principal.memberships
        if m.scope is Scope.PARTNER
        and m.role is Role.PARTNER_STAFF
        and teryt in principal.partner_gminy.get(m.scope_id, ())
    )
    if not partner_ids:
        raise NotFoundError("not_found")
    return TenantContext(
        teryt=teryt,
        schema=tenant_schema(teryt),
        db_role=tenant_role(teryt),
        principal=principal,
        roles=frozenset({Role.PARTNER_STAFF}),
        request_id=request_id,
        _seal=_SEAL,
        partner_ids=partner_ids,
    )


@dataclass(frozen=True, slots=True)
class TenantSession:
    """An open transaction running as the tenant's role in the tenant's schema."""

    tenant: TenantContext
    session: AsyncSession
    _seal: object = field(repr=False, compare=False)

    def __post_init__(self) -> None:
        if self._seal is not _SEAL:
            raise TypeError("TenantSession is made by open_tenant_session only")


@asynccontextmanager
async def open_tenant_session(
    sessionmaker: async_sessionmaker[AsyncSession],
    tenant: TenantContext,
    *,
    lock_timeout_ms: int = 5000,
) -> AsyncIterator[TenantSession]:
    """A transaction bound to the tenant; commits on success, rolls back on any error."""
    async with sessionmaker() as session, session.begin():
        status = (
            await session.execute(
                _ENTER_TENANT,
                {
                    "role": tenant.db_role,
                    "search_path": quote_ident(tenant.schema),
                    "lock_timeout": f"{lock_timeout_ms}ms",
                    "teryt": tenant.teryt,
                },
            )
        ).one()[3]
        if status is None or status == "provisioning":
            raise NotFoundError("not_found")
        if status != "active":
            raise TenantSuspendedError("gmina.suspended")
        yield TenantSession(tenant=tenant, session=session, _seal=_SEAL)


async def enter_role(
    connection: AsyncConnection | AsyncSession, *, db_role: str, schema: str
) -> None:
    """Switch the open transaction to a role and schema (transaction-scoped, pooler-safe)."""
    await connection.execute(_ENTER_SERVICE, {"role": db_role, "search_path": quote_ident(schema)})


@asynccontextmanager
async def open_service_session(
    sessionmaker: async_sessionmaker[AsyncSession], *, db_role: str, schema: str
) -> AsyncIterator[AsyncSession]:
    """A transaction under a service's runtime role (not a tenant's)."""
    async with sessionmaker() as session, session.begin():
        await enter_role(session, db_role=db_role, schema=schema)
        yield session
