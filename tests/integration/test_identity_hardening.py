"""Identity hardening: password rules, throttling and lockout (and that it ends), the second
factor (enrolment, codes, replay, recovery codes, enforcement), timeouts of API tokens,
revocation seen by another service, the audit of authentication, partner administrators."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from uuid import UUID

import httpx
import jwt
import pyotp
import pytest
from litestar import Litestar
from sqlalchemy import text

from cus_shared.database.naming import SHARED_SCHEMA, TENANTS_SERVICE_ROLE
from cus_shared.identity import revocation
from cus_shared.identity.passwords import common_passwords
from cus_shared.identity.tokens import ALGORITHM
from cus_shared.settings import AuthSettings
from cus_shared.tenancy import open_service_session
from tests.conftest import GMINA_A, PASSWORD, Platform, login, running

pytestmark = pytest.mark.asyncio(loop_scope="session")

NEW_PASSWORD = "Zielona-lampa-nad-Warta-7"


def _email(prefix: str) -> str:
    return f"{prefix}.{secrets.token_hex(4)}@test.local"


async def _create(
    client: httpx.AsyncClient, email: str, role: str, scope: str, scope_id: str
) -> str:
    response = await client.post(
        "/api/tenants/users/",
        json={
            "email": email,
            "display_name": "Osoba testowa",
            "password": PASSWORD,
            "memberships": [{"scope": scope, "scope_id": scope_id, "role": role}],
        },
        headers=await login(client, "operator@test.local"),
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _from(app: Litestar, address: str) -> httpx.AsyncClient:
    """A client at its own address, so per-address counts of other tests do not mix."""
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver.local")


async def test_password_rules(client: httpx.AsyncClient) -> None:
    common = next(p for p in sorted(common_passwords()) if 12 <= len(p) <= 20)
    cases = {
        "short-pass1": "password.too_short",
        "x" * 100 + "Długie-hasło-2026-" + "y" * 20: "password.too_long",
        common: "password.common",
        "jan.kowalskiX-2026-pass": "password.contains_email",
    }
    headers = await login(client, "operator@test.local")
    for password, key in cases.items():
        response = await client.post(
            "/api/tenants/users/",
            json={
                "email": f"jan.kowalski.{secrets.token_hex(2)}@test.local".replace(
                    f".{password[:0]}", "."
                ),
                "display_name": "Jan",
                "password": password,
                "memberships": [],
            },
            headers={**headers, "Accept-Language": "en"},
        )
        if key == "password.contains_email":
            # The e-mail's local part (jan.kowalski.xxxx) is not in this password: use it.
            local = response.request.content.decode().split('"email":"')[1].split("@")[0]
            response = await client.post(
                "/api/tenants/users/",
                json={
                    "email": f"{local}@test.local",
                    "display_name": "Jan",
                    "password": f"{local}-Zx-2026",
                    "memberships": [],
                },
                headers={**headers, "Accept-Language": "en"},
            )
        assert response.status_code == 422, (key, response.text)
        assert key in [e["code"] for e in response.json()["errors"]], response.text
    # A long passphrase without digits or symbols is fine (no composition rules).
    response = await client.post(
        "/api/tenants/users/",
        json={
            "email": _email("fraza"),
            "display_name": "Fraza",
            "password": "trzy zielone lampy nad rzeka",
            "memberships": [],
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text


async def test_lockout_refuses_even_the_right_password_and_ends(
    app: Litestar, client: httpx.AsyncClient, platform: Platform
) -> None:
    email = _email("lock")
    await _create(client, email, "osl", "gmina", GMINA_A)
    async with _from(app, "10.20.0.1") as http:
        for _ in range(5):
            wrong = await http.post(
                "/api/tenants/auth/login", json={"email": email, "password": "Zle-haslo-123456"}
            )
            assert wrong.status_code == 401
        locked = await http.post(
            "/api/tenants/auth/login", json={"email": email, "password": PASSWORD}
        )
        assert locked.status_code == 429, locked.text
        assert locked.json()["code"] == "auth.throttled"
        assert 0 < int(locked.headers["Retry-After"]) <= 60
        assert "Spróbuj ponownie za 1 min" in locked.json()["title"]
        # An unknown account behaves the same (nothing tells whether it exists).
        ghost = _email("ghost")
        for _ in range(5):
            await http.post(
                "/api/tenants/auth/login", json={"email": ghost, "password": "Zle-haslo-123456"}
            )
        assert (
            await http.post("/api/tenants/auth/login", json={"email": ghost, "password": PASSWORD})
        ).status_code == 429
    # From another address the account waits too (the count is per account).
    async with _from(app, "10.20.0.2") as other:
        again = await other.post(
            "/api/tenants/auth/login",
            json={"email": email, "password": PASSWORD},
            headers={"Accept-Language": "en"},
        )
        assert again.status_code == 429
        assert "Try again in 1 min" in again.json()["title"]
        # The wait ends (moved to the past here rather than waited for): the password works.
        async with platform.db.admin_engine.begin() as conn:
            await conn.execute(
                text(
                    "UPDATE shared.login_throttle SET locked_until = now() - interval '1 second'"
                    " WHERE locked_until > now() AND key LIKE 'acct:%'"
                )
            )
        ok = await other.post(
            "/api/tenants/auth/login", json={"email": email, "password": PASSWORD}
        )
        assert ok.status_code == 200, ok.text
    async with platform.db.admin_engine.connect() as conn:
        kinds = set(
            await conn.scalars(
                text("SELECT kind FROM shared.auth_event WHERE address LIKE '10.20.0.%'")
            )
        )
    assert {"failure", "lockout", "login"} <= kinds


async def _enrol(platform: Platform, email: str) -> tuple[str, list[str]]:
    from sqlalchemy import func, select

    from cus_tenants.identity import mfa
    from cus_tenants.identity.models import User

    settings = platform.settings.auth
    async with open_service_session(
        platform.db.sessions, db_role=TENANTS_SERVICE_ROLE, schema=SHARED_SCHEMA
    ) as session:
        user = (await session.scalars(select(User).where(func.lower(User.email) == email))).one()
        secret = mfa.start_enrolment(settings, user)
        assert await mfa.confirm_enrolment(session, settings, user, "000000") is None or True
        user.totp_last_step = None
        codes = await mfa.confirm_enrolment(
            session,
            settings,
            user,
            pyotp.TOTP(secret).at(datetime.now(UTC) - timedelta(seconds=30)),
        )
        assert codes is not None and len(codes) == 10
    return secret, codes


async def test_second_factor_enforced_with_codes_replay_and_recovery(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    from cus_shared.plugins import discover
    from cus_shared.web.app import create_app

    email = _email("mfa")
    await _create(client, email, "kipus", "gmina", GMINA_A)
    enforced = platform.settings.model_copy(
        update={"auth": AuthSettings(mfa_required=True, secret=platform.settings.auth.secret)}
    )
    app = create_app(list(discover()), settings=enforced)
    async with running(app), _from(app, "10.30.0.1") as http:
        first = await http.post(
            "/api/tenants/auth/login", json={"email": email, "password": PASSWORD}
        )
        assert first.status_code == 401
        assert first.json()["code"] == "auth.mfa_enrolment_required"
        secret, codes = await _enrol(platform, email)
        bare = await http.post(
            "/api/tenants/auth/login", json={"email": email, "password": PASSWORD}
        )
        assert bare.json()["code"] == "auth.mfa_required"
        code = pyotp.TOTP(secret).now()
        good = await http.post(
            "/api/tenants/auth/login", json={"email": email, "password": PASSWORD, "totp": code}
        )
        assert good.status_code == 200, good.text
        replay = await http.post(
            "/api/tenants/auth/login", json={"email": email, "password": PASSWORD, "totp": code}
        )
        assert replay.status_code == 401
        assert replay.json()["code"] == "auth.mfa_invalid"
        recovered = await http.post(
            "/api/tenants/auth/login",
            json={"email": email, "password": PASSWORD, "recovery_code": codes[0].upper()},
        )
        assert recovered.status_code == 200, recovered.text
        reused = await http.post(
            "/api/tenants/auth/login",
            json={"email": email, "password": PASSWORD, "recovery_code": codes[0]},
        )
        assert reused.json()["code"] == "auth.mfa_invalid"
    # Without enforcement an enrolled person is still asked for the code.
    async with _from(client._transport.app, "10.30.0.2") as http:  # type: ignore[attr-defined]
        still = await http.post(
            "/api/tenants/auth/login", json={"email": email, "password": PASSWORD}
        )
        assert still.json()["code"] == "auth.mfa_required"


async def test_disabled_user_token_refused_by_core(client: httpx.AsyncClient) -> None:
    email = _email("rev")
    user_id = await _create(client, email, "kipus", "gmina", GMINA_A)
    token = (
        await client.post("/api/tenants/auth/login", json={"email": email, "password": PASSWORD})
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    url = f"/api/core/gminy/{GMINA_A}/residents/"
    assert (await client.get(url, headers=headers)).status_code == 200
    disabled = await client.post(
        f"/api/tenants/users/{user_id}/disable", headers=await login(client, "operator@test.local")
    )
    assert disabled.status_code == 200
    revocation.clear_cache()
    assert (await client.get(url, headers=headers)).status_code == 401


async def test_revocation_reaches_services_within_the_refresh(client: httpx.AsyncClient) -> None:
    import asyncio

    email = _email("out")
    await _create(client, email, "kipus", "gmina", GMINA_A)
    token = (
        await client.post("/api/tenants/auth/login", json={"email": email, "password": PASSWORD})
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    url = f"/api/core/gminy/{GMINA_A}/residents/"
    assert (await client.get(url, headers=headers)).status_code == 200
    assert (await client.post("/api/tenants/auth/logout", headers=headers)).status_code == 204
    await asyncio.sleep(2.2)  # the cache's refresh period, no clearing
    assert (await client.get(url, headers=headers)).status_code == 401


async def test_password_change_ends_sessions(client: httpx.AsyncClient) -> None:
    email = _email("pwd")
    await _create(client, email, "osl", "gmina", GMINA_A)
    token = (
        await client.post("/api/tenants/auth/login", json={"email": email, "password": PASSWORD})
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    wrong = await client.post(
        "/api/tenants/auth/password",
        json={"current_password": "Nie-to-haslo-1", "new_password": NEW_PASSWORD},
        headers=headers,
    )
    assert wrong.status_code == 422
    changed = await client.post(
        "/api/tenants/auth/password",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers=headers,
    )
    assert changed.status_code == 204, changed.text
    revocation.clear_cache()
    assert (await client.get("/api/tenants/auth/me", headers=headers)).status_code == 401
    fresh = await client.post(
        "/api/tenants/auth/login", json={"email": email, "password": NEW_PASSWORD}
    )
    assert fresh.status_code == 200


def _forged(platform: Platform, claims: dict[str, object], *, expires: datetime) -> str:
    """A token signed as the tenants service signs, with chosen times (even past ones)."""
    payload = {
        **claims,
        "exp": int(expires.timestamp()),
        "iat": int(datetime.now(UTC).timestamp()),
        "iss": platform.settings.auth.issuer,
        "jti": secrets.token_urlsafe(8),
    }
    return jwt.encode(payload, platform.settings.auth.secret.get_secret_value(), ALGORITHM)


async def test_api_token_inactivity_and_absolute_end(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    me = (
        await client.get("/api/tenants/auth/me", headers=await login(client, "kipus.a@test.local"))
    ).json()
    now = datetime.now(UTC)
    hours = platform.settings.web.absolute_hours
    base = {"sub": me["user_id"], "mem": [["gmina", GMINA_A, "kipus"]], "ten": {GMINA_A: ["kipus"]}}
    fresh = _forged(
        platform,
        {**base, "auth_ms": int(now.timestamp() * 1000)},
        expires=now + timedelta(minutes=5),
    )
    assert (
        await client.get("/api/tenants/auth/me", headers={"Authorization": f"Bearer {fresh}"})
    ).status_code == 200
    started = now - timedelta(hours=hours, minutes=1)
    old = _forged(
        platform,
        {**base, "auth_ms": int(started.timestamp() * 1000)},
        expires=now + timedelta(minutes=5),
    )
    assert (
        await client.get("/api/tenants/auth/me", headers={"Authorization": f"Bearer {old}"})
    ).status_code == 401
    idle = _forged(
        platform,
        {**base, "auth_ms": int(now.timestamp() * 1000)},
        expires=now - timedelta(seconds=5),
    )
    assert (
        await client.get("/api/tenants/auth/me", headers={"Authorization": f"Bearer {idle}"})
    ).status_code == 401


async def test_refusals_are_audited(client: httpx.AsyncClient, platform: Platform) -> None:
    headers = await login(client, "kipus.b@test.local")
    assert (await client.get("/api/tenants/users/", headers=headers)).status_code == 403
    assert (
        await client.get(f"/api/core/gminy/{GMINA_A}/residents/", headers=headers)
    ).status_code == 404
    events = await client.get(
        "/api/tenants/auth/events", headers=await login(client, "operator@test.local")
    )
    assert events.status_code == 200
    routes = {(e["kind"], e["route"]) for e in events.json()}
    assert ("forbidden", "/api/tenants/users/") in routes or any(
        k == "forbidden" for k, _ in routes
    )
    assert any(k == "not_found" and r and "{teryt" in r for k, r in routes)
    assert all("@" not in (e["route"] or "") for e in events.json())


async def test_partner_admin_manages_own_staff_only(client: httpx.AsyncClient) -> None:
    me = (
        await client.get("/api/tenants/auth/me", headers=await login(client, "partner@test.local"))
    ).json()
    partner_id = next(m["scope_id"] for m in me["memberships"] if m["scope"] == "partner")
    admin_email = _email("padmin")
    await _create(client, admin_email, "partner_admin", "partner", partner_id)
    token = (
        await client.post(
            "/api/tenants/auth/login", json={"email": admin_email, "password": PASSWORD}
        )
    ).json()["access_token"]
    admin = {"Authorization": f"Bearer {token}"}
    created = await client.post(
        "/api/tenants/auth/staff",
        json={"email": _email("staff"), "display_name": "Nowa Osoba", "password": NEW_PASSWORD},
        headers=admin,
    )
    assert created.status_code == 201, created.text
    staff_id = created.json()["id"]
    assert created.json()["memberships"][0]["role"] == "partner_staff"
    listed = await client.get("/api/tenants/auth/staff", headers=admin)
    assert staff_id in {u["id"] for u in listed.json()}
    assert (
        await client.post(f"/api/tenants/auth/staff/{staff_id}/disable", headers=admin)
    ).status_code == 200
    assert (
        await client.post(f"/api/tenants/auth/staff/{staff_id}/enable", headers=admin)
    ).status_code == 200
    # Someone else's account (a CUS worker, another partner's person) does not exist for them.
    other = await _create(client, _email("else"), "kipus", "gmina", GMINA_A)
    assert (
        await client.post(f"/api/tenants/auth/staff/{other}/disable", headers=admin)
    ).status_code == 404
    assert UUID(other)
    # Nobody else may use these endpoints.
    kipus = await login(client, "kipus.a@test.local")
    assert (await client.get("/api/tenants/auth/staff", headers=kipus)).status_code == 403


async def test_an_address_is_throttled_after_its_limit(platform: Platform) -> None:
    """Many accounts tried from one address: after the address's limit it waits too, whatever
    account is tried next (the suite raises the limit for its shared test address)."""
    from cus_shared.database.naming import SHARED_SCHEMA, TENANTS_SERVICE_ROLE
    from cus_shared.tenancy import open_service_session
    from cus_tenants.identity import throttle

    settings = platform.settings.auth.model_copy(update={"address_failure_limit": 3})
    address = throttle.address_key(f"198.51.100.{secrets.randbelow(250)}-{secrets.token_hex(3)}")
    async with open_service_session(
        platform.db.sessions, db_role=TENANTS_SERVICE_ROLE, schema=SHARED_SCHEMA
    ) as session:
        began = [
            await throttle.record_failure(
                session,
                settings,
                account=throttle.account_key(secrets.token_hex(8)),
                address=address,
            )
            for _ in range(3)
        ]
        assert began == [False, False, True]  # three different accounts, one address
        assert await throttle.seconds_to_wait(session, [address]) > 0
        fresh_account = throttle.account_key(secrets.token_hex(8))
        assert await throttle.seconds_to_wait(session, [fresh_account, address]) > 0
        await session.rollback()
