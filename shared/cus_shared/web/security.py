"""Security of the pages: the session cookie, its renewal, CSRF and session secrets, and the
headers every response carries (content security policy and friends).

The API authenticates by the ``Authorization`` header only; the session cookie is read on
page paths only, so a cross-site form can never act on the API with a person's cookie, and
page forms carry a CSRF token besides.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.exceptions import NotAuthorizedException
from litestar.security.jwt import JWTCookieAuth, JWTCookieAuthenticationMiddleware, Token

from cus_shared.identity.audit import record_refusal
from cus_shared.identity.principal import Principal
from cus_shared.identity.tokens import ALGORITHM, renew_token, retrieve_principal

if TYPE_CHECKING:
    from litestar.connection import ASGIConnection
    from litestar.middleware import AuthenticationResult
    from litestar.types import ASGIApp, Message, Receive, Scope, Send

    from cus_shared.settings import Settings

#: The page session: a signed access token in an HttpOnly cookie.
SESSION_COOKIE = "cus_session"
#: The language a person chose, remembered for a year.
LANGUAGE_COOKIE = "cus_lang"
LANGUAGE_COOKIE_SECONDS = 365 * 24 * 3600

#: Paths that are not pages: the API, the API's schema browser, probes.
NOT_PAGES = ("/api/", "/schema", "/health", "/ready")

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

_SECURITY_HEADERS = {
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"same-origin",
    b"x-frame-options": b"DENY",
    b"permissions-policy": b"camera=(), microphone=(), geolocation=(), payment=()",
    b"cross-origin-opener-policy": b"same-origin",
}


def is_page_path(path: str) -> bool:
    """Whether a path is a web page (as opposed to the API or an operations endpoint)."""
    return not path.startswith(NOT_PAGES)


def derived_secret(settings: Settings, purpose: str) -> bytes:
    """A 32-byte key for one purpose (CSRF, session encryption) from the signing secret, so
    operators keep one secret and no two purposes share a key."""
    secret = settings.auth.secret.get_secret_value().encode()
    return hashlib.sha256(b"cus-web:" + purpose.encode() + b":" + secret).digest()


class PageSessionMiddleware(JWTCookieAuthenticationMiddleware):
    """Litestar's JWT middleware that reads the session cookie on page paths only."""

    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        """The token from the Authorization header, or on pages from the session cookie."""
        encoded = connection.headers.get(self.auth_header, "").partition(" ")[-1]
        if not encoded and is_page_path(connection.scope["path"]):
            encoded = connection.cookies.get(self.auth_cookie_key, "").split(" ")[-1]
        if not encoded:
            raise NotAuthorizedException("No token")
        return await self.authenticate_token(encoded_token=encoded, connection=connection)


def make_auth(settings: Settings, *, exclude: list[str]) -> JWTCookieAuth[Principal, Token]:
    """Token checks for the API (header) and the pages (session cookie)."""
    auth = settings.auth
    return JWTCookieAuth[Principal, Token](
        token_secret=auth.secret.get_secret_value(),
        retrieve_user_handler=retrieve_principal,
        algorithm=ALGORITHM,
        accepted_issuers=[auth.issuer],
        require_claims=["jti"],
        exclude=exclude,
        default_token_expiration=timedelta(minutes=auth.token_minutes),
        key=SESSION_COOKIE,
        secure=settings.web.cookie_secure,
        samesite="lax",
        authentication_middleware_class=PageSessionMiddleware,
    )


def session_cookie(settings: Settings, token: str) -> Cookie:
    """The cookie that carries a page session (HttpOnly, Secure, SameSite=Lax)."""
    return Cookie(
        key=SESSION_COOKIE,
        value=f"Bearer {token}",
        path="/",
        httponly=True,
        secure=settings.web.cookie_secure,
        samesite="lax",
        max_age=settings.auth.token_minutes * 60,
    )


def expired_session_cookie(settings: Settings) -> Cookie:
    """A cookie that makes the browser forget the session."""
    return Cookie(
        key=SESSION_COOKIE,
        value="",
        path="/",
        httponly=True,
        secure=settings.web.cookie_secure,
        samesite="lax",
        max_age=0,
    )


def renewed_session_cookie(settings: Settings, token: Token) -> Cookie | None:
    """A renewed session cookie when more than a third of the token's life is spent, so that
    the session ends only after ``token_minutes`` of inactivity (or at its absolute end)."""
    lifetime = timedelta(minutes=settings.auth.token_minutes)
    if token.exp - datetime.now(UTC) > lifetime * 2 / 3:
        return None
    renewed = renew_token(
        settings.auth, token, absolute_limit=timedelta(hours=settings.web.absolute_hours)
    )
    return session_cookie(settings, renewed) if renewed else None


def security_headers_middleware(app: ASGIApp) -> ASGIApp:
    """Add the security headers to every response, and keep pages out of caches (they may
    show personal data, which must not stay in a shared computer's cache after logout).

    Being outermost in every service, it also records failed authorisations (403, and 404 for
    a gmina outside the person's reach) in the audit of authentication once the response is
    sent (see :func:`cus_shared.identity.audit.record_refusal`)."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # type: ignore[comparison-overlap]
            await app(scope, receive, send)
            return
        page = is_page_path(scope["path"])
        static = scope["path"].startswith("/static/")
        status = 0

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableScopeHeaders.from_message(message)
                for name, value in _SECURITY_HEADERS.items():
                    headers[name.decode()] = value.decode()
                if not scope["path"].startswith("/schema"):
                    # Swagger UI (the API's schema browser) loads its scripts from elsewhere.
                    headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
                if page and not static:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await app(scope, receive, send_with_headers)
        if status in (403, 404) and not static:
            db = getattr(getattr(scope.get("app"), "state", None), "db", None)
            if db is not None:
                await record_refusal(db.app_engine, dict(scope), status)

    return middleware
