"""Litestar application factory shared by the services: one shell, one look.

Each service contributes a router (see :mod:`cus_shared.plugins`); the same factory builds a
single service's app (its own container) or all of them in one process (embedded default).
"""

from __future__ import annotations

import re
import time
import uuid
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import structlog
from litestar import Litestar, MediaType, Request, Response, get
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import MutableScopeHeaders
from litestar.middleware.session.client_side import CookieBackendConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.plugins.opentelemetry import OpenTelemetryConfig, OpenTelemetryPlugin
from litestar.security.jwt import Token
from sqlalchemy import text

from cus_shared.database.engine import is_unavailable
from cus_shared.database.runtime import Database
from cus_shared.settings import Settings, get_settings
from cus_shared.telemetry import configure_telemetry, tag_current_span
from cus_shared.web.language import language_middleware
from cus_shared.web.pages import shell_routes
from cus_shared.web.problems import EXCEPTION_HANDLERS, internal_error_handler, problem
from cus_shared.web.security import (
    NOT_PAGES,
    derived_secret,
    is_page_path,
    make_auth,
    renewed_session_cookie,
    security_headers_middleware,
)
from cus_shared.web.templating import template_config

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Sequence

    from litestar.config.app import AppConfig
    from litestar.types import ASGIApp, Message, Receive, Scope, Send

    from cus_shared.plugins import ServicePlugin

log = structlog.get_logger("cus.access")

_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

#: Paths reachable without a token (pages mark themselves with ``exclude_from_auth``).
PUBLIC_PATHS = ["^/health$", "^/ready$", "^/schema", "^/api/tenants/auth/login$", "^/static/"]

#: Paths outside the page forms' CSRF checks: the API authenticates by header, not cookie.
NOT_FORMS = [f"^{prefix}" for prefix in (*NOT_PAGES, "/static/")]


def request_id_middleware(app: ASGIApp) -> ASGIApp:
    """Give each request an id (kept from X-Request-ID when sane), echo it, log the outcome.

    The access log names the route template, never the concrete path or query string.
    """

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # type: ignore[comparison-overlap]
            await app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        tag_current_span(request_id=request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableScopeHeaders.from_message(message)["X-Request-ID"] = request_id
            await send(message)

        try:
            await app(scope, receive, send_with_id)
        finally:
            route = scope.get("path_template") or "-"
            log.info(
                "request",
                method=scope.get("method"),
                route=route,
                status=status,
                duration_ms=round((time.perf_counter() - started) * 1000, 2),
                request_id=request_id,
            )

    return middleware


@get("/health", media_type=MediaType.JSON, include_in_schema=True, tags=["operations"])
async def health() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok"}


@get("/ready", media_type=MediaType.JSON, tags=["operations"])
async def ready(request: Request[Any, Any, Any]) -> Any:
    """Readiness: the database answers and the shared schema has been migrated."""
    from litestar import Response

    db: Database = request.app.state.db
    try:
        async with db.app_engine.connect() as conn:
            migrated = (
                await conn.execute(text("SELECT to_regclass('shared.alembic_version') IS NOT NULL"))
            ).scalar_one()
    except Exception as exc:  # any failure to reach the database means not ready
        return Response({"status": "unavailable", "reason": type(exc).__name__}, status_code=503)
    if not migrated:
        return Response({"status": "unavailable", "reason": "not_migrated"}, status_code=503)
    return {"status": "ready"}


#: Seconds a client is asked to wait before trying again while the database is away (a
#: restart or failover usually takes a few seconds).
RETRY_AFTER_SECONDS = 5


def database_or_internal_error_handler(
    request: Request[Any, Any, Any], exc: Exception
) -> Response[Any]:
    """Unexpected errors: 503 with ``Retry-After`` when the database cannot serve the request
    now (unreachable, or a lock held past the lock timeout by a migration): the request may
    simply be tried again. Anything else is the internal error's 500."""
    if not is_unavailable(exc):
        return internal_error_handler(request, exc)
    log.warning(
        "database_unavailable",
        error_type=type(exc).__name__,
        request_id=str(request.scope.get("state", {}).get("request_id", "")),
    )
    response = problem(request, status=503, key="database.unavailable")
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


#: The shared problem handlers, with unexpected errors first checked for an unavailable
#: database.
_EXCEPTION_HANDLERS: dict[type[Exception], Any] = {
    **EXCEPTION_HANDLERS,
    Exception: database_or_internal_error_handler,
}


_OUTERMOST = (request_id_middleware, security_headers_middleware, language_middleware)


def _shell_middleware_outermost(app_config: AppConfig) -> AppConfig:
    """Run request ids, security headers and the language before authentication, so that
    401s and login redirects carry an id, the headers and the person's language too."""
    app_config.middleware = [m for m in app_config.middleware if m not in _OUTERMOST]
    app_config.middleware[0:0] = list(_OUTERMOST)
    return app_config


def _renew_page_session(settings: Settings) -> Any:
    """A before-send hook that renews the session cookie of a page still in use, so that a
    session ends after a spell of inactivity, not in the middle of someone's work."""

    async def before_send(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start" or not is_page_path(scope["path"]):
            return
        token = scope.get("auth")
        if not isinstance(token, Token):
            return
        cookie = renewed_session_cookie(settings, token)
        if cookie is not None:
            headers = MutableScopeHeaders.from_message(message)
            headers.add("set-cookie", cookie.to_header(header=""))

    return before_send


def create_app(
    plugins: Sequence[ServicePlugin],
    *,
    settings: Settings | None = None,
    title: str = "CUS",
) -> Litestar:
    """Build an app that serves the given services under ``/api/<service>``."""
    settings = settings or get_settings()
    configure_telemetry(settings.service_name, json_logs=settings.log_json)
    application_name = "cus-" + "-".join(p.name for p in plugins)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        db = Database.connect(settings, application_name=application_name)
        app.state.db = db
        try:
            yield
        finally:
            await db.dispose()

    auth = make_auth(settings, exclude=PUBLIC_PATHS)
    otel = OpenTelemetryConfig(exclude=["/health", "/ready", "/static"])
    templates = template_config(plugins)
    # The browser session holds only flash messages (encrypted, signed); the person's
    # identity travels in its own HttpOnly token cookie.
    flash_session = CookieBackendConfig(
        secret=derived_secret(settings, "session"),
        key="cus_flash",
        secure=settings.web.cookie_secure,
        httponly=True,
        samesite="lax",
        exclude=NOT_FORMS,
    )
    csrf = CSRFConfig(
        secret=derived_secret(settings, "csrf").hex(),
        cookie_name="cus_csrf",
        cookie_secure=settings.web.cookie_secure,
        cookie_httponly=True,
        cookie_samesite="lax",
        exclude=NOT_FORMS,
    )
    pages = [p.pages() for p in plugins if p.pages is not None]
    app = Litestar(
        route_handlers=[
            health,
            ready,
            *shell_routes(),
            *(p.router() for p in plugins),
            *pages,
        ],
        lifespan=[lifespan],
        on_app_init=[auth.on_app_init, _shell_middleware_outermost],
        middleware=[flash_session.middleware],
        plugins=[OpenTelemetryPlugin(otel)],
        template_config=templates,
        csrf_config=csrf,
        before_send=[_renew_page_session(settings)],
        exception_handlers=_EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        request_max_body_size=settings.max_request_body_bytes,
        openapi_config=OpenAPIConfig(
            title=title,
            version="0.1.0",
            path="/schema",
            render_plugins=[SwaggerRenderPlugin()],
        ),
        debug=False,
    )
    app.state.settings = settings
    return app
