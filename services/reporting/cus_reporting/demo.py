"""The reporting part of ``cus demo``: snapshots of the demo gminy for the quarters their
journeys span, so that the ROPS supervisor opens a dashboard with figures."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console

from cus_reporting.indicators.quarters import Quarter
from cus_shared import clock
from cus_shared.database.runtime import Database

if TYPE_CHECKING:
    from cus_shared.settings import Settings

console = Console(stderr=True)

#: Quarters refreshed for the demo, ending with the current one (journeys reach back a year).
DEMO_QUARTERS = 5


async def seed_demo(settings: Settings) -> None:
    """Refresh the demo's snapshots (idempotent: a refresh replaces a quarter's snapshots)."""
    from cus_reporting.snapshots.refresh import refresh_quarter

    db = Database.connect(settings, application_name="cus-demo")
    try:
        for quarter in Quarter.of(clock.today()).back(DEMO_QUARTERS):
            report = await refresh_quarter(db.app_engine, quarter)
            console.print(
                f"reporting: {quarter.label} snapshots of {report.done - len(report.failed)} "
                f"gminy, {len(report.failed)} failed, {report.seconds:.1f} s"
            )
    finally:
        await db.dispose()
