"""The operator's pages of inter-municipal agreements: the list, recording an agreement with
its member gminy, and an agreement's details with its membership periods."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from litestar.response import Redirect, Template
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from cus_shared.errors import DomainError, FieldProblem, NotFoundError
from cus_shared.i18n.formatting import POLAND
from cus_shared.i18n.language import gettext as _
from cus_shared.identity.guards import require_roles
from cus_shared.identity.roles import Role, Scope
from cus_shared.web.forms import FormErrors, error_status, nest, read_form
from cus_shared.web.labels import ROLE_NAMES
from cus_shared.web.pages import notify, render
from cus_tenants.agreements import service
from cus_tenants.agreements.schemas import AgreementCreate
from cus_tenants.dependencies import provide_shared_session
from cus_tenants.gminy import service as gminy
from cus_tenants.identity import service as identity
from cus_tenants.pages import errors_on_form

_FIELDS = ("name", "lead_teryt", "signed_on", "joined_on")


def _today() -> str:
    """Today in Poland, as a date field's value."""
    return datetime.now(POLAND).date().isoformat()


def _form_field(problem: FieldProblem) -> FieldProblem | None:
    """The form's field for a problem the API reports: the period's start is one date for
    every ticked gmina; anything else about the members belongs to the gmina checkboxes."""
    name = problem.field
    if not name.startswith("members"):
        return problem
    if name.endswith("joined_on"):
        return FieldProblem(field="joined_on", key=problem.key, params=problem.params)
    if name == "members" and problem.key == "field.too_short":
        return None  # nothing ticked: explained in the page's own words
    return FieldProblem(field="members", key=problem.key, params=problem.params)


async def _new_agreement_page(
    request: Request[Any, Any, Any],
    session: AsyncSession,
    values: dict[str, str],
    ticked: list[str],
    *,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> Template:
    registered = await gminy.all_gminy(session)
    return render(
        request,
        "tenants/agreements/new.html",
        title=_("Record an inter-municipal agreement"),
        errors=errors,
        status_code=status_code,
        values=values,
        ticked=ticked,
        gminy=registered,
        gmina_options=[(g.teryt, f"{g.name} ({g.teryt})") for g in registered],
    )


def _agreement_id(text: str) -> UUID:
    try:
        return UUID(text)
    except ValueError:
        raise NotFoundError("not_found") from None


class AgreementPages(Controller):
    """Inter-municipal agreements (porozumienia gmin), for the platform operator."""

    path = "/admin/agreements"
    guards = [require_roles(Role.OPERATOR)]
    dependencies = {"session": Provide(provide_shared_session)}

    @get("/", name="admin-agreements")
    async def agreements(
        self, request: Request[Any, Any, Any], session: NamedDependency[AsyncSession]
    ) -> Template:
        """Every agreement, with its lead gmina and how many gminy belong to it today."""
        rows = await service.list_agreements(session)
        today = datetime.now(POLAND).date()
        return render(
            request,
            "tenants/agreements/list.html",
            title=_("Inter-municipal agreements"),
            agreements=rows,
            lead_names=await gminy.gmina_names(session, (a.lead_teryt for a in rows)),
            current={a.id: sum(1 for m in a.members if m.active_on(today)) for a in rows},
        )

    @get("/new", name="admin-agreement-new")
    async def new_agreement(
        self, request: Request[Any, Any, Any], session: NamedDependency[AsyncSession]
    ) -> Template:
        """The form to record an agreement."""
        values = {**dict.fromkeys(_FIELDS, ""), "joined_on": _today()}
        return await _new_agreement_page(request, session, values, [])

    @post("/new", status_code=303)
    async def record(
        self, request: Request[Any, Any, Any], session: NamedDependency[AsyncSession]
    ) -> Response[Any]:
        """Record the agreement with the ticked gminy as members from one date."""
        form = await read_form(request)
        values = {name: form.get(name, "") for name in _FIELDS}
        ticked = [str(v) for v in (await request.form()).getall("members", []) if v]
        # The API's shape: one membership period per ticked gmina, all from the same day.
        submitted = nest({name: values[name] for name in ("name", "lead_teryt", "signed_on")})
        submitted["members"] = [
            nest({"teryt": teryt, "joined_on": values["joined_on"]}) for teryt in ticked
        ]
        try:
            data = AgreementCreate.model_validate(submitted)
            agreement = await service.create_agreement(session, data)
        except (ValidationError, DomainError) as exc:
            errors = errors_on_form(exc, _form_field)
            if not ticked:
                message = _("Tick at least one member gmina.")
                errors.fields.setdefault("members", []).append(message)
                errors.summary.append(("members", message))
            return await _new_agreement_page(
                request,
                session,
                values,
                ticked,
                errors=errors,
                status_code=error_status(exc),
            )
        notify(request, _("Agreement recorded: %(name)s.", name=agreement.name))
        return Redirect(path=f"/admin/agreements/{agreement.id}", status_code=303)

    @get("/{agreement_id:str}", name="admin-agreement")
    async def show(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        agreement_id: FromPath[str],
    ) -> Template:
        """An agreement: its lead gmina, its members over time and who works for all of it."""
        agreement = await service.get_agreement(session, _agreement_id(agreement_id))
        names = await gminy.gmina_names(session, (m.teryt for m in agreement.members))
        today = datetime.now(POLAND).date()
        return render(
            request,
            "tenants/agreements/detail.html",
            title=agreement.name,
            agreement=agreement,
            gmina_names=names,
            today=today,
            staff=await identity.members_of_scope(session, Scope.AGREEMENT, str(agreement.id)),
            role_labels=ROLE_NAMES,
        )
