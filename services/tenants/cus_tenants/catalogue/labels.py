"""The catalogue's closed lists as people read them (English msgids, translated when shown),
and the areas' names in the page's language."""

from __future__ import annotations

from cus_shared.i18n.language import N_, current_language, gettext
from cus_tenants.catalogue.vocabulary import AREAS, DeliveryMode, ServiceUnit

#: Units of delivery.
UNIT_LABELS: dict[str, str] = {
    ServiceUnit.HOUR.value: N_("Hour"),
    ServiceUnit.SESSION.value: N_("Session (meeting)"),
    ServiceUnit.PLACE_DAY.value: N_("Place-day"),
    ServiceUnit.ITEM.value: N_("Item (e.g. a wristband, equipment lent)"),
}

#: Who delivers and how they were chosen (art. 7 of the Act).
MODE_LABELS: dict[str, str] = {
    DeliveryMode.GMINA_OFFICE.value: N_("Gmina office"),
    DeliveryMode.IN_HOUSE.value: N_("The CUS itself or another gmina unit"),
    DeliveryMode.COMPETITION_SUPPORT.value: N_(
        "Open competition under the public-benefit act, supporting mode"
    ),
    DeliveryMode.COMPETITION_ENTRUST.value: N_(
        "Open competition under the public-benefit act, entrusting mode"
    ),
    DeliveryMode.PROCUREMENT.value: N_("Public procurement"),
    DeliveryMode.PROCUREMENT_SOCIAL.value: N_("Public procurement with social clauses"),
    DeliveryMode.MEDICAL_ENTITY.value: N_("Medical entity"),
}

_AREAS = {a.code: a for a in AREAS}


def area_name(code: int, language: str | None = None) -> str:
    """A statutory area's name in a language (the page's when not given)."""
    found = _AREAS.get(code)
    if found is None:
        return str(code)
    chosen = language or current_language()
    return {"en": found.name_en, "uk": found.name_uk}.get(chosen, found.name_pl)


def area_options(language: str | None = None) -> list[tuple[str, str]]:
    """The 14 areas as a select's options: "4. pomoc społeczna"."""
    return [(str(a.code), f"{a.code}. {area_name(a.code, language)}") for a in AREAS]


def unit_name(unit: str) -> str:
    """A unit of delivery in the page's language."""
    return gettext(UNIT_LABELS[unit]) if unit in UNIT_LABELS else unit


def mode_name(mode: str) -> str:
    """A delivery mode in the page's language."""
    return gettext(MODE_LABELS[mode]) if mode in MODE_LABELS else mode
