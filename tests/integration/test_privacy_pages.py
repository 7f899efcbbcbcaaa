"""The resident's timeline page (newest first, links to each case, nobody else's data), the
downloads and the director's anonymisation form (refused and explained while the retention
period runs, done once it has passed); other gminy answer 404."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest
from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncEngine

from cus_shared import clock
from cus_shared.messages import translate
from tests.conftest import GMINA_A, GMINA_B, count_rows
from tests.integration.test_privacy_api import (
    AFTER_RETENTION,
    create_resident,
    insert_journey,
)
from tests.journey import Offer
from tests.pages import browser_session, text_of

pytestmark = pytest.mark.asyncio(loop_scope="session")


def page(resident_id: str, teryt: str = GMINA_A) -> str:
    return f"/gminy/{teryt}/residents/{resident_id}"


async def test_timeline_page_lists_the_journey_newest_first(
    app: Litestar, client: httpx.AsyncClient, admin_engine: AsyncEngine, offer: Offer
) -> None:
    resident = await create_resident(client)
    other = await create_resident(client)
    journey = await insert_journey(admin_engine, resident["id"], offer)
    await insert_journey(admin_engine, other["id"], offer)
    async with browser_session(app, "osl.a@test.local") as browser:
        response = await browser.get(f"{page(resident['id'])}/timeline")
        assert response.status_code == 200, response.text
        shown = text_of(response)
        assert "Przebieg wsparcia mieszkańca" in shown
        assert resident["family_name"] in shown
        assert other["family_name"] not in shown
        # Newest first: the complaint came after the application, the closing after both.
        complaint = shown.index("Wpłynęła skarga")
        registered = shown.index("Zarejestrowano wniosek")
        assert shown.index("Zamknięto plan") < complaint < registered
        assert "Zrealizowano w ramach skierowania" in shown
        assert "Wsparcie sąsiedzkie" in shown
        links = re.findall(r'href="([^"]*)"', response.text)
        for path in (
            f"/gminy/{GMINA_A}/applications/{journey.application}",
            f"/gminy/{GMINA_A}/plans/{journey.plan}",
            f"/gminy/{GMINA_A}/referrals/{journey.referral}",
            f"/gminy/{GMINA_A}/complaints/{journey.complaint}",
        ):
            assert path in links, path
        # An OSL may read the timeline but neither export nor anonymise.
        assert "export.pdf" not in response.text
        assert "anonymise" not in response.text
        assert (await browser.get(f"{page(resident['id'])}/export.pdf")).status_code == 403


async def test_director_anonymises_through_the_form(
    app: Litestar, client: httpx.AsyncClient, admin_engine: AsyncEngine, offer: Offer
) -> None:
    resident = await create_resident(client)
    await insert_journey(admin_engine, resident["id"], offer)
    async with browser_session(app, "director@test.local") as browser:
        timeline = await browser.get(f"{page(resident['id'])}/timeline")
        assert f'action="{page(resident["id"])}/anonymise"' in timeline.text
        assert "export.pdf" in timeline.text
        residents = await count_rows(admin_engine, GMINA_A, "resident")

        unconfirmed = await browser.submit(f"{page(resident['id'])}/anonymise", {})
        assert unconfirmed.status_code == 422
        assert translate("field.required", "pl") in text_of(unconfirmed)

        refused = await browser.submit(f"{page(resident['id'])}/anonymise", {"confirm": "yes"})
        assert refused.status_code == 409
        until = clock.add_months(clock.today(), 120).strftime("%d.%m.%Y")
        assert until in text_of(refused)
        assert resident["family_name"] in text_of(refused)

        with clock.travel(AFTER_RETENTION):
            done = await browser.submit(f"{page(resident['id'])}/anonymise", {"confirm": "yes"})
            assert done.status_code == 303, text_of(done)
            assert done.headers["location"] == f"{page(resident['id'])}/timeline"
            after = await browser.get(done.headers["location"])
            shown = text_of(after)
            assert "Dane mieszkańca zostały zanonimizowane." in shown
            assert resident["family_name"] not in shown
            assert "Anonimizowano" in shown
            assert "anonymise" not in after.text
        assert await count_rows(admin_engine, GMINA_A, "resident") == residents


async def test_other_gminy_and_bad_ids_get_404_pages(
    app: Litestar, client: httpx.AsyncClient
) -> None:
    resident = await create_resident(client)
    async with browser_session(app, "kipus.b@test.local") as browser:
        for teryt in (GMINA_A, GMINA_B):
            for suffix in ("timeline", "export.json", "export.pdf"):
                response = await browser.get(f"{page(resident['id'], teryt)}/{suffix}")
                assert response.status_code == 404, (teryt, suffix)
                assert resident["family_name"] not in response.text
    async with browser_session(app, "director@test.local") as browser:
        for bad in ("not-a-uuid", str(uuid.uuid4())):
            for suffix in ("timeline", "export.json", "export.pdf"):
                response = await browser.get(f"/gminy/{GMINA_A}/residents/{bad}/{suffix}")
                assert response.status_code == 404, (bad, suffix)
        response = await browser.get(f"{page(resident['id'], GMINA_B)}/timeline")
        assert response.status_code == 404
