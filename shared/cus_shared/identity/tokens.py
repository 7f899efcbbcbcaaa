"""Short-lived signed access tokens (Litestar's JWT support, HS256) carrying memberships.

The tenants service issues them; every service verifies them with the shared secret and
builds the :class:`Principal` from the claims alone, checking only the list of ended sessions
(cached, see :mod:`cus_shared.identity.revocation`). Token times are wall-clock times, as JWT
libraries check them, not the platform clock tests move (``cus_shared.clock``).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

from litestar.security.jwt import Token

from cus_shared.identity import revocation
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
    session_id: str | None = None,
    methods: Sequence[str] = ("pwd",),
) -> tuple[str, datetime]:
    """Sign a token for the user; returns it with its expiry. ``session_id`` names the login
    session (kept by renewals, so it can be ended); ``methods`` are the authentication methods
    used (RFC 8176: ``pwd``, ``otp``)."""
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
            "auth_ms": int(now.timestamp() * 1000),
            "sid": session_id or secrets.token_urlsafe(16),
            "amr": list(methods),
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
        session_id=str(extras.get("sid") or jti),
        memberships=memberships,
        tenant_roles=tenant_roles,
        display_name=str(extras.get("name", "")),
        gmina_names={str(k): str(v) for k, v in dict(extras.get("gn", {})).items()},
        partner_names={str(k): str(v) for k, v in dict(extras.get("pn", {})).items()},
        partner_gminy={
            str(k): tuple(str(t) for t in v) for k, v in dict(extras.get("pg", {})).items()
        },
    )


def auth_time_of(token: Token) -> datetime:
    """When the session of a token began (its login), to the millisecond when known."""
    millis = token.extras.get("auth_ms")
    if isinstance(millis, int):
        return datetime.fromtimestamp(millis / 1000, UTC)
    return datetime.fromtimestamp(int(token.extras.get("auth_time", 0)), UTC)


async def retrieve_principal(
    token: Token, connection: ASGIConnection[Any, Any, Any, Any]
) -> Principal | None:
    """The principal of a verified token for Litestar's JWT middleware; None (401) when the
    token is malformed, past its expiry or its session's absolute end (both on the platform
    clock, so API tokens have an absolute end as page sessions do), or its session was ended
    (see :mod:`cus_shared.identity.revocation`)."""
    try:
        principal = principal_from_token(token)
    except (ValueError, TypeError):
        return None
    settings = getattr(connection.app.state, "settings", None)
    now = datetime.now(UTC)
    if token.exp <= now:
        return None
    started = auth_time_of(token)
    # API tokens (Authorization header) are refused from the absolute end on; a page
    # session's token is never renewed past it (renew_token) and lapses by its expiry.
    absolute = timedelta(hours=settings.web.absolute_hours) if settings is not None else None
    if (
        absolute is not None
        and connection.headers.get("authorization")
        and now - started >= absolute
    ):
        return None
    db = getattr(connection.app.state, "db", None)
    if db is not None:
        refresh = settings.auth.revocation_refresh_seconds if settings is not None else 2.0
        if await revocation.is_revoked(
            db.app_engine,
            user_id=principal.user_id,
            session_id=principal.session_id,
            auth_time=started,
            max_age=refresh,
        ):
            return None
    return principal
