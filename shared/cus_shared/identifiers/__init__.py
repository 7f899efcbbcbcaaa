"""Polish public identifiers: TERYT TERC (gmina), PESEL (person), NIP, REGON and KRS
(organisations)."""

from cus_shared.identifiers.organisations import (
    Krs,
    Nip,
    OrganisationIdError,
    Regon,
    parse_krs,
    parse_nip,
    parse_regon,
)
from cus_shared.identifiers.pesel import Pesel, PeselError, parse_pesel
from cus_shared.identifiers.teryt import Teryt, TerytError, parse_teryt

__all__ = [
    "Krs",
    "Nip",
    "OrganisationIdError",
    "Pesel",
    "PeselError",
    "Regon",
    "Teryt",
    "TerytError",
    "parse_krs",
    "parse_nip",
    "parse_pesel",
    "parse_regon",
    "parse_teryt",
]
