"""Names of breakdowns, their members and indicators' categories as people read them.

Members are codes from closed lists (sex, age bands, statutory areas, delivery modes, partner
categories, outcomes): a member is never a name or a free text.
"""

from __future__ import annotations

from cus_reporting.indicators.definitions import Breakdown
from cus_shared.areas import area_name
from cus_shared.i18n.language import N_, current_language, gettext

BREAKDOWN_LABELS: dict[str, str] = {
    Breakdown.GMINA.value: N_("Gmina"),
    Breakdown.AGREEMENT.value: N_("Partner CUS"),
    Breakdown.REGION.value: N_("Voivodeship"),
    Breakdown.QUARTER.value: N_("Quarter"),
    Breakdown.CATALOGUE_AREA.value: N_("Area of social services"),
    Breakdown.SERVICE.value: N_("Service"),
    Breakdown.AGE_BAND.value: N_("Age band"),
    Breakdown.SEX.value: N_("Sex"),
    Breakdown.DELIVERY_MODE.value: N_("Delivery mode"),
    Breakdown.PARTNER_CATEGORY.value: N_("Provider category"),
}

_MEMBERS: dict[str, dict[str, str]] = {
    Breakdown.SEX.value: {"F": N_("Women"), "M": N_("Men"), "K": N_("Women")},
    Breakdown.DELIVERY_MODE.value: {
        "gmina_office": N_("Gmina office"),
        "in_house": N_("The CUS itself or another gmina unit"),
        "competition_support": N_("Open competition (support)"),
        "competition_entrust": N_("Open competition (entrusting)"),
        "procurement": N_("Public procurement"),
        "procurement_social": N_("Public procurement with social clauses"),
        "medical_entity": N_("Medical entity"),
        "partner": N_("Partner under contract"),
    },
    Breakdown.PARTNER_CATEGORY.value: {
        "ngo": N_("Non-governmental organisation"),
        "social_economy": N_("Social economy entity (e.g. social cooperative)"),
        "business": N_("Business"),
        "public_unit": N_("Public unit"),
        "medical_entity": N_("Medical entity"),
        "in_house": N_("The CUS itself or another gmina unit"),
    },
}

CATEGORY_LABELS: dict[str, str] = {
    "granted": N_("Granted"),
    "refused": N_("Refused"),
    "waiting": N_("Waiting list"),
    "pending": N_("Pending"),
    "accepted": N_("Accepted"),
    "declined": N_("Declined"),
    "in_delivery": N_("In delivery"),
    "completed": N_("Completed"),
    "cancelled": N_("Cancelled"),
    "expired": N_("Expired"),
    "on_time": N_("On time"),
    "late": N_("Late"),
    "open_overdue": N_("Open, past due"),
    "eu_project": N_("EU project"),
    "gmina": N_("Gmina's own funds"),
    "state_budget": N_("State budget"),
    "co_payment": N_("Residents' co-payment"),
}


def breakdown_label(breakdown: str) -> str:
    """A breakdown's name in the current language."""
    label = BREAKDOWN_LABELS.get(breakdown)
    return gettext(label) if label else breakdown


def member_label(breakdown: str, member: str) -> str:
    """A breakdown member's name in the current language (codes as they are when unknown)."""
    if breakdown == Breakdown.CATALOGUE_AREA.value and member.isdigit():
        return f"{member}. {area_name(int(member), current_language())}"
    if breakdown == Breakdown.AGE_BAND.value:
        return gettext("%(band)s years") % {"band": member}
    label = _MEMBERS.get(breakdown, {}).get(member)
    return gettext(label) if label else member


def category_label(category: str) -> str:
    """An indicator category's name in the current language."""
    label = CATEGORY_LABELS.get(category)
    return gettext(label) if label else category
