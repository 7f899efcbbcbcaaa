"""The community work page: the year's numbers, volunteers, self-help groups, neighbour
support and events, with forms to add each (OSL and director); KIPUS and OUS read it.

Every read and write goes through the community service (volunteers and neighbour support
audited). A form with mistakes writes nothing (its work runs in a savepoint rolled back)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from litestar import Controller, Request, Response, post
from litestar import get as get_route
from litestar.di import NamedDependency
from litestar.response import Redirect, Template
from pydantic import BaseModel, ValidationError

from cus_core.community import service
from cus_core.community.routes import READERS, WRITERS
from cus_core.community.schemas import EventCreate, GroupCreate, SupportCreate, VolunteerCreate
from cus_core.residents.pages import iso_date
from cus_shared import clock
from cus_shared.errors import (
    ConflictError,
    DomainError,
    FieldProblem,
    InputError,
    NotFoundError,
)
from cus_shared.i18n.language import gettext as _
from cus_shared.identity.roles import Role
from cus_shared.tenancy import TenantSession
from cus_shared.web.forms import FormErrors, form_errors, nest, read_form
from cus_shared.web.pages import notify, render

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from litestar.types import ControllerRouterHandler

_WRITER_ROLES = frozenset({Role.DIRECTOR, Role.OSL})
_DATES = ("active_since", "started_on", "held_on")


def kind_labels() -> dict[str, str]:
    """Kinds of volunteering."""
    return {
        "event": _("Events"),
        "care": _("Care"),
        "household": _("Household help"),
        "educational": _("Education"),
    }


def _path(db: TenantSession) -> str:
    return f"/gminy/{db.tenant.teryt}/community"


class CommunityPages(Controller):
    """Community work of one gmina, as one page with its forms."""

    path = "/gminy/{teryt:str}/community"
    opt = {"tenant_scoped": True, "audited": True}

    async def _page(
        self,
        request: Request[Any, Any, Any],
        db: TenantSession,
        *,
        form: str | None = None,
        values: dict[str, Any] | None = None,
        errors: FormErrors | None = None,
        status_code: int = 200,
    ) -> Template:
        year = clock.today().year
        return render(
            request,
            "core/community/index.html",
            title=_("Community work"),
            teryt=db.tenant.teryt,
            errors=errors,
            status_code=status_code,
            form=form,
            values=values or {},
            year=year,
            summary=await service.summary(db, year),
            volunteers=await service.list_volunteers(db),
            groups=await service.list_groups(db),
            support=await service.list_support(db),
            events=await service.list_events(db, year),
            kinds=kind_labels(),
            base_path=_path(db),
            can_write=bool(db.tenant.roles & _WRITER_ROLES),
        )

    @get_route("/", guards=[READERS])
    async def index(
        self, request: Request[Any, Any, Any], db: NamedDependency[TenantSession]
    ) -> Template:
        """The year's numbers and the lists (volunteers and neighbour support audited)."""
        return await self._page(request, db)

    async def _add(
        self,
        request: Request[Any, Any, Any],
        db: TenantSession,
        form_name: str,
        model: type[BaseModel],
        write: Callable[[TenantSession, Any], Awaitable[object]],
        done: str,
    ) -> Response[Any]:
        raw = await request.form()
        values: dict[str, Any] = dict(await read_form(request))
        for name in _DATES:
            if values.get(name):
                values[name] = iso_date(values[name])
        data = nest(values)
        if form_name == "volunteer":
            values["kinds"] = [str(k) for k in raw.getall("kinds", [])]
            data["kinds"] = values["kinds"]
        try:
            parsed = model.model_validate(data)
            async with db.session.begin_nested():
                await write(db, parsed)
        except (ValidationError, InputError, ConflictError, NotFoundError) as exc:
            if isinstance(exc, NotFoundError):
                # Only the typed resident number can point nowhere (the rest are choices).
                problem = FieldProblem(field="resident_id", key="community.resident_unknown")
                exc = InputError("invalid_input", problems=[problem])
            status = exc.status_code if isinstance(exc, DomainError) else 422
            return await self._page(
                request,
                db,
                form=form_name,
                values=values,
                errors=form_errors(exc),
                status_code=status,
            )
        notify(request, done)
        return Redirect(path=_path(db), status_code=303)

    @post("/volunteers", guards=[WRITERS])
    async def add_volunteer(
        self, request: Request[Any, Any, Any], db: NamedDependency[TenantSession]
    ) -> Response[Any]:
        """Record a volunteer."""
        return await self._add(
            request,
            db,
            "volunteer",
            VolunteerCreate,
            service.create_volunteer,
            _("Volunteer recorded."),
        )

    @post("/groups", guards=[WRITERS])
    async def add_group(
        self, request: Request[Any, Any, Any], db: NamedDependency[TenantSession]
    ) -> Response[Any]:
        """Record a self-help group."""
        return await self._add(
            request, db, "group", GroupCreate, service.create_group, _("Self-help group recorded.")
        )

    @post("/events", guards=[WRITERS])
    async def add_event(
        self, request: Request[Any, Any, Any], db: NamedDependency[TenantSession]
    ) -> Response[Any]:
        """Record a local event."""
        return await self._add(
            request, db, "event", EventCreate, service.create_event, _("Event recorded.")
        )

    @post("/neighbour-support", guards=[WRITERS])
    async def add_support(
        self, request: Request[Any, Any, Any], db: NamedDependency[TenantSession]
    ) -> Response[Any]:
        """Link a volunteer with a resident they help."""
        return await self._add(
            request,
            db,
            "support",
            SupportCreate,
            service.link_support,
            _("Neighbour support recorded."),
        )


#: Page controllers of this context, mounted by cus_core.pages.
PAGES: list[ControllerRouterHandler] = [CommunityPages]
