"""Reporting as a platform plugin."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cus_reporting.migrations import REPORTING_TREE
from cus_shared.plugins import DemoStep, ServicePlugin, lazy

if TYPE_CHECKING:
    from cus_shared.settings import Settings


async def _prepare(settings: Settings) -> None:
    from cus_reporting.migrations import migrate_reporting
    from cus_shared.cli_support import admin_database

    async with admin_database() as db:
        revision = await migrate_reporting(db.admin_engine)
    print(f"reporting schema at revision {revision}")


async def _demo(settings: Settings) -> None:
    from cus_reporting.demo import seed_demo

    await seed_demo(settings)


plugin = ServicePlugin(
    name="reporting",
    title="Anonymised indicators for ROPS and the Regional CUS Forum",
    router=lazy("cus_reporting.routes:build_router"),
    cli=lazy("cus_reporting.cli:build_cli"),
    migration_trees=(REPORTING_TREE,),
    demo=DemoStep(order=30, run=_demo),
    prepare=_prepare,
    pages=lazy("cus_reporting.pages:build_pages"),
    package_dir=Path(__file__).resolve().parent,
    navigation=lazy("cus_reporting.pages:navigation"),
    start_page=lazy("cus_reporting.pages:start_page"),
)
