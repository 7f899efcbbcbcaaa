"""Roles of people who use the platform and the scopes a role is held in."""

from __future__ import annotations

from enum import StrEnum


class Scope(StrEnum):
    """What a membership is held in."""

    GMINA = "gmina"  # one gmina's CUS (scope id: TERYT)
    AGREEMENT = "agreement"  # every gmina of an inter-municipal agreement (scope id: agreement id)
    PARTNER = "partner"  # a partner organisation serving gminy under contracts (partner id)
    REGION = "region"  # a voivodeship, for ROPS and the Regional CUS Forum (2-digit code)
    PLATFORM = "platform"  # the whole installation, for operators (scope id: "*")


class Role(StrEnum):
    """Roles in and around a CUS."""

    DIRECTOR = "director"  # dyrektor CUS
    OUS = "ous"  # organizator usług społecznych
    KIPUS = "kipus"  # koordynator indywidualnych planów usług społecznych
    OSL = "osl"  # organizator społeczności lokalnej
    SOCIAL_ASSISTANCE_ORGANISER = "social_assistance_organiser"  # organizator pomocy społecznej
    PARTNER_STAFF = "partner_staff"  # pracownik partnera (NGO, spółdzielnia socjalna…)
    PARTNER_ADMIN = "partner_admin"  # administrator partnera: zarządza kontami swojej organizacji
    ROPS_SUPERVISOR = "rops_supervisor"  # nadzór regionalny (ROPS)
    FORUM_MEMBER = "forum_member"  # członek Regionalnego Forum CUS: porównanie regionalne
    OPERATOR = "operator"  # operator platformy


#: CUS staff roles: they work inside gminy and may read residents' data there.
CUS_STAFF_ROLES = frozenset(
    {Role.DIRECTOR, Role.OUS, Role.KIPUS, Role.OSL, Role.SOCIAL_ASSISTANCE_ORGANISER}
)

#: Which scopes each role may be held in.
ALLOWED_SCOPES: dict[Role, frozenset[Scope]] = {
    **{role: frozenset({Scope.GMINA, Scope.AGREEMENT}) for role in CUS_STAFF_ROLES},
    Role.PARTNER_STAFF: frozenset({Scope.PARTNER}),
    Role.PARTNER_ADMIN: frozenset({Scope.PARTNER}),
    Role.ROPS_SUPERVISOR: frozenset({Scope.REGION}),
    Role.FORUM_MEMBER: frozenset({Scope.REGION}),
    Role.OPERATOR: frozenset({Scope.PLATFORM}),
}

#: Roles that can reach residents' personal data (directly, or by managing who can): their
#: holders must log in with a second factor (TOTP) when ``CUS_AUTH_MFA_REQUIRED`` is on.
PERSONAL_DATA_ROLES = CUS_STAFF_ROLES | frozenset(
    {Role.PARTNER_STAFF, Role.PARTNER_ADMIN, Role.OPERATOR}
)
