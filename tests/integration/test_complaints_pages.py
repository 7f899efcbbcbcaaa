"""Complaints as pages: registering a complaint for a resident through the form, the list
with the time limit in words, each step through its form, a refused step explained and
changing nothing; other gminy answer 404."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from litestar import Litestar

from cus_shared import clock
from tests.conftest import GMINA_A, GMINA_B, Platform, count_rows
from tests.integration.test_resident_pages import register
from tests.pages import browser_session, text_of

pytestmark = pytest.mark.asyncio(loop_scope="session")

LIST = f"/gminy/{GMINA_A}/complaints"
SHOWN = re.compile(rf"^{LIST}/([0-9a-f-]{{36}})$")


async def test_complaint_through_the_forms(app: Litestar, platform: Platform) -> None:
    async with browser_session(app, "kipus.a@test.local") as browser:
        resident_id, fields = await register(browser)
        form = await browser.get(f"{LIST}/new?resident={resident_id}")
        assert form.status_code == 200, text_of(form)
        assert fields["family_name"] in text_of(form)
        # A complaint received tomorrow: explained, nothing written.
        before = await count_rows(platform.db.admin_engine, GMINA_A, "complaint")
        tomorrow = (clock.today() + timedelta(days=1)).isoformat()
        body = {"resident_id": resident_id, "channel": "letter", "summary": "Spóźnienia."}
        refused = await browser.submit(f"{LIST}/new", {**body, "received_on": tomorrow})
        assert refused.status_code == 422
        assert "Data wpływu skargi nie może być z przyszłości." in text_of(refused)
        assert await count_rows(platform.db.admin_engine, GMINA_A, "complaint") == before

        created = await browser.submit(f"{LIST}/new", body)
        assert created.status_code == 303, text_of(created)
        found = SHOWN.match(created.headers["location"])
        assert found
        page = await browser.get(created.headers["location"])
        assert "Zarejestrowano" in text_of(page)
        assert "Rozstrzygnij skargę" in text_of(page)
        record = created.headers["location"]

        listed = await browser.get(LIST)
        assert listed.status_code == 200
        assert fields["family_name"] in text_of(listed)
        with clock.travel(timedelta(days=27)):
            soon = await browser.get(record)
            assert re.search(r"Termin wkrótce mija: zosta\w+ \d+ d", text_of(soon)), text_of(soon)
        with clock.travel(timedelta(days=40)):
            late = await browser.get(LIST)
            assert re.search(r"Po terminie o \d+ d", text_of(late))

        # Closing before the decision: refused, nothing changed.
        wrong = await browser.submit(
            f"{record}/informed", {"informed_on": clock.today().isoformat()}
        )
        assert wrong.status_code == 409
        assert "Tego kroku nie można wykonać" in text_of(wrong)
        decided = await browser.submit(
            f"{record}/decision", {"outcome": "upheld", "decision": "Zasadna."}
        )
        assert decided.status_code == 303, text_of(decided)
        no_action = await browser.submit(
            f"{record}/informed", {"informed_on": clock.today().isoformat()}
        )
        assert no_action.status_code == 422
        assert "działań naprawczych" in text_of(no_action)
        action = await browser.submit(
            f"{record}/corrective-action", {"corrective_action": "Nowy grafik."}
        )
        assert action.status_code == 303
        closed = await browser.submit(
            f"{record}/informed", {"informed_on": clock.today().isoformat()}
        )
        assert closed.status_code == 303, text_of(closed)
        final = await browser.get(record)
        assert "Nowy grafik." in text_of(final)
        assert re.search(r"Zamknięta", text_of(final))
    async with browser_session(app, "kipus.b@test.local") as other:
        assert (await other.get(record)).status_code == 404
        path = record.replace(GMINA_A, GMINA_B)
        assert (await other.get(path)).status_code == 404
    async with browser_session(app, "osl.a@test.local") as osl:
        assert (await osl.get(LIST)).status_code == 403
