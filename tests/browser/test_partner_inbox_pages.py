"""The partner inbox in a real browser: the partner logs in once, sees referrals from two
gminy, accepts one in the inbox, records a month of deliveries in bulk and reports a problem
to the CUS. axe-core on every page."""

from __future__ import annotations

import secrets
from datetime import timedelta

import httpx
from playwright.async_api import Page
from sqlalchemy.ext.asyncio import AsyncEngine

from cus_shared import clock
from tests.browser.accessibility import assert_accessible
from tests.browser.flows import log_in
from tests.conftest import GMINA_A, GMINA_B, PASSWORD
from tests.integration.test_referrals_api import granted
from tests.journey import Offer

KIPUS = {GMINA_A: "kipus.a@test.local", GMINA_B: "kipus.b@test.local"}


async def _referral(live_server: str, engine: AsyncEngine, offer: Offer, teryt: str) -> str:
    """A pending referral of 1 hour a month to the partner, made through the API."""
    async with httpx.AsyncClient(base_url=live_server) as client:
        token = (
            await client.post(
                "/api/tenants/auth/login", json={"email": KIPUS[teryt], "password": PASSWORD}
            )
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        base = f"/api/core/gminy/{teryt}"
        person = await client.post(
            f"{base}/residents",
            json={
                "given_name": "Teodora",
                "family_name": "Skrzynkowa" + secrets.token_hex(2),
                "birth_date": "1946-03-01",
                "address": {"street": "Polna", "building_no": "3", "city": "Golina"},
            },
            headers=headers,
        )
        assert person.status_code == 201, person.text
        resident = str(person.json()["id"])
        requested = await granted(engine, teryt, resident, offer.care)
        today = clock.today()
        consent = await client.post(
            f"{base}/residents/{resident}/consents",
            json={
                "partner_id": str(offer.partner),
                "scope": ["identity"],
                "purpose": "Usługi opiekuńcze",
                "given_on": today.isoformat(),
            },
            headers=headers,
        )
        assert consent.status_code == 201, consent.text
        created = await client.post(
            f"{base}/referrals",
            json={
                "requested_service_id": requested,
                "contract_id": str(offer.partner_contract),
                "starts_on": today.isoformat(),
                "ends_on": (clock.add_months(today, 2) - timedelta(days=1)).isoformat(),
                "volume_per_month": "1",
            },
            headers=headers,
        )
        assert created.status_code == 201, created.text
        return str(created.json()["id"])


async def _submit(page: Page, selector: str) -> None:
    async with page.expect_navigation():
        await page.click(selector)


async def test_partner_works_through_the_inbox(
    page: Page, live_server: str, offer: Offer, admin_engine: AsyncEngine
) -> None:
    in_a = await _referral(live_server, admin_engine, offer, GMINA_A)
    in_b = await _referral(live_server, admin_engine, offer, GMINA_B)

    await log_in(page, live_server, "partner@test.local")
    await page.goto(f"{live_server}/partner/inbox")
    body = await page.inner_text("main")
    assert "Kramsk" in body and "Golina" in body
    await assert_accessible(page, name="partner-inbox")

    await _submit(page, f"form[action$='/gminy/{GMINA_B}/referrals/{in_b}/accept'] button")
    assert page.url.endswith("/partner/inbox")
    await assert_accessible(page, name="partner-inbox-accepted")

    await page.fill(f"#s-{in_b}", "3")
    await page.fill(f"#h-{in_b}", "1")
    await _submit(page, "form[action='/partner/inbox/deliveries'] button[type=submit]")
    outcome = await page.inner_text("main")
    assert "Zapisano: 1" in outcome
    await assert_accessible(page, name="partner-inbox-deliveries")

    await page.goto(f"{live_server}/partner/gminy/{GMINA_B}/referrals/{in_b}/problems")
    await assert_accessible(page, name="partner-report-problem")
    await page.select_option("#f-category", "absence")
    await page.fill("#f-description", "Nikt nie otworzył drzwi we wtorek.")
    await _submit(page, "main form button[type=submit]")
    assert "Nikt nie otworzył drzwi we wtorek." in await page.inner_text("main")
    await assert_accessible(page, name="partner-problem-reported")
    assert in_a  # still pending in gmina A, listed above with its gmina
