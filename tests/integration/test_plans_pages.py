"""Plans as pages: the caseload shows overdue reviews first with a text marker, a plan drafted
through the form (blank rows ignored, mistakes shown and nothing written), approved and
printed as a Polish PDF; other gminy answer 404."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import httpx
import pytest
from litestar import Litestar
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from cus_shared import clock
from tests.conftest import GMINA_A, GMINA_B, count_rows
from tests.integration.test_plans_api import (
    DIRECTOR,
    KIPUS,
    approved,
    last_day,
    new_resident,
)
from tests.journey import Offer
from tests.pages import browser_session, text_of

pytestmark = pytest.mark.asyncio(loop_scope="session")

PAGES = f"/gminy/{GMINA_A}/plans"
PLAN_PATH = re.compile(r"^/gminy/\d{7}/plans/([0-9a-f-]{36})$")


async def test_caseload_shows_overdue_reviews_first(
    app: Litestar, client: httpx.AsyncClient, offer: Offer
) -> None:
    later = await approved(client, offer)
    sooner = await approved(client, offer, months=6)
    async with browser_session(app, KIPUS) as browser:
        start = clock.today()
        with clock.travel(clock.add_months(start, 3) - start + timedelta(days=3)):
            page = await browser.get(f"/gminy/{GMINA_A}/caseload")
            assert page.status_code == 200, page.text
            words = text_of(page)
            assert "po terminie" in words
            first_row = re.search(r"<tbody>\s*<tr class=\"due-(\w+)\"", page.text)
            assert first_row and first_row.group(1) == "overdue"
            assert later["number"] in words and sooner["number"] in words
            assert later["resident"]["family_name"] in words
    # Another gmina's KIPUS sees none of it.
    async with browser_session(app, "kipus.b@test.local") as browser:
        page = await browser.get(f"/gminy/{GMINA_A}/caseload")
        assert page.status_code == 404
        page = await browser.get(f"/gminy/{GMINA_B}/plans/{later['id']}")
        assert page.status_code == 404
        page = await browser.get(f"/gminy/{GMINA_B}/plans/{later['id']}/pdf")
        assert page.status_code == 404


async def test_draft_approve_and_review_through_the_forms(
    app: Litestar, client: httpx.AsyncClient, offer: Offer, admin_engine: AsyncEngine
) -> None:
    resident = await new_resident(client)
    start = clock.today()
    async with browser_session(app, KIPUS) as browser:
        form = await browser.get(f"{PAGES}/new?resident={resident}")
        assert form.status_code == 200, form.text
        assert "nie czyni osoby klientem pomocy społecznej" in text_of(form)
        body: dict[str, str] = {
            "resident_id": resident,
            "starts_on": start.isoformat(),
            "ends_on": last_day(start, 13).isoformat(),
            "goals.1.description": "Wyjście na spacer codziennie",
            "services.2.service_id": str(offer.care),
            "services.2.contract_id": str(offer.partner_contract),
            "services.2.schedule": "codziennie 9:00",
        }
        before = await count_rows(admin_engine, GMINA_A, "individual_plan")
        refused = await browser.submit(f"{PAGES}/new", body)
        assert refused.status_code == 422
        assert "od 3 do 12 miesięcy" in text_of(refused)
        assert await count_rows(admin_engine, GMINA_A, "individual_plan") == before
        body["ends_on"] = last_day(start, 6).isoformat()
        created = await browser.submit(f"{PAGES}/new", body)
        assert created.status_code == 303, text_of(created)
        found = PLAN_PATH.match(created.headers["location"])
        assert found
        plan_id = found.group(1)
    async with browser_session(app, DIRECTOR) as browser:
        page = await browser.get(f"{PAGES}/{plan_id}")
        assert "Zatwierdź plan" in text_of(page)
        response = await browser.submit(f"{PAGES}/{plan_id}/approve")
        assert response.status_code == 303, text_of(response)
    async with browser_session(app, KIPUS) as browser:
        page = await browser.get(f"{PAGES}/{plan_id}")
        words = text_of(page)
        assert "Wyjście na spacer codziennie" in words and "Usługi opiekuńcze" in words
        review = re.search(rf"{PAGES}/{plan_id}/reviews/([0-9a-f-]{{36}})", page.text)
        assert review
        with clock.travel(clock.add_months(start, 3) - start + timedelta(days=1)):
            bad = await browser.submit(
                review.group(0), {"done_on": "", "outcome": "continue", "notes": ""}
            )
            assert bad.status_code == 422
            done = await browser.submit(
                review.group(0),
                {"done_on": clock.today().isoformat(), "outcome": "continue", "notes": "Dobrze."},
            )
            assert done.status_code == 303, text_of(done)
        version = await browser.get(f"{PAGES}/{plan_id}/versions/1")
        assert version.status_code == 200 and "Wyjście na spacer codziennie" in text_of(version)
        closed = await browser.submit(
            f"{PAGES}/{plan_id}/close", {"done_on": start.isoformat(), "summary": ""}
        )
        assert closed.status_code == 422


async def test_printable_plan(
    app: Litestar, client: httpx.AsyncClient, offer: Offer, admin_engine: AsyncEngine
) -> None:
    from pypdf import PdfReader

    plan = await approved(client, offer)
    async with browser_session(app, KIPUS) as browser:
        response = await browser.get(f"{PAGES}/{plan['id']}/pdf")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/pdf")
    disposition = response.headers["content-disposition"]
    assert "attachment" in disposition and plan["resident"]["family_name"] not in disposition
    assert plan["number"].replace("/", "-") in disposition
    content = "\n".join(
        page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages
    )
    flat = " ".join(content.split())
    assert "Indywidualny plan usług społecznych" in flat
    assert plan["number"] in flat
    assert plan["resident"]["family_name"] in flat
    assert "nie czyni" in flat  # the marker: not a social-assistance client
    async with admin_engine.connect() as conn:
        details = await conn.scalar(
            text(
                f'SELECT details::text FROM "gmina_{GMINA_A}".audit_log '
                "WHERE entity = 'plan' AND entity_id = :id AND action = 'read'"
            ),
            {"id": plan["id"]},
        )
    assert details is not None and "pdf" in details
