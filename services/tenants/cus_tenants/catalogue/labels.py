"""The catalogue's closed lists as people read them (English msgids, translated when shown),
and the areas' names in the page's language."""

from __future__ import annotations

from cus_shared.areas import area_name as shared_area_name
from cus_shared.i18n.language import N_, current_language, gettext
from cus_shared.providers import MODE_LABELS, mode_name
from cus_tenants.catalogue.vocabulary import AREAS, ServiceUnit

__all__ = ["MODE_LABELS", "UNIT_LABELS", "area_name", "area_options", "mode_name", "unit_name"]

#: Units of delivery.
UNIT_LABELS: dict[str, str] = {
    ServiceUnit.HOUR.value: N_("Hour"),
    ServiceUnit.SESSION.value: N_("Session (meeting)"),
    ServiceUnit.PLACE_DAY.value: N_("Place-day"),
    ServiceUnit.ITEM.value: N_("Item (e.g. a wristband, equipment lent)"),
}


def area_name(code: int, language: str | None = None) -> str:
    """A statutory area's name in a language (the page's when not given)."""
    return shared_area_name(code, language or current_language())


def area_options(language: str | None = None) -> list[tuple[str, str]]:
    """The 14 areas as a select's options: "4. pomoc społeczna"."""
    return [(str(a.code), f"{a.code}. {area_name(a.code, language)}") for a in AREAS]


def unit_name(unit: str) -> str:
    """A unit of delivery in the page's language."""
    return gettext(UNIT_LABELS[unit]) if unit in UNIT_LABELS else unit
