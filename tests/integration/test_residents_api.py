"""The resident register end to end: validation in Polish and English, audit of every read and
write, pagination, search, optimistic locking; bad input writes nothing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import text

from cus_shared.identifiers.pesel import make_pesel
from tests.conftest import GMINA_A, Platform, count_rows, login

pytestmark = pytest.mark.asyncio(loop_scope="session")

Client = httpx.AsyncClient
BASE = f"/api/core/gminy/{GMINA_A}/residents"


async def _create(client: Client, body: dict[str, Any], email: str = "kipus.a@test.local") -> Any:
    return await client.post(BASE, json=body, headers=await login(client, email))


async def test_create_read_update_with_audit(client: Client, platform: Platform) -> None:
    from datetime import date

    pesel = make_pesel(date(1985, 3, 14), 321, "F")
    created = await _create(
        client,
        {
            "given_name": "Zofia",
            "family_name": "Wielgosz",
            "pesel": pesel,
            "address": {
                "street": "Polna",
                "building_no": "3",
                "postal_code": "62-511",
                "city": "Kramsk",
            },
            "preferred_language": "uk",
        },
    )
    assert created.status_code == 201, created.text
    resident = created.json()
    assert resident["birth_date"] == "1985-03-14"
    assert resident["sex"] == "F"
    headers = await login(client, "kipus.a@test.local")
    read = await client.get(f"{BASE}/{resident['id']}", headers=headers)
    assert read.status_code == 200
    changed = await client.patch(
        f"{BASE}/{resident['id']}", json={"version": 1, "given_name": "Zosia"}, headers=headers
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["version"] == 2
    stale = await client.patch(
        f"{BASE}/{resident['id']}", json={"version": 1, "given_name": "Z"}, headers=headers
    )
    assert stale.status_code == 409
    trail = await client.get(
        f"{BASE}/{resident['id']}/audit", headers=await login(client, "director@test.local")
    )
    assert trail.status_code == 200
    actions = [entry["action"] for entry in trail.json()["items"]]
    assert actions == ["update", "read", "create"]
    async with platform.db.admin_engine.connect() as conn:
        details = await conn.scalar(
            text(
                f'SELECT details::text FROM "gmina_{GMINA_A}".audit_log '
                "WHERE action = 'update' AND entity_id = :id"
            ),
            {"id": resident["id"]},
        )
    assert details is not None and "given_name" in details and "Zosia" not in details


async def test_household_link(client: Client) -> None:
    head = (
        await _create(
            client, {"given_name": "Jan", "family_name": "Domowy", "birth_date": "1970-01-01"}
        )
    ).json()
    child = await _create(
        client,
        {
            "given_name": "Ola",
            "family_name": "Domowa",
            "birth_date": "2012-06-01",
            "household_of": head["id"],
            "household_role": "child",
        },
    )
    assert child.status_code == 201, child.text
    read = await client.get(
        f"{BASE}/{head['id']}", headers=await login(client, "kipus.a@test.local")
    )
    assert [m["given_name"] for m in read.json()["household"]] == ["Ola"]


async def test_list_pages_and_search(client: Client) -> None:
    for index in range(3):
        await _create(
            client,
            {"given_name": f"Imię{index}", "family_name": "Stronicowa", "birth_date": "1999-09-09"},
        )
    headers = await login(client, "kipus.a@test.local")
    page = await client.get(f"{BASE}?limit=2&offset=0", headers=headers)
    assert page.status_code == 200
    assert len(page.json()["items"]) == 2 and page.json()["total"] >= 3
    found = await client.post(f"{BASE}/search", json={"name": "stronic"}, headers=headers)
    assert found.json()["total"] == 3
    by_date = await client.post(
        f"{BASE}/search", json={"birth_date": "1999-09-09", "limit": 1}, headers=headers
    )
    assert by_date.json()["total"] >= 3 and len(by_date.json()["items"]) == 1


async def test_osl_reads_but_cannot_write(client: Client) -> None:
    response = await _create(
        client,
        {"given_name": "A", "family_name": "B", "birth_date": "1990-01-01"},
        email="osl.a@test.local",
    )
    assert response.status_code == 403
    listing = await client.get(BASE, headers=await login(client, "osl.a@test.local"))
    assert listing.status_code == 200


BAD_INPUTS: list[tuple[str, dict[str, Any] | bytes, int, str, str]] = [
    (
        "bad checksum",
        {"given_name": "A", "family_name": "B", "pesel": "90010112319"},
        422,
        "pesel.checksum",
        "The PESEL check digit is wrong.",
    ),
    (
        "short pesel",
        {"given_name": "A", "family_name": "B", "pesel": "9001"},
        422,
        "pesel.format",
        "A PESEL must have 11 digits.",
    ),
    (
        "date mismatch",
        {"given_name": "A", "family_name": "B", "pesel": "90010112318", "birth_date": "1991-01-01"},
        422,
        "pesel.birth_date_mismatch",
        "The date of birth does not match the PESEL.",
    ),
    (
        "no birth date",
        {"given_name": "A", "family_name": "B"},
        422,
        "field.required",
        "This field is required.",
    ),
    (
        "future birth",
        {"given_name": "A", "family_name": "B", "birth_date": "2999-01-01"},
        422,
        "resident.birth_date_future",
        "The date of birth cannot be in the future.",
    ),
    (
        "postal code",
        {
            "given_name": "A",
            "family_name": "B",
            "birth_date": "1990-01-01",
            "address": {"postal_code": "62511"},
        },
        422,
        "postal_code.format",
        "A postal code must look like 00-000.",
    ),
    (
        "unknown field",
        {"given_name": "A", "family_name": "B", "birth_date": "1990-01-01", "religion": "x"},
        422,
        "field.unknown",
        "Unknown field.",
    ),
    (
        "too long",
        {"given_name": "A" * 101, "family_name": "B", "birth_date": "1990-01-01"},
        422,
        "field.too_long",
        "The value is too long (at most 100 characters).",
    ),
    (
        "bad date",
        {"given_name": "A", "family_name": "B", "birth_date": "31.12.1990"},
        422,
        "field.date",
        "Invalid date (expected YYYY-MM-DD).",
    ),
    (
        "missing household",
        {
            "given_name": "A",
            "family_name": "B",
            "birth_date": "1990-01-01",
            "household_of": "00000000-0000-0000-0000-000000000001",
        },
        422,
        "resident.household_missing",
        "The household does not exist in this gmina.",
    ),
    (
        "malformed json",
        b'{"given_name": "A",',
        400,
        "request.malformed",
        "The request body is not valid JSON.",
    ),
    (
        "oversized",
        b'{"given_name": "' + b"A" * 70_000 + b'"}',
        413,
        "request.too_large",
        "The request body is too large (limit: 65536 bytes).",
    ),
]


@pytest.mark.parametrize(
    ("case", "body", "status", "code", "english"), BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS]
)
async def test_bad_input_is_explained_and_writes_nothing(
    client: Client,
    platform: Platform,
    case: str,
    body: dict[str, Any] | bytes,
    status: int,
    code: str,
    english: str,
) -> None:
    headers = await login(client, "kipus.a@test.local")
    residents = await count_rows(platform.db.admin_engine, GMINA_A, "resident")
    audit = await count_rows(platform.db.admin_engine, GMINA_A, "audit_log")
    responses = {}
    for language in ("pl", "en"):
        extra = {"Accept-Language": language}
        if isinstance(body, bytes):
            response = await client.post(
                BASE, content=body, headers={**headers, **extra, "Content-Type": "application/json"}
            )
        else:
            response = await client.post(BASE, json=body, headers={**headers, **extra})
        assert response.status_code == status, (case, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        responses[language] = response.json()
    english_texts = [responses["en"]["title"]] + [
        e["message"] for e in responses["en"].get("errors", [])
    ]
    codes = [responses["en"]["code"]] + [e["code"] for e in responses["en"].get("errors", [])]
    assert code in codes, (case, responses["en"])
    assert english in english_texts, (case, english_texts)
    assert responses["pl"]["title"] != responses["en"]["title"]
    assert await count_rows(platform.db.admin_engine, GMINA_A, "resident") == residents
    assert await count_rows(platform.db.admin_engine, GMINA_A, "audit_log") == audit
    # Nothing the caller typed comes back in the error.
    assert "90010112319" not in str(responses)


async def test_duplicate_pesel_is_refused(client: Client, platform: Platform) -> None:
    from datetime import date

    body = {
        "given_name": "A",
        "family_name": "Podwójna",
        "pesel": make_pesel(date(1960, 2, 2), 5, "F"),
    }
    assert (await _create(client, body)).status_code == 201
    before = await count_rows(platform.db.admin_engine, GMINA_A, "resident")
    again = await _create(client, body)
    assert again.status_code == 409
    assert again.json()["code"] == "pesel.duplicate"
    assert await count_rows(platform.db.admin_engine, GMINA_A, "resident") == before


async def test_bad_search_and_paging(client: Client) -> None:
    headers = await login(client, "kipus.a@test.local")
    empty = await client.post(f"{BASE}/search", json={}, headers=headers)
    assert empty.status_code == 422 and empty.json()["code"] == "search.empty"
    bad = await client.post(f"{BASE}/search", json={"pesel": "123"}, headers=headers)
    assert bad.status_code == 422
    paging = await client.get(f"{BASE}?limit=1000", headers=headers)
    assert paging.status_code == 422
    assert paging.json()["errors"][0]["field"] == "limit"
    not_uuid = await client.get(f"{BASE}/not-a-uuid", headers=headers)
    assert not_uuid.status_code == 404


async def test_suspended_gmina_is_refused(client: Client) -> None:
    operator = await login(client, "operator@test.local")
    suspended = await client.post("/api/tenants/gminy/1465011/suspend", headers=operator)
    assert suspended.status_code == 200 and suspended.json()["status"] == "suspended"
    try:
        response = await client.get(
            "/api/core/gminy/1465011/residents", headers=await login(client, "kipus.c@test.local")
        )
        assert response.status_code == 403
        assert response.json()["code"] == "gmina.suspended"
    finally:
        resumed = await client.post("/api/tenants/gminy/1465011/resume", headers=operator)
        assert resumed.json()["status"] == "active"
