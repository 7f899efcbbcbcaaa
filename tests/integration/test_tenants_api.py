"""The control plane's API: gminy (with provisioning), agreements, users, login."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from cus_shared.identity import revocation
from cus_shared.plugins import migration_tree
from tests.conftest import GMINA_A, GMINA_B, GMINA_C, PASSWORD, Platform, login

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
    assert created.json()["schema_revision"] == migration_tree("tenant").head
    async with platform.db.admin_engine.connect() as conn:
        tables = await conn.scalar(
            text("SELECT count(*) FROM pg_tables WHERE schemaname = 'gmina_0201011'")
        )
    # Every table of the tenant tree, and its own version table.
    assert tables == len(migration_tree("tenant").metadata().tables) + 1
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


# Managing existing users: memberships added and removed, accounts disabled and enabled. Each
# test creates its own users (the fixture users serve every other test and are never changed).

OPERATOR = "operator@test.local"


async def _operator(client: Client) -> dict[str, str]:
    return {**await login(client, OPERATOR), "Accept-Language": "en"}


async def _new_user(
    client: Client, memberships: list[dict[str, str]], prefix: str = "konto"
) -> dict[str, Any]:
    """A user of this test alone (unique e-mail), created through the API."""
    response = await client.post(
        "/api/tenants/users",
        json={
            "email": f"{prefix}.{uuid.uuid4().hex[:10]}@test.local",
            "display_name": "Konto testowe",
            "password": PASSWORD,
            "memberships": memberships,
        },
        headers=await _operator(client),
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def _kipus_in(teryt: str) -> dict[str, str]:
    return {"scope": "gmina", "scope_id": teryt, "role": "kipus"}


_OPERATOR_ROLE = {"scope": "platform", "scope_id": "*", "role": "operator"}


async def _memberships_of(engine: AsyncEngine, user_id: str) -> int:
    """A user's rows in shared.membership (read as admin, outside the app)."""
    async with engine.connect() as conn:
        value: Any = await conn.scalar(
            text("SELECT count(*) FROM shared.membership WHERE user_id = :u"), {"u": user_id}
        )
    return int(value)


async def _is_active(engine: AsyncEngine, user_id: str) -> bool:
    async with engine.connect() as conn:
        value: Any = await conn.scalar(
            text("SELECT is_active FROM shared.app_user WHERE id = :u"), {"u": user_id}
        )
    return bool(value)


async def _login(client: Client, email: str) -> httpx.Response:
    """A fresh login (not the session's cached tokens)."""
    return await client.post("/api/tenants/auth/login", json={"email": email, "password": PASSWORD})


async def test_operator_adds_and_removes_a_membership(
    client: Client, admin_engine: AsyncEngine
) -> None:
    headers = await _operator(client)
    user = await _new_user(client, [_kipus_in(GMINA_A)])
    added = await client.post(
        f"/api/tenants/users/{user['id']}/memberships", json=_kipus_in(GMINA_B), headers=headers
    )
    assert added.status_code == 201, added.text
    held = {m["scope_id"]: m for m in added.json()["memberships"]}
    assert set(held) == {GMINA_A, GMINA_B}
    assert held[GMINA_B]["role"] == "kipus" and held[GMINA_B]["granted_at"]
    assert await _memberships_of(admin_engine, user["id"]) == 2
    token = (await _login(client, user["email"])).json()["access_token"]
    me = await client.get("/api/tenants/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["gminy"] == {GMINA_A: ["kipus"], GMINA_B: ["kipus"]}

    removed = await client.delete(
        f"/api/tenants/users/{user['id']}/memberships/{held[GMINA_B]['id']}", headers=headers
    )
    assert removed.status_code == 200, removed.text
    assert [m["scope_id"] for m in removed.json()["memberships"]] == [GMINA_A]
    assert await _memberships_of(admin_engine, user["id"]) == 1
    shown = await client.get(f"/api/tenants/users/{user['id']}", headers=headers)
    assert [m["id"] for m in shown.json()["memberships"]] == [held[GMINA_A]["id"]]
    # Removing it again: it is gone.
    again = await client.delete(
        f"/api/tenants/users/{user['id']}/memberships/{held[GMINA_B]['id']}", headers=headers
    )
    assert again.status_code == 404


async def test_a_role_held_twice_is_a_conflict_and_nothing_is_written(
    client: Client, admin_engine: AsyncEngine
) -> None:
    user = await _new_user(client, [_kipus_in(GMINA_A)])
    response = await client.post(
        f"/api/tenants/users/{user['id']}/memberships",
        json=_kipus_in(GMINA_A),
        headers=await _operator(client),
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "membership.duplicate"
    assert body["title"] == "The user already holds this role in this scope."
    assert [e["field"] for e in body["errors"]] == ["role"]
    polish = await client.post(
        f"/api/tenants/users/{user['id']}/memberships",
        json=_kipus_in(GMINA_A),
        headers=await login(client, OPERATOR),
    )
    assert polish.json()["title"] == "Użytkownik ma już tę rolę w tym zakresie."
    assert await _memberships_of(admin_engine, user["id"]) == 1


@pytest.mark.parametrize(
    ("membership", "status", "errors"),
    [
        (
            {"scope": "region", "scope_id": "30", "role": "kipus"},
            422,
            [("scope", "membership.scope_role")],
        ),
        (_kipus_in("3021093"), 422, [("scope_id", "membership.unknown_scope")]),
        (_kipus_in("abc"), 422, [("scope_id", "membership.unknown_scope")]),
        (
            {"scope": "agreement", "scope_id": str(uuid.uuid4()), "role": "director"},
            422,
            [("scope_id", "membership.unknown_scope")],
        ),
        (
            {"scope": "platform", "scope_id": "1", "role": "operator"},
            422,
            [("scope_id", "membership.unknown_scope")],
        ),
        (
            {"scope": "gmina", "scope_id": GMINA_C, "role": "wizard"},
            422,
            [("role", "field.choice")],
        ),
        (
            {"scope": "gmina", "scope_id": "", "role": "kipus"},
            422,
            [("scope_id", "field.too_short")],
        ),
        ({**_kipus_in(GMINA_C), "extra": "x"}, 422, [("extra", "field.unknown")]),
    ],
)
async def test_bad_memberships_are_explained_and_nothing_is_written(
    client: Client,
    admin_engine: AsyncEngine,
    membership: dict[str, str],
    status: int,
    errors: list[tuple[str, str]] | None,
) -> None:
    user = await _new_user(client, [_kipus_in(GMINA_A)])
    response = await client.post(
        f"/api/tenants/users/{user['id']}/memberships",
        json=membership,
        headers=await _operator(client),
    )
    assert response.status_code == status, response.text
    if errors is not None:
        assert [(e["field"], e["code"]) for e in response.json()["errors"]] == errors
    assert await _memberships_of(admin_engine, user["id"]) == 1


async def test_another_users_membership_is_not_found_and_stays(
    client: Client, admin_engine: AsyncEngine
) -> None:
    headers = await _operator(client)
    first = await _new_user(client, [_kipus_in(GMINA_A)])
    second = await _new_user(client, [_kipus_in(GMINA_B)])
    theirs = second["memberships"][0]["id"]
    for path in (
        f"/api/tenants/users/{first['id']}/memberships/{theirs}",
        f"/api/tenants/users/{first['id']}/memberships/{uuid.uuid4()}",
        f"/api/tenants/users/{uuid.uuid4()}/memberships/{theirs}",
    ):
        response = await client.delete(path, headers=headers)
        assert response.status_code == 404, path
    unknown_user = await client.post(
        f"/api/tenants/users/{uuid.uuid4()}/memberships", json=_kipus_in(GMINA_A), headers=headers
    )
    assert unknown_user.status_code == 404
    for unknown in ("disable", "enable"):
        response = await client.post(
            f"/api/tenants/users/{uuid.uuid4()}/{unknown}", headers=headers
        )
        assert response.status_code == 404
    assert await _memberships_of(admin_engine, first["id"]) == 1
    assert await _memberships_of(admin_engine, second["id"]) == 1


async def test_a_disabled_account_cannot_log_in_until_enabled(
    client: Client, admin_engine: AsyncEngine
) -> None:
    headers = await _operator(client)
    user = await _new_user(client, [_kipus_in(GMINA_A)])
    issued = (await _login(client, user["email"])).json()["access_token"]
    disabled = await client.post(f"/api/tenants/users/{user['id']}/disable", headers=headers)
    assert disabled.status_code == 200, disabled.text
    assert disabled.json()["is_active"] is False
    assert await _is_active(admin_engine, user["id"]) is False
    refused = await _login(client, user["email"])
    assert refused.status_code == 401
    assert refused.json()["code"] == "auth.invalid_credentials"  # the same answer as a bad password
    # Disabling ends the sessions already open (once the services' revocation cache is
    # refreshed: at most CUS_AUTH_REVOCATION_REFRESH_SECONDS; cleared here to be immediate).
    revocation.clear_cache()
    me = await client.get("/api/tenants/auth/me", headers={"Authorization": f"Bearer {issued}"})
    assert me.status_code == 401
    # Disabling twice changes nothing; the roles are kept.
    twice = await client.post(f"/api/tenants/users/{user['id']}/disable", headers=headers)
    assert twice.status_code == 200 and twice.json()["is_active"] is False
    assert await _memberships_of(admin_engine, user["id"]) == 1

    enabled = await client.post(f"/api/tenants/users/{user['id']}/enable", headers=headers)
    assert enabled.status_code == 200, enabled.text
    assert enabled.json()["is_active"] is True
    assert await _is_active(admin_engine, user["id"]) is True
    assert (await _login(client, user["email"])).status_code == 200


async def test_nobody_disables_their_own_account(client: Client, admin_engine: AsyncEngine) -> None:
    operator = await _new_user(client, [_OPERATOR_ROLE], prefix="operator")
    token = (await _login(client, operator["email"])).json()["access_token"]
    own = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
    response = await client.post(f"/api/tenants/users/{operator['id']}/disable", headers=own)
    assert response.status_code == 409
    assert response.json()["code"] == "user.disable_self"
    assert response.json()["title"] == "You cannot disable your own account."
    assert await _is_active(admin_engine, operator["id"]) is True
    # Another operator may; then this test's operator leaves the platform's operators as they
    # were (roles removed while another active operator remains).
    headers = await _operator(client)
    assert (
        await client.post(f"/api/tenants/users/{operator['id']}/disable", headers=headers)
    ).status_code == 200
    membership = operator["memberships"][0]["id"]
    removed = await client.delete(
        f"/api/tenants/users/{operator['id']}/memberships/{membership}", headers=headers
    )
    assert removed.status_code == 200
    assert await _memberships_of(admin_engine, operator["id"]) == 0


@asynccontextmanager
async def _rolled_back(platform: Platform) -> AsyncIterator[AsyncSession]:
    """A transaction of the tenants service that is rolled back at the end, whatever it did."""
    from cus_shared.database.naming import SHARED_SCHEMA, TENANTS_SERVICE_ROLE
    from cus_shared.tenancy import enter_role

    async with platform.db.sessions() as session:
        await session.begin()
        await enter_role(session, db_role=TENANTS_SERVICE_ROLE, schema=SHARED_SCHEMA)
        try:
            yield session
        finally:
            await session.rollback()


async def test_the_last_active_operator_keeps_role_and_account(
    client: Client, platform: Platform, admin_engine: AsyncEngine
) -> None:
    """In one transaction rolled back at the end, every other operator is disabled: this
    operator is then the last active one (the fixture operator is never really changed)."""
    from cus_shared.errors import ConflictError
    from cus_tenants.identity import service

    operator = await _new_user(client, [_OPERATOR_ROLE], prefix="operator")
    spare = await _new_user(client, [_OPERATOR_ROLE], prefix="operator")
    last, actor = uuid.UUID(operator["id"]), uuid.UUID(spare["id"])
    membership = uuid.UUID(operator["memberships"][0]["id"])
    async with _rolled_back(platform) as session:
        await session.execute(
            text(
                "UPDATE shared.app_user SET is_active = false WHERE id <> :u AND id IN "
                "(SELECT user_id FROM shared.membership WHERE role = 'operator')"
            ),
            {"u": last},
        )
        with pytest.raises(ConflictError) as removing:
            await service.remove_membership(session, last, membership)
        assert removing.value.key == "membership.last_operator"
        with pytest.raises(ConflictError) as disabling:
            await service.disable_user(session, last, actor=actor)
        assert disabling.value.key == "membership.last_operator"
        # A disabled operator's role may go: it leaves nobody locked out.
        spare_role = uuid.UUID(spare["memberships"][0]["id"])
        await service.remove_membership(session, actor, spare_role)
    assert await _is_active(admin_engine, operator["id"]) is True
    assert await _memberships_of(admin_engine, spare["id"]) == 1
    # With the fixture operator active again, both go (and leave the operators as they were).
    headers = await _operator(client)
    for user in (operator, spare):
        path = f"/api/tenants/users/{user['id']}/memberships/{user['memberships'][0]['id']}"
        assert (await client.delete(path, headers=headers)).status_code == 200


async def test_last_operator_refusals_answer_409_and_write_nothing(
    client: Client, admin_engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The API's answer when the service finds no other active operator."""
    from cus_tenants.identity import service

    operator = await _new_user(client, [_OPERATOR_ROLE], prefix="operator")

    async def nobody_else(*_args: object) -> int:
        return 0

    monkeypatch.setattr(service, "_other_active_operators", nobody_else)
    headers = await _operator(client)
    membership = operator["memberships"][0]["id"]
    removing = await client.delete(
        f"/api/tenants/users/{operator['id']}/memberships/{membership}", headers=headers
    )
    disabling = await client.post(f"/api/tenants/users/{operator['id']}/disable", headers=headers)
    for response in (removing, disabling):
        assert response.status_code == 409
        assert response.json()["code"] == "membership.last_operator"
        assert "last active platform operator" in response.json()["title"]
    assert await _memberships_of(admin_engine, operator["id"]) == 1
    assert await _is_active(admin_engine, operator["id"]) is True
    monkeypatch.undo()
    assert (
        await client.delete(
            f"/api/tenants/users/{operator['id']}/memberships/{membership}", headers=headers
        )
    ).status_code == 200


async def test_only_operators_manage_users(client: Client, admin_engine: AsyncEngine) -> None:
    user = await _new_user(client, [_kipus_in(GMINA_A)])
    membership = user["memberships"][0]["id"]
    calls = [
        ("POST", f"/api/tenants/users/{user['id']}/memberships", _kipus_in(GMINA_B)),
        ("DELETE", f"/api/tenants/users/{user['id']}/memberships/{membership}", None),
        ("POST", f"/api/tenants/users/{user['id']}/disable", None),
        ("POST", f"/api/tenants/users/{user['id']}/enable", None),
    ]
    for email in ("director@test.local", "kipus.a@test.local", "rops@test.local"):
        headers = await login(client, email)
        for method, path, body in calls:
            response = await client.request(method, path, json=body, headers=headers)
            assert response.status_code == 403, (email, method, path)
    for method, path, body in calls:
        assert (await client.request(method, path, json=body)).status_code == 401
    assert await _memberships_of(admin_engine, user["id"]) == 1
    assert await _is_active(admin_engine, user["id"]) is True


@pytest.mark.parametrize("path", ["/health", "/ready", "/schema/openapi.json"])
async def test_operations_endpoints(client: Client, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 200
    assert response.headers["x-request-id"]
