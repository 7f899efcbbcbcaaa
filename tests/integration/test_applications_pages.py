"""Applications as pages: a KIPUS registers an application from the form, the OUS sees it in
the queue, the interview and the decision go through their forms; mistakes are explained
next to the fields (in Polish) and write nothing; an overdue plan is said in words."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

import pytest
from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncEngine

from cus_shared import clock
from tests.conftest import GMINA_A, GMINA_B, count_rows
from tests.journey import Offer
from tests.pages import PageSession, browser_session, text_of

pytestmark = pytest.mark.asyncio(loop_scope="session")

UUID_PATTERN = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
QUEUE = f"/gminy/{GMINA_A}/applications"
TABLES = ("application", "requested_service", "needs_interview", "qualification_decision")


async def register_resident(browser: PageSession, **fields: str) -> str:
    family = "Formularzowa" + "".join(chr(ord("a") + int(c, 16)) for c in secrets.token_hex(4))
    response = await browser.submit(
        f"/gminy/{GMINA_A}/residents/new",
        {"given_name": "Irena", "family_name": family, "birth_date": "1948-04-05"} | fields,
    )
    assert response.status_code == 303, text_of(response)
    found = re.search(rf"/residents/({UUID_PATTERN})$", response.headers["location"])
    assert found
    return found.group(1)


async def counts(engine: AsyncEngine) -> list[int]:
    return [await count_rows(engine, GMINA_A, t) for t in TABLES]


async def test_application_through_the_forms(
    app: Litestar, admin_engine: AsyncEngine, offer: Offer
) -> None:
    async with browser_session(app, "kipus.a@test.local") as kipus:
        head = await register_resident(kipus)
        resident = await register_resident(kipus, household_of=head, household_role="parent")
        new_path = f"/gminy/{GMINA_A}/residents/{resident}/applications/new"
        form = await kipus.get(new_path)
        assert form.status_code == 200
        page = text_of(form)
        for label in ("Zarejestruj wniosek", "Usługi, o które wnioskuje", "Usługi opiekuńcze"):
            assert label in page
        assert "Wnioskodawca" in page and "oświadczenie" in page
        assert f'value="{head}"' in form.text

        # Mistakes: no declaration, no service. Nothing is written.
        before = await counts(admin_engine)
        wrong = await kipus.submit(new_path, {"channel": "letter", "registered_on": ""})
        assert wrong.status_code == 422
        page = text_of(wrong)
        assert "Wniosek wymaga podpisanego oświadczenia" in page
        assert "Wybierz co najmniej jedną usługę z programu gminy." in page
        assert await counts(admin_engine) == before

        created = await kipus.client.post(
            new_path,
            data={
                "_csrf_token": kipus.csrf,
                "channel": "letter",
                "registered_on": clock.today().isoformat(),
                "declaration_signed": "yes",
                "applicant_id": head,
                "services": [str(offer.care), str(offer.counselling)],
            },
        )
        assert created.status_code == 303, text_of(created)
        location = created.headers["location"]
        assert re.fullmatch(rf"{QUEUE}/{UUID_PATTERN}", location), location
        detail = await kipus.get(location)
        page = text_of(detail)
        assert "Zarejestrowano wniosek." in page
        number = re.search(r"W/\d{4}/\d+", page)
        assert number
        assert "Poradnictwo rodzinne" in page and "Oczekuje na decyzję" in page
        assert "członek gospodarstwa domowego" in page

        # The interview: a mistake first, then saved.
        before = await counts(admin_engine)
        wrong = await kipus.submit(
            f"{location}/interview", {"held_on": clock.today().isoformat(), "goals": "Cel"}
        )
        assert wrong.status_code == 422
        assert "Wpisz co najmniej jedną potrzebę" in text_of(wrong)
        assert await counts(admin_engine) == before
        saved = await kipus.submit(
            f"{location}/interview",
            {
                "held_on": clock.today().isoformat(),
                "goals": "Samodzielne życie w domu.",
                "risks": "",
                "need.4": "Pomoc przy zakupach.",
            },
        )
        assert saved.status_code == 303, text_of(saved)
        detail = await kipus.get(location)
        assert "Samodzielne życie w domu." in text_of(detail)
        assert "Pomoc społeczna" in text_of(detail)
        # A KIPUS sees no decision form.
        assert "/decision" not in detail.text

    async with browser_session(app, "ous.a@test.local") as ous:
        queue = await ous.get(QUEUE)
        assert queue.status_code == 200
        assert number.group(0) in text_of(queue)
        detail = await ous.get(location)
        actions = re.findall(
            rf'action="({location}/services/{UUID_PATTERN}/decision)"', detail.text
        )
        assert len(actions) == 2
        before = await counts(admin_engine)
        wrong = await ous.submit(actions[0], {"outcome": "refused", "reason": ""})
        assert wrong.status_code == 422
        assert "Podaj uzasadnienie odmowy" in text_of(wrong)
        assert await counts(admin_engine) == before
        refused = await ous.submit(
            actions[0], {"outcome": "refused", "reason": "Usługa nie odpowiada potrzebom."}
        )
        assert refused.status_code == 303
        granted = await ous.submit(actions[1], {"outcome": "granted", "support_form": "ipus"})
        assert granted.status_code == 303
        detail = text_of(await ous.get(location))
        assert "Usługa nie odpowiada potrzebom." in detail
        assert "Odmówiono" in detail and "Przyznano" in detail
        assert "Zapisano decyzję." in detail
        queue = await ous.get(QUEUE)
        assert number.group(0) not in text_of(queue)


async def test_overdue_in_words_and_other_gminy(app: Litestar, offer: Offer) -> None:
    async with browser_session(app, "kipus.a@test.local") as kipus:
        resident = await register_resident(kipus)
        new_path = f"/gminy/{GMINA_A}/residents/{resident}/applications/new"
        await kipus.get(new_path)
        created = await kipus.submit(
            new_path,
            {"channel": "in_person", "declaration_signed": "yes", "services": str(offer.care)},
        )
        assert created.status_code == 303, text_of(created)
        location = created.headers["location"]
        with clock.travel(timedelta(days=31)):
            page = text_of(await kipus.get(location))
            assert "Po terminie" in page
            queue = await kipus.get(QUEUE)
            row = next(r for r in queue.text.split("<tr>") if location.rsplit("/", 1)[1] in r)
            assert "Po terminie" in row
    async with browser_session(app, "kipus.b@test.local") as other:
        assert (await other.get(location)).status_code == 404
        other_url = location.replace(GMINA_A, GMINA_B)
        assert (await other.get(other_url)).status_code == 404
        assert (
            await other.get(f"/gminy/{GMINA_B}/residents/{resident}/applications/new")
        ).status_code == 404
    async with browser_session(app, "osl.a@test.local") as osl:
        assert (await osl.get(QUEUE)).status_code == 403
