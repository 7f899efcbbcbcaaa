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

from litestar.security.jwt import JWTAuth, Token

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
) -> tuple[str, datetime]:
    """Sign a token for the user; returns it with its expiry."""
    expires = datetime.now(UTC) + timedelta(minutes=settings.token_minutes)
    token = Token(
        exp=expires,
        sub=str(user_id),
        iss=settings.issuer,
        jti=secrets.token_urlsafe(16),
        extras={
            "mem": [[m.scope.value, m.scope_id, m.role.value] for m in memberships],
            "ten": {t: sorted(r.value for r in roles) for t, roles in tenant_roles.items()},
        },
    )
    return token.encode(settings.secret.get_secret_value(), ALGORITHM), expires


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
        user_id=UUID(token.sub), session_id=jti, memberships=memberships, tenant_roles=tenant_roles
    )


async def _retrieve_principal(
    token: Token, _: ASGIConnection[Any, Any, Any, Any]
) -> Principal | None:
    try:
        return principal_from_token(token)
    except (ValueError, TypeError):
        return None


def make_jwt_auth(settings: AuthSettings, *, exclude: list[str]) -> JWTAuth[Principal, Token]:
    """Litestar's JWT middleware configured for the platform's tokens."""
    return JWTAuth[Principal, Token](
        token_secret=settings.secret.get_secret_value(),
        retrieve_user_handler=_retrieve_principal,
        algorithm=ALGORITHM,
        accepted_issuers=[settings.issuer],
        require_claims=["jti"],
        exclude=exclude,
        default_token_expiration=timedelta(minutes=settings.token_minutes),
    )
