"""The reporting service's router, mounted at /api/reporting.

Every figure leaves through :mod:`cus_reporting.publication` (disclosure control applied);
the service's database role reads the ``reporting`` schema only.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from litestar import Request, Router, get, post
from litestar.params import JSONBody, PathParameter, QueryParameter
from litestar.status_codes import HTTP_202_ACCEPTED
from pydantic import BaseModel

from cus_reporting.access import parse_quarter, read_report
from cus_reporting.audiences import audiences_of
from cus_reporting.indicators.definitions import INDICATORS
from cus_reporting.schemas import (
    AudienceRead,
    IndicatorRead,
    RefreshIn,
    ReportRead,
    RunRead,
)
from cus_reporting.status import latest_runs
from cus_shared.database.runtime import Database
from cus_shared.errors import ConflictError
from cus_shared.i18n.language import current_language
from cus_shared.identifiers.teryt import VOIVODESHIPS
from cus_shared.identity.guards import principal_of, require_roles
from cus_shared.identity.roles import Role

#: Who reads figures: ROPS, the Forum, directors (their own gminy). Operators see the job.
READERS = (Role.ROPS_SUPERVISOR, Role.FORUM_MEMBER, Role.DIRECTOR)


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


@get("/audiences", guards=[require_roles(*READERS)], tags=["reporting"])
async def my_audiences(request: Request[Any, Any, Any]) -> list[AudienceRead]:
    """The views of the figures the caller may open."""
    return [
        AudienceRead(key=a.key, kind=a.kind.value, label=a.label)
        for a in audiences_of(principal_of(request))
    ]


@get("/indicators", tags=["reporting"])
async def indicators() -> list[IndicatorRead]:
    """Every indicator's definition (what it counts, unit, breakdowns) in the caller's language."""
    language = current_language()
    return [IndicatorRead.of(i, language) for i in INDICATORS]


@get(
    "/audiences/{audience:str}/indicators/{indicator:str}",
    guards=[require_roles(*READERS)],
    tags=["reporting"],
)
async def report(
    request: Request[Any, Any, Any],
    audience: Annotated[str, PathParameter(max_length=20)],
    indicator: Annotated[str, PathParameter(max_length=40)],
    quarter: Annotated[str | None, QueryParameter(max_length=10)] = None,
    quarters: Annotated[int, QueryParameter()] = 8,
) -> ReportRead:
    """One indicator for one view: comparison, trend over quarters, breakdowns of the total."""
    result = await read_report(
        database(request).sessions,
        principal_of(request),
        audience,
        indicator,
        quarter=quarter,
        quarters=quarters,
        language=current_language(),
    )
    return ReportRead.of(result)


@get("/runs", guards=[require_roles(Role.OPERATOR)], tags=["reporting"])
async def runs(
    request: Request[Any, Any, Any],
    limit: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
) -> list[RunRead]:
    """The snapshot job's latest runs (operators)."""
    return [RunRead.of(r) for r in await latest_runs(database(request).sessions, limit=limit)]


#: The refresh started from the API, if one is running (one at a time per process).
_running: dict[str, asyncio.Task[Any]] = {}


@post(
    "/refresh",
    guards=[require_roles(Role.OPERATOR)],
    status_code=HTTP_202_ACCEPTED,
    tags=["reporting"],
)
async def refresh(request: Request[Any, Any, Any], data: JSONBody[RefreshIn]) -> dict[str, str]:
    """Start refreshing every gmina's snapshot of a quarter (operators); follow it in /runs."""
    from cus_reporting.snapshots.refresh import refresh_quarter

    quarter = parse_quarter(data.quarter)
    current = _running.get("task")
    if current is not None and not current.done():
        raise ConflictError("report.refresh_running")
    engine = database(request).app_engine
    _running["task"] = asyncio.create_task(refresh_quarter(engine, quarter))
    return {"quarter": quarter.label, "status": "started"}


def database(request: Request[Any, Any, Any]) -> Database:
    """The process's database handles (the reporting role is taken per transaction)."""
    db: Database = request.app.state.db
    return db


def build_router() -> Router:
    """All routes of the reporting service."""
    return Router(
        path="/api/reporting",
        route_handlers=[my_regions, my_audiences, indicators, report, runs, refresh],
    )
