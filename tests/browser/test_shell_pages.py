"""The shell in a real browser: logging in as each role, the keyboard alone, languages, the
content security policy, the gmina switcher, logging out; axe-core on each page."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Page

from tests.browser.accessibility import assert_accessible, save_screenshot
from tests.browser.flows import focused, log_in, tab_to
from tests.conftest import GMINA_A, GMINA_B, PASSWORD

ROLES = [
    ("kipus.a@test.local", f"/gminy/{GMINA_A}/", "kipus"),
    ("osl.a@test.local", f"/gminy/{GMINA_A}/", "osl"),
    ("director@test.local", "/gminy/", "director"),
    ("operator@test.local", "/admin/gminy", "operator"),
    ("rops@test.local", "/reports", "rops"),
    ("partner@test.local", "/partner/inbox", "partner"),
]


async def test_login_page_is_accessible(page: Page, live_server: str) -> None:
    await page.goto(f"{live_server}/login")
    assert await page.get_attribute("html", "lang") == "pl"
    assert await page.inner_text("h1") == "Zaloguj się"
    await assert_accessible(page, name="login")
    await save_screenshot(page, "login")


async def test_login_errors_are_announced_and_accessible(page: Page, live_server: str) -> None:
    await page.goto(f"{live_server}/login")
    await page.fill("#f-email", "kipus.a@test.local")
    await page.fill("#f-password", "wrong-password")
    async with page.expect_navigation():
        await page.click("button[type=submit]:has-text('Zaloguj')")
    summary = page.locator(".error-summary")
    assert "Nieprawidłowy e-mail lub hasło." in await summary.inner_text()
    # The summary takes the focus so that a screen reader reads it first.
    assert await page.evaluate("document.activeElement.classList.contains('error-summary')")
    await assert_accessible(page, name="login-error")
    await save_screenshot(page, "login-error")


@pytest.mark.parametrize(("email", "start", "name"), ROLES, ids=[r[2] for r in ROLES])
async def test_each_role_logs_in_to_its_start_page(
    page: Page, live_server: str, email: str, start: str, name: str
) -> None:
    await log_in(page, live_server, email)
    assert page.url == f"{live_server}{start}"
    assert await page.locator("nav[aria-label='Menu główne'] a").count() >= 1
    await assert_accessible(page, name=f"start-{name}")
    await save_screenshot(page, f"start-{name}")


async def test_keyboard_alone_logs_in(page: Page, live_server: str) -> None:
    await page.goto(f"{live_server}/login")
    await page.keyboard.press("Tab")
    assert await focused(page) == "a:Przejdź do treści głównej"
    await page.keyboard.press("Enter")
    assert await focused(page) == "#content"
    await tab_to(page, "f-email")
    await page.keyboard.type("kipus.a@test.local")
    await page.keyboard.press("Tab")
    assert await focused(page) == "#f-password"
    await page.keyboard.type(PASSWORD)
    async with page.expect_navigation():
        await page.keyboard.press("Enter")
    assert page.url == f"{live_server}/gminy/{GMINA_A}/"


async def test_language_is_switched_and_remembered(page: Page, live_server: str) -> None:
    await log_in(page, live_server, "kipus.a@test.local")
    async with page.expect_navigation():
        await page.click("button[lang=en]")
    assert await page.get_attribute("html", "lang") == "en"
    assert page.url.rstrip("/") == f"{live_server}/gminy/{GMINA_A}"
    assert await page.inner_text("nav a[aria-current=page]") == "Desk"
    assert await page.locator("nav[aria-label='Main menu']").count() == 1
    await page.goto(f"{live_server}/accessibility")
    assert await page.inner_text("h1") == "Accessibility statement"
    async with page.expect_navigation():
        await page.click("button[lang=uk]")
    assert await page.inner_text("h1") == "Декларація доступності"
    await assert_accessible(page, name="accessibility-uk")
    await save_screenshot(page, "accessibility-uk")


async def test_accessibility_statement(page: Page, live_server: str) -> None:
    await page.goto(f"{live_server}/")
    await page.click("footer a[href='/accessibility']")
    assert await page.inner_text("h1") == "Deklaracja dostępności"
    await assert_accessible(page, name="accessibility")


async def test_pages_work_under_the_content_security_policy(
    browser: Browser, live_server: str
) -> None:
    """Without bypassing the policy: nothing the pages need is blocked (scripts, styles)."""
    context = await browser.new_context(locale="pl-PL")
    try:
        page = await context.new_page()
        violations: list[str] = []
        page.on(
            "console",
            lambda message: (
                violations.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        await log_in(page, live_server, "kipus.a@test.local")
        await page.goto(f"{live_server}/gminy/{GMINA_A}/residents")
        assert await page.evaluate("typeof window.htmx") == "object"
        # The stylesheet applied: the skip link sits off screen until focused.
        top = await page.evaluate("getComputedStyle(document.querySelector('.skip-link')).top")
        assert top.startswith("-")
        assert violations == []
    finally:
        await context.close()


async def test_gmina_switcher_moves_between_gminy(page: Page, live_server: str) -> None:
    await log_in(page, live_server, "director@test.local")
    await page.click(f"a[href='/gminy/{GMINA_B}/']")
    assert page.url == f"{live_server}/gminy/{GMINA_B}/"
    await page.select_option("#gmina-switch", GMINA_A)
    async with page.expect_navigation():
        await page.click(".gmina-switcher button")
    assert page.url == f"{live_server}/gminy/{GMINA_A}/"
    assert await page.input_value("#gmina-switch") == GMINA_A


async def test_logout_forgets_the_session(page: Page, live_server: str) -> None:
    await log_in(page, live_server, "rops@test.local")
    async with page.expect_navigation():
        await page.click("button:has-text('Wyloguj')")
    assert page.url == f"{live_server}/login"
    assert "Wylogowano." in await page.inner_text(".flashes")
    await page.goto(f"{live_server}/reports")
    assert page.url == f"{live_server}/login?next=%2Freports"
