"""Who provides social services, as every service names it: the delivery modes of art. 7 of
the Act of 19 July 2019 and the categories of providers (the partner registry records them,
the reports break figures down by them)."""

from __future__ import annotations

from enum import StrEnum

from cus_shared.i18n.language import N_, gettext


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

#: Who delivers and how they were chosen, as people read it.
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


class PartnerCategory(StrEnum):
    """Kinds of service providers (the seeds' three categories, plus public units and medical
    entities as executors)."""

    NGO = "ngo"  # organizacja pozarządowa (and other entities of art. 3 ust. 3 UoPPiW)
    SOCIAL_ECONOMY = "social_economy"  # podmiot ekonomii społecznej, spółdzielnia socjalna
    BUSINESS = "business"  # przedsiębiorca
    PUBLIC_UNIT = "public_unit"  # jednostka publiczna (e.g. another gmina unit)
    MEDICAL_ENTITY = "medical_entity"  # podmiot leczniczy


#: Categories of providers, as people read them.
PARTNER_CATEGORY_LABELS: dict[str, str] = {
    PartnerCategory.NGO.value: N_("Non-governmental organisation"),
    PartnerCategory.SOCIAL_ECONOMY.value: N_("Social economy entity (e.g. social cooperative)"),
    PartnerCategory.BUSINESS.value: N_("Business"),
    PartnerCategory.PUBLIC_UNIT.value: N_("Public unit"),
    PartnerCategory.MEDICAL_ENTITY.value: N_("Medical entity"),
}


def mode_name(mode: str) -> str:
    """A delivery mode in the page's language (the code itself when unknown)."""
    return gettext(MODE_LABELS[mode]) if mode in MODE_LABELS else mode


def partner_category_name(category: str) -> str:
    """A provider category in the page's language (the code itself when unknown)."""
    label = PARTNER_CATEGORY_LABELS.get(category)
    return gettext(label) if label else category
