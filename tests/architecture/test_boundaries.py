"""Architecture rules as tests: import boundaries and tenant routes' guarantees."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from litestar import Litestar
from litestar.routes import HTTPRoute

ROOT = Path(__file__).resolve().parents[2]


def test_import_contracts_hold() -> None:
    """shared imports no service; no service imports another (import-linter contracts)."""
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "lint-imports"),
            "--config",
            str(ROOT / "pyproject.toml"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken" in result.stdout


def _is_tenant_route(route: HTTPRoute) -> bool:
    """Core's API, and every page about one gmina (its path names the gmina)."""
    return route.path.startswith(("/api/core", "/partner/gminy/{teryt")) or (
        route.path.startswith("/gminy/{teryt") and route.path != "/gminy/switch"
    )


def test_every_core_route_is_tenant_bound_and_audited(app: Litestar) -> None:
    """A core route or gmina page without the tenant session or the audit marker fails."""
    checked = 0
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or not _is_tenant_route(route):
            continue
        # The partner inbox spans gminy: it opens each gmina's own tenant session inside.
        assert "{teryt" in route.path_format or route.path.startswith("/api/core/partner/inbox"), (
            route.path
        )
        for handler in route.route_handlers:
            if handler.http_methods == {"OPTIONS"}:
                continue  # Litestar's automatic CORS preflight answer
            params = handler.resolve_dependencies()
            signature = handler.parsed_fn_signature.parameters
            assert "db" in signature, (route.path, handler.name)
            assert "db" in params and "tenant" in params, (route.path, handler.name)
            opt = handler.opt
            assert opt.get("tenant_scoped") and opt.get("audited"), (route.path, handler.name)
            assert handler.resolve_guards(), (route.path, handler.name)
            checked += 1
    assert checked >= 7


def test_search_criteria_never_travel_in_urls(app: Litestar) -> None:
    """Resident routes take no free-text query parameters (URLs end up in logs)."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or "/residents" not in route.path:
            continue
        for handler in route.route_handlers:
            names = set(handler.parsed_fn_signature.parameters)
            assert not names & {"q", "name", "pesel", "query", "search"}, route.path


#: Pages anyone may open without logging in.
PUBLIC_PAGES = {"/login", "/logout", "/language", "/accessibility", "/uslugi/{teryt:str}"}


def test_only_known_pages_are_public(app: Litestar) -> None:
    """A page that skips authentication by mistake fails this test."""
    public = set()
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or route.path.startswith(("/api/", "/schema")):
            continue
        for handler in route.route_handlers:
            if handler.opt.get("exclude_from_auth"):
                public.add(route.path)
    assert public - {"/health", "/ready"} == PUBLIC_PAGES
