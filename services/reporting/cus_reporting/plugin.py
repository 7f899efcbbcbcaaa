"""Reporting as a platform plugin."""

from __future__ import annotations

from pathlib import Path

from cus_shared.plugins import ServicePlugin, lazy

plugin = ServicePlugin(
    name="reporting",
    title="Anonymised indicators for ROPS and the Regional CUS Forum",
    router=lazy("cus_reporting.routes:build_router"),
    pages=lazy("cus_reporting.pages:build_pages"),
    package_dir=Path(__file__).resolve().parent,
    navigation=lazy("cus_reporting.pages:navigation"),
    start_page=lazy("cus_reporting.pages:start_page"),
)
