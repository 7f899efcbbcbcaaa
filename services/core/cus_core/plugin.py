"""Core as a platform plugin."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cus_core.migrations import TENANT_TREE
from cus_shared.plugins import DemoStep, ServicePlugin

if TYPE_CHECKING:
    from litestar import Router

    from cus_shared.settings import Settings


def _router() -> Router:
    from cus_core.routes import build_router

    return build_router()


async def _demo(settings: Settings) -> None:
    from cus_core.demo import seed_demo

    await seed_demo(settings)


plugin = ServicePlugin(
    name="core",
    title="Residents' personal data, per gmina",
    router=_router,
    migration_trees=(TENANT_TREE,),
    demo=DemoStep(order=20, run=_demo),
)
