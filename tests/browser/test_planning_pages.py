"""What an agreement shares and plans, in a real browser: the director adds a catalogue
service, records a programme with that service and a budget by year; partners, contracts and
the public one-stop page are shown; axe-core on every page, screenshots for review."""

from __future__ import annotations

import random

from playwright.async_api import Page

from tests.browser.accessibility import assert_accessible, save_screenshot
from tests.browser.flows import log_in
from tests.conftest import GMINA_A, Platform


async def _enter(page: Page, entry: str) -> None:
    """Open an entry page; with several agreements to choose from, take the first."""
    async with page.expect_navigation():
        await page.click(f"nav a[href='{entry}']")
    if page.url.rstrip("/").endswith(entry):
        async with page.expect_navigation():
            await page.click(f"main a[href^='{entry}/'] >> nth=0")


async def test_director_builds_the_catalogue_and_a_programme_with_a_budget(
    page: Page, live_server: str, platform: Platform
) -> None:
    code = f"usluga-{random.randrange(10**6)}"
    await log_in(page, live_server, "director@test.local")
    await _enter(page, "/catalogue")
    await assert_accessible(page, name="catalogue-entry")
    await page.goto(f"{live_server}/catalogue/{platform.agreement_id}")
    await assert_accessible(page, name="catalogue")
    await save_screenshot(page, "catalogue")

    await page.click("a.button:has-text('Dodaj usługę')")
    await page.fill("#f-code", code)
    await page.fill("#f-name", "Usługi opiekuńcze w miejscu zamieszkania")
    await page.fill("#f-description", "Pomoc w codziennych czynnościach w domu mieszkańca.")
    await page.fill("#f-target_group", "Osoby starsze i z niepełnosprawnościami.")
    await page.fill("#f-eligibility", "Wniosek i oświadczenie; pierwszeństwo osób samotnych.")
    await page.select_option("#f-area_code", "4")
    await page.select_option("#f-unit", "hour")
    await page.check("input[name=delivery_modes][value=competition_entrust]")
    await page.fill("#f-valid_from", "2024-01-01")
    await assert_accessible(page, name="catalogue-new")
    async with page.expect_navigation():
        await page.click("button:has-text('Dodaj usługę')")
    assert "/services/" in page.url, await page.inner_text("main")
    await assert_accessible(page, name="catalogue-service")
    await save_screenshot(page, "catalogue-service")

    await page.click("nav a[href='/programmes']")
    if "/programmes/gmina/" not in page.url:
        await page.click(f"main a[href='/programmes/gmina/{GMINA_A}']")
    await assert_accessible(page, name="programmes")
    await page.click("a.button:has-text('Zapisz program'), a.button[href$='/new']")
    await page.fill("#f-title", "Program usług społecznych na lata 2024–2027 (przeglądarka)")
    await page.fill("#f-resolution_number", f"XV/{random.randrange(1000)}/2023")
    await page.fill("#f-resolution_date", "2023-12-14")
    await page.fill("#f-period_start", "2024-01-01")
    await page.fill("#f-period_end", "2027-12-31")
    await page.fill("#f-diagnosis_date", "2017-06-30")  # over 5 years old: a warning
    async with page.expect_navigation():
        await page.click("button[type=submit]:has-text('program')")
    assert "/programmes/" in page.url
    assert "diagnoz" in (await page.inner_text("main")).lower()
    await assert_accessible(page, name="programme")
    await save_screenshot(page, "programme")

    await page.click("a[href$='/budgets']")
    await page.fill("#f-title", "Plan finansowy (przeglądarka)")
    await page.select_option("#f-period_kind", "year")
    async with page.expect_navigation():
        await page.click("button:has-text('Utwórz budżet')")
    assert "/budgets/" in page.url
    await assert_accessible(page, name="budget")
    await save_screenshot(page, "budget")


async def test_partners_contracts_and_their_forms(
    page: Page, live_server: str, platform: Platform
) -> None:
    await log_in(page, live_server, "director@test.local")
    # The test agreement (other tests add agreements the director may also read).
    await page.goto(f"{live_server}/partners/{platform.agreement_id}")
    await assert_accessible(page, name="partners")
    await save_screenshot(page, "partners")
    await page.click("main a[href^='/partners/p/'] >> nth=0")
    await assert_accessible(page, name="partner")
    await save_screenshot(page, "partner")
    await page.goto(f"{live_server}/partners/{platform.agreement_id}/new")
    await page.fill("#f-name", "Fundacja Próbna")
    await page.fill("#f-nip", "1234567890")  # wrong check digit
    async with page.expect_navigation():
        await page.click("button:has-text('Zarejestruj partnera')")
    summary = await page.inner_text(".error-summary")
    assert "NIP ma nieprawidłową cyfrę kontrolną." in summary
    await assert_accessible(page, name="partner-new-errors")
    await save_screenshot(page, "partner-new-errors")

    await page.goto(f"{live_server}/contracts/{platform.agreement_id}")
    await assert_accessible(page, name="contracts")
    await page.click("a.button[href$='/new']")
    await assert_accessible(page, name="contract-new")
    await save_screenshot(page, "contract-new")


async def test_public_one_stop_page_in_three_languages(page: Page, live_server: str) -> None:
    await page.goto(f"{live_server}/uslugi/{GMINA_A}")
    assert await page.get_attribute("html", "lang") == "pl"
    await assert_accessible(page, name="public-pl")
    await save_screenshot(page, "public-pl")
    for language in ("en", "uk"):
        async with page.expect_navigation():
            await page.click(f"button[lang={language}]")
        assert await page.get_attribute("html", "lang") == language
        await assert_accessible(page, name=f"public-{language}")
    await save_screenshot(page, "public-uk")
