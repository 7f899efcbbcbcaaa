"""Pages of logging in and out, and the operator's pages of users and their roles. The
session is the same signed token the API uses, kept in an HttpOnly cookie (see
cus_shared.web.security)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from litestar.response import Redirect, Template
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from cus_shared.errors import (
    AuthenticationError,
    ConflictError,
    DomainError,
    FieldProblem,
    NotFoundError,
)
from cus_shared.i18n.language import gettext as _
from cus_shared.identifiers.teryt import VOIVODESHIPS
from cus_shared.identity.guards import principal_of, require_roles
from cus_shared.identity.passwords import MIN_PASSWORD_LENGTH
from cus_shared.identity.roles import Role, Scope
from cus_shared.settings import Settings
from cus_shared.web.forms import FormErrors, form_errors, nest, parse_form, read_form
from cus_shared.web.labels import ROLE_NAMES, SCOPE_NAMES
from cus_shared.web.pages import notify, principal_or_none, render, safe_next
from cus_shared.web.security import expired_session_cookie, session_cookie
from cus_tenants.agreements import service as agreements
from cus_tenants.dependencies import provide_shared_session
from cus_tenants.gminy import service as gminy
from cus_tenants.identity import service
from cus_tenants.identity.schemas import LoginRequest, MembershipIn, UserCreate
from cus_tenants.pages import error_status, errors_on_form

if TYPE_CHECKING:
    from collections.abc import Iterable

    from cus_tenants.identity.models import Membership, User


def _login_page(
    request: Request[Any, Any, Any],
    *,
    email: str = "",
    next_path: str = "/",
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> Template:
    return render(
        request,
        "tenants/login.html",
        title=_("Log in"),
        errors=errors,
        status_code=status_code,
        email=email,
        next_path=next_path,
        expired=request.query_params.get("expired") == "1",
    )


class LoginPages(Controller):
    """Logging in and out of the pages."""

    dependencies = {"session": Provide(provide_shared_session)}

    @get("/login", exclude_from_auth=True)
    async def login_form(self, request: Request[Any, Any, Any]) -> Response[Any]:
        """The login form (people already logged in go to their start page)."""
        if principal_or_none(request) is not None:
            return Redirect(path="/", status_code=303)
        return _login_page(request, next_path=safe_next(request.query_params.get("next")))

    @post("/login", exclude_from_auth=True, status_code=303)
    async def login(
        self, request: Request[Any, Any, Any], session: NamedDependency[AsyncSession]
    ) -> Response[Any]:
        """Check the credentials; on success the session cookie is set."""
        form = await read_form(request)
        next_path = safe_next(form.get("next"))
        try:
            credentials = parse_form(
                LoginRequest, {k: form.get(k, "") for k in ("email", "password")}
            )
            token, _expires = await service.sign_in(
                session, credentials.email, credentials.password
            )
        except (ValidationError, AuthenticationError) as exc:
            return _login_page(
                request,
                email=form.get("email", ""),
                next_path=next_path,
                errors=form_errors(exc),
                status_code=400 if isinstance(exc, ValidationError) else 401,
            )
        settings: Settings = request.app.state.settings
        return Redirect(path=next_path, status_code=303, cookies=[session_cookie(settings, token)])

    @post("/logout", exclude_from_auth=True, status_code=303)
    async def logout(self, request: Request[Any, Any, Any]) -> Response[Any]:
        """End the page session: the browser forgets the cookie."""
        settings: Settings = request.app.state.settings
        notify(request, _("You have been logged out."), "info")
        return Redirect(path="/login", status_code=303, cookies=[expired_session_cookie(settings)])


_USER_FIELDS = ("email", "display_name", "password", "role", "scope", "scope_id")
#: The API names the one membership of the form ``memberships.0.role`` (pydantic) or
#: ``memberships[0].scope_id`` (the service); the form calls it ``role``, ``scope_id``.
_MEMBERSHIP_FIELD = re.compile(r"^memberships(?:\.0|\[0\])(?:\.(?P<part>\w+))?$")


def _named_roles(problem: FieldProblem) -> FieldProblem:
    """The problem "this role cannot be held in this scope" with both named as people read
    them rather than by their codes; any other problem as it is."""
    if problem.key != "membership.scope_role":
        return problem
    params = dict(problem.params)
    if str(params.get("role")) in ROLE_NAMES:
        params["role"] = _(ROLE_NAMES[str(params["role"])])
    if str(params.get("scope")) in SCOPE_NAMES:
        params["scope"] = _(SCOPE_NAMES[str(params["scope"])])
    return FieldProblem(field=problem.field, key=problem.key, params=params)


def _user_form_field(problem: FieldProblem) -> FieldProblem:
    """The form's field for a problem the API reports about a user."""
    found = _MEMBERSHIP_FIELD.match(problem.field)
    if found is None:
        return problem
    # "This role cannot be held in this scope" (the membership as a whole): shown at the scope.
    field = found["part"] or "scope"
    return _named_roles(FieldProblem(field=field, key=problem.key, params=problem.params))


async def scope_names(session: AsyncSession, memberships: Iterable[Membership]) -> dict[str, str]:
    """What each membership's scope is called (gmina and agreement names, voivodeships),
    keyed ``scope:scope_id``; a scope without a name here is shown by its id."""
    held = list(memberships)
    named: dict[str, str] = {}
    teryts = [m.scope_id for m in held if m.scope == Scope.GMINA.value]
    for teryt, name in (await gminy.gmina_names(session, teryts)).items():
        named[f"gmina:{teryt}"] = f"{name} ({teryt})"
    ids: list[UUID] = []
    for m in held:
        if m.scope == Scope.AGREEMENT.value:
            try:
                ids.append(UUID(m.scope_id))
            except ValueError:
                continue
    for agreement_id, name in (await agreements.agreement_names(session, ids)).items():
        named[f"agreement:{agreement_id}"] = name
    for m in held:
        if m.scope == Scope.REGION.value and m.scope_id in VOIVODESHIPS:
            named[f"region:{m.scope_id}"] = f"{VOIVODESHIPS[m.scope_id]} ({m.scope_id})"
    return named


def _new_user_page(
    request: Request[Any, Any, Any],
    values: dict[str, str],
    *,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> Template:
    return render(
        request,
        "tenants/users/new.html",
        title=_("Create a user"),
        errors=errors,
        status_code=status_code,
        # What was typed comes back, except the password.
        values={**values, "password": ""},
        role_labels=ROLE_NAMES,
        scope_labels=SCOPE_NAMES,
        min_password=MIN_PASSWORD_LENGTH,
    )


_MEMBERSHIP_FIELDS = ("role", "scope", "scope_id")


def _user_key(user_id: str) -> UUID:
    """A user's id from the path; anything else is a page that does not exist."""
    try:
        return UUID(user_id)
    except ValueError:
        raise NotFoundError("not_found") from None


async def _user_page(
    request: Request[Any, Any, Any],
    session: AsyncSession,
    user: User,
    *,
    values: dict[str, str] | None = None,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> Template:
    """A user's page: facts, account status, roles, and the form to grant one more."""
    settings: Settings = request.app.state.settings
    return render(
        request,
        "tenants/users/detail.html",
        title=user.display_name,
        errors=errors,
        status_code=status_code,
        user=user,
        is_self=user.id == principal_of(request).user_id,
        values=values or dict.fromkeys(_MEMBERSHIP_FIELDS, ""),
        role_labels=ROLE_NAMES,
        scope_labels=SCOPE_NAMES,
        scope_names=await scope_names(session, user.memberships),
        token_minutes=settings.auth.token_minutes,
        absolute_hours=settings.web.absolute_hours,
        # A form answered with its problems is shown at the address it was sent to, which has
        # no page of its own: choosing a language there comes back to the user's page.
        current_path=f"/admin/users/{user.id}",
    )


class UserPages(Controller):
    """Users and the roles they hold, for the platform operator."""

    path = "/admin/users"
    guards = [require_roles(Role.OPERATOR)]
    dependencies = {"session": Provide(provide_shared_session)}

    @get("/", name="admin-users")
    async def users(
        self, request: Request[Any, Any, Any], session: NamedDependency[AsyncSession]
    ) -> Template:
        """Every user with the roles they hold."""
        rows = await service.list_users(session)
        return render(
            request,
            "tenants/users/list.html",
            title=_("Users"),
            users=rows,
            role_labels=ROLE_NAMES,
            scope_labels=SCOPE_NAMES,
            scope_names=await scope_names(session, (m for u in rows for m in u.memberships)),
        )

    @get("/new", name="admin-user-new")
    async def new_user(self, request: Request[Any, Any, Any]) -> Template:
        """The form to create a user with one role."""
        return _new_user_page(request, dict.fromkeys(_USER_FIELDS, ""))

    @post("/new", status_code=303)
    async def create(
        self, request: Request[Any, Any, Any], session: NamedDependency[AsyncSession]
    ) -> Response[Any]:
        """Create the user with the role given, as the API does."""
        form = await read_form(request)
        values = {name: form.get(name, "") for name in _USER_FIELDS}
        submitted = nest({name: values[name] for name in ("email", "display_name", "password")})
        submitted["memberships"] = [
            nest({name: values[name] for name in ("role", "scope", "scope_id")})
        ]
        try:
            user = await service.create_user(session, UserCreate.model_validate(submitted))
        except (ValidationError, DomainError) as exc:
            return _new_user_page(
                request,
                values,
                errors=errors_on_form(exc, _user_form_field),
                status_code=error_status(exc),
            )
        notify(request, _("Account created: %(name)s.", name=user.display_name))
        return Redirect(path=f"/admin/users/{user.id}", status_code=303)

    @get("/{user_id:str}", name="admin-user")
    async def show(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        user_id: FromPath[str],
    ) -> Template:
        """A user, the roles they hold and the forms to change them and the account (never
        their password or its hash)."""
        user = await service.get_user(session, _user_key(user_id))
        return await _user_page(request, session, user)

    @post("/{user_id:str}/memberships", status_code=303)
    async def add_membership(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        user_id: FromPath[str],
    ) -> Response[Any]:
        """Grant the user one more role, as the API does."""
        user = await service.get_user(session, _user_key(user_id))
        form = await read_form(request)
        values = {name: form.get(name, "") for name in _MEMBERSHIP_FIELDS}
        try:
            data = MembershipIn.model_validate(nest(values))
            await service.add_membership(session, user.id, data)
        except (ValidationError, DomainError) as exc:
            return await _user_page(
                request,
                session,
                user,
                values=values,
                errors=errors_on_form(exc, _named_roles),
                status_code=error_status(exc),
            )
        notify(request, _("Role granted: %(role)s.", role=_(ROLE_NAMES[data.role.value])))
        return Redirect(path=f"/admin/users/{user.id}", status_code=303)

    @post("/{user_id:str}/memberships/{membership_id:str}/remove", status_code=303)
    async def remove_membership(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        user_id: FromPath[str],
        membership_id: FromPath[str],
    ) -> Response[Any]:
        """Take one role from the user (the last active operator keeps theirs)."""
        user = await service.get_user(session, _user_key(user_id))
        removed = next((m for m in user.memberships if str(m.id) == membership_id), None)
        if removed is None:
            raise NotFoundError("not_found")
        role = _(ROLE_NAMES.get(removed.role, removed.role))
        try:
            await service.remove_membership(session, user.id, removed.id)
        except ConflictError as exc:
            return await _user_page(
                request, session, user, errors=form_errors(exc), status_code=exc.status_code
            )
        notify(request, _("Role removed: %(role)s.", role=role))
        return Redirect(path=f"/admin/users/{user.id}", status_code=303)

    @post("/{user_id:str}/disable", status_code=303)
    async def disable(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        user_id: FromPath[str],
    ) -> Response[Any]:
        """Disable the account: logging in is refused from now on (not one's own account, nor
        the last active operator's). Sessions already open are not ended at once: see
        ``service.disable_user``."""
        user = await service.get_user(session, _user_key(user_id))
        try:
            await service.disable_user(session, user.id, actor=principal_of(request).user_id)
        except ConflictError as exc:
            return await _user_page(
                request, session, user, errors=form_errors(exc), status_code=exc.status_code
            )
        notify(
            request, _("Account disabled: %(name)s can no longer log in.", name=user.display_name)
        )
        return Redirect(path=f"/admin/users/{user.id}", status_code=303)

    @post("/{user_id:str}/enable", status_code=303)
    async def enable(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        user_id: FromPath[str],
    ) -> Response[Any]:
        """Enable the account again."""
        user = await service.enable_user(session, _user_key(user_id))
        notify(request, _("Account enabled: %(name)s can log in again.", name=user.display_name))
        return Redirect(path=f"/admin/users/{user.id}", status_code=303)
