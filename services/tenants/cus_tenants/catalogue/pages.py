"""Pages of the catalogue: the agreement's services by area, a service with the history of
its versions, adding a service and a new version. The director and the OUS of a member gmina
(and operators) change it; the other CUS staff of the agreement read it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from litestar.response import Redirect, Template
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from cus_shared.errors import DomainError, NotFoundError
from cus_shared.i18n.language import current_language
from cus_shared.i18n.language import gettext as _
from cus_shared.identity.guards import principal_of, require_roles
from cus_shared.identity.roles import CUS_STAFF_ROLES, Role
from cus_shared.messages import translate
from cus_shared.web.forms import FormErrors, error_status, nest, read_form
from cus_shared.web.pages import notify, render
from cus_tenants.agreements.access import AgreementAccess, agreement_access, readable_agreements
from cus_tenants.catalogue import service
from cus_tenants.catalogue.labels import (
    MODE_LABELS,
    UNIT_LABELS,
    area_name,
    area_options,
    mode_name,
    unit_name,
)
from cus_tenants.catalogue.models import CatalogueService, ServiceVersion
from cus_tenants.catalogue.schemas import ServiceCreate, ServiceVersionIn
from cus_tenants.catalogue.vocabulary import AREAS
from cus_tenants.dependencies import provide_shared_session
from cus_tenants.pages import errors_on_form

#: The form's fields from top to bottom (the error summary follows this order).
FORM_ORDER = (
    "code",
    "area_code",
    "name",
    "description",
    "target_group",
    "eligibility",
    "unit",
    "delivery_modes",
    "valid_from",
    "name_en",
    "description_en",
    "name_uk",
    "description_uk",
)

#: Fields of a version's form (a new service has its code besides).
VERSION_FIELDS = (
    "area_code",
    "name",
    "name_en",
    "name_uk",
    "description",
    "description_en",
    "description_uk",
    "target_group",
    "eligibility",
    "unit",
    "valid_from",
)


def _labels() -> dict[str, Any]:
    """What every catalogue template needs to name areas, units and modes."""
    return {
        "area_name": area_name,
        "unit_name": unit_name,
        "mode_name": mode_name,
        "area_options": area_options(),
        "unit_options": [(code, _(label)) for code, label in UNIT_LABELS.items()],
        "mode_options": [(code, _(label)) for code, label in MODE_LABELS.items()],
    }


def _values_of(version: ServiceVersion | None) -> dict[str, str]:
    """A form's values: empty, or those of a version (to start a new one from it)."""
    if version is None:
        return dict.fromkeys(("code", *VERSION_FIELDS), "")
    values = {name: getattr(version, name) for name in VERSION_FIELDS}
    return {name: "" if value is None else str(value) for name, value in values.items()}


def _parse_id(text: str) -> UUID:
    try:
        return UUID(text)
    except ValueError:
        raise NotFoundError("not_found") from None


def _form_errors(exc: ValidationError | DomainError, ticked: list[str]) -> FormErrors:
    """The problems of a posted form; when the input's shape is wrong the service's rules are
    not reached, so an empty choice of delivery modes is reported here as well."""
    errors = errors_on_form(exc)
    if isinstance(exc, ValidationError) and not ticked and not errors.of("delivery_modes"):
        message = translate("catalogue.modes_required", current_language())
        errors.fields.setdefault("delivery_modes", []).append(message)
        errors.summary.append(("delivery_modes", message))
    place = {name: index for index, name in enumerate(FORM_ORDER)}
    errors.summary.sort(key=lambda item: place.get(item[0] or "", len(place)))
    return errors


async def _form_input(
    request: Request[Any, Any, Any], names: tuple[str, ...]
) -> tuple[dict[str, str], list[str], dict[str, Any]]:
    """The posted values, the ticked delivery modes, and the API's body built from them."""
    form = await read_form(request)
    values = {name: form.get(name, "") for name in names}
    ticked = [str(v) for v in (await request.form()).getall("delivery_modes", []) if v]
    body = nest(values)
    body["delivery_modes"] = ticked
    return values, ticked, body


class CataloguePages(Controller):
    """The catalogue of services of an agreement."""

    path = "/catalogue"
    guards = [require_roles(Role.OPERATOR, *CUS_STAFF_ROLES)]
    dependencies = {"session": Provide(provide_shared_session)}

    async def _access(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        agreement_id: str,
        *,
        change: bool = False,
    ) -> AgreementAccess:
        return await agreement_access(
            session, principal_of(request), _parse_id(agreement_id), change=change
        )

    @get("/", name="catalogue")
    async def entry(
        self, request: Request[Any, Any, Any], session: NamedDependency[AsyncSession]
    ) -> Response[Any]:
        """The catalogue of the person's agreement, or a choice when they read several."""
        agreements = await readable_agreements(session, principal_of(request))
        if len(agreements) == 1:
            return Redirect(path=f"/catalogue/{agreements[0].id}", status_code=303)
        return render(
            request,
            "tenants/catalogue/choose.html",
            title=_("Services catalogue"),
            agreements=agreements,
        )

    @get("/{agreement_id:str}", name="catalogue-agreement")
    async def services(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        agreement_id: FromPath[str],
    ) -> Template:
        """The agreement's services grouped by the 14 statutory areas."""
        access = await self._access(request, session, agreement_id)
        rows = await service.list_services(session, access.agreement.id)
        by_area: dict[int, list[CatalogueService]] = {}
        for item in rows:
            by_area.setdefault(item.current.area_code, []).append(item)
        return render(
            request,
            "tenants/catalogue/list.html",
            title=_("Services catalogue: %(name)s", name=access.agreement.name),
            access=access,
            agreement=access.agreement,
            areas=[a for a in AREAS if a.code in by_area],
            by_area=by_area,
            total=len(rows),
            **_labels(),
        )

    async def _new_service_page(
        self,
        request: Request[Any, Any, Any],
        access: AgreementAccess,
        values: dict[str, str],
        ticked: list[str],
        *,
        errors: FormErrors | None = None,
        status_code: int = 200,
    ) -> Template:
        return render(
            request,
            "tenants/catalogue/form.html",
            title=_("Add a service to the catalogue"),
            errors=errors,
            status_code=status_code,
            agreement=access.agreement,
            values=values,
            ticked=ticked,
            action=f"/catalogue/{access.agreement.id}/new",
            new_service=True,
            **_labels(),
        )

    @get("/{agreement_id:str}/new", name="catalogue-service-new")
    async def new_service(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        agreement_id: FromPath[str],
    ) -> Template:
        """The form of a new service (its version 1)."""
        access = await self._access(request, session, agreement_id, change=True)
        return await self._new_service_page(request, access, _values_of(None), [])

    @post("/{agreement_id:str}/new", status_code=303)
    async def create_service(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        agreement_id: FromPath[str],
    ) -> Response[Any]:
        """Add the service with its version 1, as the API does."""
        access = await self._access(request, session, agreement_id, change=True)
        values, ticked, body = await _form_input(request, ("code", *VERSION_FIELDS))
        try:
            data = ServiceCreate.model_validate(body)
            created = await service.create_service(
                session, access.agreement.id, data, author=principal_of(request).user_id
            )
        except (ValidationError, DomainError) as exc:
            return await self._new_service_page(
                request,
                access,
                values,
                ticked,
                errors=_form_errors(exc, ticked),
                status_code=error_status(exc),
            )
        notify(request, _("The service has been added to the catalogue."))
        return Redirect(
            path=f"/catalogue/{access.agreement.id}/services/{created.id}", status_code=303
        )

    @get("/{agreement_id:str}/services/{service_id:str}", name="catalogue-service")
    async def show_service(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        agreement_id: FromPath[str],
        service_id: FromPath[str],
    ) -> Template:
        """A service: its current version in full and the history of its versions."""
        access = await self._access(request, session, agreement_id)
        found = await service.get_service(session, access.agreement.id, service_id)
        return render(
            request,
            "tenants/catalogue/service.html",
            title=found.current.name,
            access=access,
            agreement=access.agreement,
            service=found,
            version=found.current,
            **_labels(),
        )

    @get(
        "/{agreement_id:str}/services/{service_id:str}/versions/{number:int}",
        name="catalogue-service-version",
    )
    async def show_version(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        agreement_id: FromPath[str],
        service_id: FromPath[str],
        number: FromPath[int],
    ) -> Template:
        """One version of a service as it was written (versions never change)."""
        access = await self._access(request, session, agreement_id)
        found = await service.get_service(session, access.agreement.id, service_id)
        version = next((v for v in found.versions if v.version == number), None)
        if version is None:
            raise NotFoundError("not_found")
        return render(
            request,
            "tenants/catalogue/version.html",
            title=_("%(name)s – version %(number)s", name=version.name, number=version.version),
            access=access,
            agreement=access.agreement,
            service=found,
            version=version,
            **_labels(),
        )

    async def _new_version_page(
        self,
        request: Request[Any, Any, Any],
        access: AgreementAccess,
        found: CatalogueService,
        values: dict[str, str],
        ticked: list[str],
        *,
        errors: FormErrors | None = None,
        status_code: int = 200,
    ) -> Template:
        return render(
            request,
            "tenants/catalogue/form.html",
            title=_("New version of the service: %(name)s", name=found.current.name),
            errors=errors,
            status_code=status_code,
            agreement=access.agreement,
            service=found,
            values=values,
            ticked=ticked,
            action=f"/catalogue/{access.agreement.id}/services/{found.id}/new-version",
            new_service=False,
            **_labels(),
        )

    @get(
        "/{agreement_id:str}/services/{service_id:str}/new-version",
        name="catalogue-service-new-version",
    )
    async def new_version(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        agreement_id: FromPath[str],
        service_id: FromPath[str],
    ) -> Template:
        """The form of a new version, filled in with the current one."""
        access = await self._access(request, session, agreement_id, change=True)
        found = await service.get_service(session, access.agreement.id, service_id)
        current = found.current
        return await self._new_version_page(
            request, access, found, _values_of(current), list(current.delivery_modes)
        )

    @post("/{agreement_id:str}/services/{service_id:str}/new-version", status_code=303)
    async def add_version(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        agreement_id: FromPath[str],
        service_id: FromPath[str],
    ) -> Response[Any]:
        """Write the new version; the older ones stay as they were."""
        access = await self._access(request, session, agreement_id, change=True)
        found = await service.get_service(session, access.agreement.id, service_id)
        values, ticked, body = await _form_input(request, VERSION_FIELDS)
        try:
            data = ServiceVersionIn.model_validate(body)
            changed = await service.add_version(
                session, access.agreement.id, found.id, data, author=principal_of(request).user_id
            )
        except (ValidationError, DomainError) as exc:
            return await self._new_version_page(
                request,
                access,
                found,
                values,
                ticked,
                errors=_form_errors(exc, ticked),
                status_code=error_status(exc),
            )
        notify(
            request,
            _(
                "Version %(number)s of the service has been recorded; the earlier versions "
                "are kept unchanged.",
                number=changed.current.version,
            ),
        )
        return Redirect(
            path=f"/catalogue/{access.agreement.id}/services/{changed.id}", status_code=303
        )


#: Controllers and handlers of pages, mounted at the site's root.
PAGES: list[Any] = [CataloguePages]
