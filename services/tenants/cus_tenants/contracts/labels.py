"""Contracts as people read them: modes, capacity units, amounts typed in Polish or English
notation turned into grosze exactly (Decimal, never float)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from cus_shared.i18n.language import N_, gettext
from cus_tenants.catalogue.vocabulary import DeliveryMode
from cus_tenants.contracts.schemas import CapacityUnit

if TYPE_CHECKING:
    from cus_tenants.contracts.models import Contract

#: How the provider was chosen, or who delivers in-house (art. 7 of the Act).
MODE_LABELS: dict[str, str] = {
    DeliveryMode.COMPETITION_SUPPORT.value: N_("open competition of offers – supporting"),
    DeliveryMode.COMPETITION_ENTRUST.value: N_("open competition of offers – entrusting"),
    DeliveryMode.PROCUREMENT.value: N_("public procurement"),
    DeliveryMode.PROCUREMENT_SOCIAL.value: N_("public procurement with social clauses"),
    DeliveryMode.IN_HOUSE.value: N_("in-house delivery by the CUS"),
    DeliveryMode.GMINA_OFFICE.value: N_("gmina office"),
    DeliveryMode.MEDICAL_ENTITY.value: N_("medical entity"),
}

#: What a monthly capacity counts.
CAPACITY_UNIT_LABELS: dict[str, str] = {
    CapacityUnit.HOURS.value: N_("hours per month"),
    CapacityUnit.SESSIONS.value: N_("sessions per month"),
    CapacityUnit.PLACES.value: N_("places per month"),
    CapacityUnit.ITEMS.value: N_("items per month"),
}

_SPACES = re.compile(r"[\s\u00a0\u202f]")
_AMOUNT = re.compile(r"^[0-9]+(?:[.,][0-9]{1,2})?$")


def mode_name(mode: str) -> str:
    """A mode in the page's language."""
    return gettext(MODE_LABELS[mode]) if mode in MODE_LABELS else mode


def number_text(value: Decimal) -> str:
    """``12,5`` / ``160``: a decimal as Polish documents write it, without trailing zeros."""
    text = f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}".rstrip("0")
    return text.replace(".", ",")


def capacity_text(contract: Contract) -> str:
    """``160 hours per month`` in the page's language."""
    unit = CAPACITY_UNIT_LABELS.get(contract.capacity_unit)
    return f"{number_text(contract.capacity)} {gettext(unit) if unit else contract.capacity_unit}"


def parse_amount(text: str) -> int:
    """Grosze from an amount typed as ``12 500,00``, ``12500.00``, ``12500`` or ``12 500 zł``
    (spaces group thousands; one comma or dot before at most two decimals). ValueError when
    it is not such an amount."""
    cleaned = _SPACES.sub("", text).removesuffix("zł").removesuffix("PLN")
    if not _AMOUNT.fullmatch(cleaned):
        raise ValueError(text)
    try:
        grosze = Decimal(cleaned.replace(",", ".")) * 100
    except InvalidOperation:
        raise ValueError(text) from None
    return int(grosze)


def amount_text(grosze: int) -> str:
    """Grosze as a form's amount field shows them: ``12 500,00``."""
    whole, part = divmod(grosze, 100)
    return f"{whole:,}".replace(",", " ") + f",{part:02d}"


def parse_capacity(text: str) -> Decimal:
    """A monthly capacity typed as ``40``, ``12,5`` or ``12.5`` (at most two decimals)."""
    cleaned = _SPACES.sub("", text)
    if not _AMOUNT.fullmatch(cleaned):
        raise ValueError(text)
    return Decimal(cleaned.replace(",", "."))
