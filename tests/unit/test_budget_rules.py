"""The budget calculation on the seeds' two worked examples (Kramsk by year, Jarocin by
stage), to the grosz and to the hundredth of a percent, and the funding rules (at least 80 % of
a project's value on services, at least 30 % of direct costs contracted to the social sector)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cus_shared.i18n.amounts import (
    AmountFormatError,
    form_amount,
    parse_amount,
    plain_amount,
)
from cus_tenants.budgets.charts import donut, nice_ceiling, swatches
from cus_tenants.budgets.figures import (
    RULE_SERVICES,
    RULE_SOCIAL,
    Figures,
    Line,
    compute,
    minimum_amount,
    percent,
)

ZL = 100  # grosze in a złoty

# Przykład 1: CUS w Kramsku (seed 000, "Usługi społeczne i ich budżet"), by year.
KRAMSK_SERVICES = (
    "Wsparcie Rodziny",
    "Pomoc Społeczna",
    "Promocja i ochrona zdrowia",
    "Pobudzanie aktywności obywatelskiej",
)
KRAMSK = {
    "2021": (20_000, 200_000, 100_000, 50_000),
    "2022": (17_200, 310_146, 208_646, 165_000),
    # The seed prints "20 00 zł" for the last service in 2023: a typo for 20 000, as the
    # row's total (148 500) and the column's total (235 000) both prove.
    "2023": (4_500, 75_000, 49_000, 20_000),
}
KRAMSK_CONTRACTED = (0, 585_146, 357_646, 235_000)

# Przykład 2: CUS w Jarocinie, by three stages of 10, 10 and 4 months.
JAROCIN_SERVICES = ("Kluby Społeczne", "Rehabilitacja", "Klub Rodzinny", "Opaska monitorująca")
JAROCIN = {
    "I etap": (200_000, 200_000, 100_000, 100_000),
    "II etap": (280_000, 280_000, 140_000, 140_000),
    "III etap": (20_000, 20_000, 17_083, 20_000),
}
JAROCIN_CONTRACTED = (400_000, 500_000, 0, 0)


def _figures(
    rows: dict[str, tuple[int, ...]],
    services: tuple[str, ...],
    contracted: tuple[int, ...],
    *,
    project_value: int | None = None,
    direct_costs: int | None = None,
) -> Figures[str]:
    lines = [
        Line(service=service, period=period, source="eu_project", planned=amount * ZL)
        for period, amounts in rows.items()
        for service, amount in zip(services, amounts, strict=True)
    ]
    return compute(
        periods=list(rows),
        services=list(services),
        lines=lines,
        contracted={s: c * ZL for s, c in zip(services, contracted, strict=True)},
        project_value=project_value,
        direct_costs=direct_costs,
    )


def test_kramsk_by_year_reproduces_the_seed() -> None:
    figures = _figures(KRAMSK, KRAMSK_SERVICES, KRAMSK_CONTRACTED)
    table = figures.table
    assert [table.by_period[y].planned for y in KRAMSK] == [
        370_000 * ZL,
        700_992 * ZL,
        148_500 * ZL,
    ]
    assert [table.by_service[s].planned for s in KRAMSK_SERVICES] == [
        41_700 * ZL,
        585_146 * ZL,
        357_646 * ZL,
        235_000 * ZL,
    ]
    assert table.total.planned == 1_219_492 * ZL
    assert table.cell("2022", "Pomoc Społeczna").planned == 310_146 * ZL
    assert [figures.shares[s] for s in KRAMSK_SERVICES] == [
        Decimal("3.42"),
        Decimal("47.98"),
        Decimal("29.33"),
        Decimal("19.27"),
    ]
    assert figures.share_total == Decimal("100.00")
    assert [figures.contracted[s] for s in KRAMSK_SERVICES] == [c * ZL for c in KRAMSK_CONTRACTED]
    assert figures.contracted_total == 1_177_792 * ZL
    assert list(figures.by_source) == ["eu_project"]
    assert figures.by_source["eu_project"].total.planned == 1_219_492 * ZL
    assert figures.warnings == ()


def test_jarocin_by_stage_reproduces_the_seed() -> None:
    figures = _figures(JAROCIN, JAROCIN_SERVICES, JAROCIN_CONTRACTED)
    table = figures.table
    assert [table.by_period[s].planned for s in JAROCIN] == [
        600_000 * ZL,
        840_000 * ZL,
        77_083 * ZL,
    ]
    assert [table.by_service[s].planned for s in JAROCIN_SERVICES] == [
        500_000 * ZL,
        500_000 * ZL,
        257_083 * ZL,
        260_000 * ZL,
    ]
    assert table.total.planned == 1_517_083 * ZL
    shares = [figures.shares[s] for s in JAROCIN_SERVICES]
    assert shares == [Decimal("32.96"), Decimal("32.96"), Decimal("16.95"), Decimal("17.14")]
    # As in the seed: each share rounded on its own (they add up to 100.01), the total row
    # is the share of the whole.
    assert sum(s for s in shares if s is not None) == Decimal("100.01")
    assert figures.share_total == Decimal("100.00")
    assert figures.contracted_total == 900_000 * ZL


def test_funding_rules_are_met_by_a_plan_that_keeps_them() -> None:
    # Kramsk: 1 219 492 zł of services in a project of 1 500 000 zł (81.30 %); 1 177 792 zł
    # contracted of 3 000 000 zł direct costs (39.26 %).
    figures = _figures(
        KRAMSK,
        KRAMSK_SERVICES,
        KRAMSK_CONTRACTED,
        project_value=1_500_000 * ZL,
        direct_costs=3_000_000 * ZL,
    )
    assert figures.services_share_of_project == Decimal("81.30")
    assert figures.contracted_share_of_direct_costs == Decimal("39.26")
    assert figures.warnings == ()


def test_services_below_80_percent_of_the_project_warn_with_the_figures() -> None:
    figures = _figures(KRAMSK, KRAMSK_SERVICES, KRAMSK_CONTRACTED, project_value=3_000_000 * ZL)
    (warning,) = figures.warnings
    assert warning.key == RULE_SERVICES
    assert warning.amount == 1_219_492 * ZL and warning.base == 3_000_000 * ZL
    assert warning.share == Decimal("40.65")
    assert warning.required_percent == 80
    assert warning.required == 2_400_000 * ZL
    assert warning.shortfall == (2_400_000 - 1_219_492) * ZL


def test_contracted_below_30_percent_of_direct_costs_warns_with_the_figures() -> None:
    # Jarocin contracts 900 000 zł; with 3 000 001 zł of direct costs it is just short.
    figures = _figures(JAROCIN, JAROCIN_SERVICES, JAROCIN_CONTRACTED, direct_costs=3_000_001 * ZL)
    (warning,) = figures.warnings
    assert warning.key == RULE_SOCIAL
    assert warning.required == 90_000_030  # 30 % of 300 000 100 grosze
    assert warning.shortfall == 30
    assert warning.share == Decimal("30.00")  # rounded, yet short: the rule is exact
    exactly = _figures(JAROCIN, JAROCIN_SERVICES, JAROCIN_CONTRACTED, direct_costs=3_000_000 * ZL)
    assert exactly.warnings == ()


def test_rules_are_only_checked_with_their_figures() -> None:
    figures = _figures(JAROCIN, JAROCIN_SERVICES, (0, 0, 0, 0))
    assert figures.warnings == ()
    assert figures.services_share_of_project is None
    assert figures.contracted_share_of_direct_costs is None


def test_only_the_projects_money_counts_towards_its_value() -> None:
    lines = [
        Line(service="a", period="2021", source="eu_project", planned=70 * ZL),
        Line(service="a", period="2021", source="gmina", planned=30 * ZL, executed=10 * ZL),
    ]
    figures = compute(periods=["2021"], services=["a"], lines=lines, project_value=100 * ZL)
    assert figures.table.total.planned == 100 * ZL
    assert figures.table.total.executed == 10 * ZL
    assert figures.project_services == 70 * ZL
    assert [w.key for w in figures.warnings] == [RULE_SERVICES]
    assert figures.by_source["gmina"].total.executed == 10 * ZL
    assert list(figures.by_source) == ["eu_project", "gmina"]


def test_percent_rounds_half_up_exactly() -> None:
    assert percent(1, 8) == Decimal("12.50")
    assert percent(1, 400) == Decimal("0.25")
    assert percent(1, 80_000) == Decimal("0.00")  # 0.00125 %
    assert percent(1, 20_000) == Decimal("0.01")  # 0.005 %: half goes up
    assert percent(3, 20_000) == Decimal("0.02")  # 0.015 %: up as well (not to even)
    assert percent(3, 0) is None
    assert minimum_amount(1_000_001, 30) == 300_001
    big = 10**15
    assert percent(big - 1, big) == Decimal("100.00")


@pytest.mark.parametrize(
    ("text", "grosze"),
    [
        ("1 234,56", 123_456),
        ("1234.56", 123_456),
        ("1.219.492 zł", 121_949_200),
        ("1\u00a0234,5\u00a0zł", 123_450),
        ("1.234,56", 123_456),
        ("1,234.56", 123_456),
        ("17 083", 1_708_300),
        ("0", 0),
    ],
)
def test_amounts_typed_as_people_type_them(text: str, grosze: int) -> None:
    assert parse_amount(text) == grosze


@pytest.mark.parametrize("text", ["", "-5", "abc", "20.000", "1,2,3", "12,345", "1.2.3,45"])
def test_ambiguous_or_wrong_amounts_are_refused(text: str) -> None:
    with pytest.raises(AmountFormatError):
        parse_amount(text)


def test_plain_amounts_for_forms_and_csv() -> None:
    assert plain_amount(121_949_200) == "1219492,00"
    assert plain_amount(5) == "0,05"
    assert form_amount(121_949_200) == "1 219 492,00"
    for grosze in (0, 7, 1_708_350, 121_949_200):
        assert parse_amount(form_amount(grosze)) == grosze


def test_donut_and_axis_geometry() -> None:
    marks = swatches(["a", "b"], "t")
    slices = donut([3, 1], marks, ["75,00%", "25,00%"])
    assert [s.swatch.number for s in slices] == [1, 2]
    assert slices[0].path.startswith("M 150 20 A 130 130 0 1 1")  # three quarters, from the top
    whole = donut([5, 0], marks, ["100,00%", "0,00%"])
    assert len(whole) == 1 and whole[0].whole
    assert donut([0, 0], marks, ["", ""]) == []
    assert nice_ceiling(70_099_200) == 100_000_000
    assert nice_ceiling(60_000_000) == 100_000_000
    assert nice_ceiling(84_000_000) == 100_000_000
    assert nice_ceiling(24_000_000) == 25_000_000
    assert marks[0].colour != marks[1].colour and marks[0].pattern != marks[1].pattern
