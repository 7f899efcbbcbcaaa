"""The page shell: rendering a page inside the layout, flash messages, and the pages every
service shares (start, language choice, accessibility statement, error pages)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from litestar import Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from litestar.static_files import create_static_files_router
from pydantic import ValidationError

from cus_shared.errors import DomainError, NotFoundError
from cus_shared.i18n.language import LANGUAGES, current_language, gettext
from cus_shared.identity.principal import Principal
from cus_shared.web.forms import error_summary, read_form
from cus_shared.web.navigation import (
    GminaChoice,
    PageContext,
    navigation_for,
    start_page_for,
)
from cus_shared.web.security import LANGUAGE_COOKIE, LANGUAGE_COOKIE_SECONDS
from cus_shared.web.templating import STATIC_DIR

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from litestar.router import Router
    from sqlalchemy.ext.asyncio import AsyncSession

    from cus_shared.web.forms import FormErrors


def principal_or_none(request: Request[Any, Any, Any]) -> Principal | None:
    """The person logged in, if any (public pages are served to everyone)."""
    user = request.scope.get("user")
    return user if isinstance(user, Principal) else None


def page_context(request: Request[Any, Any, Any], teryt: str | None = None) -> PageContext | None:
    """Who looks at which page, with the gminy they may switch between."""
    principal = principal_or_none(request)
    if principal is None:
        return None
    gminy = tuple(
        sorted(
            (
                GminaChoice(teryt=code, name=principal.gmina_names.get(code, code))
                for code in principal.tenant_roles
            ),
            key=lambda g: g.name,
        )
    )
    return PageContext(principal=principal, teryt=teryt, gminy=gminy)


def render(
    request: Request[Any, Any, Any],
    template: str,
    *,
    title: str,
    teryt: str | None = None,
    status_code: int = 200,
    errors: FormErrors | None = None,
    **context: Any,
) -> Template:
    """A page in the layout: navigation for the person, language, flash messages, errors.

    ``title`` is already translated; it names the page in the browser tab and the <h1>.
    """
    shell = page_context(request, teryt)
    return Template(
        template_name=template,
        status_code=status_code,
        context={
            "title": title,
            "lang": current_language(),
            "shell": shell,
            "nav": navigation_for(shell) if shell else [],
            "current_path": request.url.path,
            # The gmina the page is about (links to its other pages), None outside a gmina.
            "teryt": teryt,
            "errors": errors,
            "flashes": _take_flashes(request),
            **context,
        },
        headers={"Content-Language": current_language()},
    )


def _take_flashes(request: Request[Any, Any, Any]) -> list[dict[str, str]]:
    # Pages outside any route (404 from the router) run without the session middleware.
    session = request.scope.get("session")
    if not isinstance(session, dict):
        return []
    taken: list[dict[str, str]] = session.pop("_messages", [])
    return taken


def notify(request: Request[Any, Any, Any], message: str, category: str = "success") -> None:
    """A message shown once on the next page (already translated; never personal data)."""
    flash(request, message, category)


def safe_next(target: str | None, default: str = "/") -> str:
    """A local path to go back to; anything pointing elsewhere becomes the default."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or "\\" in target:
        return default
    if parts.path.startswith("//"):
        return default
    return parts.path + (f"?{parts.query}" if parts.query else "")


@get("/", name="start")
async def start(request: Request[Any, Any, Any]) -> Response[Any]:
    """The start page: each person lands where their role's work is."""
    principal = principal_or_none(request)
    target = start_page_for(principal) if principal else None
    if target:
        return Redirect(path=target, status_code=303)
    return render(request, "shell/no_role.html", title=gettext("No role assigned"))


@post("/language", name="language", exclude_from_auth=True, status_code=303)
async def choose_language(request: Request[Any, Any, Any]) -> Response[Any]:
    """Remember the language a person chose (a cookie, for a year) and go back."""
    form = await read_form(request)
    language = form.get("language", "")
    back = safe_next(form.get("next"))
    if language not in LANGUAGES:
        return Redirect(path=back, status_code=303)
    secure = request.app.state.settings.web.cookie_secure
    return Redirect(
        path=back,
        status_code=303,
        cookies=[
            Cookie(
                key=LANGUAGE_COOKIE,
                value=language,
                path="/",
                max_age=LANGUAGE_COOKIE_SECONDS,
                samesite="lax",
                secure=secure,
                httponly=True,
            )
        ],
    )


@get("/accessibility", name="accessibility", exclude_from_auth=True)
async def accessibility_statement(request: Request[Any, Any, Any]) -> Template:
    """Deklaracja dostępności: the accessibility statement public bodies must publish."""
    return render(request, "shell/accessibility.html", title=gettext("Accessibility statement"))


def shell_routes() -> list[Router | Any]:
    """Routes of the shell itself, mounted in every app."""
    return [
        start,
        choose_language,
        accessibility_statement,
        create_static_files_router(path="/static", directories=[STATIC_DIR], name="static"),
    ]


async def act_and_return(
    request: Request[Any, Any, Any],
    session: AsyncSession,
    back: str,
    action: Callable[[], Awaitable[object]],
) -> Response[Any]:
    """A page's button: run the change in a savepoint and go back to ``back``. A refusal
    writes nothing and is said on that page; an object the person may not reach stays 404."""
    try:
        async with session.begin_nested():
            await action()
    except (DomainError, ValidationError) as exc:
        if isinstance(exc, NotFoundError):
            raise
        notify(request, error_summary(exc), "error")
        return Redirect(path=back, status_code=303)
    notify(request, gettext("Saved."))
    return Redirect(path=back, status_code=303)
