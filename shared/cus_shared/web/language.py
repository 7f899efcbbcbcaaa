"""The language of each request: the person's choice (cookie), else their browser's
Accept-Language, else Polish. API messages and pages both follow it."""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie
from typing import TYPE_CHECKING

from cus_shared.i18n.language import negotiate_language, set_language
from cus_shared.web.security import LANGUAGE_COOKIE

if TYPE_CHECKING:
    from litestar.types import ASGIApp, Receive, Scope, Send


def _chosen(cookie_header: str) -> str | None:
    if LANGUAGE_COOKIE not in cookie_header:
        return None
    cookies: SimpleCookie = SimpleCookie()
    try:
        cookies.load(cookie_header)
    except CookieError:
        return None
    morsel = cookies.get(LANGUAGE_COOKIE)
    return morsel.value if morsel else None


def language_middleware(app: ASGIApp) -> ASGIApp:
    """Make the request's language current for everything that runs for it."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":  # type: ignore[comparison-overlap]
            headers = dict(scope["headers"])
            set_language(
                negotiate_language(
                    headers.get(b"accept-language", b"").decode("latin-1"),
                    _chosen(headers.get(b"cookie", b"").decode("latin-1")),
                )
            )
        await app(scope, receive, send)

    return middleware
