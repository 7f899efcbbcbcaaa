"""The partner inbox across gminy through the API: referrals from every gmina the partner
serves with the gmina named and nothing of another partner or gmina, urgency order and
filters, a month's deliveries in bulk with partial success, problems reported to the CUS and
acknowledged, complaints forwarded to the partner and answered; every refusal explained with
nothing written, and other partners' or gminy's objects answering 404."""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from cus_shared import clock
from tests.conftest import GMINA_A, GMINA_B, GMINA_C, PASSWORD, count_rows, login
from tests.integration.test_referrals_api import consent, granted, refer, resident
from tests.journey import Offer

pytestmark = pytest.mark.asyncio(loop_scope="session")

Client = httpx.AsyncClient
INBOX = "/api/core/partner/inbox"
KIPUS = {GMINA_A: "kipus.a@test.local", GMINA_B: "kipus.b@test.local"}


async def fresh_login(client: Client, email: str) -> dict[str, str]:
    """A new token (the cached one may predate the contracts that name the served gminy)."""
    response = await client.post(
        "/api/tenants/auth/login", json={"email": email, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def partner_base(teryt: str) -> str:
    return f"/api/core/partner/gminy/{teryt}"


async def referral(
    client: Client,
    engine: AsyncEngine,
    offer: Offer,
    teryt: str = GMINA_A,
    *,
    other_partner: bool = False,
    starts_in_days: int = 0,
    start: Any = None,
    months: int = 3,
) -> tuple[str, str, str]:
    """A pending referral to the partner (or the other partner, gmina B only) of 1 hour a
    month: (referral id, resident's family name, consent id)."""
    kipus = KIPUS[teryt]
    person = await resident(client, teryt, kipus)
    requested = await granted(engine, teryt, person, offer.care)
    partner = offer.other_partner if other_partner else offer.partner
    consent_id = await consent(client, person, partner, teryt=teryt, email=kipus)
    first = start or clock.today() + timedelta(days=starts_in_days)
    dates = (first.isoformat(), (clock.add_months(first, months) - timedelta(days=1)).isoformat())
    contract = offer.other_contract if other_partner else offer.partner_contract
    created = await refer(
        client, requested, contract, volume="1", dates=dates, teryt=teryt, email=kipus
    )
    assert created.status_code == 201, created.text
    shown = await client.get(
        f"/api/core/gminy/{teryt}/residents/{person}", headers=await login(client, kipus)
    )
    return str(created.json()["id"]), str(shown.json()["family_name"]), consent_id


async def accepted(
    client: Client, headers: dict[str, str], teryt: str, referral_id: str, *, start: bool = False
) -> None:
    base = f"{partner_base(teryt)}/referrals/{referral_id}"
    response = await client.post(f"{base}/accept", headers=headers)
    assert response.status_code == 200, response.text
    if start:
        response = await client.post(f"{base}/start", headers=headers)
        assert response.status_code == 200, response.text


async def inbox(client: Client, headers: dict[str, str], **params: str) -> httpx.Response:
    return await client.get(INBOX, params=params, headers=headers)


def messages(response: httpx.Response) -> str:
    """The problem's title and its field messages, as the person reads them."""
    problem = response.json()
    return " ".join([problem["title"]] + [e["message"] for e in problem.get("errors", [])])


def rows_of(response: httpx.Response, ids: list[str]) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    return [r for r in response.json()["items"] if r["id"] in ids]


# --- the inbox across gminy -----------------------------------------------------------------


async def test_inbox_shows_every_served_gmina_and_nothing_else(
    client: Client, admin_engine: AsyncEngine, offer: Offer
) -> None:
    in_a, name_a, _c = await referral(client, admin_engine, offer, GMINA_A, starts_in_days=30)
    in_b, name_b, _c = await referral(client, admin_engine, offer, GMINA_B, starts_in_days=30)
    other, _n, _c = await referral(
        client, admin_engine, offer, GMINA_B, other_partner=True, starts_in_days=30
    )
    partner = await fresh_login(client, "partner@test.local")
    response = await inbox(client, partner)
    body = response.json()
    rows = {r["id"]: r for r in rows_of(response, [in_a, in_b, other])}
    assert set(rows) == {in_a, in_b}
    assert (rows[in_a]["teryt"], rows[in_a]["gmina_name"]) == (GMINA_A, "Kramsk")
    assert (rows[in_b]["teryt"], rows[in_b]["gmina_name"]) == (GMINA_B, "Golina")
    assert name_a in rows[in_a]["person_name"] and name_b in rows[in_b]["person_name"]
    assert rows[in_a]["partner_name"] == "Spółdzielnia Socjalna Test"
    assert {g["teryt"] for g in body["gminy"]} == {GMINA_A, GMINA_B}
    assert body["unavailable"] == []
    assert "resident_id" not in rows[in_a]
    # The inbox read is audited in each gmina, as the partner.
    async with admin_engine.connect() as conn:
        for teryt, rid in ((GMINA_A, in_a), (GMINA_B, in_b)):
            roles = await conn.scalar(
                text(
                    f"SELECT string_agg(DISTINCT actor_roles, ',') "
                    f'FROM "gmina_{teryt}".audit_log '
                    "WHERE entity = 'referral' AND entity_id = :id AND action = 'list'"
                ),
                {"id": uuid.UUID(rid)},
            )
            assert roles == "partner_staff"

    partner_b = await fresh_login(client, "partner.b@test.local")
    seen = rows_of(await inbox(client, partner_b), [in_a, in_b, other])
    assert [r["id"] for r in seen] == [other]
    assert seen[0]["gmina_name"] == "Golina"
    assert (await inbox(client, partner_b, gmina=GMINA_A)).status_code == 404
    assert (await inbox(client, partner, gmina=GMINA_C)).status_code == 404
    # Per gmina too: partner.b has no contract in A; nobody reaches another's referral.
    assert (
        await client.get(f"{partner_base(GMINA_A)}/referrals/{in_a}", headers=partner_b)
    ).status_code == 404
    assert (
        await client.get(f"{partner_base(GMINA_B)}/referrals/{other}", headers=partner)
    ).status_code == 404
    # CUS staff have no inbox.
    kipus = await login(client, "kipus.a@test.local")
    assert (await inbox(client, kipus)).status_code in (403, 404)


async def test_withdrawn_consent_hides_the_person_in_the_inbox(
    client: Client, admin_engine: AsyncEngine, offer: Offer
) -> None:
    rid, name, consent_id = await referral(client, admin_engine, offer, starts_in_days=31)
    partner = await fresh_login(client, "partner@test.local")
    assert name in rows_of(await inbox(client, partner), [rid])[0]["person_name"]
    kipus = await login(client, "kipus.a@test.local")
    person = (await client.get(f"/api/core/gminy/{GMINA_A}/referrals/{rid}", headers=kipus)).json()
    withdrawn = await client.post(
        f"/api/core/gminy/{GMINA_A}/residents/{person['resident_id']}/consents/{consent_id}/withdraw",
        headers=kipus,
    )
    assert withdrawn.status_code == 200, withdrawn.text
    row = rows_of(await inbox(client, partner), [rid])[0]
    assert row["person_name"] is None
    assert name not in (await inbox(client, partner)).text


async def test_urgency_order_and_filters(
    client: Client, admin_engine: AsyncEngine, offer: Offer
) -> None:
    partner = await fresh_login(client, "partner@test.local")
    later, _n, _c = await referral(client, admin_engine, offer, GMINA_A, starts_in_days=12)
    soon, _n, _c = await referral(client, admin_engine, offer, GMINA_B, starts_in_days=2)
    last_month = clock.add_months(clock.first_of_month(clock.today()), -1)
    missing, _n, _c = await referral(client, admin_engine, offer, GMINA_A, start=last_month)
    await accepted(client, partner, GMINA_A, missing, start=True)
    working, _n, _c = await referral(client, admin_engine, offer, GMINA_B, starts_in_days=3)
    await accepted(client, partner, GMINA_B, working)
    mine = [later, soon, missing, working]

    rows = rows_of(await inbox(client, partner), mine)
    assert [r["id"] for r in rows] == [soon, later, missing, working]
    assert [r["urgency"] for r in rows] == ["pending", "pending", "missing_delivery", "other"]
    assert rows[0]["expires_on"] == (clock.today() + timedelta(days=16)).isoformat()
    assert rows[2]["missing_month"] == last_month.isoformat()

    only_a = rows_of(await inbox(client, partner, gmina=GMINA_A), mine)
    assert [r["id"] for r in only_a] == [later, missing]
    pending = rows_of(await inbox(client, partner, status="pending"), mine)
    assert [r["id"] for r in pending] == [soon, later]
    care = rows_of(await inbox(client, partner, service_id=str(offer.care)), mine)
    assert len(care) == 4
    assert rows_of(await inbox(client, partner, service_id=str(offer.assistance)), mine) == []

    bad = await inbox(client, partner, status="lost")
    assert bad.status_code == 422
    assert "status" in bad.text.lower() or "Nieznany" in bad.text
    bad_en = await client.get(
        INBOX, params={"status": "lost"}, headers={**partner, "Accept-Language": "en"}
    )
    assert bad_en.status_code == 422 and messages(bad_en) != messages(bad)


# --- bulk deliveries ------------------------------------------------------------------------


async def test_bulk_deliveries_save_what_they_can_and_explain_the_rest(
    client: Client, admin_engine: AsyncEngine, offer: Offer
) -> None:
    partner = await fresh_login(client, "partner@test.local")
    a1, _n, _c = await referral(client, admin_engine, offer, GMINA_A)
    a2, _n, _c = await referral(client, admin_engine, offer, GMINA_A)
    b1, _n, _c = await referral(client, admin_engine, offer, GMINA_B)
    next_month = clock.add_months(clock.first_of_month(clock.today()), 1)
    b_later, _n, _c = await referral(client, admin_engine, offer, GMINA_B, start=next_month)
    other, _n, _c = await referral(client, admin_engine, offer, GMINA_B, other_partner=True)
    for teryt, rid in ((GMINA_A, a1), (GMINA_A, a2), (GMINA_B, b1), (GMINA_B, b_later)):
        await accepted(client, partner, teryt, rid)
    before = {t: await count_rows(admin_engine, t, "delivery") for t in (GMINA_A, GMINA_B)}
    month = clock.first_of_month(clock.today()).strftime("%Y-%m")

    def row(teryt: str, rid: str, hours: str = "1") -> dict[str, Any]:
        return {"teryt": teryt, "referral_id": rid, "sessions": 2, "hours": hours}

    response = await client.post(
        f"{INBOX}/deliveries",
        json={
            "month": month,
            "rows": [
                row(GMINA_A, a1),
                row(GMINA_B, b_later),
                row(GMINA_A, a2, "0.5"),
                row(GMINA_B, b1),
                row(GMINA_B, other),
                row(GMINA_C, a1),
            ],
        },
        headers=partner,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["saved"], body["refused"]) == (3, 3)
    outcome = [(r["referral_id"], r["saved"], r["reason_key"]) for r in body["rows"]]
    assert outcome == [
        (a1, True, None),
        (b_later, False, "delivery.month_outside"),
        (a2, True, None),
        (b1, True, None),
        (other, False, "not_found"),
        (a1, False, "not_found"),
    ]
    assert body["rows"][1]["reason"]  # a message in the person's language
    after = {t: await count_rows(admin_engine, t, "delivery") for t in (GMINA_A, GMINA_B)}
    assert after == {GMINA_A: before[GMINA_A] + 2, GMINA_B: before[GMINA_B] + 1}
    kipus = await login(client, "kipus.a@test.local")
    shown = (await client.get(f"/api/core/gminy/{GMINA_A}/referrals/{a2}", headers=kipus)).json()
    assert shown["status"] == "in_delivery" and shown["deliveries"][0]["hours"] in ("0.5", "0.50")


async def test_bulk_deliveries_bad_input_writes_nothing(
    client: Client, admin_engine: AsyncEngine, offer: Offer
) -> None:
    partner = await fresh_login(client, "partner@test.local")
    rid, _n, _c = await referral(client, admin_engine, offer, GMINA_A)
    await accepted(client, partner, GMINA_A, rid)
    before = await count_rows(admin_engine, GMINA_A, "delivery")
    row = {"teryt": GMINA_A, "referral_id": rid, "sessions": 1, "hours": "1"}
    month = clock.first_of_month(clock.today()).strftime("%Y-%m")

    bad_month = await client.post(
        f"{INBOX}/deliveries", json={"month": "2026-13", "rows": [row]}, headers=partner
    )
    assert bad_month.status_code == 422
    assert "miesiąc" in bad_month.text.lower() or "RRRR-MM" in bad_month.text
    english = await client.post(
        f"{INBOX}/deliveries",
        json={"month": "2026-13", "rows": [row]},
        headers={**partner, "Accept-Language": "en"},
    )
    assert english.status_code == 422 and "month" in english.text.lower()
    twice = await client.post(
        f"{INBOX}/deliveries", json={"month": month, "rows": [row, row]}, headers=partner
    )
    assert twice.status_code == 422
    assert "więcej niż raz" in twice.text
    negative = await client.post(
        f"{INBOX}/deliveries",
        json={"month": month, "rows": [{**row, "sessions": -1}]},
        headers=partner,
    )
    assert negative.status_code == 422
    empty = await client.post(
        f"{INBOX}/deliveries", json={"month": month, "rows": []}, headers=partner
    )
    assert empty.status_code == 422
    assert await count_rows(admin_engine, GMINA_A, "delivery") == before


# --- problems in delivery -------------------------------------------------------------------


async def test_problem_reaches_the_cus_at_once_and_is_acknowledged(
    client: Client, admin_engine: AsyncEngine, offer: Offer
) -> None:
    partner = await fresh_login(client, "partner@test.local")
    rid, _n, _c = await referral(client, admin_engine, offer, GMINA_A)
    problems_url = f"{partner_base(GMINA_A)}/referrals/{rid}/problems"
    description = "Nikt nie otworzył drzwi " + secrets.token_hex(3)

    pending = await client.post(
        problems_url, json={"category": "absence", "description": description}, headers=partner
    )
    assert pending.status_code == 409
    await accepted(client, partner, GMINA_A, rid)
    before = await count_rows(admin_engine, GMINA_A, "delivery_problem")
    for body in (
        {"category": "lost", "description": description},
        {"category": "absence", "description": "   "},
        {"category": "absence"},
    ):
        bad = await client.post(problems_url, json=body, headers=partner)
        assert bad.status_code == 422, bad.text
    bad_en = await client.post(
        problems_url,
        json={"category": "absence", "description": ""},
        headers={**partner, "Accept-Language": "en"},
    )
    assert bad_en.status_code == 422 and messages(bad_en) != messages(bad)
    assert await count_rows(admin_engine, GMINA_A, "delivery_problem") == before

    partner_b = await fresh_login(client, "partner.b@test.local")
    for url in (problems_url, f"{partner_base(GMINA_B)}/referrals/{rid}/problems"):
        foreign = await client.post(
            url, json={"category": "health", "description": "x"}, headers=partner_b
        )
        assert foreign.status_code == 404
    wrong_gmina = await client.post(
        f"{partner_base(GMINA_B)}/referrals/{rid}/problems",
        json={"category": "health", "description": "x"},
        headers=partner,
    )
    assert wrong_gmina.status_code == 404
    assert await count_rows(admin_engine, GMINA_A, "delivery_problem") == before

    reported = await client.post(
        problems_url,
        json={"category": "safety", "urgent": True, "description": description},
        headers=partner,
    )
    assert reported.status_code == 201, reported.text
    problem = reported.json()
    assert problem["urgent"] and problem["acknowledged_at"] is None
    listed = await client.get(problems_url, headers=partner)
    assert [p["id"] for p in listed.json()] == [problem["id"]]

    kipus = await login(client, "kipus.a@test.local")
    open_now = await client.get(f"/api/core/gminy/{GMINA_A}/problems", headers=kipus)
    assert open_now.status_code == 200, open_now.text
    row = next(p for p in open_now.json() if p["id"] == problem["id"])
    assert row["description"] == description and row["service_name"] == "Usługi opiekuńcze"
    assert row["partner_name"] == "Spółdzielnia Socjalna Test"
    assert open_now.json()[0]["urgent"]  # urgent ones first

    kipus_b = await login(client, "kipus.b@test.local")
    kipus_c = await login(client, "kipus.c@test.local")
    b_list = await client.get(f"/api/core/gminy/{GMINA_B}/problems", headers=kipus_b)
    assert problem["id"] not in [p["id"] for p in b_list.json()]
    assert (
        await client.get(f"/api/core/gminy/{GMINA_A}/problems", headers=kipus_c)
    ).status_code == 404
    for headers, teryt in ((kipus_b, GMINA_B), (kipus_b, GMINA_A), (kipus_c, GMINA_A)):
        foreign = await client.post(
            f"/api/core/gminy/{teryt}/problems/{problem['id']}/acknowledge",
            json={"response": "Telefon"},
            headers=headers,
        )
        assert foreign.status_code == 404
    acknowledge = f"/api/core/gminy/{GMINA_A}/problems/{problem['id']}/acknowledge"
    empty = await client.post(acknowledge, json={"response": ""}, headers=kipus)
    assert empty.status_code == 422
    done = await client.post(
        acknowledge, json={"response": "Pracownik socjalny odwiedził mieszkańca."}, headers=kipus
    )
    assert done.status_code == 200, done.text
    assert done.json()["acknowledged_at"] and done.json()["response"]
    again = await client.post(acknowledge, json={"response": "Ponownie"}, headers=kipus)
    assert again.status_code == 409
    assert "już" in again.text
    open_after = await client.get(f"/api/core/gminy/{GMINA_A}/problems", headers=kipus)
    assert problem["id"] not in [p["id"] for p in open_after.json()]


# --- complaints forwarded to the partner ----------------------------------------------------


async def forwarded_complaint(client: Client, teryt: str, referral_id: str, summary: str) -> str:
    kipus = await login(client, KIPUS[teryt])
    shown = await client.get(f"/api/core/gminy/{teryt}/referrals/{referral_id}", headers=kipus)
    response = await client.post(
        f"/api/core/gminy/{teryt}/complaints",
        json={
            "resident_id": shown.json()["resident_id"],
            "referral_id": referral_id,
            "channel": "letter",
            "summary": summary,
        },
        headers=kipus,
    )
    assert response.status_code == 201, response.text
    cid = str(response.json()["id"])
    forwarded = await client.post(
        f"/api/core/gminy/{teryt}/complaints/{cid}/forward", headers=kipus
    )
    assert forwarded.status_code == 200, forwarded.text
    return cid


async def test_partner_answers_a_forwarded_complaint(
    client: Client, admin_engine: AsyncEngine, offer: Offer
) -> None:
    partner = await fresh_login(client, "partner@test.local")
    partner_b = await fresh_login(client, "partner.b@test.local")
    rid, name, _c = await referral(client, admin_engine, offer, GMINA_A, starts_in_days=40)
    summary = "Opiekunka spóźnia się " + secrets.token_hex(3)
    cid = await forwarded_complaint(client, GMINA_A, rid, summary)
    other_rid, _n, _c = await referral(
        client, admin_engine, offer, GMINA_B, other_partner=True, starts_in_days=40
    )
    other_cid = await forwarded_complaint(client, GMINA_B, other_rid, "Inna skarga")

    listed = await client.get(f"{partner_base(GMINA_A)}/complaints", headers=partner)
    assert listed.status_code == 200, listed.text
    row = next(c for c in listed.json() if c["id"] == cid)
    assert row["summary"] == summary and row["status"] == "forwarded"
    assert row["service_name"] == "Usługi opiekuńcze" and row["referral_number"]
    assert "resident_id" not in row and name not in listed.text
    in_b = await client.get(f"{partner_base(GMINA_B)}/complaints", headers=partner)
    assert other_cid not in [c["id"] for c in in_b.json()]
    b_sees = await client.get(f"{partner_base(GMINA_B)}/complaints", headers=partner_b)
    assert other_cid in [c["id"] for c in b_sees.json()]
    assert (
        await client.get(f"{partner_base(GMINA_A)}/complaints", headers=partner_b)
    ).status_code == 404

    answer = f"{partner_base(GMINA_A)}/complaints/{cid}/answer"
    empty = await client.post(answer, json={"explanation": " "}, headers=partner)
    assert empty.status_code == 422
    for url, headers in (
        (answer, partner_b),
        (f"{partner_base(GMINA_B)}/complaints/{cid}/answer", partner),
        (f"{partner_base(GMINA_B)}/complaints/{other_cid}/answer", partner),
    ):
        foreign = await client.post(url, json={"explanation": "Nie"}, headers=headers)
        assert foreign.status_code == 404, (url, foreign.text)
    kipus = await login(client, "kipus.a@test.local")
    still = await client.get(f"/api/core/gminy/{GMINA_A}/complaints/{cid}", headers=kipus)
    assert still.json()["status"] == "forwarded" and still.json()["explanation"] is None

    done = await client.post(
        answer, json={"explanation": "Zmieniliśmy grafik opiekunki."}, headers=partner
    )
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "explained"
    again = await client.post(answer, json={"explanation": "Jeszcze raz"}, headers=partner)
    assert again.status_code == 409
    cus_view = await client.get(f"/api/core/gminy/{GMINA_A}/complaints/{cid}", headers=kipus)
    assert cus_view.json()["explanation"] == "Zmieniliśmy grafik opiekunki."
    async with admin_engine.connect() as conn:
        roles = await conn.scalar(
            text(
                f"SELECT string_agg(DISTINCT actor_roles, ',') FROM \"gmina_{GMINA_A}\".audit_log "
                "WHERE entity = 'complaint' AND entity_id = :id AND action = 'update' "
                "AND details->>'step' = 'explain'"
            ),
            {"id": uuid.UUID(cid)},
        )
    assert roles == "partner_staff"


# --- the pages ------------------------------------------------------------------------------


async def test_inbox_pages_accept_record_report_and_answer(
    client: Client, app: Any, admin_engine: AsyncEngine, offer: Offer
) -> None:
    from tests.pages import browser_session, text_of

    pending, name, _c = await referral(client, admin_engine, offer, GMINA_B, starts_in_days=4)
    to_decline, _n, _c = await referral(client, admin_engine, offer, GMINA_A, starts_in_days=5)
    async with browser_session(app, "partner@test.local") as page:
        shown = await page.get("/partner/inbox")
        assert shown.status_code == 200, shown.text
        assert "Golina" in text_of(shown) and "Kramsk" in text_of(shown)
        assert name in text_of(shown)
        accept = await page.submit(f"/partner/inbox/gminy/{GMINA_B}/referrals/{pending}/accept")
        assert accept.status_code == 303 and accept.headers["location"] == "/partner/inbox"
        refused = await page.submit(
            f"/partner/inbox/gminy/{GMINA_A}/referrals/{to_decline}/decline", {"reason": ""}
        )
        assert refused.status_code == 303
        declined = await page.submit(
            f"/partner/inbox/gminy/{GMINA_A}/referrals/{to_decline}/decline",
            {"reason": "Brak wolnych opiekunek"},
        )
        assert declined.status_code == 303
        foreign = await page.submit(f"/partner/inbox/gminy/{GMINA_A}/referrals/{pending}/accept")
        assert foreign.status_code == 404

        month = clock.first_of_month(clock.today()).strftime("%Y-%m")
        before = await count_rows(admin_engine, GMINA_B, "delivery")
        bad = await page.submit(
            "/partner/inbox/deliveries",
            {
                "month": "13/2026",
                f"sessions:{GMINA_B}:{pending}": "2",
                f"hours:{GMINA_B}:{pending}": "1",
            },
        )
        assert bad.status_code == 422
        assert await count_rows(admin_engine, GMINA_B, "delivery") == before
        saved = await page.submit(
            "/partner/inbox/deliveries",
            {
                "month": month,
                f"sessions:{GMINA_B}:{pending}": "2",
                f"hours:{GMINA_B}:{pending}": "1",
            },
        )
        assert saved.status_code == 200, saved.text
        assert "Zapisano: 1" in text_of(saved) or "Saved: 1" in text_of(saved)
        assert await count_rows(admin_engine, GMINA_B, "delivery") == before + 1

        problem_path = f"/partner/gminy/{GMINA_B}/referrals/{pending}/problems"
        form = await page.get(problem_path)
        assert form.status_code == 200, form.text
        empty = await page.submit(problem_path, {"category": "health", "description": ""})
        assert empty.status_code == 422
        reported = await page.submit(
            problem_path, {"category": "health", "urgent": "yes", "description": "Gorączka"}
        )
        assert reported.status_code == 303
        assert (
            await page.get(f"/partner/gminy/{GMINA_A}/referrals/{pending}/problems")
        ).status_code == 404
        complaints_page = await page.get(f"/partner/gminy/{GMINA_B}/complaints")
        assert complaints_page.status_code == 200

    async with browser_session(app, "kipus.b@test.local") as page:
        problems_page = await page.get(f"/gminy/{GMINA_B}/problems")
        assert problems_page.status_code == 200 and "Gorączka" in text_of(problems_page)
    async with browser_session(app, "kipus.a@test.local") as page:
        assert (await page.get(f"/gminy/{GMINA_B}/problems")).status_code == 404
