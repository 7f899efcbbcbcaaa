"""The one place that turns errors into RFC 9457 problem-details responses, translated into
the caller's language. Messages never echo what the caller typed (it may be personal data)."""

from __future__ import annotations

import re
import traceback
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import structlog
from litestar import MediaType, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    SerializationException,
    ValidationException,
)

from cus_shared.errors import DomainError, FieldProblem
from cus_shared.i18n.language import current_language
from cus_shared.messages import translate
from cus_shared.web.security import SESSION_COOKIE, is_page_path

if TYPE_CHECKING:
    from collections.abc import Mapping

    from litestar import Request

log = structlog.get_logger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"

_STATUS_KEYS = {
    400: "invalid_input",
    401: "auth.required",
    403: "auth.forbidden",
    404: "not_found",
    405: "error",
    409: "conflict",
    413: "request.too_large",
    422: "invalid_input",
}

_TOO_LONG = re.compile(r"at most (\d+)")
_TOO_SHORT = re.compile(r"at least (\d+)")


def _request_id(request: Request[Any, Any, Any]) -> str:
    return str(request.scope.get("state", {}).get("request_id", ""))


def problem(
    request: Request[Any, Any, Any],
    *,
    status: int,
    key: str,
    params: Mapping[str, str | int] | None = None,
    problems: list[FieldProblem] | None = None,
) -> Response[Any]:
    if is_page_path(request.url.path):
        return _page_problem(request, status=status, key=key, params=params)
    language = current_language()
    body: dict[str, Any] = {
        "type": f"urn:cus:problem:{key}",
        "title": translate(key, language, params),
        "status": status,
        "code": key,
        "request_id": _request_id(request),
    }
    if problems:
        body["errors"] = [
            {"field": p.field, "code": p.key, "message": translate(p.key, language, p.params)}
            for p in problems
        ]
    return Response(
        content=body,
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers={"Content-Language": language},
    )


def _page_problem(
    request: Request[Any, Any, Any],
    *,
    status: int,
    key: str,
    params: Mapping[str, str | int] | None = None,
) -> Response[Any]:
    """Errors on pages: a login redirect when the session is missing or over, else an error
    page in the person's language (never a JSON body in front of a person)."""
    from litestar.response import Redirect

    from cus_shared.web.pages import render

    if status == 401:
        query: dict[str, str] = {}
        if request.cookies.get(SESSION_COOKIE):
            query["expired"] = "1"
        if request.method == "GET" and request.url.path != "/":
            # Back to the same page after logging in (paths hold ids, never personal data).
            query["next"] = request.url.path
        target = "/login" + (f"?{urlencode(query)}" if query else "")
        if request.headers.get("hx-request"):
            # HTMX swaps fragments; tell it to load the login page as a whole.
            return Response(content=None, status_code=401, headers={"HX-Redirect": target})
        return Redirect(path=target, status_code=303)
    page = render(
        request,
        "shell/error.html",
        title=translate(key, current_language(), params),
        status_code=status,
        status=status,
        request_id=_request_id(request),
    )
    return page


def _field_problem(entry: dict[str, Any]) -> FieldProblem:
    """Classify a framework validation message into a translatable key."""
    message = str(entry.get("message", ""))
    field = str(entry.get("key") or "body").removeprefix("$.").removeprefix("data.")
    lowered = message.lower()
    if "required" in lowered or "missing" in lowered:
        return FieldProblem(field=field, key="field.required")
    if "extra" in lowered or "unknown field" in lowered or "not permitted" in lowered:
        return FieldProblem(field=field, key="field.unknown")
    if (m := _TOO_LONG.search(message)) and ("character" in lowered or "length" in lowered):
        return FieldProblem(field=field, key="field.too_long", params={"max": int(m.group(1))})
    if (m := _TOO_SHORT.search(message)) and ("character" in lowered or "length" in lowered):
        return FieldProblem(field=field, key="field.too_short", params={"min": int(m.group(1))})
    if "date" in lowered:
        return FieldProblem(field=field, key="field.date")
    if "input should be" in lowered and "'" in message:
        return FieldProblem(field=field, key="field.choice")
    return FieldProblem(field=field, key="field.invalid")


def domain_error_handler(request: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    """Domain errors carry their own status, key and field problems."""
    return problem(
        request, status=exc.status_code, key=exc.key, params=exc.params, problems=exc.problems
    )


def http_exception_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    """Framework errors: validation, malformed bodies, size limit, auth, unknown routes."""
    status = exc.status_code
    if isinstance(exc, ValidationException):
        extra = exc.extra if isinstance(exc.extra, list) else []
        problems = [_field_problem(e) for e in extra if isinstance(e, dict)]
        detail = str(exc.detail).lower()
        if not problems and ("json" in detail or "decode" in detail or "malformed" in detail):
            return problem(request, status=400, key="request.malformed")
        return problem(
            request, status=422 if problems else 400, key="request.validation", problems=problems
        )
    if isinstance(exc, NotAuthorizedException):
        return problem(request, status=401, key="auth.required")
    if status == 403 and "csrf" in str(exc.detail).lower():
        return problem(request, status=403, key="csrf.invalid")
    if status == 400 and (
        isinstance(exc.__cause__, SerializationException) or "json" in str(exc.detail).lower()
    ):
        return problem(request, status=400, key="request.malformed")
    if status == 413:
        configured = request.app.request_max_body_size
        limit = configured if isinstance(configured, int) else 0
        return problem(request, status=413, key="request.too_large", params={"limit": limit})
    return problem(request, status=status, key=_STATUS_KEYS.get(status, "error"))


def internal_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Anything unexpected: logged by type only (the message may hold personal data)."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "-"
    log.error(
        "unhandled_error",
        error_type=type(exc).__name__,
        where=where,
        request_id=_request_id(request),
    )
    return problem(request, status=500, key="internal")


EXCEPTION_HANDLERS: dict[type[Exception], Any] = {
    DomainError: domain_error_handler,
    HTTPException: http_exception_handler,
    Exception: internal_error_handler,
}

__all__ = ["EXCEPTION_HANDLERS", "PROBLEM_MEDIA_TYPE", "MediaType"]
