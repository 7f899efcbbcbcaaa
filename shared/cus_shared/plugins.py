"""How services plug into the one command line and the embedded app without being imported
by this library: each declares a :class:`ServicePlugin` under the ``cus.services`` entry
point group (see pyproject.toml)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import typer
    from litestar import Router

    from cus_shared.identity.principal import Principal
    from cus_shared.migrations.trees import MigrationTree
    from cus_shared.settings import Settings
    from cus_shared.web.navigation import NavLink, PageContext


@dataclass(frozen=True)
class DemoStep:
    """A service's part of ``cus demo`` (seeding), run in ``order``."""

    order: int
    run: Callable[[Settings], Awaitable[None]]


@dataclass(frozen=True)
class ServicePlugin:
    """What a service contributes to the platform."""

    name: str
    title: str
    router: Callable[[], Router]
    cli: Callable[[], typer.Typer] | None = None
    migration_trees: tuple[MigrationTree, ...] = ()
    demo: DemoStep | None = None
    #: Brings the database up to date for this service (``cus migrate``, ``cus serve``).
    prepare: Callable[[Settings], Awaitable[None]] | None = None
    default_port: int = 8000
    extras: dict[str, object] = field(default_factory=dict)
    #: Web pages (server-rendered), mounted beside the API in the same app.
    pages: Callable[[], Router] | None = None
    #: The package folder holding this service's templates (``templates/<service>/…``)
    #: and ``locale/<lang>/LC_MESSAGES/<package>.po``.
    package_dir: Path | None = None
    #: Links this service adds to the navigation of a person, in the page being shown.
    navigation: Callable[[PageContext], list[NavLink]] | None = None
    #: Where a person lands after login, if this service has their start page.
    start_page: Callable[[Principal], str | None] | None = None


def lazy(target: str) -> Callable[..., Any]:
    """A callable standing for ``"package.module:name"``, imported on first call: services
    declare their parts without importing their code (and its dependencies) at discovery."""
    module_name, _, attribute = target.partition(":")

    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(import_module(module_name), attribute)(*args, **kwargs)

    call.__name__ = attribute
    call.__qualname__ = target
    return call


@cache
def discover() -> tuple[ServicePlugin, ...]:
    """All installed services, in a stable order."""
    found: list[ServicePlugin] = []
    for ep in entry_points(group="cus.services"):
        plugin = ep.load()
        if not isinstance(plugin, ServicePlugin):
            raise TypeError(f"entry point {ep.name} is not a ServicePlugin")
        found.append(plugin)
    order = {"tenants": 0, "core": 1, "reporting": 2}
    return tuple(sorted(found, key=lambda p: (order.get(p.name, 99), p.name)))


def by_name(name: str) -> ServicePlugin:
    """One installed service by name."""
    for plugin in discover():
        if plugin.name == name:
            return plugin
    raise LookupError(name)


def migration_tree(kind: str) -> MigrationTree:
    """The one installed migration tree of a kind (``shared`` or ``tenant``)."""
    trees = [t for p in discover() for t in p.migration_trees if t.kind == kind]
    if len(trees) != 1:
        raise LookupError(f"expected one {kind} migration tree, found {len(trees)}")
    return trees[0]
