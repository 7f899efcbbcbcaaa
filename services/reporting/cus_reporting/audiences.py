"""Who sees which figures (odbiorcy raportów), from the memberships of the identity model.

- a ROPS supervisor (region scope) sees every gmina of their voivodeship, gmina by gmina;
- a member of the Regional CUS Forum (region scope) sees the regional comparison: the
  partner CUS (agreements) of the voivodeship side by side, never a single gmina, each figure
  built from at least three gminy;
- a CUS director sees their own gminy, with the same disclosure control;
- an operator sees the snapshot job's status, not the figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from cus_shared.errors import NotFoundError
from cus_shared.i18n.language import gettext as _
from cus_shared.identifiers.teryt import VOIVODESHIPS
from cus_shared.identity.roles import Role, Scope

if TYPE_CHECKING:
    from cus_shared.identity.principal import Principal


class AudienceKind(StrEnum):
    """The three ways figures are shown."""

    REGION = "region"  # ROPS: the voivodeship's gminy
    FORUM = "forum"  # Regional CUS Forum: the voivodeship's partner CUS compared
    OWN = "own"  # a director: their own gminy


@dataclass(frozen=True, slots=True)
class Audience:
    """One view a person may open; ``key`` goes in URLs (no personal data: codes only)."""

    kind: AudienceKind
    voivodeship: str = ""
    #: The director's gminy (OWN only).
    gminy: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return (
            self.kind.value if self.kind is AudienceKind.OWN else f"{self.kind}-{self.voivodeship}"
        )

    @property
    def label(self) -> str:
        """What the view is called, in the current language."""
        region = VOIVODESHIPS.get(self.voivodeship, self.voivodeship)
        if self.kind is AudienceKind.REGION:
            return _("Voivodeship %(name)s: gminy") % {"name": region}
        if self.kind is AudienceKind.FORUM:
            return _("Regional CUS Forum, voivodeship %(name)s") % {"name": region}
        return _("My gminy")

    @property
    def applies_contributor_rule(self) -> bool:
        """Regional aggregates need at least three contributing gminy; a director's own gminy
        and the ROPS list of gminy show each gmina anyway, so the rule adds nothing there."""
        return self.kind is AudienceKind.FORUM


def audiences_of(principal: Principal) -> list[Audience]:
    """Every view the person may open, in a stable order."""
    found: list[Audience] = []
    for membership in principal.memberships:
        if membership.scope is not Scope.REGION or membership.scope_id not in VOIVODESHIPS:
            continue
        if membership.role is Role.ROPS_SUPERVISOR:
            found.append(Audience(AudienceKind.REGION, membership.scope_id))
        elif membership.role is Role.FORUM_MEMBER:
            found.append(Audience(AudienceKind.FORUM, membership.scope_id))
    own = tuple(sorted(t for t, roles in principal.tenant_roles.items() if Role.DIRECTOR in roles))
    if own:
        found.append(Audience(AudienceKind.OWN, gminy=own))
    unique = {a.key: a for a in found}
    return [unique[k] for k in sorted(unique)]


def audience_for(principal: Principal, key: str) -> Audience:
    """The view named ``key`` if the person may open it; anything else is 404 (not 403: the
    existence of another region's view is nobody's business)."""
    for audience in audiences_of(principal):
        if audience.key == key:
            return audience
    raise NotFoundError("not_found")
