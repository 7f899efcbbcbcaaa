"""Names of breakdowns, their members and indicators' categories as people read them.

Members are codes from closed lists (sex, age bands, statutory areas, delivery modes, partner
categories, outcomes): a member is never a name or a free text.
"""

from __future__ import annotations

from cus_reporting.indicators.definitions import Breakdown
from cus_shared.areas import area_name
from cus_shared.i18n.language import N_, current_language, gettext
from cus_shared.providers import mode_name, partner_category_name

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

#: Members of their own (sex, and what the snapshot job records when a record has no value).
_MEMBERS: dict[str, dict[str, str]] = {
    Breakdown.SEX.value: {"F": N_("Women"), "M": N_("Men")},
    Breakdown.PARTNER_CATEGORY.value: {"none": N_("Delivered by the CUS itself")},
    Breakdown.SERVICE.value: {"none": N_("No particular service")},
    Breakdown.CATALOGUE_AREA.value: {"none": N_("No particular service")},
}
#: A record without the value a breakdown needs (sex not recorded, a contract since ended…).
NOT_RECORDED = N_("Not recorded")

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
    own = _MEMBERS.get(breakdown, {}).get(member)
    if own is not None:
        return gettext(own)
    if member == "unknown":
        return gettext(NOT_RECORDED)
    if breakdown == Breakdown.CATALOGUE_AREA.value and member.isdigit():
        return f"{member}. {area_name(int(member), current_language())}"
    if breakdown == Breakdown.AGE_BAND.value:
        return gettext("%(band)s years") % {"band": member}
    if breakdown == Breakdown.DELIVERY_MODE.value:
        return mode_name(member)
    if breakdown == Breakdown.PARTNER_CATEGORY.value:
        return partner_category_name(member)
    return member


def category_label(category: str) -> str:
    """An indicator category's name in the current language."""
    label = CATEGORY_LABELS.get(category)
    return gettext(label) if label else category
