"""The operator's pages of the gmina registry: the list, registering (and provisioning) a
gmina, a gmina's details with its agreements and users, suspending and resuming."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import ValidationException
from litestar.params import FromPath, Parameter
from litestar.response import Redirect, Template
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from cus_shared.database.runtime import Database
from cus_shared.errors import DomainError
from cus_shared.i18n.language import gettext as _
from cus_shared.identifiers.teryt import VOIVODESHIPS
from cus_shared.identity.guards import require_roles
from cus_shared.identity.roles import Role, Scope
from cus_shared.web.forms import FormErrors, error_status, parse_form, read_form
from cus_shared.web.labels import ROLE_NAMES
from cus_shared.web.pages import notify, render
from cus_tenants.agreements import service as agreements
from cus_tenants.dependencies import provide_database, provide_shared_session
from cus_tenants.gminy import service
from cus_tenants.gminy.models import GminaStatus
from cus_tenants.gminy.schemas import GminaCreate
from cus_tenants.identity import service as identity
from cus_tenants.pages import GMINA_TYPE_LABELS, STATUS_LABELS, errors_on_form

#: Gminy on one page of the registry.
PAGE_SIZE = 50

_FIELDS = ("teryt", "name")


def _new_gmina_page(
    request: Request[Any, Any, Any],
    values: dict[str, str],
    *,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> Template:
    return render(
        request,
        "tenants/gminy/new.html",
        title=_("Register a gmina"),
        errors=errors,
        status_code=status_code,
        values=values,
    )


class GminaPages(Controller):
    """The registry of gminy, for the platform operator."""

    path = "/admin/gminy"
    guards = [require_roles(Role.OPERATOR)]
    dependencies = {
        "session": Provide(provide_shared_session),
        "db": Provide(provide_database, sync_to_thread=False),
    }

    @get("/", name="admin-gminy")
    async def registry(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        offset: Annotated[int, Parameter(ge=0)] = 0,
        voivodeship: Annotated[str, Parameter(max_length=2)] = "",
    ) -> Template:
        """Gminy in the registry by TERYT, a page at a time, optionally of one voivodeship."""
        if voivodeship and voivodeship not in VOIVODESHIPS:
            # As the framework answers a bad offset: 422, the query's field named.
            raise ValidationException(
                "unknown voivodeship", extra=[{"key": "voivodeship", "message": "invalid"}]
            )
        rows, total = await service.list_gminy(
            session, limit=PAGE_SIZE, offset=offset, voivodeship=voivodeship or None
        )
        return render(
            request,
            "tenants/gminy/list.html",
            title=_("Registry of gminy"),
            gminy=rows,
            total=total,
            limit=PAGE_SIZE,
            offset=offset,
            voivodeship=voivodeship,
            voivodeships=VOIVODESHIPS,
            status_labels=STATUS_LABELS,
        )

    @get("/new", name="admin-gmina-new")
    async def new_gmina(self, request: Request[Any, Any, Any]) -> Template:
        """The form to register a gmina."""
        return _new_gmina_page(request, dict.fromkeys(_FIELDS, ""))

    @post("/new", status_code=303)
    async def register(
        self, request: Request[Any, Any, Any], db: NamedDependency[Database]
    ) -> Response[Any]:
        """Register the gmina and provision its schema, role and tables, as the API does."""
        form = await read_form(request)
        values = {name: form.get(name, "") for name in _FIELDS}
        try:
            data = parse_form(GminaCreate, values)
            gmina = await service.register_and_provision(db, data.teryt, data.name)
        except (ValidationError, DomainError) as exc:
            return _new_gmina_page(
                request, values, errors=errors_on_form(exc), status_code=error_status(exc)
            )
        notify(
            request,
            _("Gmina %(name)s has been registered and its database prepared.", name=gmina.name),
            "success",
        )
        return Redirect(path=f"/admin/gminy/{gmina.teryt}", status_code=303)

    @get("/{teryt:str}", name="admin-gmina")
    async def show(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        teryt: FromPath[str],
    ) -> Template:
        """A gmina: its facts, its agreements over time and the people working in it."""
        gmina = await service.get_gmina(session, teryt)
        periods = await agreements.memberships_of_gmina(session, gmina.teryt)
        staff = await identity.members_of_scope(session, Scope.GMINA, gmina.teryt)
        return render(
            request,
            "tenants/gminy/detail.html",
            title=_("Gmina %(name)s", name=gmina.name),
            gmina=gmina,
            voivodeship_name=VOIVODESHIPS[gmina.voivodeship],
            type_label=GMINA_TYPE_LABELS[gmina.teryt[6]],
            status_labels=STATUS_LABELS,
            suspended=gmina.status == GminaStatus.SUSPENDED.value,
            periods=periods,
            staff=staff,
            role_labels=ROLE_NAMES,
        )

    @post("/{teryt:str}/suspend", status_code=303)
    async def suspend(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        teryt: FromPath[str],
    ) -> Response[Any]:
        """Suspend the gmina: its staff can no longer reach its residents."""
        gmina = await service.suspend_gmina(session, teryt)
        notify(
            request,
            _(
                "Gmina %(name)s is suspended: its staff cannot open its residents' data "
                "until it is resumed.",
                name=gmina.name,
            ),
            "success",
        )
        return Redirect(path=f"/admin/gminy/{gmina.teryt}", status_code=303)

    @post("/{teryt:str}/resume", status_code=303)
    async def resume(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        teryt: FromPath[str],
    ) -> Response[Any]:
        """Lift the gmina's suspension."""
        gmina = await service.resume_gmina(session, teryt)
        notify(
            request,
            _("Gmina %(name)s is active again.", name=gmina.name),
            "success",
        )
        return Redirect(path=f"/admin/gminy/{gmina.teryt}", status_code=303)
