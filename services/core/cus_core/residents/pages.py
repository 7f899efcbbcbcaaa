"""Pages of the resident register: the list, search, a resident's record, registering and
editing a resident, and the audit trail of a record.

Every read and write goes through the register's service, which audits it in the same
transaction. Search criteria travel in POST bodies only; URLs carry gmina codes, record ids
(UUIDs) and page offsets, never names, PESELs or dates of birth. A form with mistakes writes
nothing at all (its work runs in a savepoint that is rolled back), not even audit entries.
"""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from pydantic import ValidationError

from cus_core.audit.service import trail_of
from cus_core.residents import service
from cus_core.residents.routes import READERS, SUPERVISORS, WRITERS
from cus_core.residents.schemas import (
    ResidentCreate,
    ResidentRead,
    ResidentSearch,
    ResidentSummary,
    ResidentUpdate,
)
from cus_shared.errors import (
    ConflictError,
    FieldProblem,
    InputError,
    MalformedRequestError,
)
from cus_shared.i18n.language import gettext as _
from cus_shared.identity.roles import Role
from cus_shared.tenancy import TenantSession
from cus_shared.web.forms import FormErrors, error_status, form_errors, parse_form, read_form
from cus_shared.web.labels import ROLE_NAMES
from cus_shared.web.pages import notify, render

#: Rows of the register shown per page, and entries of an audit trail.
PAGE_SIZE = 20
AUDIT_PAGE_SIZE = 50
#: Offsets beyond this are refused as malformed (they would overflow the database's integer).
_MAX_OFFSET = 1_000_000_000

_WRITER_ROLES = frozenset({Role.DIRECTOR, Role.OUS, Role.KIPUS})
_SUPERVISOR_ROLES = frozenset({Role.DIRECTOR, Role.OUS})

_ADDRESS_FIELDS = ("street", "building_no", "apartment_no", "postal_code", "city")
#: Fields of the edit form besides the address, compared with the record to find changes.
_PLAIN_FIELDS = (
    "given_name",
    "family_name",
    "pesel",
    "birth_date",
    "sex",
    "preferred_language",
    "household_role",
)
_REQUIRED_ON_EDIT = ("given_name", "family_name", "preferred_language")
_EDIT_FIELDS = frozenset({*_PLAIN_FIELDS, *(f"address.{f}" for f in _ADDRESS_FIELDS), "version"})
_SEARCH_FIELDS = ("name", "pesel", "birth_date")
_POLISH_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


# Labels, translated in the language of the request.


def language_labels() -> dict[str, str]:
    """Languages a resident may prefer to be served in."""
    return {
        "pl": _("Polish"),
        "en": _("English"),
        "uk": _("Ukrainian"),
        "ru": _("Russian"),
        "be": _("Belarusian"),
        "de": _("German"),
    }


def sex_labels() -> dict[str, str]:
    """Sex as the PESEL records it."""
    return {"F": _("Female"), "M": _("Male")}


def household_role_labels() -> dict[str, str]:
    """Places in a household."""
    return {
        "head": _("Head of the household"),
        "spouse": _("Spouse"),
        "partner": _("Partner"),
        "child": _("Child"),
        "parent": _("Parent"),
        "sibling": _("Brother or sister"),
        "other": _("Other household member"),
    }


def role_labels() -> dict[str, str]:
    """Roles of CUS staff (who appears in audit trails), in the request's language."""
    return {code: _(name) for code, name in ROLE_NAMES.items()}


def action_labels() -> dict[str, str]:
    """What was done with a record, as audit trails name it."""
    return {
        "read": _("Record viewed"),
        "list": _("Shown in a list"),
        "search": _("Found by a search"),
        "create": _("Registered"),
        "update": _("Changed"),
        "export": _("Handed out to the resident (export)"),
        "erase": _("Anonymised"),
        "aggregate": _("Counted for anonymised indicators"),
    }


# Small helpers shared by the handlers.


def page_offset(request: Request[Any, Any, Any]) -> int:
    """``?offset=`` of a paginated page: a non-negative whole number (else a 400 page)."""
    raw = request.query_params.get("offset", "0")
    if not raw.isascii() or not raw.isdigit() or int(raw) > _MAX_OFFSET:
        raise MalformedRequestError("invalid_input")
    return int(raw)


def iso_date(value: str) -> str:
    """A date typed the Polish way (31.12.1990) as the ISO date the models read; anything
    else unchanged (browsers send ISO dates from date inputs)."""
    found = _POLISH_DATE.fullmatch(value)
    if not found:
        return value
    day, month, year = found.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"


def _register_path(db: TenantSession) -> str:
    return f"/gminy/{db.tenant.teryt}/residents"


def _record_path(db: TenantSession, resident_id: UUID) -> str:
    return f"{_register_path(db)}/{resident_id}"


def _values_of(resident: ResidentRead) -> dict[str, str]:
    """A record as the edit form's values (strings, empty for nothing)."""
    values = {
        "given_name": resident.given_name,
        "family_name": resident.family_name,
        "pesel": resident.pesel or "",
        "birth_date": resident.birth_date.isoformat(),
        "sex": resident.sex or "",
        "preferred_language": resident.preferred_language,
        "household_role": resident.household_role or "",
    }
    address = resident.address.model_dump()
    values.update({f"address.{f}": address.get(f) or "" for f in _ADDRESS_FIELDS})
    return values


def _changes(form: dict[str, str], current: ResidentRead) -> ResidentUpdate | None:
    """The edit form compared with the record: only fields whose value differs are sent
    (the address as a whole when any part of it changed); ``None`` when nothing changed.

    An emptied optional field is sent as ``None`` (cleared); emptied required fields are
    refused here, before anything is written.
    """
    unknown = sorted(set(form) - _EDIT_FIELDS)
    if unknown:
        raise InputError(
            "invalid_input", problems=[FieldProblem(field=f, key="field.unknown") for f in unknown]
        )
    before = _values_of(current)
    submitted = {name: form.get(name, "") for name in before}
    submitted["birth_date"] = iso_date(submitted["birth_date"])
    missing = [name for name in _REQUIRED_ON_EDIT if not submitted[name]]
    if missing:
        raise InputError(
            "invalid_input",
            problems=[FieldProblem(field=name, key="field.required") for name in missing],
        )
    payload: dict[str, Any] = {
        name: submitted[name] or None for name in _PLAIN_FIELDS if submitted[name] != before[name]
    }
    # An emptied date of birth keeps the stored one (or follows a changed PESEL).
    if not submitted["birth_date"]:
        payload.pop("birth_date", None)
    if any(submitted[f"address.{f}"] != before[f"address.{f}"] for f in _ADDRESS_FIELDS):
        payload["address"] = {f: submitted[f"address.{f}"] or None for f in _ADDRESS_FIELDS}
    if not payload:
        return None
    payload["version"] = form.get("version", "")
    return ResidentUpdate.model_validate(payload)


class ResidentPages(Controller):
    """The register of residents of one gmina, as pages."""

    path = "/gminy/{teryt:str}/residents"
    opt = {"tenant_scoped": True, "audited": True}

    # The register and its search.

    def _register_page(
        self,
        request: Request[Any, Any, Any],
        db: TenantSession,
        *,
        residents: list[ResidentSummary],
        total: int,
        offset: int,
        searched: bool,
        criteria: dict[str, str],
        errors: FormErrors | None = None,
        status_code: int = 200,
    ) -> Template:
        """The register (or search results) in the layout, or only the results region when
        HTMX asks for it (a search sent from the page)."""
        fragment = bool(request.headers.get("hx-request"))
        return render(
            request,
            "core/residents/_results.html" if fragment else "core/residents/register.html",
            title=_("Resident register"),
            teryt=db.tenant.teryt,
            errors=errors,
            # The layout's htmx-config swaps 422 answers too, so fragments keep true statuses.
            status_code=status_code,
            fragment=fragment,
            residents=residents,
            total=total,
            limit=PAGE_SIZE,
            offset=offset,
            searched=searched,
            criteria=criteria,
            register_path=_register_path(db),
            can_write=bool(db.tenant.roles & _WRITER_ROLES),
        )

    @get("/", guards=[READERS])
    async def register(
        self, request: Request[Any, Any, Any], db: NamedDependency[TenantSession]
    ) -> Template:
        """A page of the register by family name (each row shown is audited)."""
        offset = page_offset(request)
        rows, total = await service.list_residents(db, limit=PAGE_SIZE, offset=offset)
        return self._register_page(
            request, db, residents=rows, total=total, offset=offset, searched=False, criteria={}
        )

    @post("/search", guards=[READERS], status_code=200)
    async def search(
        self, request: Request[Any, Any, Any], db: NamedDependency[TenantSession]
    ) -> Template:
        """Residents found by name, PESEL or date of birth (criteria in the body only)."""
        form = await read_form(request)
        criteria = {name: form.get(name, "") for name in _SEARCH_FIELDS}
        flat = {**criteria, "birth_date": iso_date(criteria["birth_date"])}
        flat["offset"] = form.get("offset", "")
        try:
            search = parse_form(ResidentSearch, {**flat, "limit": str(PAGE_SIZE)})
            rows, total = await service.search_residents(db, search)
        except (ValidationError, InputError) as exc:
            return self._register_page(
                request,
                db,
                residents=[],
                total=0,
                offset=0,
                searched=True,
                criteria=criteria,
                errors=form_errors(exc),
                status_code=error_status(exc),
            )
        return self._register_page(
            request,
            db,
            residents=rows,
            total=total,
            offset=search.offset,
            searched=True,
            criteria=criteria,
        )

    # Registering a resident.

    def _new_page(
        self,
        request: Request[Any, Any, Any],
        db: TenantSession,
        *,
        values: dict[str, str],
        errors: FormErrors | None = None,
        status_code: int = 200,
    ) -> Template:
        return render(
            request,
            "core/residents/new.html",
            title=_("Register a resident"),
            teryt=db.tenant.teryt,
            errors=errors,
            status_code=status_code,
            values=values,
            register_path=_register_path(db),
            languages=language_labels(),
            sexes=sex_labels(),
            household_roles=household_role_labels(),
        )

    @get("/new", guards=[WRITERS])
    async def new_form(
        self, request: Request[Any, Any, Any], db: NamedDependency[TenantSession]
    ) -> Template:
        """An empty registration form (``?household_of=<id>`` adds the new person to the
        household of the record the link came from)."""
        values = {"preferred_language": "pl"}
        household_of = request.query_params.get("household_of", "")
        if household_of:
            try:
                values["household_of"] = str(UUID(household_of))
            except ValueError:
                raise MalformedRequestError("invalid_input") from None
        return self._new_page(request, db, values=values)

    @post("/new", guards=[WRITERS])
    async def create(
        self, request: Request[Any, Any, Any], db: NamedDependency[TenantSession]
    ) -> Response[Any]:
        """Register the resident; mistakes are shown next to the fields, nothing written."""
        form = await read_form(request)
        if form.get("birth_date"):
            form["birth_date"] = iso_date(form["birth_date"])
        try:
            data = parse_form(ResidentCreate, form)
            async with db.session.begin_nested():
                created = await service.create_resident(db, data)
        except (ValidationError, InputError, ConflictError) as exc:
            return self._new_page(
                request, db, values=form, errors=form_errors(exc), status_code=error_status(exc)
            )
        notify(request, _("Resident registered."))
        return Redirect(path=_record_path(db, created.id), status_code=303)

    # A resident's record.

    @get("/{resident_id:uuid}", guards=[READERS])
    async def record(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[TenantSession],
        resident_id: FromPath[UUID],
    ) -> Template:
        """The resident with their household (the read is audited, household members too)."""
        resident = await service.read_resident(db, resident_id)
        return render(
            request,
            "core/residents/record.html",
            # The browser's history keeps page titles: the name is in the heading only.
            title=_("Resident's record"),
            teryt=db.tenant.teryt,
            resident=resident,
            register_path=_register_path(db),
            record_path=_record_path(db, resident.id),
            languages=language_labels(),
            sexes=sex_labels(),
            household_roles=household_role_labels(),
            can_write=bool(db.tenant.roles & _WRITER_ROLES),
            can_supervise=bool(db.tenant.roles & _SUPERVISOR_ROLES),
        )

    # Editing a resident.

    def _edit_page(
        self,
        request: Request[Any, Any, Any],
        db: TenantSession,
        resident_id: UUID,
        *,
        values: dict[str, str],
        in_household: bool,
        errors: FormErrors | None = None,
        stale: bool = False,
        status_code: int = 200,
    ) -> Template:
        return render(
            request,
            "core/residents/edit.html",
            title=_("Edit the resident's data"),
            teryt=db.tenant.teryt,
            errors=errors,
            status_code=status_code,
            values=values,
            in_household=in_household,
            stale=stale,
            register_path=_register_path(db),
            record_path=_record_path(db, resident_id),
            languages=language_labels(),
            sexes=sex_labels(),
            household_roles=household_role_labels(),
        )

    @get("/{resident_id:uuid}/edit", guards=[WRITERS])
    async def edit_form(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[TenantSession],
        resident_id: FromPath[UUID],
    ) -> Template:
        """The record in a form, with the version it was read at (audited as a read)."""
        current = await service.read_for_edit(db, resident_id)
        values = {**_values_of(current), "version": str(current.version)}
        return self._edit_page(
            request, db, resident_id, values=values, in_household=current.household_id is not None
        )

    @post("/{resident_id:uuid}/edit", guards=[WRITERS])
    async def edit(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[TenantSession],
        resident_id: FromPath[UUID],
    ) -> Response[Any]:
        """Save what changed; a record changed meanwhile by someone else is not overwritten."""
        form = await read_form(request)
        in_household = False
        update: ResidentUpdate | None = None
        try:
            async with db.session.begin_nested():
                current = await service.read_for_edit(db, resident_id)
                in_household = current.household_id is not None
                update = _changes(form, current)
                if update is not None:
                    await service.update_resident(db, resident_id, update)
        except (ValidationError, InputError, ConflictError) as exc:
            stale = isinstance(exc, ConflictError) and exc.key == "resident.stale"
            # A stale version is no mistake of one field: explained above the form.
            errors = form_errors(ConflictError("resident.stale") if stale else exc)
            return self._edit_page(
                request,
                db,
                resident_id,
                values=form,
                in_household=in_household,
                errors=errors,
                stale=stale,
                status_code=error_status(exc),
            )
        notify(request, _("Changes saved.") if update is not None else _("Nothing was changed."))
        return Redirect(path=_record_path(db, resident_id), status_code=303)

    # Who looked at a record.

    @get("/{resident_id:uuid}/audit", guards=[SUPERVISORS])
    async def audit_trail(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[TenantSession],
        resident_id: FromPath[UUID],
    ) -> Template:
        """Everyone who viewed, listed, found or changed this record, newest first."""
        offset = page_offset(request)
        await service.ensure_exists(db, resident_id)
        entries, total = await trail_of(
            db, service.ENTITY, resident_id, limit=AUDIT_PAGE_SIZE, offset=offset
        )
        return render(
            request,
            "core/residents/audit.html",
            title=_("Who viewed this record"),
            teryt=db.tenant.teryt,
            entries=entries,
            total=total,
            limit=AUDIT_PAGE_SIZE,
            offset=offset,
            me=db.tenant.principal.user_id,
            register_path=_register_path(db),
            record_path=_record_path(db, resident_id),
            roles=role_labels(),
            actions=action_labels(),
        )
