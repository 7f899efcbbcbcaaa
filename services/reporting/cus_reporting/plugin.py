"""Reporting as a platform plugin."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cus_shared.plugins import ServicePlugin

if TYPE_CHECKING:
    from litestar import Router


def _router() -> Router:
    from cus_reporting.routes import build_router

    return build_router()


plugin = ServicePlugin(
    name="reporting",
    title="Anonymised indicators for ROPS and the Regional CUS Forum",
    router=_router,
)
