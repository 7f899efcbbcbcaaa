"""Amounts as people type and read them: "1 234,56", "1234.56" or "1.219.492 zł" into whole
grosze, exactly (Decimal and integers, never floats), and back into plain text for forms,
CSV files and percentages."""

from __future__ import annotations

import re
from decimal import Decimal

#: An amount in grosze must fit far below PostgreSQL's bigint: 10^15 grosze = 10 bln zł.
MAX_GROSZE = 10**15

_SPACES = re.compile(r"[\s\u00a0\u202f']+")
_CURRENCY = re.compile(r"(zł|zl|pln)\.?$", re.IGNORECASE)
#: Digits with separators, then maybe a decimal separator and one or two digits.
_AMOUNT = re.compile(r"(\d[\d.,]*?)(?:([.,])(\d{1,2}))?")


class AmountFormatError(ValueError):
    """The text is not an amount of money."""


def parse_amount(text: str) -> int:
    """Whole grosze of an amount typed in złoty, or AmountFormatError.

    Spaces (also non-breaking) and apostrophes group thousands; the decimal separator is a
    comma or a dot with one or two digits after it; the other of the two may group thousands
    ("1.234,56", "1,234.56"). A separator followed by three digits is a decimal separator
    only in English and a grouping one only in Polish, so "20.000" is refused rather than
    guessed (twenty thousand, or twenty?); "1.219.492" (several) groups thousands.
    """
    compact = _SPACES.sub("", _CURRENCY.sub("", _SPACES.sub("", text.strip())))
    found = _AMOUNT.fullmatch(compact)
    if found is None:
        raise AmountFormatError(text)
    whole, decimal_separator, fraction = found.group(1), found.group(2), found.group(3) or ""
    grouping = {c for c in whole if c in ",."}
    if grouping:
        groups = re.split(r"[.,]", whole)
        if (
            len(grouping) > 1
            or decimal_separator in grouping
            or (decimal_separator is None and len(groups) < 3)
            or not _thousands(groups)
        ):
            raise AmountFormatError(text)
        whole = "".join(groups)
    grosze = int(whole) * 100 + int(fraction.ljust(2, "0"))
    if grosze > MAX_GROSZE:
        raise AmountFormatError(text)
    return grosze


def _thousands(groups: list[str]) -> bool:
    """Groups of digits as thousands are written: 1–3 digits first, then threes."""
    first, *rest = groups
    return 1 <= len(first) <= 3 and all(len(g) == 3 for g in rest)


def plain_amount(grosze: int) -> str:
    """``123456`` → ``"1234,56"``: no grouping, a decimal comma (what Polish Excel reads as a
    number, and what a form shows to be typed over)."""
    sign = "-" if grosze < 0 else ""
    zloty, rest = divmod(abs(grosze), 100)
    return f"{sign}{zloty},{rest:02d}"


def form_amount(grosze: int) -> str:
    """``20000000`` → ``"200 000,00"``: grouped with plain spaces, as a form shows an amount
    to be read and typed over (``parse_amount`` reads it back)."""
    zloty, rest = divmod(abs(grosze), 100)
    return ("-" if grosze < 0 else "") + f"{zloty:,}".replace(",", " ") + f",{rest:02d}"


def as_decimal(grosze: int) -> Decimal:
    """Grosze as an exact Decimal of złoty with two places."""
    return Decimal(grosze).scaleb(-2)


def plain_percent(value: Decimal | None) -> str:
    """``Decimal("47.98")`` → ``"47,98"``; empty for no value."""
    return "" if value is None else f"{value:.2f}".replace(".", ",")
