"""Login throttling: after ``CUS_AUTH_ACCOUNT_FAILURE_LIMIT`` (5) consecutive failures an
account must wait 1 minute, then 2, 4, 8, … at most ``CUS_AUTH_LOCKOUT_MAX_MINUTES`` (15)
after each further failure; a success ends it. A client address gets the same after
``CUS_AUTH_ADDRESS_FAILURE_LIMIT`` (50) failures with no hour's pause. Accounts are keyed by
a hash of the e-mail as typed, so an unknown address behaves as a known one; while waiting,
no password is even checked, so a correct one is refused with the same answer. Nobody can
lock another person out for longer than the cap."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, ClassVar

from sqlalchemy import delete, select

from cus_shared.errors import DomainError
from cus_tenants.identity.models import LoginThrottle

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from cus_shared.settings import AuthSettings

#: An address's failures are forgotten after this long without one.
ADDRESS_MEMORY = timedelta(hours=1)


class LoginThrottledError(DomainError):
    """Too many failed logins: wait ``retry_after`` seconds (429 with Retry-After)."""

    status_code: ClassVar[int] = 429
    code: ClassVar[str] = "auth.throttled"

    def __init__(self, retry_after: int) -> None:
        self.retry_after = max(1, retry_after)
        super().__init__("auth.throttled", params={"minutes": math.ceil(self.retry_after / 60)})


def account_key(email_digest: str) -> str:
    """The throttle row of an account (hash of the e-mail typed)."""
    return f"acct:{email_digest}"


def address_key(address: str) -> str:
    """The throttle row of a client address."""
    return f"addr:{address[:64]}"


async def seconds_to_wait(session: AsyncSession, keys: list[str]) -> int:
    """How long the longest of the keys' waits still lasts (0: none)."""
    now = datetime.now(UTC)
    rows = await session.scalars(select(LoginThrottle).where(LoginThrottle.key.in_(keys)))
    waits = [(r.locked_until - now).total_seconds() for r in rows if r.locked_until]
    return math.ceil(max([0.0, *waits]))


def _wait(failures: int, limit: int, settings: AuthSettings) -> timedelta | None:
    if failures < limit:
        return None
    minutes = min(2 ** min(failures - limit, 10), settings.lockout_max_minutes)
    return timedelta(minutes=minutes)


async def record_failure(
    session: AsyncSession, settings: AuthSettings, *, account: str, address: str
) -> bool:
    """Count a failure of the account and the address; whether a wait began."""
    now = datetime.now(UTC)
    locked = False
    for key, limit in (
        (account, settings.account_failure_limit),
        (address, settings.address_failure_limit),
    ):
        row = await session.get(LoginThrottle, key, with_for_update=True)
        if row is None:
            row = LoginThrottle(key=key, failures=0)
            session.add(row)
        elif key == address and row.last_failure_at and now - row.last_failure_at > ADDRESS_MEMORY:
            row.failures = 0
        row.failures += 1
        row.last_failure_at = now
        wait = _wait(row.failures, limit, settings)
        if wait is not None:
            row.locked_until = now + wait
            locked = True
    await session.flush()
    return locked


async def record_success(session: AsyncSession, *, account: str) -> None:
    """A successful login ends the account's count (the address's stays)."""
    await session.execute(delete(LoginThrottle).where(LoginThrottle.key == account))
