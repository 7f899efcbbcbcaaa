"""The page shell: login and logout, the session cookie (pages only), CSRF, security headers,
language choice, start pages per role, error pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest
from litestar import Litestar
from litestar.security.jwt import Token

from cus_shared.identity.tokens import ALGORITHM
from cus_shared.settings import get_settings
from cus_shared.web.security import CONTENT_SECURITY_POLICY, SESSION_COOKIE
from tests.conftest import GMINA_A, PASSWORD
from tests.pages import browser_session, text_of


async def test_login_page_is_polish_by_default_with_security_headers(app: Litestar) -> None:
    async with browser_session(app) as browser:
        response = await browser.get("/login")
    assert response.status_code == 200
    assert '<html lang="pl">' in response.text
    assert "Zaloguj się" in text_of(response)
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    ("email", "start"),
    [
        ("kipus.a@test.local", f"/gminy/{GMINA_A}/"),
        ("director@test.local", "/gminy/"),
        ("operator@test.local", "/admin/gminy"),
        ("rops@test.local", "/reports"),
        ("partner@test.local", "/partner/inbox"),
    ],
)
async def test_each_role_lands_on_its_start_page(app: Litestar, email: str, start: str) -> None:
    async with browser_session(app, email) as browser:
        response = await browser.get("/")
        assert response.status_code == 303
        assert response.headers["location"] == start


async def test_session_cookie_is_httponly_secure_samesite(app: Litestar) -> None:
    async with browser_session(app) as browser:
        response = await browser.login("kipus.a@test.local")
    cookie = next(c for c in response.headers.get_list("set-cookie") if SESSION_COOKIE in c)
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=lax" in cookie
    assert response.headers["location"] == "/"


async def test_wrong_password_is_explained_and_sets_no_session(app: Litestar) -> None:
    async with browser_session(app) as browser:
        response = await browser.login("kipus.a@test.local", "not-the-password")
        assert response.status_code == 401
        assert "Nieprawidłowy e-mail lub hasło." in text_of(response)
        assert SESSION_COOKIE not in browser.client.cookies
        # The e-mail is kept in the form, the password never echoed.
        assert 'value="kipus.a@test.local"' in response.text
        assert "not-the-password" not in response.text


async def test_empty_login_form_shows_field_errors(app: Litestar) -> None:
    async with browser_session(app) as browser:
        await browser.get("/login")
        response = await browser.submit("/login", {"email": "", "password": ""})
    assert response.status_code == 400
    assert response.text.count("Pole jest wymagane.") == 4  # summary + field, two fields
    assert "aria-invalid=true" in response.text


async def test_form_without_csrf_token_is_refused(app: Litestar) -> None:
    async with browser_session(app) as browser:
        await browser.get("/login")
        response = await browser.submit(
            "/login", {"email": "kipus.a@test.local", "password": "x"}, csrf=False
        )
        assert response.status_code == 403
        assert "Formularz wygasł" in text_of(response)
        assert SESSION_COOKIE not in browser.client.cookies


async def test_api_ignores_the_session_cookie(app: Litestar) -> None:
    """A cross-site form cannot act on the API with a person's cookie: the API wants a header."""
    async with browser_session(app, "kipus.a@test.local") as browser:
        assert (await browser.get(f"/gminy/{GMINA_A}/")).status_code == 200
        response = await browser.client.get(f"/api/core/gminy/{GMINA_A}/residents")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_pages_without_session_redirect_to_login(app: Litestar) -> None:
    async with browser_session(app) as browser:
        response = await browser.get(f"/gminy/{GMINA_A}/residents")
        assert response.status_code == 303
        assert response.headers["location"] == f"/login?next=%2Fgminy%2F{GMINA_A}%2Fresidents"
        # After logging in, the person is back where they were going.
        await browser.get(response.headers["location"])
        login = await browser.submit(
            "/login",
            {
                "email": "kipus.a@test.local",
                "password": PASSWORD,
                "next": f"/gminy/{GMINA_A}/residents",
            },
        )
        assert login.headers["location"] == f"/gminy/{GMINA_A}/residents"


async def test_expired_session_says_so_after_redirect(app: Litestar) -> None:
    settings = get_settings()
    # Litestar's Token refuses to be made expired; sign the claims directly.
    expired = jwt.encode(
        {
            "exp": int((datetime.now(UTC) - timedelta(minutes=1)).timestamp()),
            "sub": "00000000-0000-0000-0000-000000000001",
            "iss": settings.auth.issuer,
            "jti": "expired",
        },
        settings.auth.secret.get_secret_value(),
        algorithm=ALGORITHM,
    )
    async with browser_session(app) as browser:
        browser.client.cookies.set(SESSION_COOKIE, f"Bearer {expired}")
        response = await browser.client.get("/", follow_redirects=True)
    assert str(response.url).endswith("/login?expired=1")  # "/" is not worth returning to
    assert "Sesja wygasła" in text_of(response)


async def test_logout_ends_the_session(app: Litestar) -> None:
    async with browser_session(app, "kipus.a@test.local") as browser:
        await browser.get(f"/gminy/{GMINA_A}/")
        response = await browser.submit("/logout")
        assert response.status_code == 303
        assert response.headers["location"] == "/login"
        assert SESSION_COOKIE not in browser.client.cookies
        page = await browser.get("/login")
        assert "Wylogowano." in text_of(page)
        assert (await browser.get(f"/gminy/{GMINA_A}/")).status_code == 303


async def test_session_is_renewed_while_in_use(app: Litestar) -> None:
    settings = get_settings()
    now = datetime.now(UTC)
    # A token with a third of its life left: the next page renews it.
    aging = Token(
        exp=now + timedelta(minutes=settings.auth.token_minutes / 4),
        sub="00000000-0000-0000-0000-000000000001",
        iss=settings.auth.issuer,
        jti="aging",
        extras={"mem": [["region", "30", "rops_supervisor"]], "auth_time": int(now.timestamp())},
    ).encode(settings.auth.secret.get_secret_value(), ALGORITHM)
    async with browser_session(app) as browser:
        browser.client.cookies.set(SESSION_COOKIE, f"Bearer {aging}")
        response = await browser.client.get("/reports")
    assert response.status_code == 200
    renewed = [c for c in response.headers.get_list("set-cookie") if SESSION_COOKIE in c]
    assert renewed and aging not in renewed[0]


async def test_session_has_an_absolute_end(app: Litestar) -> None:
    settings = get_settings()
    now = datetime.now(UTC)
    long_ago = now - timedelta(hours=settings.web.absolute_hours, minutes=1)
    old = Token(
        exp=now + timedelta(minutes=1),
        sub="00000000-0000-0000-0000-000000000001",
        iss=settings.auth.issuer,
        jti="old",
        extras={
            "mem": [["region", "30", "rops_supervisor"]],
            "auth_time": int(long_ago.timestamp()),
        },
    ).encode(settings.auth.secret.get_secret_value(), ALGORITHM)
    async with browser_session(app) as browser:
        browser.client.cookies.set(SESSION_COOKIE, f"Bearer {old}")
        response = await browser.client.get("/reports")
    # Still valid for its last minute, but never renewed past the absolute end.
    assert response.status_code == 200
    assert not [c for c in response.headers.get_list("set-cookie") if SESSION_COOKIE in c]


@pytest.mark.parametrize(
    ("language", "greeting"),
    [("en", "Log in"), ("uk", "Увійти"), ("pl", "Zaloguj się")],
)
async def test_language_choice_is_remembered(app: Litestar, language: str, greeting: str) -> None:
    async with browser_session(app) as browser:
        await browser.get("/login")
        response = await browser.submit("/language", {"language": language, "next": "/login"})
        assert response.status_code == 303
        assert response.headers["location"] == "/login"
        page = await browser.get("/login")
        assert f'<html lang="{language}">' in page.text
        assert greeting in text_of(page)
        # API messages follow the same choice.
        api = await browser.client.get("/api/core/gminy/3010052/residents")
        assert api.headers["content-language"] == language


async def test_language_choice_never_redirects_off_site(app: Litestar) -> None:
    async with browser_session(app) as browser:
        await browser.get("/login")
        for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
            response = await browser.submit("/language", {"language": "en", "next": target})
            assert response.headers["location"] == "/"


async def test_accept_language_is_used_until_a_choice_is_made(app: Litestar) -> None:
    async with browser_session(app) as browser:
        response = await browser.get("/login", headers={"Accept-Language": "uk-UA,uk;q=0.9"})
    assert '<html lang="uk">' in response.text


async def test_accessibility_statement_is_public(app: Litestar) -> None:
    async with browser_session(app) as browser:
        response = await browser.get("/accessibility")
    assert response.status_code == 200
    assert "Deklaracja dostępności" in text_of(response)
    assert "Rzecznik" in text_of(response)


async def test_unknown_page_is_an_html_error_page(app: Litestar) -> None:
    async with browser_session(app, "kipus.a@test.local") as browser:
        response = await browser.get("/no/such/page")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Nie znaleziono." in text_of(response)


async def test_other_gminy_pages_answer_404(app: Litestar) -> None:
    async with browser_session(app, "kipus.a@test.local") as browser:
        for path in ("/gminy/3010013/", "/gminy/1465011/", "/gminy/9999999/", "/gminy/abc/"):
            assert (await browser.get(path)).status_code == 404, path
        switch = await browser.get("/gminy/switch", params={"teryt": "3010013"})
        assert switch.status_code == 404


async def test_partner_inbox_names_the_partner(app: Litestar) -> None:
    """The partner's name travels in the token (core reads no registry table)."""
    async with browser_session(app, "partner@test.local") as browser:
        inbox = await browser.get("/partner/inbox")
    assert inbox.status_code == 200
    assert "Spółdzielnia Socjalna Test" in text_of(inbox)
