"""The pages of identity hardening: the second step of logging in on /login (code, recovery
code, enrolment forced when required), lockout shown in words and that it ends, the account
page (password rules, new recovery codes, logging out everywhere), the operators' audit of
authentication and a partner administrator's staff."""

from __future__ import annotations

import html
import re
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pyotp
import pytest
from litestar import Litestar
from sqlalchemy import text

from cus_shared.identity import revocation
from cus_shared.identity.passwords import common_passwords
from cus_shared.settings import AuthSettings
from tests.conftest import GMINA_A, PASSWORD, Platform, login, running
from tests.pages import PageSession, text_of

pytestmark = pytest.mark.asyncio(loop_scope="session")

NEW_PASSWORD = "Zielona-lampa-nad-Warta-7"
_SECRET = re.compile(r'id="totp-secret">([A-Z2-7 ]+)<')
_CODES = re.compile(r"<li><code>([a-z2-7]{5}-[a-z2-7]{5}-[a-z2-7]{6})</code></li>")


def _email(prefix: str) -> str:
    return f"{prefix}.{secrets.token_hex(4)}@test.local"


async def _create(
    client: httpx.AsyncClient, email: str, role: str, scope: str, scope_id: str
) -> str:
    response = await client.post(
        "/api/tenants/users/",
        json={
            "email": email,
            "display_name": "Osoba testowa",
            "password": PASSWORD,
            "memberships": [{"scope": scope, "scope_id": scope_id, "role": role}],
        },
        headers=await login(client, "operator@test.local"),
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


@asynccontextmanager
async def _browser(app: Litestar, address: str) -> AsyncIterator[PageSession]:
    """A browser-like client at its own address (per-address failure counts stay apart)."""
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="https://cus.test") as client:
        yield PageSession(client)


@asynccontextmanager
async def _enforcing(platform: Platform) -> AsyncIterator[Litestar]:
    """The platform with ``CUS_AUTH_MFA_REQUIRED`` on (the suite runs with it off)."""
    from cus_shared.plugins import discover
    from cus_shared.web.app import create_app

    enforced = platform.settings.model_copy(
        update={"auth": AuthSettings(mfa_required=True, secret=platform.settings.auth.secret)}
    )
    app = create_app(list(discover()), settings=enforced)
    async with running(app):
        yield app


async def _logged_in(page: PageSession) -> bool:
    response = await page.get("/account/")
    return response.status_code == 200


async def test_enrolment_forced_then_code_and_recovery_code(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    email = _email("mfapage")
    await _create(client, email, "kipus", "gmina", GMINA_A)
    async with _enforcing(platform) as app, _browser(app, "10.40.0.1") as page:
        first = await page.login(email)
        assert first.status_code == 303 and first.headers["location"] == "/login"
        assert "cus_session" not in page.client.cookies
        enrol = await page.get("/login")
        assert enrol.status_code == 200
        assert "Skonfiguruj logowanie dwuetapowe" in text_of(enrol)
        assert 'src="data:image/svg+xml' in enrol.text
        assert "style=" not in enrol.text
        secret = _SECRET.search(enrol.text)
        assert secret is not None
        totp = pyotp.TOTP(secret.group(1).replace(" ", ""))
        wrong = await page.submit("/login", {"step": "enrol", "code": "000000"})
        assert wrong.status_code == 422
        assert "Kod jest nieprawidłowy" in text_of(wrong)
        done = await page.submit("/login", {"step": "enrol", "code": totp.now()})
        assert done.status_code == 200, done.text
        codes = [html.unescape(c) for c in _CODES.findall(done.text)]
        assert len(codes) == 10
        assert "Są pokazywane tylko teraz." in text_of(done)
        assert "cus_session" in page.client.cookies
        assert await _logged_in(page)

        # Log out: the session ends; logging in again asks for the code.
        out = await page.submit("/logout")
        assert out.status_code == 303
        assert not await _logged_in(page)
        step = await page.login(email)
        assert step.headers["location"] == "/login"
        asked = await page.get("/login")
        assert "6-cyfrowy kod" in text_of(asked)
        bad = await page.submit("/login", {"step": "code", "code": "123456"})
        assert bad.status_code == 401
        assert "Kod jest nieprawidłowy albo został już użyty." in text_of(bad)
        # The next step's code (the current one was spent confirming the enrolment).
        good = await page.submit("/login", {"step": "code", "code": totp.at(time.time() + 30)})
        assert good.status_code == 303, good.text
        assert await _logged_in(page)
        await page.submit("/logout")

        # A recovery code works once.
        await page.login(email)
        used = await page.submit("/login", {"step": "code", "code": codes[0]})
        assert used.status_code == 303, used.text
        await page.submit("/logout")
        await page.login(email)
        again = await page.submit("/login", {"step": "code", "code": codes[0]})
        assert again.status_code == 401
        cancel = await page.submit("/login", {"step": "cancel"})
        assert cancel.status_code == 303
        assert "f-password" in (await page.get("/login")).text


async def test_account_page_new_recovery_codes_and_logout_everywhere(
    client: httpx.AsyncClient, app: Litestar
) -> None:
    email = _email("acct")
    await _create(client, email, "osl", "gmina", GMINA_A)
    async with _browser(app, "10.40.0.2") as page, _browser(app, "10.40.0.2") as other:
        assert (await page.login(email)).status_code == 303
        assert (await other.login(email)).status_code == 303
        account = await page.get("/account/")
        assert "Nieskonfigurowane" in text_of(account)
        enrol = await page.get("/account/mfa")
        secret = _SECRET.search(enrol.text)
        assert secret is not None
        totp = pyotp.TOTP(secret.group(1).replace(" ", ""))
        done = await page.submit("/account/mfa", {"code": totp.now()})
        assert len(_CODES.findall(done.text)) == 10
        refused = await page.submit("/account/recovery-codes", {"code": "000000"})
        assert refused.status_code == 422
        fresh = await page.submit("/account/recovery-codes", {"code": totp.at(time.time() + 30)})
        assert fresh.status_code == 200
        assert len(_CODES.findall(fresh.text)) == 10
        assert "Niewykorzystane kody zapasowe: 10" in text_of(await page.get("/account/"))
        out = await page.submit("/account/logout-everywhere")
        assert out.status_code == 303
        assert not await _logged_in(page)
        revocation.clear_cache()  # each process re-reads ended sessions every 2 s
        assert not await _logged_in(other)


async def test_lockout_shown_in_words_and_it_ends(
    client: httpx.AsyncClient, app: Litestar, platform: Platform
) -> None:
    email = _email("lockpage")
    await _create(client, email, "osl", "gmina", GMINA_A)
    async with _browser(app, "10.40.0.3") as page:
        for _ in range(5):
            wrong = await page.login(email, "Zle-haslo-123456")
            assert wrong.status_code == 401
        locked = await page.login(email)
        assert locked.status_code == 429
        assert 0 < int(locked.headers["Retry-After"]) <= 60
        words = text_of(locked)
        assert "Spróbuj ponownie za 1 min" in words
        assert "Możesz spróbować ponownie o " in words
        async with platform.db.admin_engine.begin() as conn:
            await conn.execute(
                text(
                    "UPDATE shared.login_throttle SET locked_until = now() - interval '1 second'"
                    " WHERE locked_until > now() AND key LIKE 'acct:%'"
                )
            )
        ok = await page.login(email)
        assert ok.status_code == 303, ok.text
        assert await _logged_in(page)


async def test_password_change_refuses_common_and_works(
    client: httpx.AsyncClient, app: Litestar
) -> None:
    email = _email("pwdpage")
    await _create(client, email, "osl", "gmina", GMINA_A)
    common = next(p for p in sorted(common_passwords()) if 12 <= len(p) <= 20)
    async with _browser(app, "10.40.0.4") as page:
        await page.login(email)
        account = await page.get("/account/")
        assert "od 12 do 128 znaków" in text_of(account)
        refused = await page.submit(
            "/account/password", {"current_password": PASSWORD, "new_password": common}
        )
        assert refused.status_code == 422
        assert "To hasło jest zbyt popularne" in text_of(refused)
        english = await page.submit(
            "/account/password",
            {"current_password": PASSWORD, "new_password": common},
            headers={"Accept-Language": "en"},
        )
        assert "This password is too common" in text_of(english)
        wrong = await page.submit(
            "/account/password",
            {"current_password": "Nie-to-haslo-123", "new_password": NEW_PASSWORD},
        )
        assert wrong.status_code == 422
        changed = await page.submit(
            "/account/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
        )
        assert changed.status_code == 303 and changed.headers["location"] == "/login"
        assert not await _logged_in(page)
        assert (await page.login(email)).status_code == 401
        assert (await page.login(email, NEW_PASSWORD)).status_code == 303


async def test_operator_sees_auth_events_without_personal_data(app: Litestar) -> None:
    async with _browser(app, "10.40.0.5") as page:
        await page.login("operator@test.local")
        events = await page.get("/admin/auth-events/")
        assert events.status_code == 200
        assert "Zalogowanie" in text_of(events)
        assert "@test.local" not in events.text.replace("operator@test.local", "")
        assert "10.40.0." not in events.text
    async with _browser(app, "10.40.0.5") as page:
        await page.login("kipus.a@test.local")
        assert (await page.get("/admin/auth-events/")).status_code == 403


async def test_partner_admin_adds_staff_who_can_log_in(
    client: httpx.AsyncClient, app: Litestar
) -> None:
    me = (
        await client.get("/api/tenants/auth/me", headers=await login(client, "partner@test.local"))
    ).json()
    partner_id = next(m["scope_id"] for m in me["memberships"] if m["scope"] == "partner")
    admin_email = _email("padminpage")
    await _create(client, admin_email, "partner_admin", "partner", partner_id)
    staff_email = _email("staffpage")
    async with _browser(app, "10.40.0.6") as page:
        await page.login(admin_email)
        listed = await page.get("/staff/")
        assert listed.status_code == 200
        bad = await page.submit(
            "/staff/", {"display_name": "Nowa Osoba", "email": staff_email, "password": "krotkie"}
        )
        assert bad.status_code == 422
        assert staff_email in bad.text  # what was typed comes back (not the password)
        created = await page.submit(
            "/staff/",
            {"display_name": "Nowa Osoba", "email": staff_email, "password": NEW_PASSWORD},
        )
        assert created.status_code == 303, created.text
        assert staff_email in (await page.get("/staff/")).text
    async with _browser(app, "10.40.0.7") as staff:
        assert (await staff.login(staff_email, NEW_PASSWORD)).status_code == 303
        assert await _logged_in(staff)
    async with _browser(app, "10.40.0.6") as other:
        await other.login("kipus.a@test.local")
        assert (await other.get("/staff/")).status_code == 403


async def test_operator_resets_a_lost_second_factor(
    client: httpx.AsyncClient, app: Litestar
) -> None:
    email = _email("reset")
    user_id = await _create(client, email, "osl", "gmina", GMINA_A)
    async with _browser(app, "10.40.0.8") as page:
        await page.login(email)
        enrol = await page.get("/account/mfa")
        secret = _SECRET.search(enrol.text)
        assert secret is not None
        await page.submit(
            "/account/mfa", {"code": pyotp.TOTP(secret.group(1).replace(" ", "")).now()}
        )
    async with _browser(app, "10.40.0.8") as operator:
        await operator.login("operator@test.local")
        detail = await operator.get(f"/admin/users/{user_id}")
        assert "Skonfigurowane" in text_of(detail)
        assert "kończą się natychmiast" in text_of(detail)
        reset = await operator.submit(f"/admin/users/{user_id}/mfa-reset")
        assert reset.status_code == 303
        assert "Nieskonfigurowane" in text_of(await operator.get(f"/admin/users/{user_id}"))
    async with _browser(app, "10.40.0.8") as page:
        # With the factor gone (and not required in this app), the password alone logs in.
        assert (await page.login(email)).status_code == 303
        assert await _logged_in(page)
