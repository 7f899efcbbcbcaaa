"""The resident register in a real browser: registering and editing a resident (also by
keyboard alone), searching with HTMX, the audit trail; axe-core on every page shown."""

from __future__ import annotations

import random
from datetime import date

from playwright.async_api import Page

from cus_shared.identifiers.pesel import make_pesel
from tests.browser.accessibility import assert_accessible, save_screenshot
from tests.browser.flows import focused, log_in, tab_to
from tests.conftest import GMINA_A

REGISTER = f"/gminy/{GMINA_A}/residents"


def _new_pesel() -> str:
    born = date(1950 + random.randrange(50), random.randrange(1, 13), random.randrange(1, 28))
    return make_pesel(born, random.randrange(1000), random.choice("FM"))


def _bad_checksum(pesel: str) -> str:
    return pesel[:10] + str((int(pesel[10]) + 1) % 10)


async def test_register_and_edit_a_resident(page: Page, live_server: str) -> None:
    pesel = _new_pesel()
    family = f"Przeglądarkowa{random.randrange(10**6)}"
    await log_in(page, live_server, "kipus.a@test.local")
    await page.click("nav a:has-text('Mieszkańcy')")
    assert page.url == f"{live_server}{REGISTER}"
    await assert_accessible(page, name="residents-register")
    await save_screenshot(page, "residents-register")

    await page.click("a:has-text('Zarejestruj mieszkańca')")
    await assert_accessible(page, name="resident-new")
    await save_screenshot(page, "resident-new")
    await page.fill("#f-given_name", "Zofia")
    await page.fill("#f-family_name", family)
    await page.fill("#f-pesel", _bad_checksum(pesel))
    await page.fill("#f-address-postal_code", "62511")
    async with page.expect_navigation():
        await page.click("button:has-text('Zarejestruj mieszkańca')")
    summary = await page.inner_text(".error-summary")
    assert "PESEL ma nieprawidłową cyfrę kontrolną." in summary
    assert "Kod pocztowy musi mieć postać 00-000." in summary
    assert await page.get_attribute("#f-pesel", "aria-invalid") == "true"
    # The summary's link takes the person to the field.
    await page.click(".error-summary a[href='#f-pesel']")
    assert await focused(page) == "#f-pesel"
    await assert_accessible(page, name="resident-new-errors")
    await save_screenshot(page, "resident-new-errors")

    await page.fill("#f-pesel", pesel)
    await page.fill("#f-address-postal_code", "62-511")
    await page.fill("#f-address-city", "Kramsk")
    async with page.expect_navigation():
        await page.click("button:has-text('Zarejestruj mieszkańca')")
    assert f"{REGISTER}/" in page.url
    assert await page.inner_text("h1") == f"Zofia {family}"
    assert "Zarejestrowano mieszkańca" in await page.inner_text(".flashes")
    # No personal data in the address bar, nor in the tab's title.
    assert pesel not in page.url and family not in page.url
    assert family not in await page.title()
    await assert_accessible(page, name="resident-record")
    await save_screenshot(page, "resident-record")

    await page.click("a:has-text('Edytuj')")
    await assert_accessible(page, name="resident-edit")
    await page.fill("#f-address-city", "Konin")
    async with page.expect_navigation():
        await page.click("button:has-text('Zapisz zmiany')")
    assert "Konin" in await page.inner_text("dl.facts")
    assert await page.locator(".flashes").count() == 1
    await save_screenshot(page, "resident-record-edited")


async def test_search_replaces_only_the_results(page: Page, live_server: str) -> None:
    """HTMX posts the search and swaps the results region; the URL stays free of criteria."""
    family = f"Szukajska{random.randrange(10**6)}"
    await log_in(page, live_server, "kipus.a@test.local")
    await page.goto(f"{live_server}{REGISTER}/new")
    await page.fill("#f-given_name", "Adam")
    await page.fill("#f-family_name", family)
    await page.fill("#f-birth_date", "1980-05-17")
    async with page.expect_navigation():
        await page.click("button:has-text('Zarejestruj mieszkańca')")

    await page.goto(f"{live_server}{REGISTER}")
    marker = await page.evaluate("window.__notReloaded = true")
    del marker
    await page.fill("#f-name", family)
    async with page.expect_response(lambda r: r.url.endswith("/residents/search")) as answer:
        await page.click("form[role=search] button[type=submit]")
    response = await answer.value
    assert response.request.headers.get("hx-request") == "true"
    await page.wait_for_selector(f"#results a:has-text('{family}')")
    assert await page.evaluate("window.__notReloaded === true")  # no page load happened
    assert page.url == f"{live_server}{REGISTER}"
    await assert_accessible(page, name="residents-search")
    await save_screenshot(page, "residents-search")

    # An empty search is explained in the results region.
    await page.fill("#f-name", "")
    await page.click("form[role=search] button[type=submit]")
    await page.wait_for_selector("#results .error-summary")
    assert "Podaj co najmniej jedno kryterium" in await page.inner_text("#results")


async def test_keyboard_alone_registers_a_resident(page: Page, live_server: str) -> None:
    family = f"Klawiaturowa{random.randrange(10**6)}"
    await log_in(page, live_server, "kipus.a@test.local")
    await page.goto(f"{live_server}{REGISTER}/new")
    await tab_to(page, "f-given_name")
    await page.keyboard.type("Ewa")
    await page.keyboard.press("Tab")
    assert await focused(page) == "#f-family_name"
    await page.keyboard.type(family)
    await tab_to(page, "f-birth_date")
    # A date input takes the digits in the order of the browser's own language.
    await page.keyboard.type("03041975")
    typed = date.fromisoformat(await page.input_value("#f-birth_date"))
    await tab_to(page, "f-address-city")
    await page.keyboard.type("Golina")
    async with page.expect_navigation():
        await page.keyboard.press("Enter")
    assert await page.inner_text("h1") == f"Ewa {family}"
    assert typed.strftime("%d.%m.%Y") in await page.inner_text("dl.facts")


async def test_english_form_errors(page: Page, live_server: str) -> None:
    await log_in(page, live_server, "kipus.a@test.local")
    await page.goto(f"{live_server}{REGISTER}/new")
    async with page.expect_navigation():
        await page.click("button[lang=en]")
    async with page.expect_navigation():
        await page.click("button:has-text('Register the resident')")
    summary = await page.inner_text(".error-summary")
    assert "There is a problem" in summary and "This field is required." in summary
    await assert_accessible(page, name="resident-new-errors-en")


async def test_director_sees_who_viewed_a_record(page: Page, live_server: str) -> None:
    await log_in(page, live_server, "director@test.local")
    await page.goto(f"{live_server}{REGISTER}")
    await page.click("#results tbody a >> nth=0")
    await page.click("a:has-text('Kto przeglądał')")
    assert page.url.endswith("/audit")
    rows = await page.locator("table tbody tr").all_inner_texts()
    assert "Wyświetlono rekord" in rows[0] and "(Ty)" in rows[0], rows
    await assert_accessible(page, name="resident-audit")
    await save_screenshot(page, "resident-audit")


async def test_desk_of_each_role_is_accessible(page: Page, live_server: str) -> None:
    await log_in(page, live_server, "director@test.local")
    await page.goto(f"{live_server}/gminy/{GMINA_A}/")
    await assert_accessible(page, name="desk-director")
    await save_screenshot(page, "desk-director")
    await page.goto(f"{live_server}/gminy/")
    await assert_accessible(page, name="choose-gmina")
