"""Names of the platform's roles and scopes as people read them, for every service's pages
(English msgids, translated when shown: ``_(ROLE_NAMES[role])`` or ``role|role_name``)."""

from __future__ import annotations

from cus_shared.i18n.language import N_, gettext
from cus_shared.identity.roles import Role, Scope

ROLE_NAMES: dict[str, str] = {
    Role.DIRECTOR.value: N_("CUS director"),
    Role.OUS.value: N_("Social services organiser (OUS)"),
    Role.KIPUS.value: N_("Coordinator of individual plans (KIPUS)"),
    Role.OSL.value: N_("Community organiser (OSL)"),
    Role.SOCIAL_ASSISTANCE_ORGANISER.value: N_("Social assistance organiser"),
    Role.PARTNER_STAFF.value: N_("Partner organisation staff"),
    Role.PARTNER_ADMIN.value: N_("Partner organisation administrator"),
    Role.ROPS_SUPERVISOR.value: N_("ROPS supervisor"),
    Role.FORUM_MEMBER.value: N_("Regional CUS Forum member"),
    Role.OPERATOR.value: N_("Platform operator"),
}

SCOPE_NAMES: dict[str, str] = {
    Scope.GMINA.value: N_("Gmina"),
    Scope.AGREEMENT.value: N_("Inter-municipal agreement"),
    Scope.PARTNER.value: N_("Partner organisation"),
    Scope.REGION.value: N_("Region (voivodeship)"),
    Scope.PLATFORM.value: N_("Whole platform"),
}


def role_name(role: str) -> str:
    """A role's name in the current language (the code itself for an unknown role)."""
    return gettext(ROLE_NAMES[role]) if role in ROLE_NAMES else role


def scope_name(scope: str) -> str:
    """A scope's name in the current language."""
    return gettext(SCOPE_NAMES[scope]) if scope in SCOPE_NAMES else scope
