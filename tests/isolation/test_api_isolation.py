"""Every resident endpoint called with another tenant's ids answers 404 and leaks nothing."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.conftest import GMINA_A, GMINA_B, GMINA_C, Platform, count_rows, login

pytestmark = [pytest.mark.isolation, pytest.mark.asyncio(loop_scope="session")]

Client = httpx.AsyncClient


async def _resident(client: Client, teryt: str, email: str, family: str) -> dict[str, Any]:
    response = await client.post(
        f"/api/core/gminy/{teryt}/residents",
        json={"given_name": "Ala", "family_name": family, "birth_date": "1980-05-05"},
        headers=await login(client, email),
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_other_tenants_resident_ids_answer_404(client: Client, platform: Platform) -> None:
    theirs = await _resident(client, GMINA_B, "kipus.b@test.local", "Obca")
    mine = await login(client, "kipus.a@test.local")
    base = f"/api/core/gminy/{GMINA_A}/residents/{theirs['id']}"
    calls = [
        await client.get(base, headers=mine),
        await client.patch(base, json={"version": 1, "given_name": "X"}, headers=mine),
        await client.get(f"{base}/audit", headers=await login(client, "director@test.local")),
    ]
    for response in calls:
        assert response.status_code == 404, response.text
        assert "Obca" not in response.text
    search = await client.post(
        f"/api/core/gminy/{GMINA_A}/residents/search", json={"name": "Obca"}, headers=mine
    )
    assert search.status_code == 200
    assert search.json()["total"] == 0


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("GET", "", None),
        ("POST", "", {"given_name": "A", "family_name": "B", "birth_date": "1990-01-01"}),
        ("POST", "/search", {"name": "Ala"}),
        ("GET", "/00000000-0000-0000-0000-000000000001", None),
        ("PATCH", "/00000000-0000-0000-0000-000000000001", {"version": 1}),
        ("GET", "/00000000-0000-0000-0000-000000000001/audit", None),
    ],
)
async def test_gmina_of_which_caller_is_not_member_answers_404(
    client: Client, platform: Platform, method: str, suffix: str, body: dict[str, Any] | None
) -> None:
    """Kipus of A asking for C (exists), for an unregistered gmina and a malformed code."""
    headers = await login(client, "kipus.a@test.local")
    before = await count_rows(platform.db.admin_engine, GMINA_C, "resident")
    for teryt in (GMINA_C, "0201011", "99", "gmina_3010052"):
        response = await client.request(
            method, f"/api/core/gminy/{teryt}/residents{suffix}", json=body, headers=headers
        )
        assert response.status_code == 404, (teryt, response.text)
    assert await count_rows(platform.db.admin_engine, GMINA_C, "resident") == before


async def test_agreement_membership_reaches_every_member_gmina(client: Client) -> None:
    headers = await login(client, "director@test.local")
    for teryt in (GMINA_A, GMINA_B):
        response = await client.get(f"/api/core/gminy/{teryt}/residents", headers=headers)
        assert response.status_code == 200, response.text
    outside = await client.get(f"/api/core/gminy/{GMINA_C}/residents", headers=headers)
    assert outside.status_code == 404


@pytest.mark.parametrize("email", ["rops@test.local", "partner@test.local", "operator@test.local"])
async def test_people_outside_the_cus_do_not_see_residents(client: Client, email: str) -> None:
    response = await client.get(
        f"/api/core/gminy/{GMINA_A}/residents", headers=await login(client, email)
    )
    assert response.status_code == 404


async def test_forged_token_is_refused(client: Client) -> None:
    from datetime import UTC, datetime, timedelta

    from litestar.security.jwt import Token

    forged = Token(
        exp=datetime.now(UTC) + timedelta(minutes=5),
        sub=str(uuid.uuid4()),
        iss="cus-tenants",
        jti="x",
        extras={"mem": [], "ten": {GMINA_A: ["kipus"]}},
    ).encode("not-the-secret-" * 4, "HS256")
    response = await client.get(
        f"/api/core/gminy/{GMINA_A}/residents", headers={"Authorization": f"Bearer {forged}"}
    )
    assert response.status_code == 401
