"""Route guards by role. Tenant routes answer 404 to people outside the gmina, so that
existence does not leak; a member without the right role gets 403."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cus_shared.errors import AuthenticationError, NotFoundError, PermissionDeniedError
from cus_shared.identity.principal import Principal

if TYPE_CHECKING:
    from collections.abc import Callable

    from litestar.connection import ASGIConnection
    from litestar.handlers.base import BaseRouteHandler

    from cus_shared.identity.roles import Role


def principal_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    """The authenticated principal of a connection (401 when there is none)."""
    user = connection.scope.get("user")
    if not isinstance(user, Principal):
        raise AuthenticationError("auth.required")
    return user


def require_roles(
    *roles: Role,
) -> Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], None]:
    """Allow callers holding one of the roles in any scope."""

    def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        if not principal_of(connection).has_role(*roles):
            raise PermissionDeniedError("auth.forbidden")

    return guard


def require_tenant_roles(
    *roles: Role,
) -> Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], None]:
    """Allow callers holding one of the roles in the gmina named by the ``teryt`` path part."""

    def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        held = principal_of(connection).roles_in(str(connection.path_params.get("teryt", "")))
        if not held:
            raise NotFoundError("not_found")
        if not held.intersection(roles):
            raise PermissionDeniedError("auth.forbidden")

    return guard
