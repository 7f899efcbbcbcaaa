"""The snapshot job as operators follow it: its runs, progress and failures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import text

from cus_reporting.indicators.quarters import Quarter
from cus_shared.database.naming import REPORTING_SCHEMA, REPORTING_SERVICE_ROLE
from cus_shared.tenancy import open_service_session

if TYPE_CHECKING:
    from datetime import datetime
    from uuid import UUID

    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker


@dataclass(frozen=True, slots=True)
class RunStatus:
    """One run of the job."""

    id: UUID
    quarter: Quarter
    status: str
    started_at: datetime
    finished_at: datetime | None
    total: int
    done: int
    failed: int
    failures: dict[str, str]
    concurrency: int

    @property
    def seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


async def latest_runs(
    sessions: async_sessionmaker[AsyncSession], *, limit: int = 10
) -> list[RunStatus]:
    """The newest runs first."""
    async with open_service_session(
        sessions, db_role=REPORTING_SERVICE_ROLE, schema=REPORTING_SCHEMA
    ) as session:
        rows = await session.execute(
            text(
                "SELECT id, year, quarter, status, started_at, finished_at, total, done, failed, "
                "failures, concurrency FROM reporting.refresh_run "
                "ORDER BY started_at DESC LIMIT :limit"
            ),
            {"limit": limit},
        )
        return [
            RunStatus(
                id=r.id,
                quarter=Quarter(r.year, r.quarter),
                status=r.status,
                started_at=r.started_at,
                finished_at=r.finished_at,
                total=r.total,
                done=r.done,
                failed=r.failed,
                failures=dict(r.failures or {}),
                concurrency=r.concurrency,
            )
            for r in rows
        ]
