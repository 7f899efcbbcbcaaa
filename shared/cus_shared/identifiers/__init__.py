"""Polish public identifiers: TERYT TERC (gmina) and PESEL (person)."""

from cus_shared.identifiers.pesel import Pesel, PeselError, parse_pesel
from cus_shared.identifiers.teryt import Teryt, TerytError, parse_teryt

__all__ = ["Pesel", "PeselError", "Teryt", "TerytError", "parse_pesel", "parse_teryt"]
