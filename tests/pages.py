"""Speaking to the pages as a browser does, in process: cookies, CSRF tokens from the forms,
form posts. (The real-browser tests are in tests/browser.)"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from litestar import Litestar

from tests.conftest import PASSWORD

_CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


class PageSession:
    """One browser: its cookies and the CSRF token of the last page that had a form."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.csrf = ""

    def _remember_csrf(self, response: httpx.Response) -> None:
        found = _CSRF.search(response.text)
        if found:
            self.csrf = found.group(1)

    async def get(self, path: str, **kwargs: Any) -> httpx.Response:
        """GET a page (redirects not followed unless asked)."""
        response = await self.client.get(path, **kwargs)
        self._remember_csrf(response)
        return response

    async def submit(
        self, path: str, data: dict[str, str] | None = None, *, csrf: bool = True, **kwargs: Any
    ) -> httpx.Response:
        """POST a form with the CSRF token a page gave (fetches one first if none yet)."""
        if csrf and not self.csrf:
            await self.get("/login" if "cus_session" not in self.client.cookies else "/")
        form = {**(data or {}), **({"_csrf_token": self.csrf} if csrf else {})}
        response = await self.client.post(path, data=form, **kwargs)
        self._remember_csrf(response)
        return response

    async def login(self, email: str, password: str = PASSWORD) -> httpx.Response:
        """Log in through the login form."""
        await self.get("/login")
        return await self.submit("/login", {"email": email, "password": password})


@asynccontextmanager
async def browser_session(app: Litestar, email: str | None = None) -> AsyncIterator[PageSession]:
    """A fresh browser-like client (its own cookies) over HTTPS (the session cookie is Secure)
    to the session's running app, logged in as ``email`` when given. Redirects are not
    followed: tests look at each, as a browser's network log would show them."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://cus.test") as client:
        session = PageSession(client)
        if email:
            response = await session.login(email)
            assert response.status_code == 303, response.text
        yield session


def text_of(response: httpx.Response) -> str:
    """The page's text with tags removed and spaces collapsed (for asserting what people read)."""
    without_tags = re.sub(r"<[^>]+>", " ", response.text)
    return re.sub(r"\s+", " ", without_tags)
