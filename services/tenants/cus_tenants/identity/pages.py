"""Pages of logging in and out. The session is the same signed token the API uses, kept in
an HttpOnly cookie (see cus_shared.web.security)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.response import Redirect, Template
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from cus_shared.errors import AuthenticationError
from cus_shared.i18n.language import gettext as _
from cus_shared.settings import Settings
from cus_shared.web.forms import FormErrors, form_errors, parse_form, read_form
from cus_shared.web.pages import notify, principal_or_none, render, safe_next
from cus_shared.web.security import expired_session_cookie, session_cookie
from cus_tenants.dependencies import provide_shared_session
from cus_tenants.identity import service
from cus_tenants.identity.schemas import LoginRequest


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
