"""Community work through the API: volunteers, self-help groups, neighbour support and events,
the year's summary; bad input explained in Polish and English and written nowhere; the OSL
writes, KIPUS reads only; other gminy answer 404."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import GMINA_A, GMINA_B, Platform, count_rows, login

pytestmark = pytest.mark.asyncio(loop_scope="session")

Client = httpx.AsyncClient
BASE = f"/api/core/gminy/{GMINA_A}/community"
OSL = "osl.a@test.local"
TABLES = ("volunteer", "self_help_group", "neighbour_support", "community_event", "audit_log")
#: A year no other test writes community work in, so the summary's counts are exact.
YEAR = 2031


async def post(client: Client, path: str, body: dict[str, Any], email: str = OSL) -> Any:
    return await client.post(f"{BASE}{path}", json=body, headers=await login(client, email))


async def counts(engine: AsyncEngine, teryt: str = GMINA_A) -> list[int]:
    return [await count_rows(engine, teryt, t) for t in TABLES]


async def volunteer(client: Client, **fields: Any) -> dict[str, Any]:
    body = {
        "given_name": "Wanda",
        "family_name": "Pomocna" + secrets.token_hex(3),
        "kinds": ["care", "event"],
        "active_since": f"{YEAR}-01-10",
        **fields,
    }
    response = await post(client, "/volunteers", body)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def resident(client: Client) -> str:
    response = await client.post(
        f"/api/core/gminy/{GMINA_A}/residents",
        json={
            "given_name": "Jan",
            "family_name": "Sąsiad" + secrets.token_hex(3),
            "birth_date": "1940-02-02",
        },
        headers=await login(client, "kipus.a@test.local"),
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def test_volunteers_groups_support_events_and_summary(
    client: Client, platform: Platform
) -> None:
    headers = await login(client, OSL)
    before = (await client.get(f"{BASE}/summary?year={YEAR}", headers=headers)).json()
    carer = await volunteer(
        client, kinds=["care", "care", "household"], phone="600100200", email="wanda@example.com"
    )
    assert carer["kinds"] == ["care", "household"]
    teacher = await volunteer(client, kinds=["educational"])
    shown = await client.get(f"{BASE}/volunteers/{carer['id']}", headers=headers)
    assert shown.status_code == 200 and shown.json()["email"] == "wanda@example.com"
    changed = await client.patch(
        f"{BASE}/volunteers/{teacher['id']}",
        json={"kinds": ["educational", "event"]},
        headers=headers,
    )
    assert changed.status_code == 200 and changed.json()["kinds"] == ["event", "educational"]
    listed = await client.get(
        f"{BASE}/volunteers", headers=await login(client, "kipus.a@test.local")
    )
    assert listed.status_code == 200
    assert {carer["id"], teacher["id"]} <= {v["id"] for v in listed.json()}

    group = await post(
        client,
        "/groups",
        {
            "name": "Klub seniora",
            "topic": "Spotkania",
            "members": 12,
            "started_on": f"{YEAR}-02-01",
        },
    )
    assert group.status_code == 201, group.text
    event = await post(
        client,
        "/events",
        {
            "title": "Piknik sąsiedzki",
            "held_on": f"{YEAR}-06-01",
            "participants": 80,
            "volunteers": 6,
            "self_help_group_id": group.json()["id"],
        },
    )
    assert event.status_code == 201, event.text
    person = await resident(client)
    link = await post(
        client,
        "/neighbour-support",
        {
            "volunteer_id": carer["id"],
            "resident_id": person,
            "kind": "household",
            "description": "Zakupy raz w tygodniu",
            "started_on": f"{YEAR}-03-01",
        },
    )
    assert link.status_code == 201, link.text
    assert link.json()["resident_name"].startswith("Jan ")
    links = await client.get(f"{BASE}/neighbour-support", headers=headers)
    assert link.json()["id"] in {x["id"] for x in links.json()}
    ended = await post(
        client, f"/neighbour-support/{link.json()['id']}/end", {"ended_on": f"{YEAR}-09-30"}
    )
    assert ended.status_code == 200 and ended.json()["ended_on"] == f"{YEAR}-09-30"
    events = await client.get(f"{BASE}/events?year={YEAR}", headers=headers)
    assert [e["title"] for e in events.json()].count("Piknik sąsiedzki") >= 1
    gone = await post(client, f"/volunteers/{teacher['id']}/end", {"active_until": f"{YEAR}-12-01"})
    assert gone.status_code == 200
    group_end = await post(
        client, f"/groups/{group.json()['id']}/end", {"ended_on": f"{YEAR}-11-30"}
    )
    assert group_end.status_code == 200

    after = (await client.get(f"{BASE}/summary?year={YEAR}", headers=headers)).json()
    assert after["volunteers"] == before["volunteers"] + 2
    delta = {
        k: after["volunteers_by_kind"][k] - before["volunteers_by_kind"][k]
        for k in after["volunteers_by_kind"]
    }
    assert delta == {"event": 1, "care": 1, "household": 1, "educational": 1}
    assert after["groups"] == before["groups"] + 1
    assert after["group_members"] == before["group_members"] + 12
    assert after["neighbour_support"] == before["neighbour_support"] + 1
    assert after["events"] == before["events"] + 1
    assert after["event_participants"] == before["event_participants"] + 80
    assert after["event_volunteers"] == before["event_volunteers"] + 6
    # Another year counts none of it.
    later = (await client.get(f"{BASE}/summary?year={YEAR + 1}", headers=headers)).json()
    assert later["volunteers"] == 0 or later["volunteers"] < after["volunteers"]

    async with platform.db.admin_engine.connect() as conn:
        rows = (
            await conn.execute(
                text(
                    f'SELECT entity, action, details::text FROM "gmina_{GMINA_A}".audit_log '
                    "WHERE entity_id IN (:v, :r) ORDER BY occurred_at, id"
                ),
                {"v": carer["id"], "r": person},
            )
        ).all()
    entries = [(r[0], r[1]) for r in rows]
    assert ("volunteer", "create") in entries and ("volunteer", "read") in entries
    assert ("resident", "create") in entries and entries.count(("resident", "update")) == 1
    assert all("Zakupy" not in (r[2] or "") and "wanda@" not in (r[2] or "") for r in rows)


async def _refused(
    client: Client,
    engine: AsyncEngine,
    path: str,
    body: dict[str, Any],
    status: int,
    code: str,
    english: str,
    polish: str,
) -> None:
    before = await counts(engine)
    answers = {}
    for language in ("pl", "en"):
        response = await client.post(
            f"{BASE}{path}",
            json=body,
            headers={**await login(client, OSL), "Accept-Language": language},
        )
        assert response.status_code == status, (path, response.text)
        answers[language] = response.json()
    for language, expected in (("en", english), ("pl", polish)):
        texts = [answers[language]["title"]] + [
            e["message"] for e in answers[language].get("errors", [])
        ]
        assert expected in texts, (language, texts)
    codes = [answers["en"]["code"]] + [e["code"] for e in answers["en"].get("errors", [])]
    assert code in codes
    assert await counts(engine) == before


async def test_bad_input_is_explained_and_writes_nothing(
    client: Client, platform: Platform
) -> None:
    engine = platform.db.admin_engine
    carer = await volunteer(client, kinds=["care"])
    person = await resident(client)
    group = (
        await post(
            client,
            "/groups",
            {"name": "Grupa", "topic": "T", "members": 3, "started_on": f"{YEAR}-05-01"},
        )
    ).json()
    link = {"volunteer_id": carer["id"], "resident_id": person, "started_on": f"{YEAR}-03-01"}
    await _refused(
        client,
        engine,
        "/neighbour-support",
        {**link, "kind": "educational"},
        422,
        "community.kind_not_volunteers",
        "This volunteer does not do this kind of volunteering.",
        "Ten wolontariusz nie wykonuje wolontariatu tego rodzaju.",
    )
    await _refused(
        client,
        engine,
        "/neighbour-support",
        {**link, "kind": "care", "started_on": f"{YEAR}-01-01"},
        422,
        "community.support_before_volunteer",
        "Neighbour support cannot start before the volunteer became active.",
        "Wsparcie sąsiedzkie nie może zacząć się przed rozpoczęciem działalności wolontariusza.",
    )
    await _refused(
        client,
        engine,
        f"/volunteers/{carer['id']}/end",
        {"active_until": f"{YEAR - 1}-12-31"},
        422,
        "community.end_before_start",
        "The end date cannot be before the start date.",
        "Data zakończenia nie może być wcześniejsza niż data rozpoczęcia.",
    )
    await _refused(
        client,
        engine,
        f"/groups/{group['id']}/end",
        {"ended_on": f"{YEAR}-04-01"},
        422,
        "community.end_before_start",
        "The end date cannot be before the start date.",
        "Data zakończenia nie może być wcześniejsza niż data rozpoczęcia.",
    )
    await _refused(
        client,
        engine,
        "/volunteers",
        {
            "given_name": "A",
            "family_name": "B",
            "kinds": ["care"],
            "active_since": "2026-01-01",
            "email": "nie-email",
        },
        422,
        "community.email_format",
        "Enter an e-mail address like name@example.com.",
        "Podaj adres e-mail w formacie nazwa@domena.pl.",
    )
    await _refused(
        client,
        engine,
        "/events",
        {"title": "X", "held_on": "2026-01-01", "participants": 1, "self_help_group_id": person},
        422,
        "community.group_unknown",
        "There is no such self-help group in this gmina.",
        "Nie ma takiej grupy samopomocowej w tej gminie.",
    )
    for path, body in (
        (
            "/volunteers",
            {"given_name": "A", "family_name": "B", "kinds": [], "active_since": "2026-01-01"},
        ),
        (
            "/volunteers",
            {
                "given_name": "A",
                "family_name": "B",
                "kinds": ["gardening"],
                "active_since": "2026-01-01",
            },
        ),
        ("/groups", {"name": "G", "topic": "T", "members": -1, "started_on": "2026-01-01"}),
        ("/events", {"title": "E", "held_on": "2026-01-01", "participants": -5}),
    ):
        before = await counts(engine)
        response = await post(client, path, body)
        assert response.status_code in (400, 422), response.text
        assert await counts(engine) == before
    # Ending twice, or linking an ended volunteer: refused, nothing written.
    assert (
        await post(client, f"/volunteers/{carer['id']}/end", {"active_until": f"{YEAR}-06-30"})
    ).status_code == 200
    await _refused(
        client,
        engine,
        f"/volunteers/{carer['id']}/end",
        {"active_until": f"{YEAR}-07-30"},
        409,
        "community.already_ended",
        "This has already ended. Nothing was changed.",
        "To zostało już zakończone. Nic nie zostało zmienione.",
    )
    await _refused(
        client,
        engine,
        "/neighbour-support",
        {**link, "kind": "care"},
        422,
        "community.volunteer_ended",
        "This volunteer is no longer active.",
        "Ten wolontariusz zakończył już działalność.",
    )


async def test_roles(client: Client, platform: Platform) -> None:
    engine = platform.db.admin_engine
    before = await counts(engine)
    body = {"given_name": "A", "family_name": "B", "kinds": ["care"], "active_since": "2026-01-01"}
    for email in ("kipus.a@test.local", "ous.a@test.local"):
        assert (await post(client, "/volunteers", body, email=email)).status_code == 403
        assert (
            await post(
                client,
                "/events",
                {"title": "E", "held_on": "2026-01-01", "participants": 1},
                email=email,
            )
        ).status_code == 403
    assert await counts(engine) == before
    for email in ("kipus.a@test.local", "director@test.local"):
        headers = await login(client, email)
        assert (await client.get(f"{BASE}/summary", headers=headers)).status_code == 200
        assert (await client.get(f"{BASE}/volunteers", headers=headers)).status_code == 200
    assert (await post(client, "/volunteers", body, email="director@test.local")).status_code == 201


async def test_other_gminy_answer_404(client: Client, platform: Platform) -> None:
    engine = platform.db.admin_engine
    carer = await volunteer(client)
    person = await resident(client)
    group = (
        await post(
            client, "/groups", {"name": "G", "topic": "T", "members": 1, "started_on": "2026-01-01"}
        )
    ).json()
    link = (
        await post(
            client,
            "/neighbour-support",
            {
                "volunteer_id": carer["id"],
                "resident_id": person,
                "kind": "care",
                "started_on": f"{YEAR}-02-01",
            },
        )
    ).json()
    before_a, before_b = await counts(engine), await counts(engine, GMINA_B)
    for email, teryt in (
        ("kipus.b@test.local", GMINA_A),
        ("kipus.c@test.local", GMINA_A),
        ("director@test.local", GMINA_B),
        ("kipus.b@test.local", GMINA_B),
    ):
        headers = await login(client, email)
        base = f"/api/core/gminy/{teryt}/community"
        assert (
            await client.get(f"{base}/volunteers/{carer['id']}", headers=headers)
        ).status_code == 404
        for path, body, method in (
            (f"/volunteers/{carer['id']}", {"given_name": "X"}, "PATCH"),
            (f"/volunteers/{carer['id']}/end", {"active_until": f"{YEAR}-12-01"}, "POST"),
            (f"/groups/{group['id']}/end", {"ended_on": "2026-12-01"}, "POST"),
            (f"/neighbour-support/{link['id']}/end", {"ended_on": f"{YEAR}-12-01"}, "POST"),
            (
                "/neighbour-support",
                {
                    "volunteer_id": carer["id"],
                    "resident_id": person,
                    "kind": "care",
                    "started_on": f"{YEAR}-02-01",
                },
                "POST",
            ),
            (
                "/events",
                {
                    "title": "E",
                    "held_on": "2026-01-01",
                    "participants": 1,
                    "self_help_group_id": group["id"],
                },
                "POST",
            ),
        ):
            response = await client.request(method, f"{base}{path}", json=body, headers=headers)
            expected = 422 if path == "/events" and teryt == GMINA_B else 404
            assert response.status_code in (expected, 403), (email, teryt, path, response.text)
            if email == "director@test.local":
                assert response.status_code == expected, (path, response.text)
    assert await counts(engine) == before_a
    assert await counts(engine, GMINA_B) == before_b
    assert date.fromisoformat(link["started_on"]).year == YEAR
