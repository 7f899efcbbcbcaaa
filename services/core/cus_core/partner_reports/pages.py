"""Pages of the context (see cus_core.pages)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from litestar.types import ControllerRouterHandler

#: Page controllers of this context, mounted by cus_core.pages.
PAGES: list[ControllerRouterHandler] = []
