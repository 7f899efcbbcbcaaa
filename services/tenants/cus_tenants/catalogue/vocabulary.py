"""Closed lists of the domain: the 14 statutory areas of social services (art. 2 ust. 1 of
the Act of 19 July 2019), units of delivery, and who may deliver a service (art. 7)."""

from __future__ import annotations

from enum import StrEnum

from cus_shared.areas import AREA_CODES, AREAS, Area
from cus_shared.providers import IN_HOUSE_MODES, DeliveryMode

__all__ = ["AREAS", "AREA_CODES", "IN_HOUSE_MODES", "Area", "DeliveryMode", "ServiceUnit"]


# The statutory areas are shared by every service (reports break figures down by them).


class ServiceUnit(StrEnum):
    """What one unit of a delivered service is."""

    HOUR = "hour"  # godzina
    SESSION = "session"  # spotkanie / sesja
    PLACE_DAY = "place_day"  # osobodzień (miejsce na dzień)
    ITEM = "item"  # sztuka (e.g. a monitoring wristband, rented equipment)


# Delivery modes are shared by every service (reports break figures down by them).
