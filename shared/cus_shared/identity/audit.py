"""The audit of authentication: logins, failures, lockouts, second-factor failures, logouts,
ended sessions, and authorisation refusals (403, and 404 where a gmina was out of the
caller's reach) in every service. One table, ``shared.auth_event``; rows hold the user's id
or a keyed hash of the e-mail typed (never the address itself), the client address, the
route template (never the concrete path: it may hold ids) and the status; no personal data
of residents."""

from __future__ import annotations

import hashlib
import hmac
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from uuid import UUID

import structlog
from sqlalchemy import text

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

log = structlog.get_logger("cus.auth")


class AuthEventKind(StrEnum):
    """What happened."""

    LOGIN = "login"
    FAILURE = "failure"
    LOCKOUT = "lockout"
    MFA_FAILURE = "mfa_failure"
    MFA_ENROLLED = "mfa_enrolled"
    RECOVERY_CODE_USED = "recovery_code_used"
    LOGOUT = "logout"
    REVOKED = "revoked"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 - an event name, not a secret
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"


_INSERT = text(
    "INSERT INTO shared.auth_event "
    "(id, kind, user_id, email_hash, address, route, status, occurred_at) "
    "VALUES (gen_random_uuid(), :kind, :user_id, :email_hash, :address, :route, :status, now())"
)


def email_hash(secret: str, email: str) -> str:
    """A keyed hash of an e-mail address as typed (lower case): failures of one address can be
    told apart without the audit holding the address."""
    key = hashlib.sha256(b"cus-auth-event:" + secret.encode()).digest()
    return hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()[:32]


async def record(
    target: AsyncConnection | AsyncSession,
    kind: AuthEventKind,
    *,
    user_id: UUID | None = None,
    email_digest: str | None = None,
    address: str | None = None,
    route: str | None = None,
    status: int | None = None,
) -> None:
    """Add an event in the caller's transaction."""
    await target.execute(
        _INSERT,
        {
            "kind": kind.value,
            "user_id": user_id,
            "email_hash": email_digest,
            "address": (address or "")[:64] or None,
            "route": (route or "")[:200] or None,
            "status": status,
        },
    )


async def record_refusal(engine: AsyncEngine, scope: dict[str, Any], status: int) -> None:
    """Record a 403, or a 404 given to a person for a gmina outside their reach, of any
    service (called when the response starts; a failure to record is logged, never raised)."""
    from cus_shared.identity.principal import Principal

    user = scope.get("user")
    if not isinstance(user, Principal):
        return
    if status == 404:
        teryt = str((scope.get("path_params") or {}).get("teryt", ""))
        if not teryt or user.roles_in(teryt) or teryt in user.served_gminy:
            return
    route = str(scope.get("path_template") or "")
    client = scope.get("client")
    kind = AuthEventKind.FORBIDDEN if status == 403 else AuthEventKind.NOT_FOUND
    try:
        async with engine.begin() as conn:
            await record(
                conn,
                kind,
                user_id=user.user_id,
                address=str(client[0]) if client else None,
                route=route,
                status=status,
            )
    except Exception as exc:  # the audit must not turn a refusal into a server error
        log.warning("auth_event_not_recorded", error_type=type(exc).__name__, route=route)
