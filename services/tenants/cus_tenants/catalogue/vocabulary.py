"""Closed lists of the domain: the 14 statutory areas of social services (art. 2 ust. 1 of
the Act of 19 July 2019), units of delivery, and who may deliver a service (art. 7)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class Area:
    """A statutory area of social services (obszar usług społecznych)."""

    code: int
    name_pl: str
    name_en: str
    name_uk: str


#: The closed list: there is no 15th area.
AREAS: tuple[Area, ...] = (
    Area(1, "polityka prorodzinna", "family policy", "сімейна політика"),
    Area(2, "wspieranie rodziny", "family support", "підтримка сім'ї"),
    Area(3, "system pieczy zastępczej", "foster care system", "система прийомного виховання"),
    Area(4, "pomoc społeczna", "social assistance", "соціальна допомога"),
    Area(
        5,
        "promocja i ochrona zdrowia",
        "health promotion and protection",
        "зміцнення та охорона здоров'я",
    ),
    Area(
        6,
        "wspieranie osób niepełnosprawnych",
        "support for persons with disabilities",
        "підтримка осіб з інвалідністю",
    ),
    Area(7, "edukacja publiczna", "public education", "державна освіта"),
    Area(8, "przeciwdziałanie bezrobociu", "counteracting unemployment", "протидія безробіттю"),
    Area(9, "kultura", "culture", "культура"),
    Area(
        10,
        "kultura fizyczna i turystyka",
        "physical culture and tourism",
        "фізична культура і туризм",
    ),
    Area(
        11,
        "pobudzanie aktywności obywatelskiej",
        "stimulating civic activity",
        "стимулювання громадянської активності",
    ),
    Area(12, "mieszkalnictwo", "housing", "житлова політика"),
    Area(13, "ochrona środowiska", "environmental protection", "охорона довкілля"),
    Area(
        14,
        "reintegracja zawodowa i społeczna",
        "vocational and social reintegration",
        "професійна та соціальна реінтеграція",
    ),
)

AREA_CODES = frozenset(area.code for area in AREAS)


class ServiceUnit(StrEnum):
    """What one unit of a delivered service is."""

    HOUR = "hour"  # godzina
    SESSION = "session"  # spotkanie / sesja
    PLACE_DAY = "place_day"  # osobodzień (miejsce na dzień)
    ITEM = "item"  # sztuka (e.g. a monitoring wristband, rented equipment)


class DeliveryMode(StrEnum):
    """Who delivers a service and how they were chosen (art. 7 of the Act)."""

    GMINA_OFFICE = "gmina_office"  # urząd gminy
    IN_HOUSE = "in_house"  # the CUS itself or another gmina unit
    COMPETITION_SUPPORT = "competition_support"  # UoPPiW open competition, wspieranie
    COMPETITION_ENTRUST = "competition_entrust"  # UoPPiW open competition, powierzanie
    PROCUREMENT = "procurement"  # PZP
    PROCUREMENT_SOCIAL = "procurement_social"  # PZP with social clauses
    MEDICAL_ENTITY = "medical_entity"  # podmiot leczniczy


#: Modes in which the CUS or the gmina delivers by itself (no partner under contract).
IN_HOUSE_MODES = frozenset({DeliveryMode.GMINA_OFFICE, DeliveryMode.IN_HOUSE})
