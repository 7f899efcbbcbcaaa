"""The resident's journey in a real browser, through the pages the CUS team uses every day:
the KIPUS registers an application and holds the needs interview, the OUS qualifies, the
KIPUS drafts the IPUS, the director approves it and prints it, the KIPUS records a consent and
refers the service to the partner, the partner accepts it in their pages; the caseload, the
timeline, complaints and community pages are shown. axe-core on every page."""

from __future__ import annotations

import secrets
from datetime import timedelta

import httpx
from playwright.async_api import Page

from cus_shared import clock
from tests.browser.accessibility import assert_accessible, save_screenshot
from tests.browser.flows import log_in
from tests.conftest import GMINA_A, PASSWORD
from tests.journey import Offer

BASE = f"/gminy/{GMINA_A}"


async def _resident(live_server: str) -> tuple[str, str]:
    """A resident registered through the API (the register's pages have their own tests)."""
    family = "Przeglądarkowa" + secrets.token_hex(2)
    async with httpx.AsyncClient(base_url=live_server) as client:
        token = (
            await client.post(
                "/api/tenants/auth/login",
                json={"email": "kipus.a@test.local", "password": PASSWORD},
            )
        ).json()["access_token"]
        response = await client.post(
            f"/api/core{BASE}/residents",
            json={
                "given_name": "Genowefa",
                "family_name": family,
                "birth_date": "1944-08-15",
                "address": {"street": "Leśna", "building_no": "9", "city": "Kramsk"},
            },
            headers={"Authorization": f"Bearer {token}"},
        )
    assert response.status_code == 201, response.text
    return str(response.json()["id"]), family


async def _submit(page: Page, button: str) -> None:
    async with page.expect_navigation():
        await page.click(f"main button:has-text('{button}')")


async def _log_out(page: Page, live_server: str) -> None:
    await page.context.clear_cookies()
    await page.goto(f"{live_server}/login")


async def test_the_cus_team_takes_a_resident_through_the_journey(
    page: Page, live_server: str, offer: Offer
) -> None:
    resident_id, family = await _resident(live_server)
    today = clock.today()
    record = f"{live_server}{BASE}/residents/{resident_id}"

    # KIPUS: the application, from the resident's record.
    await log_in(page, live_server, "kipus.a@test.local")
    await page.goto(record)
    async with page.expect_navigation():
        await page.click("a:has-text('Zarejestruj wniosek o usługi')")
    await assert_accessible(page, name="application-new")
    await page.check(f"input[name=services][value='{offer.care}']")
    await page.select_option("#f-channel", "in_person")
    await page.check("#f-declaration_signed")
    await _submit(page, "Zarejestruj wniosek")
    assert "/applications/" in page.url, await page.inner_text("main")
    application_url = page.url
    await assert_accessible(page, name="application")
    # The needs interview (area 4: care).
    await page.fill("#f-held_on", today.isoformat())
    await page.fill("#f-goals", "Zostać w domu z pomocą opiekunki.")
    await page.fill("#f-need-4", "Pomoc w codziennych czynnościach.")
    await _submit(page, "Zapisz rozmowę")
    assert "Zostać w domu" in await page.inner_text("main")
    await _log_out(page, live_server)

    # OUS: the qualification queue, then the decision.
    await log_in(page, live_server, "ous.a@test.local")
    await page.goto(f"{live_server}{BASE}/applications")
    await assert_accessible(page, name="qualification-queue")
    await save_screenshot(page, "qualification-queue")
    await page.goto(application_url)
    await page.select_option("main select[name=outcome]", "granted")
    await page.select_option("main select[name=support_form]", "ipus")
    await _submit(page, "Zapisz decyzję")
    assert (
        "Przyznano" in await page.inner_text("main")
        or "przyznan" in (await page.inner_text("main")).lower()
    )
    await _log_out(page, live_server)

    # KIPUS: the IPUS from the granted service, then the consent and the referral.
    await log_in(page, live_server, "kipus.a@test.local")
    await page.goto(application_url)
    async with page.expect_navigation():
        await page.click("a:has-text('Przygotuj indywidualny plan (IPUS)')")
    await assert_accessible(page, name="plan-new")
    ends = clock.add_months(today, 6) - timedelta(days=1)
    await page.fill("#f-starts_on", today.isoformat())
    await page.fill("#f-ends_on", ends.isoformat())
    await page.fill("#f-goals-0-description", "Samodzielne życie w domu.")
    await page.select_option("#f-services-0-service_id", str(offer.care))
    await page.select_option("#f-services-0-contract_id", str(offer.partner_contract))
    await page.fill("#f-services-0-schedule", "Wtorki 10:00–11:00")
    await page.fill("#f-services-0-volume_per_month", "1")
    await _submit(page, "Zapisz projekt planu")
    assert "/plans/" in page.url, await page.inner_text("main")
    plan_url = page.url
    assert "nie czyni osoby klientem pomocy społecznej" in await page.inner_text("main")
    await _log_out(page, live_server)

    await log_in(page, live_server, "director@test.local")
    await page.goto(plan_url)
    await _submit(page, "Zatwierdź plan")
    text = await page.inner_text("main")
    assert "Zatwierdzony" in text or "zatwierdz" in text.lower(), text
    await assert_accessible(page, name="plan")
    await save_screenshot(page, "plan")
    pdf = await page.request.get(f"{plan_url}/pdf")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert family not in pdf.headers.get("content-disposition", "")
    await _log_out(page, live_server)

    await log_in(page, live_server, "kipus.a@test.local")
    await page.goto(f"{live_server}{BASE}/caseload")
    await assert_accessible(page, name="caseload")
    await save_screenshot(page, "caseload")
    await page.goto(f"{record}/consents")
    await page.select_option("#f-partner_id", str(offer.partner))
    await page.check("input[name=scope][value=identity]")
    await page.fill("#f-purpose", "Usługi opiekuńcze")
    await page.fill("#f-given_on", today.isoformat())
    await _submit(page, "Zapisz tę zgodę")
    await assert_accessible(page, name="consents")
    await page.goto(application_url)
    async with page.expect_navigation():
        await page.click("a:has-text('Skieruj do realizatora')")
    await assert_accessible(page, name="referral-new")
    await page.check(f"#f-contract-{offer.partner_contract}")
    await page.fill("#f-starts_on", today.isoformat())
    await page.fill("#f-ends_on", ends.isoformat())
    await page.fill("#f-volume_per_month", "1")
    await _submit(page, "Wyślij skierowanie")
    assert "/referrals/" in page.url, await page.inner_text("main")
    referral_id = page.url.rstrip("/").rsplit("/", 1)[-1]
    await assert_accessible(page, name="referral")
    await page.goto(f"{record}/timeline")
    timeline = await page.inner_text("main")
    assert "IPUS" in timeline
    await assert_accessible(page, name="timeline")
    await save_screenshot(page, "timeline")
    await page.goto(f"{live_server}{BASE}/complaints/new?resident={resident_id}")
    await assert_accessible(page, name="complaint-new")
    await page.goto(f"{live_server}{BASE}/complaints")
    await assert_accessible(page, name="complaints")
    await _log_out(page, live_server)

    # The partner accepts the referral in their pages.
    await log_in(page, live_server, "partner@test.local")
    await page.goto(f"{live_server}/partner{BASE}/referrals/{referral_id}")
    assert family in await page.inner_text("main")  # the consent shares the name
    await assert_accessible(page, name="partner-referral")
    await _submit(page, "Przyjmij skierowanie")
    assert (
        "Przyjęte" in await page.inner_text("main")
        or "przyj" in (await page.inner_text("main")).lower()
    )
    await _log_out(page, live_server)

    # OSL: community work.
    await log_in(page, live_server, "osl.a@test.local")
    await page.goto(f"{live_server}{BASE}/community")
    await assert_accessible(page, name="community")
    await save_screenshot(page, "community")
