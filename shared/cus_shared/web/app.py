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
from litestar import Litestar, MediaType, Request, get
from litestar.datastructures import MutableScopeHeaders
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.plugins.opentelemetry import OpenTelemetryConfig, OpenTelemetryPlugin
from sqlalchemy import text

from cus_shared.database.runtime import Database
from cus_shared.identity.tokens import make_jwt_auth
from cus_shared.settings import Settings, get_settings
from cus_shared.telemetry import configure_telemetry, tag_current_span
from cus_shared.web.problems import EXCEPTION_HANDLERS

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Sequence

    from litestar.config.app import AppConfig
    from litestar.types import ASGIApp, Message, Receive, Scope, Send

    from cus_shared.plugins import ServicePlugin

log = structlog.get_logger("cus.access")

_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

#: Paths reachable without a token.
PUBLIC_PATHS = ["^/health$", "^/ready$", "^/schema", "^/api/tenants/auth/login$"]


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


def _request_id_outermost(app_config: AppConfig) -> AppConfig:
    """Run the request-id middleware before authentication, so 401s carry an id too."""
    app_config.middleware = [m for m in app_config.middleware if m is not request_id_middleware]
    app_config.middleware.insert(0, request_id_middleware)
    return app_config


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

    jwt_auth = make_jwt_auth(settings.auth, exclude=PUBLIC_PATHS)
    otel = OpenTelemetryConfig(exclude=["/health", "/ready"])
    return Litestar(
        route_handlers=[health, ready, *(p.router() for p in plugins)],
        lifespan=[lifespan],
        on_app_init=[jwt_auth.on_app_init, _request_id_outermost],
        plugins=[OpenTelemetryPlugin(otel)],
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        request_max_body_size=settings.max_request_body_bytes,
        openapi_config=OpenAPIConfig(
            title=title,
            version="0.1.0",
            path="/schema",
            render_plugins=[SwaggerRenderPlugin()],
        ),
        debug=False,
    )
