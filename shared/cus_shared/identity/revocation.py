"""Ended sessions, checked by every service on every request without a database round trip.

Tokens are stateless JWTs, so ending a session before its token expires needs a list every
service reads: ``shared.session_revocation`` (written by the tenants service when a user is
disabled, loses a role, changes their password or logs out; readable by the app login role).
A row either ends one session (``session_id``) or every session of a user that began at or
before ``revoked_before``. Each process keeps the live rows in memory and re-reads them when
they are older than ``CUS_AUTH_REVOCATION_REFRESH_SECONDS`` (2 s), so a revocation takes
effect everywhere within that time.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from uuid import UUID

from sqlalchemy import text

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

_LIVE = text(
    "SELECT user_id, session_id, revoked_before FROM shared.session_revocation "
    "WHERE expires_at > now()"
)
_INSERT = text(
    "INSERT INTO shared.session_revocation "
    "(id, user_id, session_id, revoked_before, reason, expires_at) "
    "VALUES (gen_random_uuid(), :user_id, :session_id, :revoked_before, :reason, :expires_at)"
)


@dataclass
class _Snapshot:
    loaded_at: float = float("-inf")
    users: dict[UUID, datetime] = field(default_factory=dict)
    sessions: set[str] = field(default_factory=set)


_snapshot = _Snapshot()
_lock = asyncio.Lock()


def clear_cache() -> None:
    """Forget what was read, so that the next check reads the table (tests, after a write)."""
    global _snapshot
    _snapshot = _Snapshot()


async def _refresh(engine: AsyncEngine, max_age: float) -> _Snapshot:
    global _snapshot
    if time.monotonic() - _snapshot.loaded_at < max_age:
        return _snapshot
    async with _lock:
        if time.monotonic() - _snapshot.loaded_at < max_age:
            return _snapshot
        fresh = _Snapshot(loaded_at=time.monotonic())
        async with engine.connect() as conn:
            for user_id, session_id, revoked_before in await conn.execute(_LIVE):
                if session_id:
                    fresh.sessions.add(str(session_id))
                else:
                    known = fresh.users.get(user_id)
                    fresh.users[user_id] = max(known, revoked_before) if known else revoked_before
        _snapshot = fresh
        return fresh


async def is_revoked(
    engine: AsyncEngine,
    *,
    user_id: UUID,
    session_id: str,
    auth_time: datetime,
    max_age: float = 2.0,
) -> bool:
    """Whether the session was ended (by id, or by ending all the user's sessions begun at or
    before a moment)."""
    snapshot = await _refresh(engine, max_age)
    if session_id in snapshot.sessions:
        return True
    before = snapshot.users.get(user_id)
    return before is not None and auth_time <= before


async def revoke(
    conn: AsyncConnection | AsyncSession,
    *,
    user_id: UUID,
    reason: str,
    until: datetime,
    session_id: str | None = None,
    revoked_before: datetime | None = None,
) -> None:
    """End one session or (``session_id`` None) every session of the user begun at or before
    ``revoked_before``; the row is kept until ``until`` (the longest a session can last).
    Runs in the caller's transaction. Times are wall-clock times, as tokens' are."""
    await conn.execute(
        _INSERT,
        {
            "user_id": user_id,
            "session_id": session_id,
            "revoked_before": revoked_before or datetime.now(UTC),
            "reason": reason,
            "expires_at": until,
        },
    )
