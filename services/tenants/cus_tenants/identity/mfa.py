"""The second factor: TOTP (RFC 6238, 30-second steps, 6 digits, SHA-1 as authenticator apps
expect) and single-use recovery codes.

The secret is kept encrypted (AES-GCM, key derived from the signing secret) so that a copy of
the database alone does not give the codes; each accepted code's step is remembered, so the
same code (or an earlier one) is never accepted twice. Recovery codes are shown once and
stored as Argon2id hashes, as passwords are.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pyotp
import segno
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import delete, select

from cus_shared.identity.passwords import hash_password, verify_password
from cus_tenants.identity.models import RecoveryCode, User

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from cus_shared.settings import AuthSettings

ISSUER = "CUS"
STEP_SECONDS = 30
RECOVERY_CODES = 10
#: Codes of the step before and after are accepted too (clocks of phones drift).
WINDOW = 1


def _key(settings: AuthSettings) -> bytes:
    return hashlib.sha256(b"cus-totp:" + settings.secret.get_secret_value().encode()).digest()


def seal(settings: AuthSettings, secret: str) -> str:
    """The secret encrypted for storage."""
    nonce = os.urandom(12)
    sealed = AESGCM(_key(settings)).encrypt(nonce, secret.encode(), b"totp")
    return base64.urlsafe_b64encode(nonce + sealed).decode()


def unseal(settings: AuthSettings, stored: str) -> str:
    """The secret from storage."""
    raw = base64.urlsafe_b64decode(stored.encode())
    return AESGCM(_key(settings)).decrypt(raw[:12], raw[12:], b"totp").decode()


def is_enrolled(user: User) -> bool:
    """Whether the person logs in with a second factor."""
    return user.totp_secret is not None and user.totp_confirmed_at is not None


def start_enrolment(settings: AuthSettings, user: User) -> str:
    """A new secret for the person (not in use until confirmed with a first code)."""
    secret = pyotp.random_base32()
    user.totp_secret = seal(settings, secret)
    user.totp_confirmed_at = None
    user.totp_last_step = None
    return secret


def pending_secret(settings: AuthSettings, user: User) -> str | None:
    """The secret of an enrolment begun and not yet confirmed."""
    if user.totp_secret is None or user.totp_confirmed_at is not None:
        return None
    return unseal(settings, user.totp_secret)


def provisioning_uri(secret: str, email: str) -> str:
    """The ``otpauth://`` address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The QR code as inline SVG (no script, no style attribute: passes the CSP)."""
    return segno.make(uri, error="m").svg_inline(scale=4, border=2, omitsize=False)


def _normal_code(code: str) -> str:
    return "".join(ch for ch in code if ch.isdigit())


def check_code(settings: AuthSettings, user: User, code: str, *, at: float | None = None) -> bool:
    """Whether the code is right now and newer than the last one accepted; an accepted code's
    step is remembered (replay of it, or of an older one, is refused)."""
    if user.totp_secret is None:
        return False
    digits = _normal_code(code)
    if len(digits) != 6:
        return False
    totp = pyotp.TOTP(unseal(settings, user.totp_secret))
    now = time.time() if at is None else at
    current = int(now // STEP_SECONDS)
    for step in range(current - WINDOW, current + WINDOW + 1):
        if secrets.compare_digest(totp.at(step * STEP_SECONDS), digits):
            if user.totp_last_step is not None and step <= user.totp_last_step:
                return False
            user.totp_last_step = step
            return True
    return False


def _new_recovery_code() -> str:
    raw = base64.b32encode(secrets.token_bytes(10)).decode().lower()
    return f"{raw[:5]}-{raw[5:10]}-{raw[10:16]}"


def _normal_recovery(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


async def confirm_enrolment(
    session: AsyncSession, settings: AuthSettings, user: User, code: str
) -> list[str] | None:
    """Confirm a begun enrolment with a first code: the second factor is in use from now on;
    the ten recovery codes (to be shown once). None when the code is wrong."""
    if pending_secret(settings, user) is None or not check_code(settings, user, code):
        return None
    user.totp_confirmed_at = datetime.now(UTC)
    await session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODES)]
    session.add_all(
        RecoveryCode(user_id=user.id, code_hash=hash_password(_normal_recovery(c))) for c in codes
    )
    await session.flush()
    return codes


async def use_recovery_code(session: AsyncSession, user: User, code: str) -> bool:
    """Spend one unused recovery code; False when none matches."""
    typed = _normal_recovery(code)
    if len(typed) < 10:
        return False
    unused = await session.scalars(
        select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )
    for row in unused:
        if verify_password(row.code_hash, typed):
            row.used_at = datetime.now(UTC)
            await session.flush()
            return True
    return False


async def recovery_codes_left(session: AsyncSession, user: User) -> int:
    """How many recovery codes are still unused."""
    rows = await session.scalars(
        select(RecoveryCode.id).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
        )
    )
    return len(list(rows))
