"""Individual plans (IPUS) end to end on real PostgreSQL: drafting within 3 to 12 months,
approval by the director or an authorised OUS, reviews falling due and overdue as time moves
on, amendments as versions, closing; every invalid transition explained and writing nothing;
other gminy's plans answer 404; the printable plan in Polish."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Any
from uuid import uuid4

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from cus_shared import clock
from tests.conftest import GMINA_A, GMINA_B, count_rows, login
from tests.journey import Offer

pytestmark = pytest.mark.asyncio(loop_scope="session")

Client = httpx.AsyncClient
PLANS = f"/api/core/gminy/{GMINA_A}/plans"
PLANS_B = f"/api/core/gminy/{GMINA_B}/plans"
KIPUS = "kipus.a@test.local"
DIRECTOR = "director@test.local"
OUS = "ous.a@test.local"
TABLES = ("individual_plan", "plan_version", "plan_goal", "plan_service", "plan_review")


def last_day(start: date, months: int) -> date:
    """The last day of a plan of ``months`` calendar months."""
    return clock.add_months(start, months) - timedelta(days=1)


async def new_resident(client: Client, teryt: str = GMINA_A, email: str = KIPUS) -> str:
    """A resident no other test uses."""
    family = "Planowa" + "".join(chr(ord("a") + int(c, 16)) for c in secrets.token_hex(4))
    response = await client.post(
        f"/api/core/gminy/{teryt}/residents",
        json={"given_name": "Halina", "family_name": family, "birth_date": "1948-02-29"},
        headers=await login(client, email),
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def plan_body(offer: Offer, resident_id: str, start: date, months: int = 12) -> dict[str, Any]:
    """A plan with two goals: care from the partner, counselling by the CUS itself."""
    end = last_day(start, months)
    return {
        "resident_id": resident_id,
        "starts_on": start.isoformat(),
        "ends_on": end.isoformat(),
        "goals": [
            {"description": "Samodzielne przygotowywanie posiłków", "measure": "3 razy w tygodniu"},
            {"description": "Udział w zajęciach klubu seniora"},
        ],
        "services": [
            {
                "service_id": str(offer.care),
                "contract_id": str(offer.partner_contract),
                "schedule": "pon., śr., pt. 8:00–10:00",
                "volume_per_month": "8",
                "starts_on": start.isoformat(),
                "ends_on": end.isoformat(),
            },
            {
                "service_id": str(offer.counselling),
                "contract_id": str(offer.in_house_contract),
                "schedule": "co dwa tygodnie",
                "starts_on": start.isoformat(),
                "ends_on": end.isoformat(),
            },
        ],
    }


async def counts(engine: AsyncEngine) -> dict[str, int]:
    return {t: await count_rows(engine, GMINA_A, t) for t in TABLES}


async def user_id(client: Client, email: str) -> str:
    me = await client.get("/api/tenants/auth/me", headers=await login(client, email))
    return str(me.json()["user_id"])


async def draft(client: Client, offer: Offer, months: int = 12) -> dict[str, Any]:
    resident = await new_resident(client)
    response = await client.post(
        PLANS,
        json=plan_body(offer, resident, clock.today(), months),
        headers=await login(client, KIPUS),
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def approved(client: Client, offer: Offer, months: int = 12) -> dict[str, Any]:
    plan = await draft(client, offer, months)
    response = await client.post(
        f"{PLANS}/{plan['id']}/approve", headers=await login(client, DIRECTOR)
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_full_lifecycle(client: Client, offer: Offer, admin_engine: AsyncEngine) -> None:
    kipus = await login(client, KIPUS)
    start = clock.today()
    plan = await draft(client, offer)
    assert plan["status"] == "draft" and plan["number"].startswith("IPUS/")
    assert plan["social_assistance_client"] is False
    assert plan["coordinator_id"] == await user_id(client, KIPUS)
    services = {s["service_name"]: s for s in plan["version"]["services"]}
    assert services["Usługi opiekuńcze"]["partner_name"] == "Spółdzielnia Socjalna Test"
    assert services["Poradnictwo rodzinne"]["partner_name"] is None
    assert plan["reviews"] == []

    # The KIPUS cannot approve; the director can, and the reviews are scheduled.
    refused = await client.post(f"{PLANS}/{plan['id']}/approve", headers=kipus)
    assert refused.status_code == 403 and refused.json()["code"] == "plan.not_authorised"
    plan = await approved_plan(client, plan["id"])
    schedule = [(r["kind"], r["due_on"]) for r in plan["reviews"]]
    assert schedule == [
        ("review", clock.add_months(start, 3).isoformat()),
        ("summary", clock.add_months(start, 6).isoformat()),
        ("review", clock.add_months(start, 9).isoformat()),
        ("closing", last_day(start, 12).isoformat()),
    ]
    again = await client.post(
        f"{PLANS}/{plan['id']}/approve", headers=await login(client, DIRECTOR)
    )
    assert again.status_code == 409 and again.json()["code"] == "plan.not_draft"

    def mine(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [r for r in rows if r["plan_id"] == plan["id"]]

    due = mine((await client.get(f"{PLANS}/due", headers=kipus)).json())
    assert [r["status"] for r in due] == ["later"] * 4
    first_review = clock.add_months(start, 3)
    with clock.travel(first_review - start - timedelta(days=10)):
        due = mine((await client.get(f"{PLANS}/due", headers=kipus)).json())
        assert due[0]["status"] == "due_soon" and due[0]["kind"] == "review"
    with clock.travel(first_review - start + timedelta(days=2)):
        everything = (await client.get(f"{PLANS}/due", headers=kipus)).json()
        statuses = [r["status"] for r in everything]
        # Overdue reviews come first.
        assert statuses == sorted(statuses, key=["overdue", "due_soon", "later"].index)
        due = mine(everything)
        assert due[0]["status"] == "overdue"
        recorded = await client.post(
            f"{PLANS}/{plan['id']}/reviews/{due[0]['review_id']}",
            json={
                "done_on": (first_review + timedelta(days=1)).isoformat(),
                "outcome": "change",
                "notes": "Zmiana godzin usług.",
            },
            headers=kipus,
        )
        assert recorded.status_code == 200, recorded.text
        done = [r for r in recorded.json()["reviews"] if r["done_on"]]
        assert [(r["kind"], r["outcome"]) for r in done] == [("review", "change")]
        twice = await client.post(
            f"{PLANS}/{plan['id']}/reviews/{due[0]['review_id']}",
            json={"done_on": first_review.isoformat(), "outcome": "continue"},
            headers=kipus,
        )
        assert twice.status_code == 409 and twice.json()["code"] == "plan.review_done"
        # Amended: version 2, shortened to 9 months; version 1 stays readable.
        body = plan_body(offer, plan["resident"]["id"], start, 9)
        body = {
            "reason": "Przegląd: zmiana godzin usług opiekuńczych.",
            "ends_on": body["ends_on"],
            "goals": [{"description": "Samodzielne zakupy raz w tygodniu"}],
            "services": body["services"][:1],
        }
        amended = await client.post(f"{PLANS}/{plan['id']}/amend", json=body, headers=kipus)
        assert amended.status_code == 200, amended.text
        plan = amended.json()
        assert plan["current_version"] == 2 and len(plan["versions"]) == 2
        assert plan["version"]["goals"][0]["description"] == "Samodzielne zakupy raz w tygodniu"
        assert [(r["kind"], r["due_on"]) for r in plan["reviews"]] == [
            ("review", first_review.isoformat()),
            ("summary", clock.add_months(start, 6).isoformat()),
            ("closing", last_day(start, 9).isoformat()),
        ]
        old = await client.get(f"{PLANS}/{plan['id']}/versions/1", headers=kipus)
        assert old.status_code == 200
        assert len(old.json()["version"]["goals"]) == 2
        assert len(old.json()["version"]["services"]) == 2
        missing = await client.get(f"{PLANS}/{plan['id']}/versions/3", headers=kipus)
        assert missing.status_code == 404
        # Closed early: the summary due later is dropped.
        closed = await client.post(
            f"{PLANS}/{plan['id']}/close",
            json={"done_on": clock.today().isoformat(), "summary": "Cele osiągnięte."},
            headers=kipus,
        )
        assert closed.status_code == 200, closed.text
        plan = closed.json()
        assert plan["status"] == "closed" and plan["closed_at"]
        assert [(r["kind"], r["outcome"]) for r in plan["reviews"]] == [
            ("review", "change"),
            ("closing", "end"),
        ]
        assert mine((await client.get(f"{PLANS}/due", headers=kipus)).json()) == []

    # Nothing more happens to a closed plan, with a clear message.
    before = await counts(admin_engine)
    review = await client.post(
        f"{PLANS}/{plan['id']}/reviews/{plan['reviews'][0]['id']}",
        json={"done_on": start.isoformat(), "outcome": "continue"},
        headers=kipus,
    )
    assert review.status_code == 409 and review.json()["code"] == "plan.closed"
    assert "zamknięty" in review.json()["title"]
    for action, payload in (
        ("close", {"done_on": start.isoformat(), "summary": "Jeszcze raz."}),
        ("amend", {"reason": "x", "goals": body["goals"], "services": body["services"]}),
    ):
        response = await client.post(f"{PLANS}/{plan['id']}/{action}", json=payload, headers=kipus)
        assert response.status_code == 409 and response.json()["code"] == "plan.closed"
    assert await counts(admin_engine) == before
    listed = await client.get(f"{PLANS}?resident_id={plan['resident']['id']}", headers=kipus)
    assert [p["id"] for p in listed.json()["items"]] == [plan["id"]]


async def approved_plan(client: Client, plan_id: str) -> dict[str, Any]:
    response = await client.post(
        f"{PLANS}/{plan_id}/approve", headers=await login(client, DIRECTOR)
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


@pytest.mark.parametrize(("months", "shown"), [(13, 13), (2, 2)])
async def test_duration_outside_3_to_12_months(
    client: Client, offer: Offer, admin_engine: AsyncEngine, months: int, shown: int
) -> None:
    resident = await new_resident(client)
    body = plan_body(offer, resident, clock.today(), months)
    for service in body["services"]:
        service["ends_on"] = last_day(clock.today(), min(months, 12)).isoformat()
    before = await counts(admin_engine)
    headers = await login(client, KIPUS)
    for language, word in (("pl", "miesięcy"), ("en", "months")):
        response = await client.post(
            PLANS, json=body, headers={**headers, "Accept-Language": language}
        )
        assert response.status_code == 422, response.text
        problem = next(e for e in response.json()["errors"] if e["code"] == "plan.duration")
        assert problem["field"] == "ends_on"
        assert word in problem["message"] and str(shown) in problem["message"]
    assert await counts(admin_engine) == before


async def test_services_must_be_offered_and_covered(
    client: Client, offer: Offer, admin_engine: AsyncEngine
) -> None:
    resident = await new_resident(client)
    headers = await login(client, KIPUS)
    start = clock.today()
    cases = [
        # The other partner's contract covers gmina B only.
        ({"contract_id": str(offer.other_contract)}, "plan.contract_not_covering"),
        # Counselling is not in the partner's contract.
        (
            {"service_id": str(offer.counselling), "contract_id": str(offer.partner_contract)},
            "plan.contract_not_covering",
        ),
        ({"service_id": str(uuid4())}, "plan.service_not_offered"),
        ({"ends_on": last_day(start, 13).isoformat()}, "plan.service_period"),
    ]
    before = await counts(admin_engine)
    for change, key in cases:
        body = plan_body(offer, resident, start)
        body["services"][0].update(change)
        for language in ("pl", "en"):
            response = await client.post(
                PLANS, json=body, headers={**headers, "Accept-Language": language}
            )
            assert response.status_code == 422, response.text
            assert [e["code"] for e in response.json()["errors"]] == [key]
    # Malformed input: no goals, a schedule missing, a bad date.
    body = plan_body(offer, resident, start)
    body["goals"] = []
    del body["services"][0]["schedule"]
    body["starts_on"] = "31.02.2026"
    for language, word in (("pl", "wymagane"), ("en", "required")):
        response = await client.post(
            PLANS, json=body, headers={**headers, "Accept-Language": language}
        )
        assert response.status_code in (400, 422), response.text
        assert any(word in e["message"].lower() for e in response.json()["errors"]), response.text
    # An application of someone else (or none at all) is not found.
    body = plan_body(offer, resident, start)
    body["application_id"] = str(uuid4())
    assert (await client.post(PLANS, json=body, headers=headers)).status_code == 404
    body = plan_body(offer, str(uuid4()), start)
    assert (await client.post(PLANS, json=body, headers=headers)).status_code == 404
    # The director drafting a plan must name its coordinator.
    body = plan_body(offer, resident, start)
    response = await client.post(PLANS, json=body, headers=await login(client, DIRECTOR))
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["coordinator_id"]
    assert await counts(admin_engine) == before
    body["coordinator_id"] = await user_id(client, KIPUS)
    created = await client.post(PLANS, json=body, headers=await login(client, DIRECTOR))
    assert created.status_code == 201
    assert created.json()["coordinator_id"] == body["coordinator_id"]


async def test_ous_approves_only_when_authorised(client: Client, offer: Offer) -> None:
    director = await login(client, DIRECTOR)
    ous_id = await user_id(client, OUS)
    await client.delete(f"{PLANS}/approvers/{ous_id}", headers=director)
    plan = await draft(client, offer, months=3)
    ous = await login(client, OUS)
    refused = await client.post(f"{PLANS}/{plan['id']}/approve", headers=ous)
    assert refused.status_code == 403 and refused.json()["code"] == "plan.not_authorised"
    assert (await client.get(f"{PLANS}/{plan['id']}", headers=ous)).json()["status"] == "draft"
    grant = await client.put(f"{PLANS}/approvers/{ous_id}", headers=ous)
    assert grant.status_code == 403
    grant = await client.put(f"{PLANS}/approvers/{ous_id}", headers=director)
    assert grant.status_code == 200, grant.text
    approved_ = await client.post(f"{PLANS}/{plan['id']}/approve", headers=ous)
    assert approved_.status_code == 200, approved_.text
    # A 3-month plan: the review at month 3 gives way to the closing summary.
    assert [r["kind"] for r in approved_.json()["reviews"]] == ["closing"]
    revoked = await client.delete(f"{PLANS}/approvers/{ous_id}", headers=director)
    assert revoked.status_code == 204
    again = await client.delete(f"{PLANS}/approvers/{ous_id}", headers=director)
    assert again.status_code == 404


async def test_draft_cannot_be_reviewed_amended_or_closed(
    client: Client, offer: Offer, admin_engine: AsyncEngine
) -> None:
    plan = await draft(client, offer)
    headers = await login(client, KIPUS)
    before = await counts(admin_engine)
    for language in ("pl", "en"):
        response = await client.post(
            f"{PLANS}/{plan['id']}/close",
            json={"done_on": clock.today().isoformat(), "summary": "Koniec."},
            headers={**headers, "Accept-Language": language},
        )
        assert response.status_code == 409 and response.json()["code"] == "plan.not_approved"
        assert ("zatwierdzony" if language == "pl" else "approved") in response.json()["title"]
    amend = {"reason": "x", "goals": [{"description": "y"}], "services": []}
    response = await client.post(f"{PLANS}/{plan['id']}/amend", json=amend, headers=headers)
    assert response.status_code in (400, 422)
    assert await counts(admin_engine) == before


async def test_bad_review_and_close_input(
    client: Client, offer: Offer, admin_engine: AsyncEngine
) -> None:
    plan = await approved(client, offer)
    headers = await login(client, KIPUS)
    review = plan["reviews"][0]
    closing = plan["reviews"][-1]
    before = await counts(admin_engine)
    url = f"{PLANS}/{plan['id']}/reviews/{review['id']}"
    future = (clock.today() + timedelta(days=1)).isoformat()
    for language, word in (("pl", "dzisiaj"), ("en", "today")):
        extra = {**headers, "Accept-Language": language}
        response = await client.post(
            url, json={"done_on": future, "outcome": "continue"}, headers=extra
        )
        assert response.status_code == 422
        assert word in response.json()["errors"][0]["message"]
        response = await client.post(
            url, json={"done_on": clock.today().isoformat(), "outcome": "maybe"}, headers=extra
        )
        assert response.status_code in (400, 422)
        response = await client.post(
            f"{PLANS}/{plan['id']}/close",
            json={"done_on": clock.today().isoformat()},
            headers=extra,
        )
        assert response.status_code in (400, 422)
        assert response.json()["errors"][0]["field"] == "summary"
    response = await client.post(
        f"{PLANS}/{plan['id']}/reviews/{closing['id']}",
        json={"done_on": clock.today().isoformat(), "outcome": "end"},
        headers=headers,
    )
    assert response.status_code == 409 and response.json()["code"] == "plan.close_instead"
    response = await client.post(
        f"{PLANS}/{plan['id']}/reviews/{uuid4()}",
        json={"done_on": clock.today().isoformat(), "outcome": "end"},
        headers=headers,
    )
    assert response.status_code == 404
    # Amending to 13 months is refused like drafting it.
    body = plan_body(offer, plan["resident"]["id"], clock.today())
    amend = {
        "reason": "Przedłużenie",
        "ends_on": last_day(clock.today(), 13).isoformat(),
        "goals": body["goals"],
        "services": body["services"],
    }
    response = await client.post(f"{PLANS}/{plan['id']}/amend", json=amend, headers=headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "plan.duration"
    assert await counts(admin_engine) == before


async def test_other_gminy_see_nothing(client: Client, offer: Offer) -> None:
    plan = await approved(client, offer)
    review_id = plan["reviews"][0]["id"]
    today = clock.today().isoformat()
    amend = {
        "reason": "x",
        "goals": [{"description": "y"}],
        "services": plan_body(offer, plan["resident"]["id"], clock.today())["services"],
    }
    calls: list[tuple[str, str, dict[str, Any] | None]] = [
        ("GET", "/{id}", None),
        ("GET", "/{id}/versions/1", None),
        ("POST", "/{id}/approve", None),
        ("POST", "/{id}/amend", amend),
        ("POST", f"/{{id}}/reviews/{review_id}", {"done_on": today, "outcome": "continue"}),
        ("POST", "/{id}/close", {"done_on": today, "summary": "Koniec."}),
    ]
    for email in ("kipus.b@test.local", "kipus.c@test.local", DIRECTOR):
        headers = await login(client, email)
        for base in (PLANS, PLANS_B):
            if email == DIRECTOR and base == PLANS:
                continue  # the director of A and B may work in A
            for method, path, body in calls:
                response = await client.request(
                    method, base + path.format(id=plan["id"]), json=body, headers=headers
                )
                assert response.status_code == 404, (email, base, path, response.text)
    # Gmina B's lists do not show A's plan; A's URL with B's token is not found.
    kipus_b = await login(client, "kipus.b@test.local")
    assert (await client.get(f"{PLANS}/due", headers=kipus_b)).status_code == 404
    assert (await client.get(PLANS, headers=kipus_b)).status_code == 404
    listed = await client.get(f"{PLANS_B}?resident_id={plan['resident']['id']}", headers=kipus_b)
    assert listed.json()["items"] == []
    due_b = await client.get(f"{PLANS_B}/due?all=true", headers=await login(client, DIRECTOR))
    assert plan["id"] not in {r["plan_id"] for r in due_b.json()}
    # A resident of gmina B cannot get a plan in gmina A.
    resident_b = await new_resident(client, GMINA_B, "kipus.b@test.local")
    response = await client.post(
        PLANS, json=plan_body(offer, resident_b, clock.today()), headers=await login(client, KIPUS)
    )
    assert response.status_code == 404
    # Approver authorisations: gmina B's director URL with a user of A changes nothing in A.
    osl = await login(client, "osl.a@test.local")
    assert (await client.get(f"{PLANS}/{plan['id']}", headers=osl)).status_code == 403


async def test_reads_are_audited(client: Client, offer: Offer, admin_engine: AsyncEngine) -> None:
    plan = await draft(client, offer)
    await client.get(f"{PLANS}/{plan['id']}", headers=await login(client, KIPUS))
    async with admin_engine.connect() as conn:
        actions = (
            await conn.scalars(
                text(
                    f'SELECT action FROM "gmina_{GMINA_A}".audit_log '
                    "WHERE entity = 'plan' AND entity_id = :id ORDER BY occurred_at, id"
                ),
                {"id": plan["id"]},
            )
        ).all()
    assert actions == ["create", "read"]
