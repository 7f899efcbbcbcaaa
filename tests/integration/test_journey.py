"""A resident's whole journey through the API, on real PostgreSQL, with time moved forward:
application → needs interview → qualification → IPUS with scheduled reviews → consent →
referral accepted by the partner → deliveries → complaint handled → review due, overdue and
recorded → plan summarised and closed. Along the way, the invalid steps the issue names are
tried and must change nothing; another gmina's staff get 404 for every object."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

import httpx
import pytest
from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncEngine

from cus_shared import clock
from tests.conftest import GMINA_A, GMINA_B, count_rows, login
from tests.journey import Offer
from tests.pages import browser_session

pytestmark = pytest.mark.asyncio(loop_scope="session")

API = f"/api/core/gminy/{GMINA_A}"
PARTNER_API = f"/api/core/partner/gminy/{GMINA_A}/referrals"


async def call(
    client: httpx.AsyncClient, method: str, path: str, email: str, body: Any = None
) -> httpx.Response:
    """One request as a test user."""
    return await client.request(method, path, json=body, headers=await login(client, email))


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def refused(response: httpx.Response, status: int, key: str) -> str:
    """The refusal's status, code and Polish message (which must say something)."""
    assert response.status_code == status, response.text
    problem = response.json()
    keys = [problem.get("code"), *(p.get("code") for p in problem.get("errors", []))]
    assert key in keys, problem
    messages = [problem["title"], *(p["message"] for p in problem.get("errors", []))]
    assert all(m and m != key for m in messages), problem  # a sentence, not the key
    return " ".join(messages)


async def journey_rows(engine: AsyncEngine) -> dict[str, int]:
    tables = ("application", "individual_plan", "plan_review", "referral", "complaint")
    return {t: await count_rows(engine, GMINA_A, t) for t in tables}


async def plans_to_prepare(app: Litestar, email: str) -> str:
    """The "plans to prepare" part of a person's caseload page."""
    async with browser_session(app, email) as browser:
        page = await browser.get(f"/gminy/{GMINA_A}/caseload")
    assert page.status_code == 200
    return page.text.split("Plany do przygotowania", 1)[1].split("Aktywne plany", 1)[0]


async def test_a_residents_whole_journey(
    app: Litestar, client: httpx.AsyncClient, offer: Offer, admin_engine: AsyncEngine
) -> None:
    today = clock.today()
    kipus, ous, director, partner = (
        "kipus.a@test.local",
        "ous.a@test.local",
        "director@test.local",
        "partner@test.local",
    )
    resident = ok(
        await call(
            client,
            "POST",
            f"{API}/residents",
            kipus,
            {
                "given_name": "Leokadia",
                "family_name": "Podróżna" + secrets.token_hex(3),
                "birth_date": "1941-04-12",
                "address": {"street": "Polna", "building_no": "3", "city": "Kramsk"},
            },
        ),
        201,
    )
    rid = resident["id"]

    # 1. Application (wniosek) with the declaration; a second one for the same service is
    # refused while the first is open.
    application_body = {
        "resident_id": rid,
        "channel": "in_person",
        "declaration_signed": True,
        "services": [str(offer.care)],
    }
    application = ok(
        await call(client, "POST", f"{API}/applications", kipus, application_body), 201
    )
    assert application["plan_due_on"] == (today + timedelta(days=30)).isoformat()
    refused(
        await call(client, "POST", f"{API}/applications", kipus, application_body),
        409,
        "application.duplicate",
    )
    requested = application["services"][0]["id"]
    app_path = f"{API}/applications/{application['id']}"

    # 2. Qualification needs the interview first; 3. the KIPUS holds it, the team decides.
    decision = {"outcome": "granted", "support_form": "ipus"}
    refused(
        await call(client, "POST", f"{app_path}/services/{requested}/decision", ous, decision),
        422,
        "application.interview_required",
    )
    ok(
        await call(
            client,
            "PUT",
            f"{app_path}/interview",
            kipus,
            {
                "held_on": today.isoformat(),
                "goals": "Chce dalej mieszkać sama we własnym domu.",
                "risks": "Upadki, samotność.",
                "needs": [{"area_code": 4, "description": "Pomoc w codziennych czynnościach."}],
            },
        )
    )
    ok(await call(client, "POST", f"{app_path}/services/{requested}/decision", ous, decision), 201)
    assert ok(await call(client, "GET", app_path, kipus))["services"][0]["status"] == "granted"
    # Granted under an IPUS but no plan yet: the KIPUS sees the plan to prepare, and 31 days
    # on it is overdue.
    assert application["number"] in await plans_to_prepare(app, kipus)
    with clock.travel(timedelta(days=31)):
        assert ok(await call(client, "GET", app_path, kipus))["overdue"] is True

    # 4. The IPUS: 13 months is refused with a clear message and nothing written.
    ends = clock.add_months(today, 6) - timedelta(days=1)
    plan_body: dict[str, Any] = {
        "resident_id": rid,
        "application_id": application["id"],
        "starts_on": today.isoformat(),
        "ends_on": ends.isoformat(),
        "goals": [{"description": "Samodzielność w domu", "measure": "Ocena KIPUS co 3 miesiące"}],
        "services": [
            {
                "service_id": str(offer.care),
                "contract_id": str(offer.partner_contract),
                "schedule": "2 godziny w miesiącu, wtorki",
                "volume_per_month": "2",
                "starts_on": today.isoformat(),
                "ends_on": ends.isoformat(),
            }
        ],
    }
    before = await journey_rows(admin_engine)
    too_long = {
        **plan_body,
        "ends_on": (clock.add_months(today, 13) - timedelta(days=1)).isoformat(),
    }
    message = refused(
        await call(client, "POST", f"{API}/plans", kipus, too_long), 422, "plan.duration"
    )
    assert "13" in message
    assert await journey_rows(admin_engine) == before
    plan = ok(await call(client, "POST", f"{API}/plans", kipus, plan_body), 201)
    plan_path = f"{API}/plans/{plan['id']}"
    with clock.travel(timedelta(days=31)):
        assert ok(await call(client, "GET", app_path, kipus))["overdue"] is False
    assert application["number"] not in await plans_to_prepare(app, kipus)
    assert plan["social_assistance_client"] is False

    # Approved by the director: reviews every 3 months and the closing summary are scheduled.
    approved = ok(await call(client, "POST", f"{plan_path}/approve", director))
    schedule = [(r["kind"], r["due_on"]) for r in approved["reviews"]]
    assert schedule == [
        ("review", clock.add_months(today, 3).isoformat()),
        ("closing", ends.isoformat()),
    ]

    # 5. Referral to the partner: refused without the resident's consent, outside the
    # contract, or beyond its capacity; then made under a recorded consent.
    referral_body = {
        "requested_service_id": requested,
        "plan_id": plan["id"],
        "contract_id": str(offer.partner_contract),
        "starts_on": today.isoformat(),
        "ends_on": ends.isoformat(),
        "volume_per_month": "2",
    }
    before = await journey_rows(admin_engine)
    refused(
        await call(client, "POST", f"{API}/referrals", kipus, referral_body),
        422,
        "referral.consent_required",
    )
    ok(
        await call(
            client,
            "POST",
            f"{API}/residents/{rid}/consents",
            kipus,
            {
                "partner_id": str(offer.partner),
                "scope": ["identity", "contact"],
                "purpose": "Realizacja usług opiekuńczych",
                "given_on": today.isoformat(),
            },
        ),
        201,
    )
    outside = {**referral_body, "ends_on": "2030-01-31"}
    refused(
        await call(client, "POST", f"{API}/referrals", kipus, outside),
        422,
        "referral.outside_contract",
    )
    beyond = {**referral_body, "volume_per_month": "41"}
    refused(
        await call(client, "POST", f"{API}/referrals", kipus, beyond),
        422,
        "referral.capacity_exceeded",
    )
    assert await journey_rows(admin_engine) == before
    referral = ok(await call(client, "POST", f"{API}/referrals", kipus, referral_body), 201)
    assert referral["status"] == "pending"

    # The partner sees it (with the data the consent allows), accepts and records deliveries.
    shown = ok(await call(client, "GET", f"{PARTNER_API}/{referral['id']}", partner))
    assert resident["family_name"] in str(shown)
    ok(await call(client, "POST", f"{PARTNER_API}/{referral['id']}/accept", partner))
    month = today.strftime("%Y-%m")
    ok(
        await call(
            client,
            "PUT",
            f"{PARTNER_API}/{referral['id']}/deliveries/{month}",
            partner,
            {"sessions": 2, "hours": "2"},
        )
    )
    loop = ok(await call(client, "GET", f"{API}/referrals/{referral['id']}", kipus))
    assert loop["status"] == "in_delivery"
    assert [e["status"] for e in loop["events"]][:3] == ["pending", "accepted", "in_delivery"]

    # 7. A complaint about the service: forwarded, explained, decided, the resident informed.
    complaint = ok(
        await call(
            client,
            "POST",
            f"{API}/complaints",
            kipus,
            {
                "resident_id": rid,
                "referral_id": referral["id"],
                "channel": "letter",
                "summary": "Opiekunka spóźnia się na wizyty.",
            },
        ),
        201,
    )
    assert complaint["due_on"] == clock.add_months(today, 1).isoformat()
    c_path = f"{API}/complaints/{complaint['id']}"
    ok(await call(client, "POST", f"{c_path}/forward", ous))
    ok(await call(client, "POST", f"{c_path}/explanation", ous, {"explanation": "Korki."}))
    ok(
        await call(
            client,
            "POST",
            f"{c_path}/decision",
            ous,
            {"outcome": "partly_upheld", "decision": "Zmiana godzin wizyt."},
        )
    )
    ok(
        await call(
            client,
            "POST",
            f"{c_path}/corrective-action",
            ous,
            {"corrective_action": "Wizyty od 10:00."},
        )
    )
    closed = ok(
        await call(client, "POST", f"{c_path}/informed", ous, {"informed_on": today.isoformat()})
    )
    assert closed["status"] == "closed" and not closed["late"]

    # Time moves on: the review falls due, then becomes overdue, then is recorded.
    review_due = clock.add_months(today, 3)
    with clock.travel(timedelta(days=(review_due - today).days - 5)):
        due = ok(await call(client, "GET", f"{API}/plans/due", kipus))
        mine = [(d["kind"], d["status"]) for d in due if d["plan_id"] == plan["id"]]
        assert mine == [("review", "due_soon"), ("closing", "later")]
    with clock.travel(timedelta(days=(review_due - today).days + 3)):
        due = ok(await call(client, "GET", f"{API}/plans/due", kipus))
        mine = [d for d in due if d["plan_id"] == plan["id"]]
        assert [(d["kind"], d["status"]) for d in mine] == [
            ("review", "overdue"),
            ("closing", "later"),
        ]
        ok(
            await call(
                client,
                "POST",
                f"{plan_path}/reviews/{mine[0]['review_id']}",
                kipus,
                {
                    "done_on": clock.today().isoformat(),
                    "outcome": "continue",
                    "notes": "Plan realizowany.",
                },
            )
        )

    # The plan ends: the referral is completed and the plan summarised and closed.
    with clock.travel(timedelta(days=(ends - today).days)):
        ok(await call(client, "POST", f"{API}/referrals/{referral['id']}/complete", kipus))
        closed_plan = ok(
            await call(
                client,
                "POST",
                f"{plan_path}/close",
                kipus,
                {"done_on": ends.isoformat(), "summary": "Cele osiągnięte."},
            )
        )
        assert closed_plan["status"] == "closed"
        # A review on a closed plan is refused and changes nothing.
        before = await journey_rows(admin_engine)
        refused(
            await call(
                client,
                "POST",
                f"{plan_path}/reviews/{closed_plan['reviews'][0]['id']}",
                kipus,
                {"done_on": ends.isoformat(), "outcome": "change"},
            ),
            409,
            "plan.closed",
        )
        assert await journey_rows(admin_engine) == before

    # The resident's timeline holds the whole story.
    entries = ok(await call(client, "GET", f"{API}/residents/{rid}/timeline", kipus))
    kinds = {e["kind"] for e in entries}
    assert {"application", "plan", "referral", "complaint", "consent"} <= {
        k.split("_")[0] for k in kinds
    }, kinds

    # Another gmina's staff, and gmina A's ids under gmina B's address, get 404 everywhere.
    other = "kipus.b@test.local"
    for path in (
        app_path,
        plan_path,
        f"{API}/referrals/{referral['id']}",
        c_path,
        f"{API}/residents/{rid}/timeline",
    ):
        assert (await call(client, "GET", path, other)).status_code == 404, path
        assert (
            await call(client, "GET", path.replace(GMINA_A, GMINA_B), other)
        ).status_code == 404, path
    # The other partner sees nothing of it.
    assert (
        await call(client, "GET", f"{PARTNER_API}/{referral['id']}", "partner.b@test.local")
    ).status_code == 404
