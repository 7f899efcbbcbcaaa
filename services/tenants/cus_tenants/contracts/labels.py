"""Contracts as people read them: modes, capacity units, amounts typed in Polish or English
notation turned into grosze exactly (Decimal, never float)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING

from cus_shared.i18n.language import N_, gettext
from cus_tenants.contracts.schemas import CapacityUnit

if TYPE_CHECKING:
    from cus_tenants.contracts.models import Contract

# Delivery modes are named once, in the catalogue (cus_tenants.catalogue.labels).

#: What a monthly capacity counts.
CAPACITY_UNIT_LABELS: dict[str, str] = {
    CapacityUnit.HOURS.value: N_("hours per month"),
    CapacityUnit.SESSIONS.value: N_("sessions per month"),
    CapacityUnit.PLACES.value: N_("places per month"),
    CapacityUnit.ITEMS.value: N_("items per month"),
}

_SPACES = re.compile(r"[\s\u00a0\u202f]")
_AMOUNT = re.compile(r"^[0-9]+(?:[.,][0-9]{1,2})?$")


def number_text(value: Decimal) -> str:
    """``12,5`` / ``160``: a decimal as Polish documents write it, without trailing zeros."""
    text = f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}".rstrip("0")
    return text.replace(".", ",")


def capacity_text(contract: Contract) -> str:
    """``160 hours per month`` in the page's language."""
    unit = CAPACITY_UNIT_LABELS.get(contract.capacity_unit)
    return f"{number_text(contract.capacity)} {gettext(unit) if unit else contract.capacity_unit}"


def parse_capacity(text: str) -> Decimal:
    """A monthly capacity typed as ``40``, ``12,5`` or ``12.5`` (at most two decimals)."""
    cleaned = _SPACES.sub("", text)
    if not _AMOUNT.fullmatch(cleaned):
        raise ValueError(text)
    return Decimal(cleaned.replace(",", "."))
