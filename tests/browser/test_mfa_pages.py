"""Two-step login in a real browser, with ``CUS_AUTH_MFA_REQUIRED`` on (the suite's own server
runs with it off, so this module starts a second ``cus serve``): a KIPUS is led through the
enrolment on /login, keeps the recovery codes, logs out, logs in with a code from the app and
then with a recovery code; axe-core on every page of it."""

from __future__ import annotations

import atexit
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyotp
import pytest
from playwright.async_api import Page

from tests.browser.accessibility import assert_accessible, save_screenshot
from tests.browser.conftest import (
    HERE,
    SERVER_LOG,
    _die_with_parent,
    _free_port,
    _stop,
    _wait_until_healthy,
)
from tests.conftest import GMINA_A, PASSWORD, Platform, login


@pytest.fixture(scope="module")
def mfa_server(platform: Platform) -> Iterator[str]:
    """Base URL of a second ``cus serve`` with the second factor required."""
    cus = Path(sys.executable).with_name("cus")
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "CUS_DATABASE_URL": str(platform.settings.database.url),
        "CUS_AUTH_MFA_REQUIRED": "true",
    }
    log_path = SERVER_LOG.with_name("server-mfa.log")
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(cus), "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=HERE.parents[1],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
    atexit.register(_stop, process)
    try:
        _wait_until_healthy(process, base_url)
        yield base_url
    finally:
        _stop(process)
        atexit.unregister(_stop)


async def _password_step(page: Page, base_url: str, email: str) -> None:
    await page.goto(f"{base_url}/login")
    await page.fill("#f-email", email)
    await page.fill("#f-password", PASSWORD)
    async with page.expect_navigation():
        await page.click("button[type=submit]:has-text('Zaloguj')")


async def _log_out(page: Page) -> None:
    async with page.expect_navigation():
        await page.click("header button:has-text('Wyloguj')")
    assert "/login" in page.url


async def test_enrol_log_out_log_in_with_code_and_recovery_code(
    page: Page, mfa_server: str, client: httpx.AsyncClient
) -> None:
    email = f"mfa.browser.{secrets.token_hex(4)}@test.local"
    created = await client.post(
        "/api/tenants/users/",
        json={
            "email": email,
            "display_name": "Kinga Dwuetapowa",
            "password": PASSWORD,
            "memberships": [{"scope": "gmina", "scope_id": GMINA_A, "role": "kipus"}],
        },
        headers=await login(client, "operator@test.local"),
    )
    assert created.status_code == 201, created.text

    # The password is right: the enrolment follows, still on /login.
    await _password_step(page, mfa_server, email)
    assert page.url == f"{mfa_server}/login"
    assert await page.locator("h1").inner_text() == "Skonfiguruj logowanie dwuetapowe"
    assert await page.locator("img[src^='data:image/svg+xml']").count() == 1
    await assert_accessible(page, name="mfa-enrol")
    await save_screenshot(page, "mfa-enrol")
    secret = (await page.inner_text("#totp-secret")).replace(" ", "")
    totp = pyotp.TOTP(secret)
    await page.fill("#f-code", totp.now())
    async with page.expect_navigation():
        await page.click("button:has-text('Potwierdź')")
    codes = await page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    await assert_accessible(page, name="mfa-recovery-codes")
    await save_screenshot(page, "mfa-recovery-codes")
    async with page.expect_navigation():
        await page.click("a:has-text('Zapisałem kody')")
    await page.goto(f"{mfa_server}/account/")
    assert "Skonfigurowane" in await page.inner_text("main")
    await assert_accessible(page, name="account")
    await save_screenshot(page, "account")
    await _log_out(page)

    # Logging in again asks for the code of the app (the next one: this one was spent).
    await _password_step(page, mfa_server, email)
    assert await page.locator("#f-code").count() == 1
    await assert_accessible(page, name="mfa-code")
    await save_screenshot(page, "mfa-code")
    await page.fill("#f-code", totp.at(time.time() + 30))
    async with page.expect_navigation():
        await page.click("button:has-text('Zaloguj')")
    assert "/login" not in page.url
    await _log_out(page)

    # Without the phone: a recovery code.
    await _password_step(page, mfa_server, email)
    await page.fill("#f-code", codes[0])
    async with page.expect_navigation():
        await page.click("button:has-text('Zaloguj')")
    assert "/login" not in page.url
    await page.goto(f"{mfa_server}/account/")
    assert "Niewykorzystane kody zapasowe: 9" in await page.inner_text("main")
    await _log_out(page)
