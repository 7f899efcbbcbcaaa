"""Calendar quarters of the reports and when a report is due."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from cus_shared.clock import POLAND, add_months

#: Days after the quarter's end by which the partner submits its report. Fifteen days is the
#: usual term in the CUS's contracts with partners; a contract may agree another term, which
#: would then be read from the contract (not recorded there yet).
DUE_AFTER_DAYS = 15


def quarter_of(day: date) -> tuple[int, int]:
    """The (year, quarter) a day falls in."""
    return day.year, (day.month - 1) // 3 + 1


def quarter_start(year: int, quarter: int) -> date:
    """The quarter's first day."""
    return date(year, 3 * quarter - 2, 1)


def quarter_end(year: int, quarter: int) -> date:
    """The quarter's last day."""
    return add_months(quarter_start(year, quarter), 3) - timedelta(days=1)


def quarter_closes_at(year: int, quarter: int) -> datetime:
    """The moment the quarter ends (midnight after its last day, Polish time)."""
    return datetime.combine(quarter_end(year, quarter) + timedelta(days=1), time(), POLAND)


def due_on(year: int, quarter: int) -> date:
    """When the report on the quarter is due (see :data:`DUE_AFTER_DAYS`)."""
    return quarter_end(year, quarter) + timedelta(days=DUE_AFTER_DAYS)


def previous(year: int, quarter: int) -> tuple[int, int]:
    """The quarter before."""
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def months_of_quarter(year: int, quarter: int) -> list[date]:
    """The first days of the quarter's three months."""
    start = quarter_start(year, quarter)
    return [add_months(start, n) for n in range(3)]
