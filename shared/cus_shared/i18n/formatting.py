"""Dates as DD.MM.RRRR and money as PLN with Polish separators, whatever the page language
(the formats of Polish administration, which staff and residents read on documents)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.numbers import format_currency

#: Times are stored with a zone and shown in Poland's.
POLAND = ZoneInfo("Europe/Warsaw")


def format_date(value: date | datetime | None) -> str:
    """``23.11.2026``; empty for no date."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(POLAND).date() if value.tzinfo else value.date()
    return value.strftime("%d.%m.%Y")


def format_datetime(value: datetime | None) -> str:
    """``23.11.2026 14:05`` in Polish time; empty for none."""
    if value is None:
        return ""
    local = value.astimezone(POLAND) if value.tzinfo else value
    return local.strftime("%d.%m.%Y %H:%M")


def format_money(value: Decimal | int | None, *, grosze: bool = False) -> str:
    """``1 234,56 zł`` (Polish grouping and decimal comma); ``grosze`` when given as an int
    number of grosze, the way amounts are stored."""
    if value is None:
        return ""
    amount = Decimal(value) / 100 if grosze else Decimal(value)
    return format_currency(amount, "PLN", locale="pl_PL")
