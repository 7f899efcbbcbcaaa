"""Pages of the programmes of social services (PUS): the gminy a person may read, a gmina's
programmes, recording and changing a programme, and a programme's services with their
conditions, estimates and indicators. Also the public one-stop page (:mod:`.public`)."""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from litestar.response import Redirect, Template
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from cus_shared.errors import DomainError, FieldProblem, NotFoundError
from cus_shared.i18n.formatting import format_date
from cus_shared.i18n.language import gettext as _
from cus_shared.identity.guards import principal_of, require_roles
from cus_shared.identity.roles import CUS_STAFF_ROLES, Role
from cus_shared.web.forms import FormErrors, error_status, nest, read_form
from cus_shared.web.pages import notify, render
from cus_tenants.agreements.access import gmina_planning_access
from cus_tenants.catalogue.labels import area_name, unit_name
from cus_tenants.dependencies import provide_shared_session
from cus_tenants.gminy.models import Gmina
from cus_tenants.pages import errors_on_form
from cus_tenants.programmes import service
from cus_tenants.programmes.models import Programme
from cus_tenants.programmes.public import public_services
from cus_tenants.programmes.schemas import ProgrammeIn, ProgrammePatch, ProgrammeServiceIn

FACT_FIELDS = (
    "title",
    "resolution_number",
    "resolution_date",
    "period_start",
    "period_end",
    "diagnosis_date",
)
#: Rows of indicators the form of a programme's service offers.
INDICATOR_ROWS = 3

_LISTED = re.compile(r"^(estimates|indicators)(?:\[(\d+)\]|\.(\d+))\.?(\w+)?$")


def _fact_values(programme: Programme | None) -> dict[str, str]:
    if programme is None:
        return dict.fromkeys(FACT_FIELDS, "")
    return {name: str(getattr(programme, name)) for name in FACT_FIELDS}


def _years(programme: Programme) -> list[int]:
    return list(range(programme.period_start.year, programme.period_end.year + 1))


def _service_values(programme: Programme, form: dict[str, str] | None = None) -> dict[str, str]:
    """The values of the form adding a service (empty, or as posted)."""
    names = [
        "service_version_id",
        "conditions",
        *(f"recipients_{year}" for year in _years(programme)),
        *(
            f"indicators.{row}.{part}"
            for row in range(INDICATOR_ROWS)
            for part in ("name", "unit", "target")
        ),
    ]
    return {name: (form or {}).get(name, "") for name in names}


def _service_body(
    programme: Programme, values: dict[str, str]
) -> tuple[dict[str, Any], list[int], list[int]]:
    """The API's body from the form, with the year of each estimate and the form's row of
    each indicator sent (to put the API's problems back on the form's fields)."""
    body: dict[str, Any] = nest(
        {name: values[name] for name in ("service_version_id", "conditions")}
    )
    years = [y for y in _years(programme) if values.get(f"recipients_{y}", "")]
    body["estimates"] = [{"year": y, "recipients": values[f"recipients_{y}"]} for y in years]
    rows: list[int] = []
    indicators: list[dict[str, str]] = []
    for row in range(INDICATOR_ROWS):
        parts = {p: values[f"indicators.{row}.{p}"] for p in ("name", "unit", "target")}
        if any(parts.values()):
            rows.append(row)
            indicators.append({k: v for k, v in parts.items() if v})
    body["indicators"] = indicators
    return body, years, rows


def _service_field(years: list[int], rows: list[int]) -> Any:
    """Moves the API's problems (``estimates[0].recipients``, ``indicators.1.name``) onto the
    form's fields (``recipients_2025``, ``indicators.1.name``)."""

    def moved(problem: FieldProblem) -> FieldProblem | None:
        found = _LISTED.match(problem.field)
        if not found:
            return problem
        kind, index_a, index_b, part = found.groups()
        index = int(index_a if index_a is not None else index_b)
        if kind == "estimates":
            if index >= len(years):
                return None
            return FieldProblem(
                field=f"recipients_{years[index]}", key=problem.key, params=problem.params
            )
        if index >= len(rows):
            return None
        return FieldProblem(
            field=f"indicators.{rows[index]}.{part or 'name'}",
            key=problem.key,
            params=problem.params,
        )

    return moved


class ProgrammePages(Controller):
    """Programmes of social services of the gminy a person works with."""

    path = "/programmes"
    guards = [require_roles(Role.OPERATOR, *CUS_STAFF_ROLES)]
    dependencies = {"session": Provide(provide_shared_session)}

    @get("/", name="programmes")
    async def entry(
        self, request: Request[Any, Any, Any], session: NamedDependency[AsyncSession]
    ) -> Response[Any]:
        """The gminy whose programmes the person may read (straight to the one if only one)."""
        gminy = await service.readable_gminy(session, principal_of(request))
        if len(gminy) == 1:
            return Redirect(path=f"/programmes/gmina/{gminy[0].teryt}", status_code=303)
        return render(
            request,
            "tenants/programmes/choose.html",
            title=_("Programmes of social services"),
            gminy=gminy,
        )

    @get("/gmina/{teryt:str}", name="programmes-gmina")
    async def gmina_programmes(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        teryt: FromPath[str],
    ) -> Template:
        """A gmina's programmes, the latest period first."""
        can_change = await gmina_planning_access(
            session, principal_of(request), teryt, change=False
        )
        gmina = await service.get_gmina(session, teryt)
        rows = await service.list_programmes(session, gmina.teryt)
        day = service.today()
        return render(
            request,
            "tenants/programmes/list.html",
            title=_("Programmes of social services: %(name)s", name=gmina.name),
            gmina=gmina,
            programmes=rows,
            warnings={p.id: service.warnings_of(p, day) for p in rows},
            can_change=can_change,
        )

    def _programme_form(
        self,
        request: Request[Any, Any, Any],
        gmina: Gmina,
        values: dict[str, str],
        *,
        programme: Programme | None = None,
        errors: FormErrors | None = None,
        status_code: int = 200,
    ) -> Template:
        if programme is None:
            title = _("New programme of social services")
            action = f"/programmes/gmina/{gmina.teryt}/new"
        else:
            title = _("Change the programme: %(title)s", title=programme.title)
            action = f"/programmes/{programme.id}/edit"
        return render(
            request,
            "tenants/programmes/form.html",
            title=title,
            errors=errors,
            status_code=status_code,
            gmina=gmina,
            programme=programme,
            values=values,
            action=action,
        )

    @get("/gmina/{teryt:str}/new", name="programme-new")
    async def new_programme(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        teryt: FromPath[str],
    ) -> Template:
        """The form of a new programme."""
        await gmina_planning_access(session, principal_of(request), teryt, change=True)
        gmina = await service.get_gmina(session, teryt)
        return self._programme_form(request, gmina, _fact_values(None))

    @post("/gmina/{teryt:str}/new", status_code=303)
    async def create_programme(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        teryt: FromPath[str],
    ) -> Response[Any]:
        """Record the programme, as the API does."""
        await gmina_planning_access(session, principal_of(request), teryt, change=True)
        gmina = await service.get_gmina(session, teryt)
        form = await read_form(request)
        values = {name: form.get(name, "") for name in FACT_FIELDS}
        try:
            data = ProgrammeIn.model_validate(nest(values))
            programme = await service.create_programme(session, gmina.teryt, data)
        except (ValidationError, DomainError) as exc:
            return self._programme_form(
                request, gmina, values, errors=errors_on_form(exc), status_code=error_status(exc)
            )
        notify(request, _("The programme has been recorded."))
        for warning in service.warnings_of(programme):
            notify(request, warning.message, "warning")
        return Redirect(path=f"/programmes/{programme.id}", status_code=303)

    async def _programme_page(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        programme: Programme,
        can_change: bool,
        *,
        values: dict[str, str] | None = None,
        errors: FormErrors | None = None,
        status_code: int = 200,
    ) -> Template:
        gmina = await service.get_gmina(session, programme.teryt)
        entries = await service.service_entries(session, programme)
        included = {entry[2].id for entry in entries}
        options: list[tuple[str, str]] = []
        agreements: set[UUID] = set()
        if can_change:
            for version, owner in await service.available_versions(session, programme):
                agreements.add(owner.agreement_id)
                if owner.id in included:
                    continue
                options.append(
                    (
                        str(version.id),
                        _(
                            "%(name)s – version %(number)s from %(date)s",
                            name=version.name,
                            number=version.version,
                            date=format_date(version.valid_from),
                        ),
                    )
                )
        return render(
            request,
            "tenants/programmes/detail.html",
            title=programme.title,
            errors=errors,
            status_code=status_code,
            gmina=gmina,
            programme=programme,
            warnings=service.warnings_of(programme),
            entries=entries,
            years=_years(programme),
            can_change=can_change,
            version_options=options,
            values=values or _service_values(programme),
            indicator_rows=range(INDICATOR_ROWS),
            area_name=area_name,
            unit_name=unit_name,
        )

    async def _programme(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        programme_id: str,
        *,
        change: bool,
    ) -> tuple[Programme, bool]:
        programme = await service.get_programme(session, programme_id)
        can_change = await gmina_planning_access(
            session, principal_of(request), programme.teryt, change=change
        )
        return programme, can_change

    @get("/{programme_id:str}", name="programme")
    async def show_programme(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        programme_id: FromPath[str],
    ) -> Template:
        """A programme: its facts, the diagnosis warning, its services, the form to add one."""
        programme, can_change = await self._programme(request, session, programme_id, change=False)
        return await self._programme_page(request, session, programme, can_change)

    @get("/{programme_id:str}/edit", name="programme-edit")
    async def edit_programme(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        programme_id: FromPath[str],
    ) -> Template:
        """The form to change a programme's facts."""
        programme, _can = await self._programme(request, session, programme_id, change=True)
        gmina = await service.get_gmina(session, programme.teryt)
        return self._programme_form(request, gmina, _fact_values(programme), programme=programme)

    @post("/{programme_id:str}/edit", status_code=303)
    async def change_programme(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        programme_id: FromPath[str],
    ) -> Response[Any]:
        """Change the programme's facts, as the API does."""
        programme, _can = await self._programme(request, session, programme_id, change=True)
        gmina = await service.get_gmina(session, programme.teryt)
        form = await read_form(request)
        values = {name: form.get(name, "") for name in FACT_FIELDS}
        try:
            # Every field of the form is sent: an emptied one is a missing one.
            data = ProgrammeIn.model_validate(nest(values))
            await service.update_programme(
                session, programme, ProgrammePatch.model_validate(data.model_dump())
            )
        except (ValidationError, DomainError) as exc:
            return self._programme_form(
                request,
                gmina,
                values,
                programme=programme,
                errors=errors_on_form(exc),
                status_code=error_status(exc),
            )
        notify(request, _("The programme has been changed."))
        for warning in service.warnings_of(programme):
            notify(request, warning.message, "warning")
        return Redirect(path=f"/programmes/{programme.id}", status_code=303)

    @post("/{programme_id:str}/services", status_code=303)
    async def add_service(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        programme_id: FromPath[str],
    ) -> Response[Any]:
        """Take a catalogue service into the programme, as the API does."""
        programme, can_change = await self._programme(request, session, programme_id, change=True)
        values = _service_values(programme, await read_form(request))
        body, years, rows = _service_body(programme, values)
        try:
            data = ProgrammeServiceIn.model_validate(body)
            await service.add_service(session, programme, data)
        except (ValidationError, DomainError) as exc:
            return await self._programme_page(
                request,
                session,
                programme,
                can_change,
                values=values,
                errors=errors_on_form(exc, _service_field(years, rows)),
                status_code=error_status(exc),
            )
        notify(request, _("The service has been added to the programme."))
        return Redirect(path=f"/programmes/{programme.id}#services", status_code=303)

    @post("/{programme_id:str}/services/{entry_id:str}/delete", status_code=303)
    async def remove_service(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        programme_id: FromPath[str],
        entry_id: FromPath[str],
    ) -> Response[Any]:
        """Take a service out of the programme."""
        programme, _can = await self._programme(request, session, programme_id, change=True)
        try:
            await service.remove_service(session, programme, entry_id)
        except NotFoundError:
            notify(request, _("The service was no longer in the programme."), "info")
        else:
            notify(request, _("The service has been taken out of the programme."))
        return Redirect(path=f"/programmes/{programme.id}#services", status_code=303)


#: Controllers and handlers of pages, mounted at the site's root.
PAGES: list[Any] = [ProgrammePages, public_services]
