"""The platform's clock: Polish calendar days, months counted as the law counts them, and
time travel for tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from cus_shared import clock


def test_months_are_counted_as_the_law_counts_them() -> None:
    # 31 January + 1 month is the end of February (28 or 29 days).
    assert clock.add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert clock.add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert clock.add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert clock.add_months(date(2026, 11, 23), 12) == date(2027, 11, 23)
    assert clock.first_of_month(date(2026, 11, 23)) == date(2026, 11, 1)


def test_travel_moves_time_and_comes_back() -> None:
    start = clock.today()
    with clock.travel(timedelta(days=40)):
        assert clock.today() - start in (timedelta(days=40), timedelta(days=41))
        with clock.travel(timedelta(days=1)):
            assert clock.today() - start >= timedelta(days=41)
    assert clock.today() - start <= timedelta(days=1)


def test_today_is_the_polish_calendar_day() -> None:
    # 23:30 UTC on 31 December is already 1 January in Warsaw.
    moment = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    assert moment.astimezone(clock.POLAND).date() == date(2027, 1, 1)
