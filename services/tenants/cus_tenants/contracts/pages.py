"""Pages of contracts: the agreements to choose from, an agreement's contracts, recording and
changing a contract (amounts typed in złoty become grosze exactly), and a contract's page.
Staff of the agreement's gminy read; its director and OUS (and operators) change, through
the same service functions as the API."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from typing import TYPE_CHECKING, Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from cus_shared.errors import DomainError, FieldProblem, InputError
from cus_shared.i18n.amounts import form_amount, parse_amount
from cus_shared.i18n.language import gettext as _
from cus_shared.identity.guards import principal_of, require_roles
from cus_shared.identity.roles import CUS_STAFF_ROLES, Role
from cus_shared.web.forms import form_errors, problems_from_validation, read_form
from cus_shared.web.pages import notify, render
from cus_tenants.agreements.access import AgreementAccess, agreement_access, readable_agreements
from cus_tenants.catalogue.labels import MODE_LABELS, mode_name
from cus_tenants.contracts import service
from cus_tenants.contracts.labels import (
    CAPACITY_UNIT_LABELS,
    capacity_text,
    number_text,
    parse_capacity,
)
from cus_tenants.contracts.schemas import ContractCreate, ContractUpdate
from cus_tenants.dependencies import provide_shared_session
from cus_tenants.gminy import service as gminy
from cus_tenants.partners import service as partners
from cus_tenants.partners.pages import service_name

if TYPE_CHECKING:
    from collections.abc import Sequence

    from cus_shared.web.forms import FormErrors
    from cus_tenants.contracts.models import Contract

AnyRequest = Request[Any, Any, Any]

_FIELDS = (
    "partner_id",
    "number",
    "mode",
    "starts_on",
    "ends_on",
    "value",
    "capacity",
    "capacity_unit",
    "minimum_standard",
)
_LISTS = ("services", "gminy")
#: The API's fields that the form names differently.
_FORM_NAMES = {"value_grosze": "value"}


async def _choices(session: AsyncSession, access: AgreementAccess) -> dict[str, Any]:
    """What the contract form offers: partners, modes, services (with the modes the catalogue
    allows), member gminy, capacity units."""
    names = await gminy.gmina_names(session, access.members_today)
    catalogue = await partners.catalogue_of(session, access.agreement.id)
    registered = await partners.list_partners(session, access.agreement.id)
    return {
        "partner_options": [(str(p.id), p.name) for p in registered],
        "mode_options": [(code, _(label)) for code, label in MODE_LABELS.items()],
        "service_options": [
            (
                str(s.id),
                service_name(s),
                ", ".join(mode_name(m) for m in s.current.delivery_modes),
            )
            for s in catalogue
        ],
        "gmina_options": sorted(
            ((t, f"{names.get(t, t)} ({t})") for t in access.members_today),
            key=lambda option: option[1],
        ),
        "unit_options": [(code, _(label)) for code, label in CAPACITY_UNIT_LABELS.items()],
    }


async def _names(session: AsyncSession, contracts: list[Contract]) -> dict[str, dict[str, str]]:
    """Names of the partners, services and gminy the contracts mention."""
    partner_names = await partners.partner_names(
        session, (c.partner_id for c in contracts if c.partner_id)
    )
    agreements = {c.agreement_id for c in contracts}
    services: dict[str, str] = {}
    for agreement_id in agreements:
        services.update(
            {str(s.id): service_name(s) for s in await partners.catalogue_of(session, agreement_id)}
        )
    gmina_names = await gminy.gmina_names(session, (g.teryt for c in contracts for g in c.gminy))
    return {
        "partners": {str(k): v for k, v in partner_names.items()},
        "services": services,
        "gminy": gmina_names,
    }


def _row(contract: Contract, names: dict[str, dict[str, str]]) -> dict[str, Any]:
    """A contract as the pages show it."""
    return {
        "contract": contract,
        "partner": names["partners"].get(str(contract.partner_id)) if contract.partner_id else None,
        "mode": mode_name(contract.mode),
        "services": sorted(
            names["services"].get(str(s.service_id), str(s.service_id)) for s in contract.services
        ),
        "gminy": sorted(names["gminy"].get(g.teryt, g.teryt) for g in contract.gminy),
        "capacity": capacity_text(contract),
    }


# --- the form ------------------------------------------------------------------------------


async def _read(request: AnyRequest) -> tuple[dict[str, str], dict[str, list[str]]]:
    values = await read_form(request)
    form = await request.form()
    ticked = {name: [str(v) for v in form.getall(name, []) if v] for name in _LISTS}
    return {name: values.get(name, "") for name in _FIELDS}, ticked


def _body(
    values: dict[str, str], ticked: dict[str, list[str]]
) -> tuple[dict[str, Any], list[FieldProblem]]:
    """The API's fields from the form, and the problems of the amounts typed (a placeholder
    stands in for a wrong amount, so the other rules are still checked)."""
    problems: list[FieldProblem] = []
    body: dict[str, Any] = {
        name: values[name]
        for name in ("number", "mode", "starts_on", "ends_on", "capacity_unit")
        if values[name]
    }
    body["partner_id"] = values["partner_id"] or None
    body["minimum_standard"] = values["minimum_standard"] or None
    body["services"] = ticked["services"]
    body["gminy"] = ticked["gminy"]
    if not values["value"]:
        problems.append(FieldProblem(field="value", key="field.required"))
    else:
        try:
            body["value_grosze"] = parse_amount(values["value"])
        except ValueError:
            problems.append(FieldProblem(field="value", key="contract.value_format"))
    body.setdefault("value_grosze", 0)
    if not values["capacity"]:
        problems.append(FieldProblem(field="capacity", key="field.required"))
    else:
        try:
            body["capacity"] = parse_capacity(values["capacity"])
        except ValueError:
            problems.append(FieldProblem(field="capacity", key="contract.capacity_format"))
    body.setdefault("capacity", 1)
    return body, problems


def _on_form(problem: FieldProblem) -> FieldProblem:
    name = re.sub(r"\[(\d+)\]", r".\1", problem.field).split(".")[0]
    return dataclasses.replace(problem, field=_FORM_NAMES.get(name, name))


#: The form's fields in the order a person meets them (the error summary follows it).
_ORDER = (
    "number",
    "mode",
    "partner_id",
    "services",
    "gminy",
    "starts_on",
    "ends_on",
    "value",
    "capacity",
    "capacity_unit",
    "minimum_standard",
)


def _errors(found: list[FieldProblem], extra: Sequence[FieldProblem] = ()) -> FormErrors:
    moved: list[FieldProblem] = []
    for problem in [*found, *extra]:
        target = _on_form(problem)
        if target not in moved:
            moved.append(target)
    moved.sort(key=lambda p: _ORDER.index(p.field) if p.field in _ORDER else len(_ORDER))
    return form_errors(moved)


def _shape_problems(exc: ValidationError, body: dict[str, Any]) -> list[FieldProblem]:
    """The shape's problems, and the rules that need no lookup (lists ticked, period in
    order), so that a form with several mistakes shows them all."""
    found = problems_from_validation(exc)
    if not body["services"]:
        found.append(FieldProblem(field="services", key="contract.services_required"))
    if not body["gminy"]:
        found.append(FieldProblem(field="gminy", key="contract.gminy_required"))
    try:
        starts, ends = date.fromisoformat(body["starts_on"]), date.fromisoformat(body["ends_on"])
    except (KeyError, ValueError):
        return found
    if ends < starts:
        found.append(FieldProblem(field="ends_on", key="contract.period_order"))
    return found


async def _form_page(
    request: AnyRequest,
    session: AsyncSession,
    access: AgreementAccess,
    values: dict[str, str],
    ticked: dict[str, list[str]],
    *,
    contract: Contract | None = None,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> Template:
    return render(
        request,
        "tenants/contracts/form.html",
        title=_("Change the contract") if contract else _("Record a contract"),
        errors=errors,
        status_code=status_code,
        agreement=access.agreement,
        contract=contract,
        values=values,
        ticked=ticked,
        **await _choices(session, access),
    )


def _values_of(contract: Contract) -> tuple[dict[str, str], dict[str, list[str]]]:
    values = {
        "partner_id": str(contract.partner_id) if contract.partner_id else "",
        "number": contract.number,
        "mode": contract.mode,
        "starts_on": contract.starts_on.isoformat(),
        "ends_on": contract.ends_on.isoformat(),
        "value": form_amount(contract.value_grosze),
        "capacity": number_text(contract.capacity),
        "capacity_unit": contract.capacity_unit,
        "minimum_standard": contract.minimum_standard or "",
    }
    ticked = {
        "services": [str(s.service_id) for s in contract.services],
        "gminy": [g.teryt for g in contract.gminy],
    }
    return values, ticked


# --- the pages -----------------------------------------------------------------------------


class ContractPages(Controller):
    """Contracts (umowy) of an agreement, for its staff."""

    path = "/contracts"
    guards = [require_roles(Role.OPERATOR, *CUS_STAFF_ROLES)]
    dependencies = {"session": Provide(provide_shared_session)}

    @get("/", name="contracts")
    async def entry(
        self, request: AnyRequest, session: NamedDependency[AsyncSession]
    ) -> Response[Any] | Template:
        """The agreement whose contracts the person works with, or a choice of them."""
        agreements = await readable_agreements(session, principal_of(request))
        if len(agreements) == 1:
            return Redirect(path=f"/contracts/{agreements[0].id}", status_code=303)
        return render(
            request, "tenants/contracts/choose.html", title=_("Contracts"), agreements=agreements
        )

    @get("/{agreement_id:str}", name="contracts-of-agreement")
    async def registry(
        self,
        request: AnyRequest,
        session: NamedDependency[AsyncSession],
        agreement_id: FromPath[str],
    ) -> Template:
        """The agreement's contracts: partner, mode, period, value, capacity."""
        access = await agreement_access(session, principal_of(request), agreement_id, change=False)
        contracts = await service.list_contracts(session, access.agreement.id)
        names = await _names(session, contracts)
        return render(
            request,
            "tenants/contracts/list.html",
            title=_("Contracts of the agreement"),
            agreement=access.agreement,
            can_change=access.can_change,
            rows=[_row(c, names) for c in contracts],
        )

    @get("/{agreement_id:str}/new", name="contract-new")
    async def new_contract(
        self,
        request: AnyRequest,
        session: NamedDependency[AsyncSession],
        agreement_id: FromPath[str],
        partner_id: FromQuery[str] = "",
    ) -> Template:
        """The form to record a contract (with a partner chosen when coming from its page)."""
        access = await agreement_access(session, principal_of(request), agreement_id, change=True)
        values = dict.fromkeys(_FIELDS, "")
        values["partner_id"] = partner_id
        return await _form_page(request, session, access, values, {n: [] for n in _LISTS})

    @post("/{agreement_id:str}/new", status_code=303)
    async def record(
        self,
        request: AnyRequest,
        session: NamedDependency[AsyncSession],
        agreement_id: FromPath[str],
    ) -> Response[Any]:
        """Record the contract as the API does: every rule checked, nothing written on a
        problem."""
        access = await agreement_access(session, principal_of(request), agreement_id, change=True)
        values, ticked = await _read(request)
        body, typed = _body(values, ticked)
        try:
            data = ContractCreate.model_validate(body)
            if typed:
                problems = await service.input_problems(
                    session, access.agreement.id, access.members_today, service.terms_of(data)
                )
                raise InputError("invalid_input", problems=problems)
            contract = await service.create_contract(
                session, access.agreement.id, access.members_today, data
            )
        except ValidationError as exc:
            return await _form_page(
                request,
                session,
                access,
                values,
                ticked,
                errors=_errors(_shape_problems(exc, body), typed),
                status_code=422,
            )
        except DomainError as exc:
            return await _form_page(
                request,
                session,
                access,
                values,
                ticked,
                errors=_errors(_problems_of(exc), typed),
                status_code=exc.status_code,
            )
        notify(request, _("Contract recorded: %(number)s.", number=contract.number))
        return Redirect(path=f"/contracts/c/{contract.id}", status_code=303)

    @get("/c/{contract_id:str}", name="contract")
    async def show(
        self,
        request: AnyRequest,
        session: NamedDependency[AsyncSession],
        contract_id: FromPath[str],
    ) -> Template:
        """A contract: partner, mode, services, gminy, period, value, capacity, standard."""
        contract = await service.get_contract(session, contract_id)
        access = await agreement_access(
            session, principal_of(request), contract.agreement_id, change=False
        )
        names = await _names(session, [contract])
        return render(
            request,
            "tenants/contracts/detail.html",
            title=_("Contract %(number)s", number=contract.number),
            agreement=access.agreement,
            can_change=access.can_change,
            row=_row(contract, names),
        )

    @get("/c/{contract_id:str}/edit", name="contract-edit")
    async def edit(
        self,
        request: AnyRequest,
        session: NamedDependency[AsyncSession],
        contract_id: FromPath[str],
    ) -> Template:
        """The form to change a contract."""
        contract = await service.get_contract(session, contract_id)
        access = await agreement_access(
            session, principal_of(request), contract.agreement_id, change=True
        )
        values, ticked = _values_of(contract)
        return await _form_page(request, session, access, values, ticked, contract=contract)

    @post("/c/{contract_id:str}/edit", status_code=303)
    async def change(
        self,
        request: AnyRequest,
        session: NamedDependency[AsyncSession],
        contract_id: FromPath[str],
    ) -> Response[Any]:
        """Change the contract as the API does (every field of the form is sent)."""
        contract = await service.get_contract(session, contract_id)
        access = await agreement_access(
            session, principal_of(request), contract.agreement_id, change=True
        )
        values, ticked = await _read(request)
        body, typed = _body(values, ticked)
        for name in ("number", "mode", "starts_on", "ends_on", "capacity_unit"):
            body.setdefault(name, None)
        try:
            data = ContractUpdate.model_validate(body)
            if typed:
                # The amounts typed are wrong: the other fields are checked, nothing is saved.
                problems = await service.change_problems(
                    session, contract, access.members_today, data
                )
                raise InputError("invalid_input", problems=problems)
            await service.update_contract(session, contract, access.members_today, data)
        except ValidationError as exc:
            errors = _errors(_shape_problems(exc, body), typed)
            status = 422
        except DomainError as exc:
            errors = _errors(_problems_of(exc), typed)
            status = exc.status_code
        else:
            notify(request, _("The contract has been saved."))
            return Redirect(path=f"/contracts/c/{contract.id}", status_code=303)
        return await _form_page(
            request,
            session,
            access,
            values,
            ticked,
            contract=contract,
            errors=errors,
            status_code=status,
        )


def _problems_of(error: DomainError) -> list[FieldProblem]:
    """A domain error's problems (or the error itself, shown in the summary)."""
    if error.problems:
        return error.problems
    return [FieldProblem(field="", key=error.key, params=error.params)]


#: Controllers and handlers of pages, mounted at the site's root.
PAGES: list[Any] = [ContractPages]
