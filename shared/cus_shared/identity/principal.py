"""The authenticated person as the services see them: built from a verified token only."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from uuid import UUID

from cus_shared.identity.roles import Role, Scope


@dataclass(frozen=True, slots=True)
class Membership:
    """A role held in a scope (user, scope, role)."""

    scope: Scope
    scope_id: str
    role: Role


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling, and in which gminy they act with which roles.

    ``tenant_roles`` is resolved by the tenants service when the token is issued (gmina
    memberships directly, agreement memberships through the agreement's current members), so
    the other services need no registry lookup to authorise a tenant request.
    """

    user_id: UUID
    session_id: str
    memberships: tuple[Membership, ...]
    tenant_roles: Mapping[str, frozenset[Role]] = field(default_factory=dict)
    #: How the person is greeted in the pages (staff names are not residents' data).
    display_name: str = ""
    #: Names of the gminy in ``tenant_roles`` (public registry data), for the gmina switcher.
    gmina_names: Mapping[str, str] = field(default_factory=dict)
    #: Names of the partner organisations the person works for (public registry data).
    partner_names: Mapping[str, str] = field(default_factory=dict)
    #: Gminy each of those organisations serves under a contract (resolved at login, like
    #: ``tenant_roles``): where a partner's staff member may open the gmina's referrals.
    partner_gminy: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def roles_in(self, teryt: str) -> frozenset[Role]:
        """Roles held in a gmina (empty when none)."""
        return self.tenant_roles.get(teryt, frozenset())

    def has_role(self, *roles: Role) -> bool:
        """Whether any membership, in any scope, has one of the roles."""
        return any(m.role in roles for m in self.memberships)

    @property
    def served_gminy(self) -> frozenset[str]:
        """Every gmina the person's partner organisations serve."""
        return frozenset(t for gminy in self.partner_gminy.values() for t in gminy)

    @property
    def regions(self) -> frozenset[str]:
        """Voivodeship codes held by region-scoped memberships."""
        return frozenset(m.scope_id for m in self.memberships if m.scope is Scope.REGION)
