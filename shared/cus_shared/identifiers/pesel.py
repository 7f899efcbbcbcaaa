"""PESEL: 11 digits encoding the date of birth and sex, with a check digit."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import NewType

from cus_shared.errors import DomainError

Pesel = NewType("Pesel", str)

_WEIGHTS = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)
#: The month field carries the century: +80 for 1800s, +0 1900s, +20 2000s, +40, +60.
_CENTURY_OFFSETS = {80: 1800, 0: 1900, 20: 2000, 40: 2100, 60: 2200}
_PATTERN = re.compile(r"[0-9]{11}")  # ASCII only: \d would accept other scripts' digits


class PeselError(DomainError):
    """The text is not a valid PESEL."""

    status_code = 422
    code = "pesel.invalid"


@dataclass(frozen=True, slots=True)
class PeselFacts:
    """What a PESEL says about its holder."""

    birth_date: date
    sex: str  # "F" or "M"


def check_digit(first_ten: str) -> int:
    """The PESEL check digit for the first ten digits."""
    total = sum(int(d) * w for d, w in zip(first_ten, _WEIGHTS, strict=True))
    return (10 - total % 10) % 10


def parse_pesel(value: str) -> tuple[Pesel, PeselFacts]:
    """Validate a PESEL (format, check digit, encoded date) and return what it encodes."""
    if not isinstance(value, str) or not _PATTERN.fullmatch(value):
        raise PeselError("pesel.format", field="pesel")
    if check_digit(value[:10]) != int(value[10]):
        raise PeselError("pesel.checksum", field="pesel")
    year, month, day = int(value[0:2]), int(value[2:4]), int(value[4:6])
    offset = (month // 20) * 20
    if offset not in _CENTURY_OFFSETS:
        raise PeselError("pesel.date", field="pesel")
    try:
        born = date(_CENTURY_OFFSETS[offset] + year, month - offset, day)
    except ValueError:
        raise PeselError("pesel.date", field="pesel") from None
    return Pesel(value), PeselFacts(birth_date=born, sex="F" if int(value[9]) % 2 == 0 else "M")


def make_pesel(born: date, serial: int, sex: str) -> Pesel:
    """Build a valid PESEL for a date, a 3-digit serial and a sex (demo data and tests)."""
    offset = {1800: 80, 1900: 0, 2000: 20, 2100: 40, 2200: 60}[born.year // 100 * 100]
    sex_digit = (serial % 5) * 2 + (1 if sex == "M" else 0)
    body = (
        f"{born.year % 100:02d}{born.month + offset:02d}{born.day:02d}"
        f"{serial % 1000:03d}{sex_digit}"
    )
    return Pesel(body + str(check_digit(body)))
