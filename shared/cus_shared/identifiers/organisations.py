"""Identifiers of organisations: NIP (tax id), REGON (statistical register, 9 or 14 digits)
and KRS (National Court Register number), each checked as far as its definition allows."""

from __future__ import annotations

import re
from typing import NewType

from cus_shared.errors import DomainError

Nip = NewType("Nip", str)
Regon = NewType("Regon", str)
Krs = NewType("Krs", str)

_NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)
_REGON9_WEIGHTS = (8, 9, 2, 3, 4, 5, 6, 7)
_REGON14_WEIGHTS = (2, 4, 8, 5, 0, 9, 7, 3, 6, 1, 2, 4, 8)
_SEPARATORS = re.compile(r"[\s-]")
_DIGITS = re.compile(r"[0-9]+")  # ASCII only: \d would accept other scripts' digits


class OrganisationIdError(DomainError):
    """The text is not a valid NIP, REGON or KRS."""

    status_code = 422
    code = "organisation_id.invalid"


def _digits(value: str, field: str, key: str, lengths: tuple[int, ...]) -> str:
    cleaned = _SEPARATORS.sub("", value) if isinstance(value, str) else ""
    if not _DIGITS.fullmatch(cleaned) or len(cleaned) not in lengths:
        raise OrganisationIdError(key, field=field)
    return cleaned


def _weighted(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11


def parse_nip(value: str, *, field: str = "nip") -> Nip:
    """A NIP as 10 digits (dashes, spaces and a leading "PL" are accepted and dropped)."""
    text = value.strip().upper().removeprefix("PL") if isinstance(value, str) else ""
    digits = _digits(text, field, "nip.format", (10,))
    check = _weighted(digits[:9], _NIP_WEIGHTS)
    if check == 10 or check != int(digits[9]):
        raise OrganisationIdError("nip.checksum", field=field)
    return Nip(digits)


def parse_regon(value: str, *, field: str = "regon") -> Regon:
    """A REGON of 9 digits (an entity) or 14 (a local unit, whose first 9 are its entity's)."""
    digits = _digits(value, field, "regon.format", (9, 14))
    if _weighted(digits[:8], _REGON9_WEIGHTS) % 10 != int(digits[8]):
        raise OrganisationIdError("regon.checksum", field=field)
    if len(digits) == 14 and _weighted(digits[:13], _REGON14_WEIGHTS) % 10 != int(digits[13]):
        raise OrganisationIdError("regon.checksum", field=field)
    return Regon(digits)


def parse_krs(value: str, *, field: str = "krs") -> Krs:
    """A KRS number: 10 digits (it has no check digit; leading zeros are kept)."""
    return Krs(_digits(value, field, "krs.format", (10,)))
