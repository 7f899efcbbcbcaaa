"""Indicator definitions (ids, names in both languages, breakdowns, bases) and age bands at
their boundaries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cus_reporting.indicators import (
    INDICATORS,
    REGISTRY,
    AgeBand,
    Breakdown,
    Indicator,
    Kind,
    age_band,
    age_on,
)

#: What item 1 of the reporting issue asks for, at least.
REQUIRED = {
    "residents_served",
    "households_served",
    "ipus_new",
    "ipus_active",
    "applications",
    "decisions_by_outcome",
    "days_to_decision",
    "referrals_by_status",
    "delivered_hours",
    "delivered_sessions",
    "waiting_list",
    "waiting_days",
    "complaints",
    "volunteers_active",
    "self_help_groups",
    "community_events",
    "event_participants",
    "budget_planned",
    "budget_executed",
    "share_social_sector",
    "share_on_services",
}


def test_ids_are_unique_and_registered() -> None:
    ids = [indicator.id for indicator in INDICATORS]
    assert len(ids) == len(set(ids))
    assert set(REGISTRY) == set(ids)
    assert set(ids) >= REQUIRED


@pytest.mark.parametrize("indicator", INDICATORS, ids=lambda i: i.id)
def test_every_indicator_is_named_and_explained_in_both_languages(indicator: Indicator) -> None:
    for text in (
        indicator.name_pl,
        indicator.name_en,
        indicator.counts_pl,
        indicator.counts_en,
    ):
        assert text.strip()
    assert indicator.name("pl") == indicator.name_pl
    assert indicator.name("en") == indicator.name_en
    assert indicator.description("en") == indicator.counts_en


def test_breakdowns_come_from_the_closed_list_and_sources_are_named() -> None:
    for indicator in INDICATORS:
        assert indicator.breakdowns
        assert all(isinstance(b, Breakdown) for b in indicator.breakdowns)
        assert indicator.sources


def test_a_base_is_a_registered_count_and_only_counts_are_controlled_cell_by_cell() -> None:
    for indicator in INDICATORS:
        assert indicator.disclosure_controlled == (indicator.kind is Kind.COUNT)
        if indicator.kind is Kind.MEDIAN:
            assert indicator.base is not None
        if indicator.base is not None:
            assert REGISTRY[indicator.base].kind is Kind.COUNT


def test_the_registry_is_read_only() -> None:
    with pytest.raises(TypeError):
        REGISTRY["x"] = INDICATORS[0]  # type: ignore[index]


def _birthday(born: date, years: int) -> date:
    return born.replace(year=born.year + years)


@pytest.mark.parametrize(
    ("years", "before", "on"),
    [
        (18, AgeBand.UNDER_18, AgeBand.FROM_18_TO_24),
        (25, AgeBand.FROM_18_TO_24, AgeBand.FROM_25_TO_44),
        (45, AgeBand.FROM_25_TO_44, AgeBand.FROM_45_TO_64),
        (65, AgeBand.FROM_45_TO_64, AgeBand.FROM_65_TO_74),
        (75, AgeBand.FROM_65_TO_74, AgeBand.FROM_75),
    ],
)
def test_a_band_changes_on_the_birthday_not_a_day_earlier(
    years: int, before: AgeBand, on: AgeBand
) -> None:
    born = date(1950, 6, 15)
    birthday = _birthday(born, years)
    assert age_band(born, birthday - timedelta(days=1)) is before
    assert age_band(born, birthday) is on


def test_a_newborn_is_zero_and_the_oldest_are_75_plus() -> None:
    born = date(2024, 3, 31)
    assert age_on(born, born) == 0
    assert age_band(born, born) is AgeBand.UNDER_18
    assert age_band(date(1900, 1, 1), date(2025, 1, 1)) is AgeBand.FROM_75


def test_born_on_29_february_is_a_year_older_on_28_february_of_a_common_year() -> None:
    born = date(2008, 2, 29)
    assert age_on(born, date(2026, 2, 27)) == 17
    assert age_on(born, date(2026, 2, 28)) == 18
    assert age_band(born, date(2026, 2, 28)) is AgeBand.FROM_18_TO_24
    assert age_on(born, date(2028, 2, 28)) == 19  # leap year: the birthday is the 29th
    assert age_on(born, date(2028, 2, 29)) == 20


def test_a_reference_date_before_birth_is_refused() -> None:
    with pytest.raises(ValueError, match="precedes"):
        age_on(date(2020, 1, 2), date(2020, 1, 1))


@settings(deadline=None, max_examples=200)
@given(
    born=st.dates(date(1900, 1, 1), date(2025, 12, 31)),
    days=st.integers(0, 45_000),
    later=st.integers(0, 3_000),
)
def test_bands_never_go_back_as_time_passes(born: date, days: int, later: int) -> None:
    order = list(AgeBand)
    first = born + timedelta(days=days)
    second = first + timedelta(days=later)
    assert order.index(age_band(born, first)) <= order.index(age_band(born, second))
    assert age_on(born, first) <= age_on(born, second)
