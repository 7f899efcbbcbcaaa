"""The navigation of the pages: each service adds links for the person and the page shown,
so that the layout (in this library) never needs to know which services exist."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cus_shared.plugins import discover

if TYPE_CHECKING:
    from cus_shared.identity.principal import Principal


@dataclass(frozen=True, slots=True)
class GminaChoice:
    """A gmina the person works in, for the gmina switcher."""

    teryt: str
    name: str


@dataclass(frozen=True, slots=True)
class PageContext:
    """Who is looking at which page: what navigation and start pages are decided on."""

    principal: Principal
    #: The gmina the page is about, when it is a gmina's page.
    teryt: str | None = None
    gminy: tuple[GminaChoice, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class NavLink:
    """A link of the main navigation; ``label`` is an English msgid, translated when shown."""

    label: str
    href: str
    #: Paths starting with this mark the link as the current page (aria-current); ending
    #: with "$", only the link's own path does.
    active_prefix: str | None = None

    def is_current(self, path: str) -> bool:
        """Whether the page shown belongs to this link."""
        # Litestar serves "/gminy/X/" and "/gminy/X" alike and reports the latter.
        path = path.rstrip("/") or "/"
        prefix = self.active_prefix or self.href
        if prefix.endswith("$"):
            return path == (prefix[:-1].rstrip("/") or "/")
        return path == (self.href.rstrip("/") or "/") or (
            prefix != "/" and path.startswith(prefix.rstrip("/"))
        )


def navigation_for(context: PageContext) -> list[NavLink]:
    """Every service's links for this person and page, in service order."""
    links: list[NavLink] = []
    for plugin in discover():
        if plugin.navigation is not None:
            links.extend(plugin.navigation(context))
    return links


def start_page_for(principal: Principal) -> str | None:
    """The first service that has a start page for this person decides where they land."""
    for plugin in discover():
        if plugin.start_page is not None and (target := plugin.start_page(principal)):
            return target
    return None
