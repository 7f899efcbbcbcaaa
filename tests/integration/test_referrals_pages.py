"""Referrals as pages: consents given and withdrawn on the resident's consent page, a
referral sent through the form (a refusal explained, nothing written), the partner
accepting and recording a delivery on its pages, the CUS's list by status and a referral's
history; other gminy and other partners answer 404."""

from __future__ import annotations

import re

import httpx
import pytest
from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncEngine

from cus_shared import clock
from tests.conftest import GMINA_A, count_rows
from tests.integration.test_referrals_api import TABLES, granted, period, resident
from tests.journey import Offer
from tests.pages import browser_session, text_of

pytestmark = pytest.mark.asyncio(loop_scope="session")

BASE = f"/gminy/{GMINA_A}"
PARTNER = f"/partner/gminy/{GMINA_A}/referrals"


async def test_referral_loop_through_the_pages(
    app: Litestar, client: httpx.AsyncClient, admin_engine: AsyncEngine, offer: Offer
) -> None:
    person = await resident(client)
    requested = await granted(admin_engine, GMINA_A, person, offer.care)
    consents = f"{BASE}/residents/{person}/consents"
    async with browser_session(app, "kipus.a@test.local") as kipus:
        page = await kipus.get(consents)
        assert page.status_code == 200, page.text
        assert "Spółdzielnia Socjalna Test" in page.text
        before = {t: await count_rows(admin_engine, GMINA_A, t) for t in TABLES}
        refused = await kipus.submit(
            consents,
            {
                "partner_id": str(offer.partner),
                "scope": "identity",
                "purpose": "Opieka",
                "given_on": "2999-01-01",
            },
        )
        assert refused.status_code == 422
        assert "nie może być z przyszłości" in text_of(refused)
        assert {t: await count_rows(admin_engine, GMINA_A, t) for t in TABLES} == before

        given = await kipus.submit(
            consents,
            {
                "partner_id": str(offer.partner),
                "scope": "identity",
                "purpose": "Opieka",
                "given_on": clock.today().isoformat(),
            },
        )
        assert given.status_code == 303, text_of(given)

        form = await kipus.get(f"{BASE}/referrals/new?requested_service={requested}")
        assert form.status_code == 200, form.text
        assert "zgoda mieszkańca jest zapisana" in text_of(form)
        starts_on, ends_on = period()
        sent = await kipus.submit(
            f"{BASE}/referrals/new",
            {
                "requested_service_id": requested,
                "contract_id": str(offer.partner_contract),
                "starts_on": starts_on,
                "ends_on": ends_on,
                "volume_per_month": "1",
            },
        )
        assert sent.status_code == 303, text_of(sent)
        detail_path = sent.headers["location"]
        referral_id = detail_path.rsplit("/", 1)[1]

    async with browser_session(app, "partner@test.local") as partner:
        listed = await partner.get(PARTNER)
        assert listed.status_code == 200, listed.text
        assert referral_id in listed.text
        shown = await partner.get(f"{PARTNER}/{referral_id}")
        assert "Halina" in text_of(shown)
        accepted = await partner.submit(f"{PARTNER}/{referral_id}/accept")
        assert accepted.status_code == 303
        recorded = await partner.submit(
            f"{PARTNER}/{referral_id}/deliveries",
            {"month": clock.today().strftime("%Y-%m"), "sessions": "2", "hours": "1"},
        )
        assert recorded.status_code == 303
        shown = await partner.get(f"{PARTNER}/{referral_id}")
        assert "W realizacji" in text_of(shown)

    async with browser_session(app, "kipus.a@test.local") as kipus:
        listed = await kipus.get(f"{BASE}/referrals?status=in_delivery")
        assert listed.status_code == 200 and referral_id in listed.text
        detail = await kipus.get(detail_path)
        text = text_of(detail)
        assert "Historia" in text and "Partner lub partnerka" in text and "Zaplanowano" in text
        # Withdrawing the consent stops sharing at once.
        page = await kipus.get(consents)
        withdraw = re.search(r'action="([^"]+/withdraw)"', page.text)
        assert withdraw
        assert (await kipus.submit(withdraw.group(1))).status_code == 303
        cancelled = await kipus.submit(f"{detail_path}/cancel", {"reason": ""})
        assert cancelled.status_code == 303
        after = await kipus.get(detail_path)
        assert "W realizacji" in text_of(after)  # a cancel without reason changed nothing

    async with browser_session(app, "partner@test.local") as partner:
        shown = await partner.get(f"{PARTNER}/{referral_id}")
        assert "Halina" not in text_of(shown)

    async with browser_session(app, "partner.b@test.local") as other:
        assert (await other.get(PARTNER)).status_code == 404
        assert (await other.get(f"{PARTNER}/{referral_id}")).status_code == 404
    async with browser_session(app, "kipus.b@test.local") as stranger:
        assert (await stranger.get(detail_path)).status_code == 404
        assert (await stranger.get(consents)).status_code == 404
