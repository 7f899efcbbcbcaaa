"""TERYT TERC codes of gminy: 7 digits = voivodeship (2), county (2), gmina (2), type (1)."""

from __future__ import annotations

import re
from typing import NewType

from cus_shared.errors import DomainError

Teryt = NewType("Teryt", str)
"""A validated TERYT TERC code of a gmina (the tenant key)."""

#: The 16 voivodeships have even codes 02..32.
VOIVODESHIPS: dict[str, str] = {
    "02": "dolnośląskie",
    "04": "kujawsko-pomorskie",
    "06": "lubelskie",
    "08": "lubuskie",
    "10": "łódzkie",
    "12": "małopolskie",
    "14": "mazowieckie",
    "16": "opolskie",
    "18": "podkarpackie",
    "20": "podlaskie",
    "22": "pomorskie",
    "24": "śląskie",
    "26": "świętokrzyskie",
    "28": "warmińsko-mazurskie",
    "30": "wielkopolskie",
    "32": "zachodniopomorskie",
}

#: Type digits of a whole gmina. 4 and 5 (town / rural area of an urban-rural gmina),
#: 8 (Warsaw district) and 9 (delegation) are parts of a gmina, not a CUS tenant.
GMINA_TYPES: dict[str, str] = {
    "1": "gmina miejska",
    "2": "gmina wiejska",
    "3": "gmina miejsko-wiejska",
}

_PATTERN = re.compile(r"[0-9]{7}")  # ASCII only: \d would accept other scripts' digits


class TerytError(DomainError):
    """The text is not a TERYT TERC code of a gmina."""

    status_code = 422
    code = "teryt.invalid"


def parse_teryt(value: str) -> Teryt:
    """Validate a TERYT TERC code of a whole gmina and return it typed."""
    if not isinstance(value, str) or not _PATTERN.fullmatch(value):
        raise TerytError("teryt.format", field="teryt")
    if value[:2] not in VOIVODESHIPS:
        raise TerytError("teryt.voivodeship", field="teryt")
    if value[2:4] == "00" or value[4:6] == "00":
        raise TerytError("teryt.unit", field="teryt")
    if value[6] not in GMINA_TYPES:
        raise TerytError("teryt.type", field="teryt")
    return Teryt(value)


def is_teryt(value: str) -> bool:
    """Whether the text is a valid gmina TERYT code (no exception)."""
    try:
        parse_teryt(value)
    except TerytError:
        return False
    return True
