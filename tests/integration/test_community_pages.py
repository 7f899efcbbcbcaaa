"""The community work page: the year's numbers and lists, adding a volunteer, a group, an
event and a neighbour-support link through the forms; mistakes explained and written
nowhere; KIPUS reads without forms; other gminy answer 404."""

from __future__ import annotations

import re
import secrets

import pytest
from litestar import Litestar

from cus_shared import clock
from tests.conftest import GMINA_A, GMINA_B, Platform, count_rows
from tests.integration.test_resident_pages import register
from tests.pages import browser_session, text_of

pytestmark = pytest.mark.asyncio(loop_scope="session")

PAGE = f"/gminy/{GMINA_A}/community"


async def test_community_through_the_forms(app: Litestar, platform: Platform) -> None:
    engine = platform.db.admin_engine
    today = clock.today().isoformat()
    family = "Wolontariuszowa" + secrets.token_hex(3)
    async with browser_session(app, "kipus.a@test.local") as kipus:
        resident_id, fields = await register(kipus)
        read_only = await kipus.get(PAGE)
        assert read_only.status_code == 200
        assert f'action="{PAGE}/volunteers"' not in read_only.text
    async with browser_session(app, "osl.a@test.local") as browser:
        page = await browser.get(PAGE)
        assert page.status_code == 200, text_of(page)
        before = await count_rows(engine, GMINA_A, "volunteer")
        refused = await browser.submit(
            f"{PAGE}/volunteers",
            {"given_name": "Ala", "family_name": family, "active_since": today},
        )
        assert refused.status_code == 422
        assert await count_rows(engine, GMINA_A, "volunteer") == before
        added = await browser.client.post(
            f"{PAGE}/volunteers",
            data={
                "_csrf_token": browser.csrf,
                "given_name": "Ala",
                "family_name": family,
                "kinds": ["care", "household"],
                "active_since": today,
            },
        )
        assert added.status_code == 303, text_of(added)
        assert await count_rows(engine, GMINA_A, "volunteer") == before + 1
        page = await browser.get(PAGE)
        assert family in text_of(page)
        option = re.search(
            rf'<option value="([0-9a-f-]{{36}})"[^>]*>Ala {family}</option>', page.text
        )
        assert option, "the new volunteer is offered in the neighbour-support form"
        volunteer_id = option.group(1)
        group = await browser.submit(
            f"{PAGE}/groups",
            {"name": "Klub mam", "topic": "Wsparcie", "members": "9", "started_on": today},
        )
        assert group.status_code == 303, text_of(group)
        event = await browser.submit(
            f"{PAGE}/events", {"title": "Festyn", "held_on": today, "participants": "120"}
        )
        assert event.status_code == 303, text_of(event)
        wrong_kind = await browser.submit(
            f"{PAGE}/neighbour-support",
            {
                "volunteer_id": volunteer_id,
                "resident_id": resident_id,
                "kind": "educational",
                "started_on": today,
            },
        )
        assert wrong_kind.status_code == 422
        assert "Ten wolontariusz nie wykonuje wolontariatu tego rodzaju." in text_of(wrong_kind)
        linked = await browser.submit(
            f"{PAGE}/neighbour-support",
            {
                "volunteer_id": volunteer_id,
                "resident_id": resident_id,
                "kind": "care",
                "started_on": today,
            },
        )
        assert linked.status_code == 303, text_of(linked)
        final = text_of(await browser.get(PAGE))
        assert "Festyn" in final and "Klub mam" in final
        assert fields["family_name"] in final
    async with browser_session(app, "kipus.b@test.local") as other:
        assert (await other.get(PAGE)).status_code == 404
        assert (await other.get(f"/gminy/{GMINA_B}/community")).status_code == 200
