"""Password hashing with Argon2id (argon2-cffi's defaults follow RFC 9106's second choice) and
the password rules of NIST SP 800-63B / OWASP ASVS: length over complexity (12 to 128
characters, no composition rules), refused when common (zxcvbn's list of 30 000 frequent
passwords, bundled, no network) or built on the person's e-mail address."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from cus_shared.errors import FieldProblem

_hasher = PasswordHasher()

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 128

#: Frequent in Poland and not in zxcvbn's (English) list.
_POLISH_COMMON = (
    "zaq12wsxcde3",
    "zaq1@wsxcde3",
    "qwertyuiop12",
    "polska123456",
    "kochamcie123",
    "haslo1234567",
    "haslohaslo12",
    "123456789012",
    "qazwsxedcrfv",
    "1qaz2wsx3edc",
)

#: Verified against when the user does not exist, so that timing does not tell.
_DUMMY_HASH = _hasher.hash("no-such-user-dummy-password")


def hash_password(password: str) -> str:
    """An Argon2id hash of the password."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether the password matches; spends the same time when there is no user."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """Frequent passwords, lower case (zxcvbn's frequency list plus Polish favourites)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(p.lower() for p in FREQUENCY_LISTS["passwords"]) | frozenset(_POLISH_COMMON)


def _normalised(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def password_problems(
    password: str, email: str = "", field: str = "password"
) -> list[FieldProblem]:
    """What is wrong with a new password (empty when it may be used). No composition rules:
    any characters, spaces included; length counts Unicode characters."""
    length = len(unicodedata.normalize("NFKC", password))
    if length < MIN_PASSWORD_LENGTH:
        return [FieldProblem(field, "password.too_short", {"min": MIN_PASSWORD_LENGTH})]
    if length > MAX_PASSWORD_LENGTH:
        return [FieldProblem(field, "password.too_long", {"max": MAX_PASSWORD_LENGTH})]
    lowered = _normalised(password)
    if lowered in common_passwords() or len(set(lowered)) < 4:
        return [FieldProblem(field, "password.common")]
    local = _normalised(email.partition("@")[0])
    if len(local) >= 3 and local in lowered:
        return [FieldProblem(field, "password.contains_email")]
    return []
