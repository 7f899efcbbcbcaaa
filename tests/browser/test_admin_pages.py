"""The operator's pages in a real browser: registering a gmina (with its schema provisioned),
recording an agreement, creating a user who then logs in; axe-core on every page."""

from __future__ import annotations

import random

from playwright.async_api import Page

from tests.browser.accessibility import assert_accessible, save_screenshot
from tests.browser.flows import log_in
from tests.conftest import GMINA_A, GMINA_B, PASSWORD


def _new_teryt() -> str:
    # Voivodeship 32, a county and gmina unlikely to clash with other tests, type 2.
    return f"32{random.randrange(10, 99)}{random.randrange(10, 99)}2"


async def test_operator_registers_a_gmina(page: Page, live_server: str) -> None:
    teryt = _new_teryt()
    await log_in(page, live_server, "operator@test.local")
    assert page.url == f"{live_server}/admin/gminy"
    await assert_accessible(page, name="admin-gminy")
    await save_screenshot(page, "admin-gminy")

    await page.click("a.button:has-text('Zarejestruj gminę')")
    await page.fill("#f-teryt", "12345")
    await page.fill("#f-name", "Gmina Próbna")
    async with page.expect_navigation():
        await page.click("button:has-text('Zarejestruj gminę')")
    assert "Kod TERYT gminy musi mieć 7 cyfr." in await page.inner_text(".error-summary")
    await assert_accessible(page, name="admin-gmina-new-errors")
    await save_screenshot(page, "admin-gmina-new-errors")

    await page.fill("#f-teryt", teryt)
    async with page.expect_navigation():
        await page.click("button:has-text('Zarejestruj gminę')")
    assert page.url == f"{live_server}/admin/gminy/{teryt}"
    assert await page.locator(".flashes").count() == 1
    await assert_accessible(page, name="admin-gmina-detail")
    await save_screenshot(page, "admin-gmina-detail")

    async with page.expect_navigation():
        await page.click("button:has-text('Zawieś')")
    assert "zawieszona" in (await page.inner_text("main")).lower()
    async with page.expect_navigation():
        await page.click("button:has-text('Wznów')")
    assert await page.locator("button:has-text('Zawieś')").count() == 1


async def test_operator_records_an_agreement(page: Page, live_server: str) -> None:
    await log_in(page, live_server, "operator@test.local")
    await page.click("nav a:has-text('Porozumienia')")
    await assert_accessible(page, name="admin-agreements")
    await save_screenshot(page, "admin-agreements")
    await page.click("a.button[href='/admin/agreements/new']")
    await assert_accessible(page, name="admin-agreement-new")
    name = f"Porozumienie przeglądarkowe {random.randrange(10**6)}"
    await page.fill("#f-name", name)
    await page.select_option("#f-lead_teryt", GMINA_A)
    await page.check(f"input[type=checkbox][value='{GMINA_A}']")
    await page.check(f"input[type=checkbox][value='{GMINA_B}']")
    async with page.expect_navigation():
        await page.click("button[type=submit]:has-text('porozumienie')")
    assert "/admin/agreements/" in page.url
    assert name in await page.inner_text("main")
    await assert_accessible(page, name="admin-agreement-detail")
    await save_screenshot(page, "admin-agreement-detail")


async def test_operator_creates_a_user_who_logs_in(page: Page, live_server: str) -> None:
    email = f"nowa.osoba.{random.randrange(10**6)}@test.local"
    await log_in(page, live_server, "operator@test.local")
    await page.click("nav a:has-text('Użytkownicy')")
    await assert_accessible(page, name="admin-users")
    await save_screenshot(page, "admin-users")
    await page.click("a.button[href='/admin/users/new']")
    await page.fill("#f-email", email)
    await page.fill("#f-display_name", "Nowa Osoba")
    await page.fill("#f-password", "krótkie")
    await page.select_option("#f-role", "kipus")
    await page.select_option("#f-scope", "gmina")
    await page.fill("#f-scope_id", GMINA_A)
    async with page.expect_navigation():
        await page.click("button:has-text('Utwórz użytkownika')")
    assert "Hasło musi mieć co najmniej 12 znaków." in await page.inner_text(".error-summary")
    assert await page.input_value("#f-password") == ""  # a password is never sent back
    await assert_accessible(page, name="admin-user-new-errors")
    await page.fill("#f-password", PASSWORD)
    async with page.expect_navigation():
        await page.click("button:has-text('Utwórz użytkownika')")
    assert "/admin/users/" in page.url
    await assert_accessible(page, name="admin-user-detail")
    await save_screenshot(page, "admin-user-detail")

    async with page.expect_navigation():
        await page.click("button:has-text('Wyloguj')")
    await log_in(page, live_server, email)
    assert page.url.rstrip("/") == f"{live_server}/gminy/{GMINA_A}"


async def test_regional_reports_and_partner_inbox(page: Page, live_server: str) -> None:
    await log_in(page, live_server, "rops@test.local")
    assert "wielkopolskie" in await page.inner_text("main")
    await assert_accessible(page, name="reports")
    await save_screenshot(page, "reports")
    async with page.expect_navigation():
        await page.click("button:has-text('Wyloguj')")
    await log_in(page, live_server, "partner@test.local")
    assert "Skrzynka skierowań" in await page.inner_text("h1")
    await assert_accessible(page, name="partner-inbox")
    await save_screenshot(page, "partner-inbox")
