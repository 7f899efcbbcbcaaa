"""The platform's clock: every deadline (plan due in 30 days, reviews every 3 months, a
complaint's one month) is counted from here, so tests can move time forward without
patching the standard library.

Days are Polish calendar days: a complaint registered at 00:30 on 1 March in Warsaw was
registered on 1 March, although it was still 28 February in UTC.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from collections.abc import Iterator

POLAND = ZoneInfo("Europe/Warsaw")

_offset = timedelta(0)


def now() -> datetime:
    """The current moment (UTC), moved by :func:`travel` in tests."""
    return datetime.now(UTC) + _offset


def today() -> date:
    """Today's date in Poland."""
    return now().astimezone(POLAND).date()


@contextmanager
def travel(by: timedelta) -> Iterator[None]:
    """Run the block as if it were ``by`` later (tests: reviews falling due, deadlines
    passing). Not for production code: the offset is process-wide."""
    global _offset
    before = _offset
    _offset = before + by
    try:
        yield
    finally:
        _offset = before


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it has fewer days
    (31 January + 1 month = 28/29 February), as Polish law counts periods in months."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def first_of_month(day: date) -> date:
    """The first day of the day's month (deliveries and capacity are counted per month)."""
    return day.replace(day=1)
