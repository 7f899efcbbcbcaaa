"""Medians of day histograms (waiting times, days to decision): the same as the median of the
cases listed one by one, which the reports no longer build."""

from __future__ import annotations

import statistics
from collections import Counter
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from cus_reporting.publication.reports import _median


@given(st.lists(st.integers(0, 400), min_size=1, max_size=200))
def test_the_median_of_a_histogram_is_the_median_of_its_cases(days: list[int]) -> None:
    assert _median(Counter(days)) == Decimal(str(statistics.median(days)))


def test_hand_checked_medians() -> None:
    assert _median({7: 1}) == 7
    assert _median({4: 2, 10: 2}) == 7
    assert _median({1: 1, 2: 1, 3: 1, 4: 1}) == Decimal("2.5")
    assert _median({}) == 0
