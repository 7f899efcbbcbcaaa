"""The 14 statutory areas of social services (art. 2 ust. 1 of the Act of 19 July 2019 on
providing social services by a social services centre): a closed list every service names
figures and services by."""

from __future__ import annotations

from dataclasses import dataclass


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


def area_name(code: int, language: str) -> str:
    """An area's name in a language (Polish for anything but English and Ukrainian)."""
    area = next((a for a in AREAS if a.code == code), None)
    if area is None:
        return str(code)
    return {"en": area.name_en, "uk": area.name_uk}.get(language, area.name_pl)
