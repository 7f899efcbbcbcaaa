"""The tenants service as a platform plugin."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cus_shared.plugins import DemoStep, ServicePlugin, lazy

if TYPE_CHECKING:
    from cus_shared.settings import Settings


async def _prepare(settings: Settings) -> None:
    from cus_shared.cli_support import admin_database
    from cus_tenants.cli import print_report, run_fleet
    from cus_tenants.migrations import SHARED_TREE
    from cus_tenants.provisioning.bootstrap import bootstrap_platform

    async with admin_database() as db:
        revision = await bootstrap_platform(db.admin_engine, settings.database, SHARED_TREE)
    print(f"shared schema at revision {revision}")
    report = await run_fleet(None, None)
    print_report(report)
    if not report.ok:
        raise SystemExit(1)


async def _demo(settings: Settings) -> None:
    from cus_tenants.demo import seed_demo

    await seed_demo(settings)


def _trees() -> tuple:  # type: ignore[type-arg]
    from cus_tenants.migrations import SHARED_TREE

    return (SHARED_TREE,)


plugin = ServicePlugin(
    name="tenants",
    title="Gminy, agreements, users and provisioning (control plane)",
    router=lazy("cus_tenants.routes:build_router"),
    cli=lazy("cus_tenants.cli:build_cli"),
    migration_trees=_trees(),
    demo=DemoStep(order=10, run=_demo),
    prepare=_prepare,
    pages=lazy("cus_tenants.pages:build_pages"),
    package_dir=Path(__file__).resolve().parent,
    navigation=lazy("cus_tenants.pages:navigation"),
    start_page=lazy("cus_tenants.pages:start_page"),
)
