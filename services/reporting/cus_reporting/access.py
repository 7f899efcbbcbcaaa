"""Reading a report: the request's parameters checked, the audience resolved from the
person's memberships, the snapshots read under the reporting role only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cus_reporting.audiences import audience_for
from cus_reporting.indicators.quarters import Quarter
from cus_reporting.publication.reports import build_report, indicator_of
from cus_shared import clock
from cus_shared.database.naming import REPORTING_SCHEMA, REPORTING_SERVICE_ROLE
from cus_shared.errors import InputError
from cus_shared.tenancy import open_service_session

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from cus_reporting.publication.tables import Report
    from cus_shared.identity.principal import Principal

#: At most three years of quarters in one trend.
MAX_QUARTERS = 12


def parse_quarter(label: str | None) -> Quarter:
    """The quarter asked for; by default the last one that has ended."""
    if not label:
        return Quarter.of(clock.today()).previous()
    try:
        return Quarter.parse(label)
    except ValueError:
        raise InputError("report.quarter_format", field="quarter") from None


def check_quarters(count: int) -> int:
    if not 1 <= count <= MAX_QUARTERS:
        raise InputError("report.quarters_range", field="quarters", params={"max": MAX_QUARTERS})
    return count


async def read_report(
    sessions: async_sessionmaker[AsyncSession],
    principal: Principal,
    audience_key: str,
    indicator_id: str,
    *,
    quarter: str | None,
    quarters: int,
    language: str,
) -> Report:
    """One audience's report of one indicator (404 for an audience that is not the caller's
    and for an unknown indicator)."""
    audience = audience_for(principal, audience_key)
    indicator = indicator_of(indicator_id)
    chosen = parse_quarter(quarter)
    count = check_quarters(quarters)
    async with open_service_session(
        sessions, db_role=REPORTING_SERVICE_ROLE, schema=REPORTING_SCHEMA
    ) as session:
        return await build_report(
            session, audience, indicator, chosen, quarters=count, language=language
        )
