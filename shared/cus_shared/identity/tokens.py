"""Short-lived signed access tokens (Litestar's JWT support, HS256) carrying memberships.

The tenants service issues them; every service verifies them with the shared secret and
builds the :class:`Principal` from the claims alone, without a database lookup.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

from litestar.security.jwt import Token

from cus_shared.identity.principal import Membership, Principal
from cus_shared.identity.roles import Role, Scope

if TYPE_CHECKING:
    from collections.abc import Sequence

    from litestar.connection import ASGIConnection

    from cus_shared.settings import AuthSettings

ALGORITHM = "HS256"


def issue_token(
    settings: AuthSettings,
    *,
    user_id: UUID,
    memberships: Sequence[Membership],
    tenant_roles: Mapping[str, frozenset[Role]],
    display_name: str = "",
    gmina_names: Mapping[str, str] | None = None,
    partner_names: Mapping[str, str] | None = None,
    partner_gminy: Mapping[str, Sequence[str]] | None = None,
) -> tuple[str, datetime]:
    """Sign a token for the user; returns it with its expiry."""
    now = datetime.now(UTC)
    expires = now + timedelta(minutes=settings.token_minutes)
    token = Token(
        exp=expires,
        sub=str(user_id),
        iss=settings.issuer,
        jti=secrets.token_urlsafe(16),
        extras={
            "mem": [[m.scope.value, m.scope_id, m.role.value] for m in memberships],
            "ten": {t: sorted(r.value for r in roles) for t, roles in tenant_roles.items()},
            "name": display_name,
            "gn": dict(gmina_names or {}),
            "pn": dict(partner_names or {}),
            "pg": {p: sorted(g) for p, g in (partner_gminy or {}).items()},
            # When the person logged in: renewals keep it, so a session has an absolute end.
            "auth_time": int(now.timestamp()),
        },
    )
    return token.encode(settings.secret.get_secret_value(), ALGORITHM), expires


def renew_token(settings: AuthSettings, token: Token, *, absolute_limit: timedelta) -> str | None:
    """A fresh token with the same claims and a new expiry, for a page session still in use;
    None once the session has lasted ``absolute_limit`` since login."""
    now = datetime.now(UTC)
    started = datetime.fromtimestamp(int(token.extras.get("auth_time", 0)), UTC)
    if now - started >= absolute_limit:
        return None
    expires = min(now + timedelta(minutes=settings.token_minutes), started + absolute_limit)
    renewed = Token(
        exp=expires,
        sub=token.sub,
        iss=settings.issuer,
        jti=secrets.token_urlsafe(16),
        extras=dict(token.extras),
    )
    return renewed.encode(settings.secret.get_secret_value(), ALGORITHM)


def principal_from_token(token: Token) -> Principal:
    """Build the principal from a verified token's claims."""
    extras: dict[str, Any] = token.extras
    memberships = tuple(
        Membership(scope=Scope(scope), scope_id=str(scope_id), role=Role(role))
        for scope, scope_id, role in extras.get("mem", [])
    )
    tenant_roles = {
        str(teryt): frozenset(Role(r) for r in roles)
        for teryt, roles in dict(extras.get("ten", {})).items()
    }
    jti = token.jti if isinstance(token.jti, str) else ""
    return Principal(
        user_id=UUID(token.sub),
        session_id=jti,
        memberships=memberships,
        tenant_roles=tenant_roles,
        display_name=str(extras.get("name", "")),
        gmina_names={str(k): str(v) for k, v in dict(extras.get("gn", {})).items()},
        partner_names={str(k): str(v) for k, v in dict(extras.get("pn", {})).items()},
        partner_gminy={
            str(k): tuple(str(t) for t in v) for k, v in dict(extras.get("pg", {})).items()
        },
    )


async def retrieve_principal(
    token: Token, _: ASGIConnection[Any, Any, Any, Any]
) -> Principal | None:
    """The principal of a verified token for Litestar's JWT middleware (None if malformed)."""
    try:
        return principal_from_token(token)
    except (ValueError, TypeError):
        return None
