"""Closed lists of the domain: the 14 statutory areas of social services (art. 2 ust. 1 of
the Act of 19 July 2019), units of delivery, and who may deliver a service (art. 7)."""

from __future__ import annotations

from enum import StrEnum

from cus_shared.areas import AREA_CODES, AREAS, Area

__all__ = ["AREAS", "AREA_CODES", "IN_HOUSE_MODES", "Area", "DeliveryMode", "ServiceUnit"]


# The statutory areas are shared by every service (reports break figures down by them).


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
