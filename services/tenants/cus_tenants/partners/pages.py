"""Pages of the partner registry: the agreements to choose from, an agreement's partners,
registering and editing a partner, and a partner's page with its contact persons, documents
(expiry warnings first) and contracts. Staff of the agreement's gminy read; its director and
OUS (and operators) change, through the same service functions as the API."""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING, Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from litestar.response import Redirect, Template
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from cus_shared.errors import DomainError, FieldProblem, InputError, NotFoundError
from cus_shared.i18n.language import current_language
from cus_shared.i18n.language import gettext as _
from cus_shared.identity.guards import principal_of, require_roles
from cus_shared.identity.roles import CUS_STAFF_ROLES, Role
from cus_shared.providers import PARTNER_CATEGORY_LABELS
from cus_shared.web.forms import FormErrors, error_status, read_form
from cus_shared.web.pages import notify, render
from cus_tenants.agreements.access import AgreementAccess, agreement_access, readable_agreements
from cus_tenants.catalogue.labels import area_name, area_options
from cus_tenants.dependencies import provide_shared_session
from cus_tenants.gminy import service as gminy
from cus_tenants.pages import errors_on_form
from cus_tenants.partners import service
from cus_tenants.partners.schemas import (
    ContactIn,
    DocumentIn,
    PartnerCreate,
    PartnerUpdate,
)

if TYPE_CHECKING:
    from cus_tenants.catalogue.models import CatalogueService
    from cus_tenants.partners.models import Partner

AnyRequest = Request[Any, Any, Any]

#: Kinds of partners as people read them.
CATEGORY_LABELS = PARTNER_CATEGORY_LABELS

_FACTS = ("name", "category", "nip", "regon", "krs", "description")
_CONTACT_FIELDS = ("name", "position", "email", "phone")
_LISTS = ("areas", "services", "gminy")
#: Contact rows of the registration form: two required, one more if wanted.
CONTACT_ROWS = 3


# --- what the pages show -------------------------------------------------------------------


def service_name(service: CatalogueService) -> str:
    """A catalogue service's current name in the page's language (Polish when not given)."""
    version = service.current
    chosen = {"en": version.name_en, "uk": version.name_uk}.get(current_language())
    return chosen or version.name


async def service_names(session: AsyncSession, agreement_id: UUID) -> dict[str, str]:
    """Names of the agreement's catalogue services by id (as text, as forms send them)."""
    return {str(s.id): service_name(s) for s in await service.catalogue_of(session, agreement_id)}


def _category_options() -> list[tuple[str, str]]:
    return [(code, _(label)) for code, label in CATEGORY_LABELS.items()]


async def _choices(session: AsyncSession, access: AgreementAccess) -> dict[str, Any]:
    """What a partner form offers: areas, the agreement's services and member gminy."""
    names = await gminy.gmina_names(session, access.members_today)
    services = await service_names(session, access.agreement.id)
    return {
        "area_options": area_options(),
        "category_options": _category_options(),
        "service_options": list(services.items()),
        "gmina_options": sorted(
            ((t, f"{names.get(t, t)} ({t})") for t in access.members_today),
            key=lambda option: option[1],
        ),
    }


def _document_state(partner: Partner) -> tuple[int, int]:
    """How many of the partner's documents have expired, and how many expire soon."""
    warnings = service.warnings_of(partner.documents)
    expired = sum(1 for w in warnings if w.code == "partner.document_expired")
    return expired, len(warnings) - expired


# --- forms ---------------------------------------------------------------------------------


async def _read(request: AnyRequest) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The posted fields, and the ticked boxes of each list."""
    values = await read_form(request)
    form = await request.form()
    ticked = {name: [str(v) for v in form.getall(name, []) if v] for name in _LISTS}
    return values, ticked


def _facts(values: dict[str, str], ticked: dict[str, list[str]]) -> dict[str, Any]:
    """The API's fields of a partner from a form: a required field left empty is missing, an
    optional one is null."""
    body: dict[str, Any] = {}
    for name in _FACTS:
        value = values.get(name, "")
        if value or name not in ("name", "category"):
            body[name] = value or None
    body["areas"] = [int(a) for a in ticked["areas"] if a.isdigit()]
    body["services"] = ticked["services"]
    body["gminy"] = ticked["gminy"]
    return body


def _contacts(values: dict[str, str]) -> tuple[list[dict[str, Any]], list[int]]:
    """The filled-in contact rows (an empty row is no contact), and the row of each."""
    contacts: list[dict[str, Any]] = []
    rows: list[int] = []
    for row in range(CONTACT_ROWS):
        given = {f: values.get(f"contacts.{row}.{f}", "") for f in _CONTACT_FIELDS}
        if not any(given.values()):
            continue
        contact: dict[str, Any] = {f: v or None for f, v in given.items() if f != "name"}
        if given["name"]:
            contact["name"] = given["name"]
        contacts.append(contact)
        rows.append(row)
    return contacts, rows


def _on_form(rows: list[int], prefix: str = "") -> Any:
    """Moves the API's problems onto the form's fields: ``contacts[1].email`` (the second
    contact sent) is the email of the form row it came from; a problem about one element of a
    list belongs to the list's checkboxes."""

    def move(problem: FieldProblem) -> FieldProblem:
        name = re.sub(r"\[(\d+)\]", r".\1", problem.field)
        parts = name.split(".")
        if parts[0] in _LISTS:
            name = parts[0]
        elif parts[0] == "contacts" and len(parts) > 2 and parts[1].isdigit():
            index = int(parts[1])
            row = rows[index] if index < len(rows) else index
            name = ".".join(["contacts", str(row), *parts[2:]])
        return dataclasses.replace(problem, field=prefix + name)

    return move


def _contact_missing(errors: FormErrors, rows: list[int]) -> None:
    """The two required contact rows left empty are named as such (beside the rule)."""
    for row in range(2):
        if row not in rows:
            message = _("Give the name and an e-mail address or phone number of this person.")
            errors.fields.setdefault(f"contacts.{row}.name", []).append(message)
            errors.summary.append((f"contacts.{row}.name", message))


async def _rule_problems(
    session: AsyncSession, access: AgreementAccess, body: dict[str, Any]
) -> list[FieldProblem]:
    """The registry's rules checked on a form whose shape is wrong somewhere (a contact of
    the wrong shape counts as given; its own problems come from the shape's check)."""
    contacts: list[ContactIn | None] = []
    for contact in body["contacts"]:
        try:
            contacts.append(ContactIn.model_validate(contact))
        except ValidationError:
            contacts.append(None)
    services = []
    for text in body["services"]:
        try:
            services.append(UUID(text))
        except ValueError:
            continue
    problems, _identifiers = await service.registration_problems(
        session,
        access.agreement.id,
        access.members_today,
        nip=body.get("nip"),
        regon=body.get("regon"),
        krs=body.get("krs"),
        areas=body["areas"],
        services=services,
        gminy=body["gminy"],
        contacts=contacts,
    )
    return problems


def _merged(first: FormErrors, second: FormErrors) -> FormErrors:
    """Two sets of messages as one (a message repeated for a field is shown once)."""
    merged = FormErrors(
        fields={name: list(messages) for name, messages in first.fields.items()},
        summary=list(first.summary),
    )
    for name, message in second.summary:
        if message in merged.fields.get(name or "", []):
            continue
        merged.fields.setdefault(name or "", []).append(message)
        merged.summary.append((name, message))
    return merged


# --- the pages -----------------------------------------------------------------------------


async def _partner(
    request: AnyRequest, session: AsyncSession, partner_id: str, *, change: bool
) -> tuple[Partner, AgreementAccess]:
    partner = await service.get_partner(session, partner_id)
    access = await agreement_access(
        session, principal_of(request), partner.agreement_id, change=change
    )
    return partner, access


async def _detail_page(
    request: AnyRequest,
    session: AsyncSession,
    partner: Partner,
    access: AgreementAccess,
    *,
    values: dict[str, str] | None = None,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> Template:
    from cus_tenants.catalogue.labels import mode_name
    from cus_tenants.contracts import service as contracts
    from cus_tenants.contracts.labels import capacity_text

    names = await gminy.gmina_names(session, (g.teryt for g in partner.gminy))
    services = await service_names(session, partner.agreement_id)
    agreed = await contracts.list_contracts(session, partner.agreement_id, partner_id=partner.id)
    return render(
        request,
        "tenants/partners/detail.html",
        title=partner.name,
        errors=errors,
        status_code=status_code,
        partner=partner,
        agreement=access.agreement,
        can_change=access.can_change,
        category=_(CATEGORY_LABELS[partner.category]),
        areas=[f"{a}. {area_name(a)}" for a in sorted(partner.areas)],
        services=sorted(
            services.get(str(s.service_id), str(s.service_id)) for s in partner.services
        ),
        gminy=sorted(f"{names.get(g.teryt, g.teryt)} ({g.teryt})" for g in partner.gminy),
        warnings=service.warnings_of(partner.documents),
        today=service.today(),
        contracts=[(c, mode_name(c.mode), capacity_text(c)) for c in agreed],
        values=values or {},
    )


async def _form_page(
    request: AnyRequest,
    session: AsyncSession,
    access: AgreementAccess,
    values: dict[str, str],
    ticked: dict[str, list[str]],
    *,
    partner: Partner | None = None,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> Template:
    return render(
        request,
        "tenants/partners/form.html",
        title=_("Edit the partner") if partner else _("Register a partner"),
        errors=errors,
        status_code=status_code,
        agreement=access.agreement,
        partner=partner,
        values=values,
        ticked=ticked,
        contact_rows=range(CONTACT_ROWS),
        **await _choices(session, access),
    )


class PartnerPages(Controller):
    """The registry of partners (rejestr partnerów), for the staff of an agreement."""

    path = "/partners"
    guards = [require_roles(Role.OPERATOR, *CUS_STAFF_ROLES)]
    dependencies = {"session": Provide(provide_shared_session)}

    @get("/", name="partners")
    async def entry(
        self, request: AnyRequest, session: NamedDependency[AsyncSession]
    ) -> Response[Any] | Template:
        """The agreement whose partners the person works with, or a choice of them."""
        agreements = await readable_agreements(session, principal_of(request))
        if len(agreements) == 1:
            return Redirect(path=f"/partners/{agreements[0].id}", status_code=303)
        return render(
            request,
            "tenants/partners/choose.html",
            title=_("Partners"),
            agreements=agreements,
        )

    @get("/{agreement_id:str}", name="partners-of-agreement")
    async def registry(
        self,
        request: AnyRequest,
        session: NamedDependency[AsyncSession],
        agreement_id: FromPath[str],
    ) -> Template:
        """The agreement's partners with their category, NIP, gminy and documents to renew."""
        access = await agreement_access(session, principal_of(request), agreement_id, change=False)
        partners = await service.list_partners(session, access.agreement.id)
        names = await gminy.gmina_names(session, (g.teryt for p in partners for g in p.gminy))
        return render(
            request,
            "tenants/partners/list.html",
            title=_("Partners of the agreement"),
            agreement=access.agreement,
            can_change=access.can_change,
            rows=[
                (
                    p,
                    _(CATEGORY_LABELS[p.category]),
                    sorted(names.get(g.teryt, g.teryt) for g in p.gminy),
                    *_document_state(p),
                )
                for p in partners
            ],
        )

    @get("/{agreement_id:str}/new", name="partner-new")
    async def new_partner(
        self,
        request: AnyRequest,
        session: NamedDependency[AsyncSession],
        agreement_id: FromPath[str],
    ) -> Template:
        """The form to register a partner (two contact persons required, a third optional)."""
        access = await agreement_access(session, principal_of(request), agreement_id, change=True)
        empty: dict[str, list[str]] = {name: [] for name in _LISTS}
        return await _form_page(request, session, access, {}, empty)

    @post("/{agreement_id:str}/new", status_code=303)
    async def register(
        self,
        request: AnyRequest,
        session: NamedDependency[AsyncSession],
        agreement_id: FromPath[str],
    ) -> Response[Any]:
        """Register the partner as the API does: every rule checked, nothing written on a
        problem."""
        access = await agreement_access(session, principal_of(request), agreement_id, change=True)
        values, ticked = await _read(request)
        contacts, rows = _contacts(values)
        body = {**_facts(values, ticked), "contacts": contacts}
        try:
            data = PartnerCreate.model_validate(body)
            partner = await service.create_partner(
                session, access.agreement.id, access.members_today, data
            )
        except (ValidationError, DomainError) as exc:
            errors = errors_on_form(exc, _on_form(rows))
            if isinstance(exc, ValidationError):
                # The rules of the registry too, so that every mistake shows at once.
                more = await _rule_problems(session, access, body)
                errors = _merged(errors, errors_on_form(InputError(problems=more), _on_form(rows)))
            if len(contacts) < 2:
                _contact_missing(errors, rows)
            return await _form_page(
                request,
                session,
                access,
                values,
                ticked,
                errors=errors,
                status_code=error_status(exc),
            )
        notify(request, _("Partner registered: %(name)s.", name=partner.name))
        return Redirect(path=f"/partners/p/{partner.id}", status_code=303)

    @get("/p/{partner_id:str}", name="partner")
    async def show(
        self, request: AnyRequest, session: NamedDependency[AsyncSession], partner_id: FromPath[str]
    ) -> Template:
        """A partner: documents to renew first, facts, contact persons, documents, contracts."""
        partner, access = await _partner(request, session, partner_id, change=False)
        return await _detail_page(request, session, partner, access)

    @get("/p/{partner_id:str}/edit", name="partner-edit")
    async def edit(
        self, request: AnyRequest, session: NamedDependency[AsyncSession], partner_id: FromPath[str]
    ) -> Template:
        """The form to change a partner's facts, areas, services and gminy."""
        partner, access = await _partner(request, session, partner_id, change=True)
        values = {name: getattr(partner, name) or "" for name in _FACTS}
        ticked = {
            "areas": [str(a) for a in partner.areas],
            "services": [str(s.service_id) for s in partner.services],
            "gminy": [g.teryt for g in partner.gminy],
        }
        return await _form_page(request, session, access, values, ticked, partner=partner)

    @post("/p/{partner_id:str}/edit", status_code=303)
    async def change(
        self, request: AnyRequest, session: NamedDependency[AsyncSession], partner_id: FromPath[str]
    ) -> Response[Any]:
        """Change the partner as the API does (every field of the form is sent)."""
        partner, access = await _partner(request, session, partner_id, change=True)
        values, ticked = await _read(request)
        body = _facts(values, ticked)
        for required in ("name", "category"):
            body.setdefault(required, None)
        try:
            data = PartnerUpdate.model_validate(body)
            await service.update_partner(session, partner, access.members_today, data)
        except (ValidationError, DomainError) as exc:
            return await _form_page(
                request,
                session,
                access,
                values,
                ticked,
                partner=partner,
                errors=errors_on_form(exc, _on_form([])),
                status_code=error_status(exc),
            )
        notify(request, _("The partner's data have been saved."))
        return Redirect(path=f"/partners/p/{partner.id}", status_code=303)

    @post("/p/{partner_id:str}/contacts", status_code=303)
    async def add_contact(
        self, request: AnyRequest, session: NamedDependency[AsyncSession], partner_id: FromPath[str]
    ) -> Response[Any]:
        """Name one more contact person."""
        partner, access = await _partner(request, session, partner_id, change=True)
        values = await read_form(request)
        given = {f: values.get(f"contact.{f}", "") for f in _CONTACT_FIELDS}
        try:
            data = ContactIn.model_validate(
                {f: v or None for f, v in given.items() if v or f != "name"}
            )
            await service.add_contact(session, partner, data)
        except (ValidationError, DomainError) as exc:
            errors = errors_on_form(exc, _on_form([], prefix="contact."))
            return await _detail_page(
                request,
                session,
                partner,
                access,
                values=values,
                errors=errors,
                status_code=error_status(exc),
            )
        notify(request, _("Contact person added."))
        return Redirect(path=f"/partners/p/{partner.id}#contacts", status_code=303)

    @post("/p/{partner_id:str}/contacts/{contact_id:str}/delete", status_code=303)
    async def remove_contact(
        self,
        request: AnyRequest,
        session: NamedDependency[AsyncSession],
        partner_id: FromPath[str],
        contact_id: FromPath[str],
    ) -> Response[Any]:
        """Remove a contact person, unless fewer than two would be left."""
        partner, access = await _partner(request, session, partner_id, change=True)
        try:
            await service.remove_contact(session, partner, _uuid(contact_id))
        except DomainError as exc:
            if isinstance(exc, NotFoundError):
                raise
            return await _detail_page(
                request,
                session,
                partner,
                access,
                errors=errors_on_form(exc),
                status_code=error_status(exc),
            )
        notify(request, _("Contact person removed."))
        return Redirect(path=f"/partners/p/{partner.id}#contacts", status_code=303)

    @post("/p/{partner_id:str}/documents", status_code=303)
    async def add_document(
        self, request: AnyRequest, session: NamedDependency[AsyncSession], partner_id: FromPath[str]
    ) -> Response[Any]:
        """Record a document and its expiry date."""
        partner, access = await _partner(request, session, partner_id, change=True)
        values = await read_form(request)
        given = {f: values.get(f"document.{f}", "") for f in ("title", "valid_until")}
        try:
            data = DocumentIn.model_validate({f: v for f, v in given.items() if v})
            await service.add_document(session, partner, data)
        except (ValidationError, DomainError) as exc:
            return await _detail_page(
                request,
                session,
                partner,
                access,
                values=values,
                errors=errors_on_form(exc, _on_form([], prefix="document.")),
                status_code=error_status(exc),
            )
        notify(request, _("Document recorded."))
        return Redirect(path=f"/partners/p/{partner.id}#documents", status_code=303)

    @post("/p/{partner_id:str}/documents/{document_id:str}/delete", status_code=303)
    async def remove_document(
        self,
        request: AnyRequest,
        session: NamedDependency[AsyncSession],
        partner_id: FromPath[str],
        document_id: FromPath[str],
    ) -> Response[Any]:
        """Remove a document."""
        partner, _access = await _partner(request, session, partner_id, change=True)
        await service.remove_document(session, partner, _uuid(document_id))
        notify(request, _("Document removed."))
        return Redirect(path=f"/partners/p/{partner.id}#documents", status_code=303)


def _uuid(text: str) -> UUID:
    try:
        return UUID(text)
    except ValueError:
        raise NotFoundError("not_found") from None


#: Controllers and handlers of pages, mounted at the site's root.
PAGES: list[Any] = [PartnerPages]
