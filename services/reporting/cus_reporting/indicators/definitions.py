"""Indicator definitions as code (wskaźniki): what each figure counts, from which records of the
resident's journey, in which unit and by which breakdowns it may be published.

The definitions are data, not queries: the snapshot job (computed inside each tenant) reads
them to know what to aggregate, and the pages and exports read them to name and explain a
figure in Polish and English. Only counts of persons, households or cases (``Kind.COUNT``) go
through disclosure control (kontrola ujawniania) cell by cell; sums, ratios and medians name the
count that governs them (``base``) and are hidden wherever that count is hidden, because a
median of three waiting times or the hours of two residents identify as surely as a count of 2.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping


class Breakdown(StrEnum):
    """The closed list of dimensions a published indicator may be split by (przekroje)."""

    GMINA = "gmina"
    AGREEMENT = "agreement"  # porozumienie międzygminne (the partner CUS)
    REGION = "region"  # województwo
    QUARTER = "quarter"
    CATALOGUE_AREA = "catalogue_area"  # obszar katalogu usług (1-14)
    SERVICE = "service"
    AGE_BAND = "age_band"
    SEX = "sex"
    DELIVERY_MODE = "delivery_mode"  # tryb realizacji (from the referral's contract)
    PARTNER_CATEGORY = "partner_category"  # NGO, social economy, business…


class Kind(StrEnum):
    """What sort of figure an indicator is, which decides how disclosure control treats it."""

    COUNT = "count"  # persons, households or cases: primary and secondary suppression
    AMOUNT = "amount"  # a sum (hours, grosze): hidden where its base count is hidden
    RATIO = "ratio"  # a share in percent: hidden where its base count is hidden
    MEDIAN = "median"  # a median of days: hidden where its base count is hidden


class Unit(StrEnum):
    """The unit a figure is published in."""

    PERSONS = "persons"
    HOUSEHOLDS = "households"
    PLANS = "plans"
    APPLICATIONS = "applications"
    DECISIONS = "decisions"
    REFERRALS = "referrals"
    HOURS = "hours"
    SESSIONS = "sessions"
    DAYS = "days"
    COMPLAINTS = "complaints"
    VOLUNTEERS = "volunteers"
    GROUPS = "groups"
    EVENTS = "events"
    PARTICIPANTS = "participants"
    GROSZE = "grosze"  # money: integer grosze, shown as złoty
    PERCENT = "percent"


@dataclass(frozen=True, slots=True)
class Indicator:
    """One published indicator: its names, unit, meaning, sources and allowed breakdowns."""

    id: str
    name_pl: str
    name_en: str
    unit: Unit
    counts_pl: str
    counts_en: str
    kind: Kind
    breakdowns: frozenset[Breakdown]
    #: Tables of the tenant (or shared) schema it is computed from: proof it can be computed.
    sources: tuple[str, ...]
    #: The indicator's own categories (outcomes, statuses, funding sources), in published order.
    categories: tuple[str, ...] = ()
    #: For non-counts: the count indicator whose suppressed cells hide this one's cells too.
    base: str | None = None

    @property
    def disclosure_controlled(self) -> bool:
        """Whether its cells go through primary and secondary suppression themselves."""
        return self.kind is Kind.COUNT

    def name(self, language: str) -> str:
        """The name in a language (Polish for anything but English)."""
        return self.name_en if language == "en" else self.name_pl

    def description(self, language: str) -> str:
        """What it counts, in one sentence, in a language (Polish for anything but English)."""
        return self.counts_en if language == "en" else self.counts_pl


B = Breakdown
#: Where a figure is: every indicator can be compared across gminy, agreements, regions, time.
_WHERE = frozenset({B.GMINA, B.AGREEMENT, B.REGION, B.QUARTER})
#: Who: the resident's age band and sex (from ``resident.birth_date`` and ``resident.sex``).
_WHO = frozenset({B.AGE_BAND, B.SEX})
#: What: the service and its catalogue area.
_WHAT = frozenset({B.CATALOGUE_AREA, B.SERVICE})
#: How: the referral's contract gives the delivery mode and the partner's category.
_HOW = frozenset({B.DELIVERY_MODE, B.PARTNER_CATEGORY})

DECISION_OUTCOMES = ("granted", "refused", "waiting")
REFERRAL_STATUSES = (
    "pending",
    "accepted",
    "declined",
    "in_delivery",
    "completed",
    "cancelled",
    "expired",
)
FUNDING_SOURCES = ("eu_project", "gmina", "state_budget", "co_payment")
TIMELINESS = ("on_time", "late", "open_overdue")

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        id="residents_served",
        name_pl="Mieszkańcy objęci usługami",
        name_en="Residents served",
        unit=Unit.PERSONS,
        counts_pl="Różne osoby, którym w kwartale zrealizowano co najmniej jedną usługę.",
        counts_en="Distinct residents with at least one service delivered in the quarter.",
        kind=Kind.COUNT,
        breakdowns=_WHERE | _WHO | _WHAT | _HOW,
        sources=("resident", "referral", "delivery"),
    ),
    Indicator(
        id="households_served",
        name_pl="Gospodarstwa domowe objęte usługami",
        name_en="Households served",
        unit=Unit.HOUSEHOLDS,
        counts_pl="Różne gospodarstwa domowe, w których choć jedna osoba otrzymała usługę.",
        counts_en="Distinct households in which at least one resident was served.",
        kind=Kind.COUNT,
        breakdowns=_WHERE | _WHAT,
        sources=("household", "resident", "referral", "delivery"),
    ),
    Indicator(
        id="ipus_new",
        name_pl="Nowe IPUS",
        name_en="New individual plans (IPUS)",
        unit=Unit.PLANS,
        counts_pl="Indywidualne plany usług społecznych zatwierdzone w kwartale.",
        counts_en="Individual social services plans (IPUS) approved in the quarter.",
        kind=Kind.COUNT,
        breakdowns=_WHERE | _WHO,
        sources=("individual_plan", "resident"),
    ),
    Indicator(
        id="ipus_active",
        name_pl="Aktywne IPUS",
        name_en="Active individual plans (IPUS)",
        unit=Unit.PLANS,
        counts_pl="Zatwierdzone IPUS, których okres obejmuje choć jeden dzień kwartału.",
        counts_en="Approved IPUS whose period covers at least one day of the quarter.",
        kind=Kind.COUNT,
        breakdowns=_WHERE | _WHO,
        sources=("individual_plan", "resident"),
    ),
    Indicator(
        id="ipus_reviews_done",
        name_pl="Przeglądy IPUS wykonane w terminie",
        name_en="IPUS reviews done on time",
        unit=Unit.PLANS,
        counts_pl="Przeglądy planów z terminem w kwartale, wykonane nie później niż w terminie.",
        counts_en="Plan reviews due in the quarter that were done on or before their due date.",
        kind=Kind.COUNT,
        breakdowns=_WHERE,
        sources=("plan_review", "individual_plan"),
    ),
    Indicator(
        id="applications",
        name_pl="Wnioski o usługi",
        name_en="Applications for services",
        unit=Unit.APPLICATIONS,
        counts_pl="Wnioski zarejestrowane w kwartale.",
        counts_en="Applications (wnioski) registered in the quarter.",
        kind=Kind.COUNT,
        breakdowns=_WHERE | _WHO,
        sources=("application", "resident"),
    ),
    Indicator(
        id="decisions_by_outcome",
        name_pl="Rozstrzygnięcia kwalifikacji według wyniku",
        name_en="Qualification decisions by outcome",
        unit=Unit.DECISIONS,
        counts_pl="Rozstrzygnięcia o wnioskowanych usługach wydane w kwartale, według wyniku.",
        counts_en="Decisions on requested services taken in the quarter, by outcome.",
        kind=Kind.COUNT,
        breakdowns=_WHERE | _WHO | _WHAT,
        sources=("qualification_decision", "requested_service", "resident"),
        categories=DECISION_OUTCOMES,
    ),
    Indicator(
        id="days_to_decision",
        name_pl="Dni od wniosku do rozstrzygnięcia (mediana)",
        name_en="Days from application to decision (median)",
        unit=Unit.DAYS,
        counts_pl="Mediana dni od rejestracji wniosku do rozstrzygnięcia wydanego w kwartale.",
        counts_en="Median days from an application's registration to its decision in the quarter.",
        kind=Kind.MEDIAN,
        breakdowns=_WHERE | _WHAT,
        sources=("application", "requested_service", "qualification_decision"),
        base="decisions_by_outcome",
    ),
    Indicator(
        id="referrals_by_status",
        name_pl="Skierowania według statusu",
        name_en="Referrals by status",
        unit=Unit.REFERRALS,
        counts_pl="Skierowania do realizatorów według statusu na koniec kwartału.",
        counts_en="Referrals to providers by their status at the end of the quarter.",
        kind=Kind.COUNT,
        breakdowns=_WHERE | _WHAT | _HOW,
        sources=("referral",),
        categories=REFERRAL_STATUSES,
    ),
    Indicator(
        id="delivered_hours",
        name_pl="Zrealizowane godziny usług",
        name_en="Delivered service hours",
        unit=Unit.HOURS,
        counts_pl="Suma godzin usług zrealizowanych w miesiącach kwartału.",
        counts_en="Sum of service hours delivered in the months of the quarter.",
        kind=Kind.AMOUNT,
        breakdowns=_WHERE | _WHAT | _HOW,
        sources=("delivery", "referral"),
        base="residents_served",
    ),
    Indicator(
        id="delivered_sessions",
        name_pl="Zrealizowane spotkania",
        name_en="Delivered sessions",
        unit=Unit.SESSIONS,
        counts_pl="Suma spotkań (sesji) zrealizowanych w miesiącach kwartału.",
        counts_en="Sum of sessions delivered in the months of the quarter.",
        kind=Kind.AMOUNT,
        breakdowns=_WHERE | _WHAT | _HOW,
        sources=("delivery", "referral"),
        base="residents_served",
    ),
    Indicator(
        id="waiting_list",
        name_pl="Osoby na liście oczekujących",
        name_en="Residents on the waiting list",
        unit=Unit.PERSONS,
        counts_pl="Różne osoby z choć jedną usługą oczekującą na koniec kwartału.",
        counts_en="Distinct residents with a requested service waiting at the end of the quarter.",
        kind=Kind.COUNT,
        breakdowns=_WHERE | _WHO | _WHAT,
        sources=("requested_service", "resident"),
    ),
    Indicator(
        id="waiting_days",
        name_pl="Czas oczekiwania w dniach (mediana)",
        name_en="Waiting time in days (median)",
        unit=Unit.DAYS,
        counts_pl="Mediana dni oczekiwania usług oczekujących na koniec kwartału.",
        counts_en="Median days waited by the services still waiting at the end of the quarter.",
        kind=Kind.MEDIAN,
        breakdowns=_WHERE | _WHAT,
        sources=("requested_service",),
        base="waiting_list",
    ),
    Indicator(
        id="complaints",
        name_pl="Skargi według terminowości",
        name_en="Complaints by timeliness",
        unit=Unit.COMPLAINTS,
        counts_pl="Skargi z terminem w kwartale: rozpatrzone w terminie, po terminie, otwarte.",
        counts_en="Complaints due in the quarter: decided on time, late, or open past due.",
        kind=Kind.COUNT,
        breakdowns=_WHERE | _WHAT | frozenset({B.PARTNER_CATEGORY}),
        sources=("complaint",),
        categories=TIMELINESS,
    ),
    Indicator(
        id="volunteers_active",
        name_pl="Aktywni wolontariusze",
        name_en="Active volunteers",
        unit=Unit.VOLUNTEERS,
        counts_pl="Wolontariusze, których okres aktywności obejmuje choć jeden dzień kwartału.",
        counts_en="Volunteers whose active period covers at least one day of the quarter.",
        kind=Kind.COUNT,
        breakdowns=_WHERE,
        sources=("volunteer",),
    ),
    Indicator(
        id="neighbour_support",
        name_pl="Osoby objęte wsparciem sąsiedzkim",
        name_en="Residents receiving neighbour support",
        unit=Unit.PERSONS,
        counts_pl="Różne osoby wspierane przez wolontariusza sąsiedzkiego w kwartale.",
        counts_en="Distinct residents supported by a neighbour volunteer in the quarter.",
        kind=Kind.COUNT,
        breakdowns=_WHERE | _WHO,
        sources=("neighbour_support", "resident"),
    ),
    Indicator(
        id="self_help_groups",
        name_pl="Grupy samopomocowe",
        name_en="Self-help groups",
        unit=Unit.GROUPS,
        counts_pl="Grupy samopomocowe działające choć jeden dzień w kwartale.",
        counts_en="Self-help groups active on at least one day of the quarter.",
        kind=Kind.COUNT,
        breakdowns=_WHERE,
        sources=("self_help_group",),
    ),
    Indicator(
        id="self_help_group_members",
        name_pl="Członkowie grup samopomocowych",
        name_en="Members of self-help groups",
        unit=Unit.PERSONS,
        counts_pl="Suma członków grup samopomocowych działających w kwartale.",
        counts_en="Sum of the members of the self-help groups active in the quarter.",
        kind=Kind.COUNT,
        breakdowns=_WHERE,
        sources=("self_help_group",),
    ),
    Indicator(
        id="community_events",
        name_pl="Wydarzenia środowiskowe",
        name_en="Community events",
        unit=Unit.EVENTS,
        counts_pl="Wydarzenia środowiskowe, które odbyły się w kwartale.",
        counts_en="Community events held in the quarter.",
        kind=Kind.COUNT,
        breakdowns=_WHERE,
        sources=("community_event",),
    ),
    Indicator(
        id="event_participants",
        name_pl="Uczestnicy wydarzeń środowiskowych",
        name_en="Participants in community events",
        unit=Unit.PARTICIPANTS,
        counts_pl="Suma uczestników wydarzeń środowiskowych, które odbyły się w kwartale.",
        counts_en="Sum of participants in the community events held in the quarter.",
        kind=Kind.COUNT,
        breakdowns=_WHERE,
        sources=("community_event",),
    ),
    Indicator(
        id="budget_planned",
        name_pl="Budżet planowany",
        name_en="Planned budget",
        unit=Unit.GROSZE,
        counts_pl="Kwota zaplanowana na usługi w okresach budżetu przypadających na kwartał.",
        counts_en="Amount planned for services in the budget periods falling in the quarter.",
        kind=Kind.AMOUNT,
        breakdowns=frozenset({B.AGREEMENT, B.REGION, B.QUARTER, B.SERVICE, B.CATALOGUE_AREA}),
        sources=("budget", "budget_period", "budget_service", "budget_line"),
        categories=FUNDING_SOURCES,
    ),
    Indicator(
        id="budget_executed",
        name_pl="Budżet wykonany",
        name_en="Executed budget",
        unit=Unit.GROSZE,
        counts_pl="Kwota wydatkowana na usługi w okresach budżetu przypadających na kwartał.",
        counts_en="Amount spent on services in the budget periods falling in the quarter.",
        kind=Kind.AMOUNT,
        breakdowns=frozenset({B.AGREEMENT, B.REGION, B.QUARTER, B.SERVICE, B.CATALOGUE_AREA}),
        sources=("budget", "budget_period", "budget_service", "budget_line"),
        categories=FUNDING_SOURCES,
    ),
    Indicator(
        id="share_social_sector",
        name_pl="Udział kosztów bezpośrednich zleconych podmiotom ekonomii społecznej",
        name_en="Share of direct costs contracted to the social sector",
        unit=Unit.PERCENT,
        counts_pl="Koszty bezpośrednie zlecone sektorowi społecznemu, w procentach (min. 30%).",
        counts_en="Direct costs contracted to the social sector, in percent (at least 30%).",
        kind=Kind.RATIO,
        breakdowns=frozenset({B.AGREEMENT, B.REGION}),
        sources=("budget", "budget_service"),
    ),
    Indicator(
        id="share_on_services",
        name_pl="Udział wartości projektu przeznaczonej na usługi",
        name_en="Share of the project's value spent on services",
        unit=Unit.PERCENT,
        counts_pl="Część wartości projektu przeznaczona na usługi, w procentach (co najmniej 80%).",
        counts_en="Part of the project's value planned for services, in percent (at least 80%).",
        kind=Kind.RATIO,
        breakdowns=frozenset({B.AGREEMENT, B.REGION}),
        sources=("budget", "budget_line"),
    ),
)


def _registry(indicators: Iterable[Indicator]) -> Mapping[str, Indicator]:
    """Index indicators by id, refusing duplicates (a duplicate would silently shadow one)."""
    registry: dict[str, Indicator] = {}
    for indicator in indicators:
        if indicator.id in registry:
            raise ValueError(f"duplicate indicator id: {indicator.id}")
        registry[indicator.id] = indicator
    return MappingProxyType(registry)


#: Every indicator by id, read-only.
REGISTRY: Mapping[str, Indicator] = _registry(INDICATORS)


class AgeBand(StrEnum):
    """Age bands (grupy wieku) of published breakdowns: wide enough that a band is rarely small."""

    UNDER_18 = "0-17"
    FROM_18_TO_24 = "18-24"
    FROM_25_TO_44 = "25-44"
    FROM_45_TO_64 = "45-64"
    FROM_65_TO_74 = "65-74"
    FROM_75 = "75+"


#: Lowest completed age of each band, oldest first, so the first match wins.
_BAND_FLOORS: tuple[tuple[int, AgeBand], ...] = (
    (75, AgeBand.FROM_75),
    (65, AgeBand.FROM_65_TO_74),
    (45, AgeBand.FROM_45_TO_64),
    (25, AgeBand.FROM_25_TO_44),
    (18, AgeBand.FROM_18_TO_24),
    (0, AgeBand.UNDER_18),
)


def age_on(birth_date: date, reference_date: date) -> int:
    """Completed years of age on a reference date (usually the last day of the quarter).

    A year of age is completed at the start of the anniversary, and when the month has no such
    day, on its last day (art. 112 of the Civil Code, Kodeks cywilny): a person born on 29
    February is a year older on 28 February of a common year.
    """
    if reference_date < birth_date:
        raise ValueError("reference date precedes the birth date")
    birthday = (birth_date.month, birth_date.day)
    if birthday == (2, 29) and not _is_leap(reference_date.year):
        birthday = (2, 28)
    before_birthday = (reference_date.month, reference_date.day) < birthday
    return reference_date.year - birth_date.year - int(before_birthday)


def age_band(birth_date: date, reference_date: date) -> AgeBand:
    """The age band of a resident on a reference date."""
    age = age_on(birth_date, reference_date)
    return next(band for floor, band in _BAND_FLOORS if age >= floor)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
