"""Applications (wnioski) through the API: registration from the gmina's programme, the needs
interview, qualification decisions in the allowed order, the OUS queue and waiting list with
overdue plans; bad input explained (Polish first) and writing nothing; other gminy get 404."""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from cus_shared import clock
from tests.conftest import GMINA_A, GMINA_B, Platform, count_rows, login
from tests.journey import Offer

pytestmark = pytest.mark.asyncio(loop_scope="session")

Client = httpx.AsyncClient
API = "/api/core/gminy/{teryt}"
BASE = API.format(teryt=GMINA_A) + "/applications"
TABLES = ("application", "requested_service", "needs_interview", "interview_need")
DECISION_TABLES = ("qualification_decision", "audit_log")


def unique_name() -> str:
    """A family name no other resident of the session has."""
    return "Wnioskowa" + "".join(chr(ord("a") + int(c, 16)) for c in secrets.token_hex(4))


async def make_resident(
    client: Client, teryt: str = GMINA_A, email: str = "kipus.a@test.local", **more: Any
) -> str:
    response = await client.post(
        API.format(teryt=teryt) + "/residents",
        json={"given_name": "Helena", "family_name": unique_name(), "birth_date": "1950-02-03"}
        | more,
        headers=await login(client, email),
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def apply(
    client: Client, body: dict[str, Any], *, email: str = "kipus.a@test.local", **headers: str
) -> httpx.Response:
    return await client.post(BASE, json=body, headers={**await login(client, email), **headers})


def application_body(resident_id: str, *services: uuid.UUID, **more: Any) -> dict[str, Any]:
    return {
        "resident_id": resident_id,
        "channel": "in_person",
        "declaration_signed": True,
        "services": [str(s) for s in services],
    } | more


INTERVIEW = {
    "held_on": None,  # filled with today
    "goals": "Chce dalej mieszkać sama we własnym domu.",
    "risks": "Upadki, samotność.",
    "needs": [
        {"area_code": 4, "description": "Pomoc w codziennych czynnościach."},
        {"area_code": 3, "description": "Wsparcie rodziny."},
    ],
}


async def interview(client: Client, application_id: str, **more: Any) -> httpx.Response:
    email = more.pop("email", "kipus.a@test.local")
    body = INTERVIEW | {"held_on": clock.today().isoformat()} | more
    return await client.put(
        f"{BASE}/{application_id}/interview", json=body, headers=await login(client, email)
    )


async def decide(
    client: Client,
    application_id: str,
    requested_id: str,
    body: dict[str, Any],
    email: str = "ous.a@test.local",
    base: str = BASE,
    **headers: str,
) -> httpx.Response:
    return await client.post(
        f"{base}/{application_id}/services/{requested_id}/decision",
        json=body,
        headers={**await login(client, email), **headers},
    )


async def counts(platform: Platform, tables: tuple[str, ...] = TABLES) -> list[int]:
    return [await count_rows(platform.db.admin_engine, GMINA_A, t) for t in tables]


def service_of(application: dict[str, Any], service_id: uuid.UUID) -> dict[str, Any]:
    return next(s for s in application["services"] if s["service_id"] == str(service_id))


async def open_application(client: Client, offer: Offer, *services: uuid.UUID) -> dict[str, Any]:
    resident = await make_resident(client)
    created = await apply(client, application_body(resident, *(services or (offer.care,))))
    assert created.status_code == 201, created.text
    return dict(created.json())


# The journey's first steps.


async def test_application_interview_and_qualification(
    client: Client, offer: Offer, platform: Platform
) -> None:
    resident = await make_resident(client)
    registered_on = clock.today() - timedelta(days=2)
    created = await apply(
        client,
        application_body(
            resident,
            offer.care,
            offer.counselling,
            channel="letter",
            registered_on=registered_on.isoformat(),
        ),
    )
    assert created.status_code == 201, created.text
    application = created.json()
    assert application["number"].startswith(f"W/{clock.today().year}/")
    assert application["plan_due_on"] == (registered_on + timedelta(days=30)).isoformat()
    assert application["overdue"] is False
    assert {s["service_name"] for s in application["services"]} == {
        "Usługi opiekuńcze",
        "Poradnictwo rodzinne",
    }
    assert {s["status"] for s in application["services"]} == {"pending"}
    care = service_of(application, offer.care)["id"]
    counselling = service_of(application, offer.counselling)["id"]

    ous = await login(client, "ous.a@test.local")
    queue = (await client.get(BASE, headers=ous)).json()
    mine = [e for e in queue["pending"] if e["application_id"] == application["id"]]
    assert len(mine) == 1 and len(mine[0]["services"]) == 2
    assert mine[0]["overdue"] is False and mine[0]["has_interview"] is False

    # The interview first, then decisions.
    recorded = await interview(client, application["id"])
    assert recorded.status_code == 200, recorded.text
    assert recorded.json()["interview"]["version"] == 1
    assert [n["area_code"] for n in recorded.json()["interview"]["needs"]] == [3, 4]

    kipus_id = str(uuid.uuid4())
    granted = await decide(
        client,
        application["id"],
        care,
        {"outcome": "granted", "support_form": "ipus", "kipus_id": kipus_id},
    )
    assert granted.status_code == 201, granted.text
    decided = service_of(granted.json(), offer.care)
    assert decided["status"] == "granted" and decided["support_form"] == "ipus"
    [decision] = decided["decisions"]
    assert decision["decided_by_roles"] == "ous" and decision["kipus_id"] == kipus_id
    assert granted.json()["closed_at"] is None

    waiting = await decide(client, application["id"], counselling, {"outcome": "waiting"})
    assert waiting.status_code == 201, waiting.text
    assert service_of(waiting.json(), offer.counselling)["waiting_since"] is not None
    queue = (await client.get(BASE, headers=ous)).json()
    assert application["id"] not in [e["application_id"] for e in queue["pending"]]
    on_list = [e for e in queue["waiting"] if e["application_id"] == application["id"]]
    assert [s["requested_service_id"] for s in on_list[0]["services"]] == [counselling]
    since = [e["services"][0]["waiting_since"] for e in queue["waiting"]]
    assert since == sorted(since)

    director = await login(client, "director@test.local")
    final = await decide(
        client,
        application["id"],
        counselling,
        {"outcome": "granted", "support_form": "single"},
        email="director@test.local",
    )
    assert final.status_code == 201, final.text
    assert final.json()["closed_at"] is not None
    assert [d["outcome"] for d in service_of(final.json(), offer.counselling)["decisions"]] == [
        "waiting",
        "granted",
    ]
    shown = await client.get(f"{BASE}/{application['id']}", headers=director)
    assert shown.status_code == 200
    assert shown.json()["interview"]["goals"] == INTERVIEW["goals"]

    async with platform.db.admin_engine.connect() as conn:
        rows = (
            await conn.execute(
                text(
                    f'SELECT action, details::text FROM "gmina_{GMINA_A}".audit_log '
                    "WHERE entity = 'application' AND entity_id = :id ORDER BY occurred_at"
                ),
                {"id": application["id"]},
            )
        ).all()
    actions = [r[0] for r in rows]
    assert actions[0] == "create" and "read" in actions and "list" in actions
    assert actions.count("update") == 3
    assert all(resident in r[1] for r in rows)
    assert not any("samotność" in r[1] or "Upadki" in r[1] for r in rows)


async def test_household_member_applies_for_the_resident(client: Client, offer: Offer) -> None:
    head = await make_resident(client)
    member = await make_resident(client, household_of=head, household_role="parent")
    stranger = await make_resident(client)
    created = await apply(client, application_body(member, offer.care, applicant_id=head))
    assert created.status_code == 201, created.text
    assert created.json()["applicant_id"] == head
    refused = await apply(client, application_body(head, offer.care, applicant_id=stranger))
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "applicant_id"


BAD_INPUTS = [
    (
        "declaration not signed",
        {"declaration_signed": False},
        "application.declaration_required",
        "The application needs the signed declaration that the conditions of the services are met.",
    ),
    (
        "registered in the future",
        {"registered_on": "2999-01-01"},
        "application.registered_future",
        "The application's registration date cannot be in the future.",
    ),
    (
        "service not in the programme",
        {"services": [str(uuid.uuid4())]},
        "application.service_not_offered",
        "A chosen service is not in the gmina's social services programme on the "
        "application's date.",
    ),
    (
        "service before the programme",
        {"registered_on": "2020-01-01"},
        "application.service_not_offered",
        "A chosen service is not in the gmina's social services programme on the "
        "application's date.",
    ),
    (
        "no services",
        {"services": []},
        "application.services_required",
        "Choose at least one service from the gmina's programme.",
    ),
    ("unknown channel", {"channel": "pigeon"}, "field.choice", None),
    (
        "applicant outside the household",
        {"applicant_id": "stranger"},
        "application.applicant_household",
        "Only a member of the resident's household may apply for them.",
    ),
]


@pytest.mark.parametrize(("case", "change", "code", "english"), BAD_INPUTS, ids=lambda c: c)
async def test_bad_application_is_explained_and_writes_nothing(
    client: Client,
    offer: Offer,
    platform: Platform,
    case: str,
    change: dict[str, Any],
    code: str,
    english: str | None,
) -> None:
    resident = await make_resident(client)
    if change.get("applicant_id") == "stranger":
        change = {"applicant_id": await make_resident(client)}
    body = application_body(resident, offer.care) | change
    before = await counts(platform, (*TABLES, "audit_log"))
    answers = {}
    for language in ("pl", "en"):
        response = await apply(client, body, **{"Accept-Language": language})
        assert response.status_code == 422, (case, response.text)
        answers[language] = response.json()
    errors = answers["en"]["errors"]
    assert code in [e["code"] for e in errors], errors
    if english is not None:
        assert english in [e["message"] for e in errors]
    assert answers["pl"]["errors"][0]["message"] != errors[0]["message"]
    assert await counts(platform, (*TABLES, "audit_log")) == before


async def test_declaration_message_in_polish(client: Client, offer: Offer) -> None:
    resident = await make_resident(client)
    response = await apply(client, application_body(resident, offer.care, declaration_signed=False))
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "declaration_signed",
            "code": "application.declaration_required",
            "message": "Wniosek wymaga podpisanego oświadczenia, że warunki korzystania z usług "
            "są spełnione.",
        }
    ]


async def test_duplicate_open_application_is_refused(
    client: Client, offer: Offer, platform: Platform
) -> None:
    application = await open_application(client, offer, offer.care)
    resident = application["resident_id"]
    before = await counts(platform, (*TABLES, "audit_log"))
    again = await apply(client, application_body(resident, offer.assistance, offer.care))
    assert again.status_code == 409
    assert again.json()["code"] == "application.duplicate"
    assert "otwarty wniosek" in again.json()["title"]
    assert await counts(platform, (*TABLES, "audit_log")) == before

    # Once refused, the service may be applied for again.
    assert (await interview(client, application["id"])).status_code == 200
    refused = await decide(
        client,
        application["id"],
        application["services"][0]["id"],
        {"outcome": "refused", "reason": "Brak spełnienia kryteriów."},
    )
    assert refused.status_code == 201
    assert service_of(refused.json(), offer.care)["decisions"][0]["reason"] == (
        "Brak spełnienia kryteriów."
    )
    assert (await apply(client, application_body(resident, offer.care))).status_code == 201


async def test_resident_of_another_gmina_is_not_found(
    client: Client, offer: Offer, platform: Platform
) -> None:
    resident_b = await make_resident(client, GMINA_B, "kipus.b@test.local")
    before = await counts(platform)
    response = await apply(client, application_body(resident_b, offer.care))
    assert response.status_code == 404
    assert await counts(platform) == before


# The needs interview.


async def test_interview_replaced_with_version(
    client: Client, offer: Offer, platform: Platform
) -> None:
    application = await open_application(client, offer)
    first = await interview(client, application["id"])
    assert first.status_code == 200
    before = await counts(platform, (*TABLES, "audit_log"))
    stale = await interview(client, application["id"], goals="Inne cele.")
    assert stale.status_code == 409
    assert stale.json()["code"] == "application.interview_stale"
    assert await counts(platform, (*TABLES, "audit_log")) == before
    replaced = await interview(
        client,
        application["id"],
        version=1,
        needs=[{"area_code": 7, "description": "Mieszkanie."}],
        email="director@test.local",
    )
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["interview"]["version"] == 2
    assert replaced.json()["interview"]["needs"] == [{"area_code": 7, "description": "Mieszkanie."}]


BAD_INTERVIEWS = [
    ({"needs": [{"area_code": 15, "description": "x"}]}, "needs.0.area_code", "field.invalid"),
    (
        {"needs": [{"area_code": 4, "description": "a"}, {"area_code": 4, "description": "b"}]},
        "needs",
        "application.need_repeated",
    ),
    ({"held_on": "2999-01-01"}, "held_on", "application.interview_future"),
    ({"held_on": "2001-01-01"}, "held_on", "application.interview_before"),
    ({"goals": "  "}, "goals", "field.too_short"),
    ({"needs": []}, "needs", "application.needs_required"),
]


@pytest.mark.parametrize(("change", "field", "code"), BAD_INTERVIEWS)
async def test_bad_interview_writes_nothing(
    client: Client,
    offer: Offer,
    platform: Platform,
    change: dict[str, Any],
    field: str,
    code: str,
) -> None:
    application = await open_application(client, offer)
    before = await counts(platform, (*TABLES, "audit_log"))
    response = await interview(client, application["id"], **change)
    assert response.status_code == 422, response.text
    assert (field, code) in [(e["field"], e["code"]) for e in response.json()["errors"]]
    assert await counts(platform, (*TABLES, "audit_log")) == before


# Qualification.


async def test_decision_needs_an_interview(
    client: Client, offer: Offer, platform: Platform
) -> None:
    application = await open_application(client, offer)
    requested = application["services"][0]["id"]
    before = await counts(platform, DECISION_TABLES)
    for language, text_ in (
        ("pl", "Przed decyzją o kwalifikacji trzeba przeprowadzić rozmowę o potrzebach."),
        ("en", "The needs interview must be held before a qualification decision."),
    ):
        response = await decide(
            client,
            application["id"],
            requested,
            {"outcome": "granted", "support_form": "single"},
            **{"Accept-Language": language},
        )
        assert response.status_code == 422
        assert response.json()["code"] == "application.interview_required"
        assert response.json()["title"] == text_
    assert await counts(platform, DECISION_TABLES) == before


BAD_DECISIONS = [
    ({"outcome": "granted"}, "support_form", "application.support_form_required"),
    ({"outcome": "refused"}, "reason", "application.reason_required"),
    ({"outcome": "refused", "reason": "   "}, "reason", "field.too_short"),
    (
        {"outcome": "waiting", "support_form": "ipus"},
        "support_form",
        "application.support_form_granted",
    ),
    (
        {"outcome": "granted", "support_form": "single", "reason": "x"},
        "reason",
        "application.reason_refused_only",
    ),
    ({"outcome": "maybe"}, "outcome", "field.choice"),
]


@pytest.mark.parametrize(("body", "field", "code"), BAD_DECISIONS)
async def test_bad_decision_writes_nothing(
    client: Client,
    offer: Offer,
    platform: Platform,
    body: dict[str, Any],
    field: str,
    code: str,
) -> None:
    application = await open_application(client, offer)
    assert (await interview(client, application["id"])).status_code == 200
    before = await counts(platform, DECISION_TABLES)
    response = await decide(client, application["id"], application["services"][0]["id"], body)
    assert response.status_code == 422, response.text
    assert (field, code) in [(e["field"], e["code"]) for e in response.json()["errors"]]
    assert await counts(platform, DECISION_TABLES) == before


async def test_decisions_follow_the_allowed_order(
    client: Client, offer: Offer, platform: Platform
) -> None:
    application = await open_application(client, offer, offer.care, offer.assistance)
    care = service_of(application, offer.care)["id"]
    assistance = service_of(application, offer.assistance)["id"]
    assert (await interview(client, application["id"])).status_code == 200
    waiting = {"outcome": "waiting"}
    assert (await decide(client, application["id"], care, waiting)).status_code == 201
    refused = {"outcome": "refused", "reason": "Brak miejsc."}
    assert (await decide(client, application["id"], assistance, refused)).status_code == 201
    before = await counts(platform, DECISION_TABLES)
    for requested, body in (
        (care, waiting),  # waiting → waiting
        (assistance, {"outcome": "granted", "support_form": "single"}),  # refused → granted
        (assistance, refused),
    ):
        response = await decide(
            client, application["id"], requested, body, **{"Accept-Language": "en"}
        )
        assert response.status_code == 409, response.text
        assert response.json()["code"] == "application.already_decided"
        assert response.json()["title"] == (
            "This service has already been decided; the decision cannot be changed this way."
        )
    assert await counts(platform, DECISION_TABLES) == before
    # A requested service of another application is not found under this one.
    other = await open_application(client, offer)
    response = await decide(client, application["id"], other["services"][0]["id"], waiting)
    assert response.status_code == 404


async def test_roles(client: Client, offer: Offer, platform: Platform) -> None:
    application = await open_application(client, offer)
    requested = application["services"][0]["id"]
    before = await counts(platform, (*TABLES, *DECISION_TABLES))
    body = {"outcome": "waiting"}
    for email in ("osl.a@test.local", "kipus.a@test.local"):
        response = await decide(client, application["id"], requested, body, email=email)
        assert response.status_code == 403, email
    osl = await login(client, "osl.a@test.local")
    assert (await client.get(BASE, headers=osl)).status_code == 403
    assert (await client.get(f"{BASE}/{application['id']}", headers=osl)).status_code == 403
    assert (await interview(client, application["id"], email="ous.a@test.local")).status_code == 403
    resident = application["resident_id"]
    assert (
        await apply(client, application_body(resident, offer.assistance), email="osl.a@test.local")
    ).status_code == 403
    assert await counts(platform, (*TABLES, *DECISION_TABLES)) == before


async def test_other_gminy_get_not_found(client: Client, offer: Offer, platform: Platform) -> None:
    application = await open_application(client, offer)
    requested = application["services"][0]["id"]
    app_id = application["id"]
    base_b = API.format(teryt=GMINA_B) + "/applications"
    before = await counts(platform, (*TABLES, *DECISION_TABLES))
    for email in ("kipus.b@test.local", "kipus.c@test.local"):
        headers = await login(client, email)
        assert (await client.get(f"{BASE}/{app_id}", headers=headers)).status_code == 404
        assert (await client.get(BASE, headers=headers)).status_code == 404
    kipus_b = await login(client, "kipus.b@test.local")
    director = await login(client, "director@test.local")
    for headers in (kipus_b, director):
        assert (await client.get(f"{base_b}/{app_id}", headers=headers)).status_code == 404
        put = await client.put(
            f"{base_b}/{app_id}/interview",
            json=INTERVIEW | {"held_on": clock.today().isoformat()},
            headers=headers,
        )
        assert put.status_code == 404
    created = await client.post(
        base_b,
        json=application_body(application["resident_id"], offer.assistance),
        headers=kipus_b,
    )
    assert created.status_code == 404
    decided = await decide(
        client, app_id, requested, {"outcome": "waiting"}, email="director@test.local", base=base_b
    )
    assert decided.status_code == 404
    assert await counts(platform, (*TABLES, *DECISION_TABLES)) == before


async def test_overdue_plan(client: Client, offer: Offer) -> None:
    application = await open_application(client, offer)
    ous = await login(client, "ous.a@test.local")
    with clock.travel(timedelta(days=30)):
        shown = (await client.get(f"{BASE}/{application['id']}", headers=ous)).json()
        assert shown["overdue"] is False
    with clock.travel(timedelta(days=31)):
        shown = (await client.get(f"{BASE}/{application['id']}", headers=ous)).json()
        assert shown["overdue"] is True
        queue = (await client.get(BASE, headers=ous)).json()
        [entry] = [e for e in queue["pending"] if e["application_id"] == application["id"]]
        assert entry["overdue"] is True
