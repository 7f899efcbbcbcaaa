"""The control plane's API: gminy (with provisioning), agreements, users, login."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import text

from tests.conftest import GMINA_A, GMINA_B, PASSWORD, Platform, login

pytestmark = pytest.mark.asyncio(loop_scope="session")

Client = httpx.AsyncClient


async def test_operator_registers_and_provisions_a_gmina(
    client: Client, platform: Platform
) -> None:
    headers = await login(client, "operator@test.local")
    created = await client.post(
        "/api/tenants/gminy", json={"teryt": "0201011", "name": "Bolesławiec"}, headers=headers
    )
    assert created.status_code == 201, created.text
    assert created.json()["status"] == "active"
    assert created.json()["schema_revision"] == "t0001"
    async with platform.db.admin_engine.connect() as conn:
        tables = await conn.scalar(
            text("SELECT count(*) FROM pg_tables WHERE schemaname = 'gmina_0201011'")
        )
    assert tables == 4  # household, resident, audit_log, alembic_version
    again = await client.post(
        "/api/tenants/gminy", json={"teryt": "0201011", "name": "Bolesławiec"}, headers=headers
    )
    assert again.status_code == 409
    migrated = await client.post("/api/tenants/gminy/0201011/migrate", headers=headers)
    assert migrated.status_code == 200
    listed = await client.get("/api/tenants/gminy?voivodeship=02", headers=headers)
    assert [g["teryt"] for g in listed.json()["items"]] == ["0201011"]


@pytest.mark.parametrize(
    ("teryt", "key"),
    [("123", "teryt.format"), ("0101011", "teryt.voivodeship"), ("3010059", "teryt.type")],
)
async def test_bad_teryt_is_explained_and_nothing_registered(
    client: Client, platform: Platform, teryt: str, key: str
) -> None:
    headers = {**await login(client, "operator@test.local"), "Accept-Language": "en"}
    response = await client.post(
        "/api/tenants/gminy", json={"teryt": teryt, "name": "Zła"}, headers=headers
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == key
    async with platform.db.admin_engine.connect() as conn:
        found = await conn.scalar(text("SELECT count(*) FROM shared.gmina WHERE name = 'Zła'"))
        schemas = await conn.scalar(
            text("SELECT count(*) FROM pg_namespace WHERE nspname = :n"), {"n": f"gmina_{teryt}"}
        )
    assert found == 0 and schemas == 0


async def test_only_operators_manage_gminy(client: Client) -> None:
    response = await client.post(
        "/api/tenants/gminy",
        json={"teryt": "0202011", "name": "X"},
        headers=await login(client, "kipus.a@test.local"),
    )
    assert response.status_code == 403
    assert (await client.get("/api/tenants/gminy")).status_code == 401


async def test_agreement_validation(client: Client) -> None:
    headers = {**await login(client, "operator@test.local"), "Accept-Language": "en"}
    response = await client.post(
        "/api/tenants/agreements",
        json={
            "name": "Błędne porozumienie",
            "lead_teryt": "1465011",
            "members": [
                {"teryt": GMINA_A, "joined_on": "2025-01-01", "left_on": "2024-01-01"},
                {"teryt": "2261011", "joined_on": "2025-01-01"},
            ],
        },
        headers=headers,
    )
    assert response.status_code == 422
    codes = {e["code"] for e in response.json()["errors"]}
    assert codes == {"agreement.dates", "agreement.lead_not_member", "agreement.unknown_gmina"}


async def test_single_gmina_cus_is_an_agreement_of_one(client: Client) -> None:
    headers = await login(client, "operator@test.local")
    response = await client.post(
        "/api/tenants/agreements",
        json={
            "name": "CUS w Golinie",
            "lead_teryt": GMINA_B,
            "members": [{"teryt": GMINA_B, "joined_on": "2024-01-01"}],
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text
    shown = await client.get(f"/api/tenants/agreements/{response.json()['id']}", headers=headers)
    assert [m["teryt"] for m in shown.json()["members"]] == [GMINA_B]


async def test_login_and_me(client: Client, platform: Platform) -> None:
    me = await client.get(
        "/api/tenants/auth/me", headers=await login(client, "director@test.local")
    )
    assert me.status_code == 200
    assert me.json()["gminy"] == {GMINA_A: ["director"], GMINA_B: ["director"]}
    wrong = await client.post(
        "/api/tenants/auth/login",
        json={"email": "director@test.local", "password": "nope"},
        headers={"Accept-Language": "en"},
    )
    assert wrong.status_code == 401
    assert wrong.json()["title"] == "Wrong e-mail or password."
    unknown = await client.post(
        "/api/tenants/auth/login", json={"email": "nobody@test.local", "password": PASSWORD}
    )
    assert unknown.status_code == 401
    async with platform.db.admin_engine.connect() as conn:
        stored = await conn.scalar(
            text("SELECT password_hash FROM shared.app_user WHERE email = 'director@test.local'")
        )
    assert str(stored).startswith("$argon2id$")


async def test_user_creation_rules(client: Client) -> None:
    headers = {**await login(client, "operator@test.local"), "Accept-Language": "en"}
    response = await client.post(
        "/api/tenants/users",
        json={
            "email": "new@test.local",
            "display_name": "Nowy",
            "password": "short",
            "memberships": [
                {"scope": "region", "scope_id": "30", "role": "kipus"},
                {"scope": "gmina", "scope_id": "0202011", "role": "kipus"},
                {"scope": "region", "scope_id": "99", "role": "rops_supervisor"},
            ],
        },
        headers=headers,
    )
    assert response.status_code == 422
    codes = [e["code"] for e in response.json()["errors"]]
    assert codes == [
        "membership.scope_role",
        "membership.unknown_scope",
        "membership.unknown_scope",
        "password.too_short",
    ]
    duplicate = await client.post(
        "/api/tenants/users",
        json={"email": "KIPUS.A@test.local", "display_name": "Xx", "password": PASSWORD},
        headers=headers,
    )
    assert duplicate.status_code == 409


async def test_reporting_regions_follow_memberships(client: Client) -> None:
    rops = await client.get(
        "/api/reporting/regions", headers=await login(client, "rops@test.local")
    )
    assert rops.json() == [{"code": "30", "name": "wielkopolskie"}]
    kipus = await client.get(
        "/api/reporting/regions", headers=await login(client, "kipus.a@test.local")
    )
    assert kipus.status_code == 403


@pytest.mark.parametrize("path", ["/health", "/ready", "/schema/openapi.json"])
async def test_operations_endpoints(client: Client, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 200
    assert response.headers["x-request-id"]
