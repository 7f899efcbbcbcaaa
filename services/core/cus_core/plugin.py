"""Core as a platform plugin."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cus_core.migrations import TENANT_TREE
from cus_shared.plugins import DemoStep, ServicePlugin, lazy

if TYPE_CHECKING:
    from cus_shared.settings import Settings


async def _demo(settings: Settings) -> None:
    from cus_core.demo import seed_demo

    await seed_demo(settings)


plugin = ServicePlugin(
    name="core",
    title="Residents' personal data, per gmina",
    router=lazy("cus_core.routes:build_router"),
    migration_trees=(TENANT_TREE,),
    demo=DemoStep(order=20, run=_demo),
    pages=lazy("cus_core.pages:build_pages"),
    package_dir=Path(__file__).resolve().parent,
    navigation=lazy("cus_core.pages:navigation"),
    start_page=lazy("cus_core.pages:start_page"),
)
