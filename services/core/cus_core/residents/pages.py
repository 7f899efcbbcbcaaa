"""Pages of the resident register (list, search, detail, create, edit, audit trail)."""

from __future__ import annotations

from litestar import Controller


class ResidentPages(Controller):
    """The register of residents of one gmina, as pages."""

    path = "/gminy/{teryt:str}/residents"
