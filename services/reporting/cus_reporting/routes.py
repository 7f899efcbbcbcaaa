"""The reporting service's router, mounted at /api/reporting."""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, get
from pydantic import BaseModel

from cus_shared.identifiers.teryt import VOIVODESHIPS
from cus_shared.identity.guards import principal_of, require_roles
from cus_shared.identity.roles import Role


class RegionRead(BaseModel):
    """A voivodeship the caller may see reports of."""

    code: str
    name: str


@get("/regions", guards=[require_roles(Role.ROPS_SUPERVISOR, Role.OPERATOR)], tags=["reporting"])
async def my_regions(request: Request[Any, Any, Any]) -> list[RegionRead]:
    """Voivodeships whose anonymised reports the caller may see (operators: all)."""
    principal = principal_of(request)
    codes = VOIVODESHIPS.keys() if principal.has_role(Role.OPERATOR) else principal.regions
    return [RegionRead(code=c, name=VOIVODESHIPS[c]) for c in sorted(codes)]


def build_router() -> Router:
    """All routes of the reporting service."""
    return Router(path="/api/reporting", route_handlers=[my_regions])
