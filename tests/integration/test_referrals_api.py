"""Referrals through the API: consents, referral under a contract within its capacity, the
partner accepting and recording deliveries on its side, the CUS cancelling and completing,
expiry, and every refusal explained with nothing written; other gminy and other partners
answer 404."""

from __future__ import annotations

import secrets
import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from cus_shared import clock
from tests.conftest import GMINA_A, GMINA_B, count_rows, login
from tests.journey import Offer

pytestmark = pytest.mark.asyncio(loop_scope="session")

Client = httpx.AsyncClient
TABLES = ("referral", "referral_event", "consent", "delivery", "audit_log")


def base(teryt: str = GMINA_A) -> str:
    return f"/api/core/gminy/{teryt}"


def partner_base(teryt: str = GMINA_A) -> str:
    return f"/api/core/partner/gminy/{teryt}/referrals"


async def resident(client: Client, teryt: str = GMINA_A, email: str = "kipus.a@test.local") -> str:
    """A new resident with a unique name (and an address) in a gmina."""
    response = await client.post(
        f"{base(teryt)}/residents",
        json={
            "given_name": "Halina",
            "family_name": "Skierowana" + secrets.token_hex(3),
            "birth_date": "1950-02-03",
            "address": {"street": "Lipowa", "building_no": "7", "city": "Kramsk"},
        },
        headers=await login(client, email),
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def granted(
    engine: AsyncEngine,
    teryt: str,
    resident_id: str,
    service_id: uuid.UUID,
    *,
    status: str = "granted",
    needs: bool = True,
) -> str:
    """An application with one requested service in a status (default granted, single
    service), and a needs interview, written directly (the applications API is not ours)."""
    application, requested = uuid.uuid4(), uuid.uuid4()
    schema = f'"gmina_{teryt}"'
    today = clock.today()
    async with engine.begin() as conn:
        await conn.execute(
            text(
                f"INSERT INTO {schema}.application (id, number, resident_id, channel, "
                "registered_on, declaration_signed, plan_due_on, created_at, created_by) "
                "VALUES (:id, :number, :resident, 'in_person', :on, true, :due, now(), :by)"
            ),
            {
                "id": application,
                "number": "T/" + secrets.token_hex(6),
                "resident": uuid.UUID(resident_id),
                "on": today,
                "due": today + timedelta(days=30),
                "by": uuid.uuid4(),
            },
        )
        await conn.execute(
            text(
                f"INSERT INTO {schema}.requested_service (id, application_id, resident_id, "
                "service_id, service_version_id, status, support_form) "
                "VALUES (:id, :application, :resident, :service, :version, :status, :form)"
            ),
            {
                "id": requested,
                "application": application,
                "resident": uuid.UUID(resident_id),
                "service": service_id,
                "version": uuid.uuid4(),
                "status": status,
                "form": "single" if status == "granted" else None,
            },
        )
        if needs:
            interview = uuid.uuid4()
            await conn.execute(
                text(
                    f"INSERT INTO {schema}.needs_interview (id, application_id, held_on, goals, "
                    "version, created_at, created_by) VALUES (:id, :application, :on, "
                    "'Samodzielność w domu', 1, now(), :by)"
                ),
                {"id": interview, "application": application, "on": today, "by": uuid.uuid4()},
            )
            await conn.execute(
                text(
                    f"INSERT INTO {schema}.interview_need (id, interview_id, area_code, "
                    "description) VALUES (:id, :interview, 4, 'Pomoc przy zakupach')"
                ),
                {"id": uuid.uuid4(), "interview": interview},
            )
    return str(requested)


async def consent(
    client: Client,
    resident_id: str,
    partner: uuid.UUID,
    *,
    teryt: str = GMINA_A,
    email: str = "kipus.a@test.local",
    scope: tuple[str, ...] = ("identity", "contact", "needs"),
) -> str:
    response = await client.post(
        f"{base(teryt)}/residents/{resident_id}/consents",
        json={
            "partner_id": str(partner),
            "scope": list(scope),
            "purpose": "Realizacja usług opiekuńczych",
            "given_on": clock.today().isoformat(),
        },
        headers=await login(client, email),
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def this_month() -> date:
    return clock.first_of_month(clock.today())


def period(months: int = 3, start: date | None = None) -> tuple[str, str]:
    first = start or clock.today()
    return first.isoformat(), (clock.add_months(first, months) - timedelta(days=1)).isoformat()


async def counts(engine: AsyncEngine, teryt: str = GMINA_A) -> dict[str, int]:
    return {t: await count_rows(engine, teryt, t) for t in TABLES}


async def load_of(
    engine: AsyncEngine, contract: uuid.UUID, teryt: str, month: date
) -> tuple[Decimal, Decimal]:
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                text(
                    "SELECT planned, delivered FROM shared.contract_load "
                    "WHERE contract_id = :c AND teryt = :t AND month = :m"
                ),
                {"c": contract, "t": teryt, "m": month},
            )
        ).first()
    return (row[0], row[1]) if row else (Decimal(0), Decimal(0))


async def refer(
    client: Client,
    requested: str,
    contract: uuid.UUID,
    *,
    volume: str = "2",
    dates: tuple[str, str] | None = None,
    teryt: str = GMINA_A,
    email: str = "kipus.a@test.local",
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    starts_on, ends_on = dates or period()
    return await client.post(
        f"{base(teryt)}/referrals",
        json={
            "requested_service_id": requested,
            "contract_id": str(contract),
            "starts_on": starts_on,
            "ends_on": ends_on,
            "volume_per_month": volume,
        },
        headers={**await login(client, email), **(headers or {})},
    )


# --- the happy path -------------------------------------------------------------------------


async def test_partner_accepts_and_records_deliveries(
    client: Client, admin_engine: AsyncEngine, offer: Offer
) -> None:
    person = await resident(client)
    requested = await granted(admin_engine, GMINA_A, person, offer.care)
    consent_id = await consent(client, person, offer.partner)
    before = await load_of(admin_engine, offer.partner_contract, GMINA_A, this_month())

    created = await refer(client, requested, offer.partner_contract, volume="2")
    assert created.status_code == 201, created.text
    referral = created.json()
    assert referral["status"] == "pending"
    assert referral["number"].startswith(f"S/{clock.today().year}/")
    assert referral["consent_id"] == consent_id
    assert referral["partner_name"] == "Spółdzielnia Socjalna Test"
    assert [e["status"] for e in referral["events"]] == ["pending"]
    assert referral["events"][0]["actor_kind"] == "cus"
    after = await load_of(admin_engine, offer.partner_contract, GMINA_A, this_month())
    assert after[0] == before[0] + 2

    partner = await login(client, "partner@test.local")
    inbox = await client.get(partner_base(), headers=partner)
    assert inbox.status_code == 200, inbox.text
    row = next(r for r in inbox.json() if r["id"] == referral["id"])
    assert "resident_id" not in row and row["service_name"] == "Usługi opiekuńcze"

    shown = await client.get(f"{partner_base()}/{referral['id']}", headers=partner)
    assert shown.status_code == 200, shown.text
    person_data = shown.json()["person"]
    assert person_data["family_name"].startswith("Skierowana")
    assert person_data["address"]["street"] == "Lipowa"
    assert person_data["needs"] == [{"area_code": 4, "description": "Pomoc przy zakupach"}]

    accepted = await client.post(f"{partner_base()}/{referral['id']}/accept", headers=partner)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted"

    month = this_month().strftime("%Y-%m")
    delivered = await client.put(
        f"{partner_base()}/{referral['id']}/deliveries/{month}",
        json={"sessions": 4, "hours": "1.5", "note": "Zakupy i sprzątanie"},
        headers=partner,
    )
    assert delivered.status_code == 200, delivered.text
    corrected = await client.put(
        f"{partner_base()}/{referral['id']}/deliveries/{month}",
        json={"sessions": 5, "hours": "2"},
        headers=partner,
    )
    assert corrected.status_code == 200, corrected.text
    assert (await load_of(admin_engine, offer.partner_contract, GMINA_A, this_month()))[1] == (
        before[1] + 2
    )

    kipus = await login(client, "kipus.a@test.local")
    full = (await client.get(f"{base()}/referrals/{referral['id']}", headers=kipus)).json()
    assert full["status"] == "in_delivery"
    assert [(e["status"], e["actor_kind"]) for e in full["events"]] == [
        ("pending", "cus"),
        ("accepted", "partner"),
        ("in_delivery", "partner"),
    ]
    assert [(d["sessions"], Decimal(d["hours"])) for d in full["deliveries"]] == [(5, Decimal(2))]
    listed = await client.get(
        f"{base()}/referrals", params={"status": "in_delivery"}, headers=kipus
    )
    assert referral["id"] in [r["id"] for r in listed.json()["items"]]

    capacity = await client.get(
        f"{base()}/contracts/{offer.partner_contract}/capacity",
        params={"year": clock.today().year},
        headers=kipus,
    )
    assert capacity.status_code == 200, capacity.text
    month_row = next(m for m in capacity.json()["months"] if m["month"] == this_month().isoformat())
    assert Decimal(month_row["planned_all"]) >= Decimal(month_row["planned_here"]) >= 2

    completed = await client.post(f"{base()}/referrals/{referral['id']}/complete", headers=kipus)
    assert completed.status_code == 200 and completed.json()["status"] == "completed"
    # The months after this one are given back; this month stays planned.
    next_month = clock.add_months(this_month(), 1)
    assert (await load_of(admin_engine, offer.partner_contract, GMINA_A, this_month()))[0] == (
        after[0]
    )
    later = await load_of(admin_engine, offer.partner_contract, GMINA_A, next_month)
    assert later[0] >= 0

    async with admin_engine.connect() as conn:
        roles = await conn.scalar(
            text(
                f"SELECT string_agg(DISTINCT actor_roles, ',') FROM \"gmina_{GMINA_A}\".audit_log "
                "WHERE entity = 'referral' AND entity_id = :id"
            ),
            {"id": uuid.UUID(referral["id"])},
        )
    assert "partner_staff" in roles and "kipus" in roles


async def test_in_house_referral_is_accepted_and_delivered_by_the_cus(
    client: Client, admin_engine: AsyncEngine, offer: Offer
) -> None:
    person = await resident(client)
    requested = await granted(admin_engine, GMINA_A, person, offer.counselling)
    created = await refer(client, requested, offer.in_house_contract, volume="3")
    assert created.status_code == 201, created.text
    assert created.json()["consent_id"] is None and created.json()["partner_id"] is None
    rid = created.json()["id"]
    kipus = await login(client, "kipus.a@test.local")
    accepted = await client.post(f"{base()}/referrals/{rid}/accept", headers=kipus)
    assert accepted.status_code == 200, accepted.text
    month = this_month().strftime("%Y-%m")
    recorded = await client.put(
        f"{base()}/referrals/{rid}/deliveries/{month}",
        json={"sessions": 2, "hours": "3"},
        headers=kipus,
    )
    assert recorded.status_code == 200, recorded.text
    deliveries = await client.get(f"{base()}/referrals/{rid}/deliveries", headers=kipus)
    assert [d["sessions"] for d in deliveries.json()] == [2]
    cancelled = await client.post(
        f"{base()}/referrals/{rid}/cancel",
        json={"reason": "Mieszkaniec zrezygnował"},
        headers=kipus,
    )
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["events"][-1]["reason"] == "Mieszkaniec zrezygnował"


# --- capacity and contract ------------------------------------------------------------------


async def test_capacity_is_shared_between_gminy_and_refusal_writes_nothing(
    client: Client, admin_engine: AsyncEngine, offer: Offer
) -> None:
    # A month far ahead, where other tests plan little; its free volume read first.
    start = date(2029, 3, 1)
    kipus_a = await login(client, "kipus.a@test.local")
    use = await client.get(
        f"{base()}/contracts/{offer.partner_contract}/capacity",
        params={"year": 2029},
        headers=kipus_a,
    )
    planned = max(
        Decimal(m["planned_all"])
        for m in use.json()["months"]
        if m["month"] in ("2029-03-01", "2029-04-01")
    )
    free = Decimal("40") - planned
    assert free > 10, "the partner contract's capacity in 2029 is used by other tests"

    person_a = await resident(client)
    requested_a = await granted(admin_engine, GMINA_A, person_a, offer.care)
    await consent(client, person_a, offer.partner)
    first = await refer(
        client, requested_a, offer.partner_contract, volume=str(free - 5), dates=period(2, start)
    )
    assert first.status_code == 201, first.text

    person_b = await resident(client, GMINA_B, "kipus.b@test.local")
    requested_b = await granted(admin_engine, GMINA_B, person_b, offer.assistance)
    await consent(client, person_b, offer.partner, teryt=GMINA_B, email="kipus.b@test.local")
    before_b = await counts(admin_engine, GMINA_B)
    load_before = await load_of(admin_engine, offer.partner_contract, GMINA_B, start)
    for language in ("pl", "en"):
        second = await refer(
            client,
            requested_b,
            offer.partner_contract,
            volume="10",
            dates=period(2, start),
            teryt=GMINA_B,
            email="kipus.b@test.local",
            headers={"Accept-Language": language},
        )
        assert second.status_code == 422, second.text
        problem = second.json()
        assert problem["code"] == "referral.capacity_exceeded"
        messages = " ".join(e["message"] for e in problem.get("errors", [])) + problem["title"]
        assert "03.2029" in messages
        if language == "en":
            assert "capacity" in messages
        else:
            assert "limit" in messages
    assert await counts(admin_engine, GMINA_B) == before_b
    assert await load_of(admin_engine, offer.partner_contract, GMINA_B, start) == load_before

    # Cancelling the first referral gives the months back: the second now fits.
    cancelled = await client.post(
        f"{base()}/referrals/{first.json()['id']}/cancel",
        json={"reason": "Zmiana planu"},
        headers=kipus_a,
    )
    assert cancelled.status_code == 200, cancelled.text
    retry = await refer(
        client,
        requested_b,
        offer.partner_contract,
        volume="10",
        dates=period(2, start),
        teryt=GMINA_B,
        email="kipus.b@test.local",
    )
    assert retry.status_code == 201, retry.text
    kipus_b = await login(client, "kipus.b@test.local")
    await client.post(
        f"{base(GMINA_B)}/referrals/{retry.json()['id']}/cancel",
        json={"reason": "Koniec testu"},
        headers=kipus_b,
    )


REFUSALS = [
    ("outside period", "period", 422, "referral.outside_contract", "The contract does not cover"),
    ("service not covered", "service", 422, "referral.outside_contract", "does not cover"),
    ("no consent", "consent", 422, "referral.consent_required", "has not consented"),
    ("withdrawn consent", "withdrawn", 422, "referral.consent_required", "has not consented"),
    ("not granted", "waiting", 409, "referral.not_granted", "Only a granted service"),
    ("period reversed", "reversed", 422, "referral.period_order", "cannot be before"),
    ("zero volume", "zero", 422, "field.invalid", ""),
    ("unknown field", "extra", 422, "field.unknown", "Unknown field."),
    ("unknown service", "unknown", 404, "not_found", ""),
]


@pytest.mark.parametrize(("case", "kind", "status", "code", "english"), REFUSALS)
async def test_refused_referrals_are_explained_and_write_nothing(
    client: Client,
    admin_engine: AsyncEngine,
    offer: Offer,
    case: str,
    kind: str,
    status: int,
    code: str,
    english: str,
) -> None:
    person = await resident(client)
    service = offer.counselling if kind == "service" else offer.care
    requested = await granted(
        admin_engine, GMINA_A, person, service, status="waiting" if kind == "waiting" else "granted"
    )
    if kind not in ("consent", "withdrawn"):
        await consent(client, person, offer.partner)
    if kind == "withdrawn":
        consent_id = await consent(client, person, offer.partner)
        withdrawn = await client.post(
            f"{base()}/residents/{person}/consents/{consent_id}/withdraw",
            headers=await login(client, "kipus.a@test.local"),
        )
        assert withdrawn.status_code == 200
    starts_on, ends_on = period()
    body: dict[str, Any] = {
        "requested_service_id": str(uuid.uuid4()) if kind == "unknown" else requested,
        "contract_id": str(offer.partner_contract),
        "starts_on": starts_on,
        "ends_on": ends_on,
        "volume_per_month": "1",
    }
    if kind == "period":
        body.update(starts_on="2029-11-01", ends_on="2030-02-28")
    if kind == "reversed":
        body.update(starts_on=ends_on, ends_on=starts_on)
    if kind == "zero":
        body["volume_per_month"] = "0"
    if kind == "extra":
        body["urgent"] = True
    before = await counts(admin_engine)
    responses = {}
    for language in ("pl", "en"):
        headers = {**await login(client, "kipus.a@test.local"), "Accept-Language": language}
        response = await client.post(f"{base()}/referrals", json=body, headers=headers)
        assert response.status_code == status, (case, response.text)
        responses[language] = response.json()
    en = responses["en"]
    codes = [en["code"]] + [e["code"] for e in en.get("errors", [])]
    texts = " ".join([en["title"]] + [e["message"] for e in en.get("errors", [])])
    assert code in codes, (case, en)
    assert english in texts, (case, texts)
    assert responses["pl"]["title"] != en["title"] or status == 404
    assert await counts(admin_engine) == before


# --- consents -------------------------------------------------------------------------------


async def test_consents_are_checked_and_withdrawal_stops_sharing(
    client: Client, admin_engine: AsyncEngine, offer: Offer
) -> None:
    person = await resident(client)
    kipus = await login(client, "kipus.a@test.local")
    url = f"{base()}/residents/{person}/consents"
    before = await counts(admin_engine)
    bad: list[tuple[dict[str, Any], str, str]] = [
        ({"partner_id": str(offer.other_partner)}, "consent.partner_unknown", "does not serve"),
        ({"given_on": "2999-01-01"}, "consent.given_on_future", "cannot be in the future"),
        ({"scope": []}, "field.invalid", ""),
        ({"scope": ["health"]}, "field.choice", ""),
    ]
    for change, key, english in bad:
        body = {
            "partner_id": str(offer.partner),
            "scope": ["identity"],
            "purpose": "Usługi",
            "given_on": clock.today().isoformat(),
            **change,
        }
        for language in ("pl", "en"):
            response = await client.post(
                url, json=body, headers={**kipus, "Accept-Language": language}
            )
            assert response.status_code == 422, response.text
            errors = response.json().get("errors", [])
            assert key in [e["code"] for e in errors], (key, response.json())
            if language == "en" and english:
                assert english in " ".join(e["message"] for e in errors)
    assert await counts(admin_engine) == before

    requested = await granted(admin_engine, GMINA_A, person, offer.care)
    consent_id = await consent(client, person, offer.partner, scope=("identity",))
    created = await refer(client, requested, offer.partner_contract, volume="1")
    assert created.status_code == 201, created.text
    rid = created.json()["id"]
    partner = await login(client, "partner@test.local")
    shown = (await client.get(f"{partner_base()}/{rid}", headers=partner)).json()
    assert shown["person"]["family_name"].startswith("Skierowana")
    assert shown["person"]["address"] is None and shown["person"]["needs"] is None

    withdrawn = await client.post(f"{url}/{consent_id}/withdraw", headers=kipus)
    assert withdrawn.status_code == 200 and withdrawn.json()["active"] is False
    again = await client.post(f"{url}/{consent_id}/withdraw", headers=kipus)
    assert again.status_code == 409 and again.json()["code"] == "consent.already_withdrawn"
    shown = await client.get(f"{partner_base()}/{rid}", headers=partner)
    assert shown.status_code == 200
    assert shown.json()["person"] is None
    assert "Skierowana" not in shown.text and "Halina" not in shown.text
    listed = await client.get(url, headers=kipus)
    assert [c["active"] for c in listed.json()] == [False]
    await client.post(f"{base()}/referrals/{rid}/cancel", json={"reason": "Test"}, headers=kipus)


# --- transitions ----------------------------------------------------------------------------


async def test_invalid_transitions_answer_409_and_change_nothing(
    client: Client, admin_engine: AsyncEngine, offer: Offer
) -> None:
    person = await resident(client)
    requested = await granted(admin_engine, GMINA_A, person, offer.care)
    await consent(client, person, offer.partner)
    rid = (await refer(client, requested, offer.partner_contract, volume="1")).json()["id"]
    kipus = await login(client, "kipus.a@test.local")
    partner = await login(client, "partner@test.local")
    month = this_month().strftime("%Y-%m")
    before = await counts(admin_engine)
    attempts = [
        (client.post(f"{base()}/referrals/{rid}/complete", headers=kipus), 409),
        (client.post(f"{partner_base()}/{rid}/start", headers=partner), 409),
        # The CUS does not accept for the partner.
        (client.post(f"{base()}/referrals/{rid}/accept", headers=kipus), 409),
        (
            client.put(
                f"{partner_base()}/{rid}/deliveries/{month}",
                json={"sessions": 1, "hours": "1"},
                headers=partner,
            ),
            409,
        ),
        (
            client.post(f"{partner_base()}/{rid}/decline", json={"reason": " "}, headers=partner),
            422,
        ),
        (client.post(f"{base()}/referrals/{rid}/cancel", json={}, headers=kipus), 422),
    ]
    for attempt, status in attempts:
        response = await attempt
        assert response.status_code == status, response.text
    complete = await client.post(
        f"{base()}/referrals/{rid}/complete", headers={**kipus, "Accept-Language": "en"}
    )
    assert complete.json()["code"] == "referral.invalid_transition"
    assert '"pending"' in complete.json()["title"] and '"completed"' in complete.json()["title"]
    assert await counts(admin_engine) == before

    declined = await client.post(
        f"{partner_base()}/{rid}/decline", json={"reason": "Brak opiekunek"}, headers=partner
    )
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    assert declined.json()["status_reason"] == "Brak opiekunek"
    before = await counts(admin_engine)
    for response in (
        await client.post(f"{partner_base()}/{rid}/accept", headers=partner),
        await client.post(f"{base()}/referrals/{rid}/cancel", json={"reason": "x"}, headers=kipus),
    ):
        assert response.status_code == 409 and response.json()["code"] == (
            "referral.invalid_transition"
        )
    assert await counts(admin_engine) == before


async def test_deliveries_outside_the_period_or_in_the_future_are_refused(
    client: Client, admin_engine: AsyncEngine, offer: Offer
) -> None:
    person = await resident(client)
    requested = await granted(admin_engine, GMINA_A, person, offer.counselling)
    rid = (await refer(client, requested, offer.in_house_contract, volume="1")).json()["id"]
    kipus = await login(client, "kipus.a@test.local")
    await client.post(f"{base()}/referrals/{rid}/accept", headers=kipus)
    future = clock.add_months(this_month(), 1).strftime("%Y-%m")
    before_month = clock.add_months(this_month(), -1).strftime("%Y-%m")
    before = await counts(admin_engine)
    for month, body, key in (
        (future, {"sessions": 1, "hours": "1"}, "delivery.month_future"),
        (before_month, {"sessions": 1, "hours": "1"}, "delivery.month_outside"),
        ("2026-13", {"sessions": 1, "hours": "1"}, "delivery.month_format"),
        (this_month().strftime("%Y-%m"), {"sessions": -1, "hours": "1"}, "field.invalid"),
    ):
        response = await client.put(
            f"{base()}/referrals/{rid}/deliveries/{month}", json=body, headers=kipus
        )
        assert response.status_code == 422, response.text
        codes = [response.json()["code"]] + [e["code"] for e in response.json().get("errors", [])]
        assert key in codes, response.json()
    assert await counts(admin_engine) == before


async def test_pending_referrals_expire_two_weeks_after_their_start(
    client: Client, admin_engine: AsyncEngine, offer: Offer
) -> None:
    person = await resident(client)
    requested = await granted(admin_engine, GMINA_A, person, offer.counselling)
    rid = (await refer(client, requested, offer.in_house_contract, volume="1")).json()["id"]
    kipus = await login(client, "kipus.a@test.local")
    with clock.travel(timedelta(days=50)):
        listed = await client.get(
            f"{base()}/referrals", params={"status": "expired"}, headers=kipus
        )
        assert listed.status_code == 200
        assert rid in [r["id"] for r in listed.json()["items"]]
    shown = (await client.get(f"{base()}/referrals/{rid}", headers=kipus)).json()
    assert shown["status"] == "expired" and shown["events"][-1]["actor_kind"] == "system"
    bad = await client.get(
        f"{base()}/referrals", params={"status": "lost"}, headers={**kipus, "Accept-Language": "en"}
    )
    assert bad.status_code == 422 and "Unknown referral status" in bad.text


# --- isolation ------------------------------------------------------------------------------


async def test_other_gminy_and_other_partners_get_404(
    client: Client, admin_engine: AsyncEngine, offer: Offer
) -> None:
    person = await resident(client)
    requested = await granted(admin_engine, GMINA_A, person, offer.care)
    consent_id = await consent(client, person, offer.partner)
    rid = (await refer(client, requested, offer.partner_contract, volume="1")).json()["id"]
    month = this_month().strftime("%Y-%m")
    for email in ("kipus.b@test.local", "kipus.c@test.local"):
        headers = await login(client, email)
        for teryt in (GMINA_A, GMINA_B):
            for method, path in (
                ("GET", f"/referrals/{rid}"),
                ("POST", f"/referrals/{rid}/cancel"),
                ("POST", f"/referrals/{rid}/complete"),
                ("GET", f"/referrals/{rid}/deliveries"),
                ("PUT", f"/referrals/{rid}/deliveries/{month}"),
                ("GET", f"/residents/{person}/consents"),
                ("POST", f"/residents/{person}/consents/{consent_id}/withdraw"),
                ("GET", f"/contracts/{offer.partner_contract}/capacity?year=2026"),
            ):
                json: dict[str, Any] | None = {"reason": "x"} if path.endswith("cancel") else None
                if method == "PUT":
                    json = {"sessions": 1, "hours": "1"}
                response = await client.request(
                    method, f"{base(teryt)}{path}", json=json, headers=headers
                )
                if teryt == GMINA_B and email == "kipus.b@test.local" and "capacity" in path:
                    assert response.status_code == 200  # B's own view of a contract it has
                    continue
                assert response.status_code == 404, (email, teryt, path, response.text)
        made = await client.post(
            f"{base(GMINA_B)}/referrals",
            json={
                "requested_service_id": requested,
                "contract_id": str(offer.partner_contract),
                "starts_on": period()[0],
                "ends_on": period()[1],
                "volume_per_month": "1",
            },
            headers=headers,
        )
        assert made.status_code == 404, made.text

    other = await login(client, "partner.b@test.local")
    for method, path in (
        ("GET", ""),
        ("GET", f"/{rid}"),
        ("POST", f"/{rid}/accept"),
        ("PUT", f"/{rid}/deliveries/{month}"),
    ):
        body: dict[str, Any] | None = {"sessions": 1, "hours": "1"} if method == "PUT" else None
        response = await client.request(method, partner_base() + path, json=body, headers=other)
        assert response.status_code == 404, (path, response.text)
    # In gmina B, where the other partner has a contract, A's referral does not exist.
    in_b = await client.get(f"{partner_base(GMINA_B)}/{rid}", headers=other)
    assert in_b.status_code == 404
    listed_b = await client.get(partner_base(GMINA_B), headers=other)
    assert listed_b.status_code == 200 and rid not in listed_b.text
    # CUS staff have no partner side.
    staff = await client.get(partner_base(), headers=await login(client, "kipus.a@test.local"))
    assert staff.status_code in (403, 404)
    kipus = await login(client, "kipus.a@test.local")
    await client.post(f"{base()}/referrals/{rid}/cancel", json={"reason": "x"}, headers=kipus)
