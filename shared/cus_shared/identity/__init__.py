"""Identity shared by all services: roles and scopes, the authenticated principal, token
checks, password hashing and role guards."""

from cus_shared.identity.principal import Membership, Principal
from cus_shared.identity.roles import Role, Scope

__all__ = ["Membership", "Principal", "Role", "Scope"]
