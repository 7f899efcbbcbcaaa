"""The resident's rights under GDPR through the API: the export holds every kind of record
and the audit trail, the PDF reads in Polish, anonymisation waits for the retention period
and for every case to be closed, and then removes names, identifiers and free texts while
counts stay; every call is audited; other gminy and other roles are refused."""

from __future__ import annotations

import io
import itertools
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import httpx
import pytest
from litestar import Litestar
from pypdf import PdfReader
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from cus_shared import clock
from cus_shared.clock import add_months, first_of_month
from cus_shared.identifiers.pesel import make_pesel
from tests.conftest import GMINA_A, GMINA_B, count_rows, login
from tests.journey import Offer
from tests.pages import browser_session

pytestmark = pytest.mark.asyncio(loop_scope="session")

Client = httpx.AsyncClient
#: Free texts written into every kind of record: none may survive anonymisation.
SECRETS = (
    "SEKRETCEL",
    "SEKRETRYZYKO",
    "SEKRETPOTRZEBA",
    "SEKRETODMOWA",
    "SEKRETZMIANA",
    "SEKRETCELPLANU",
    "SEKRETMIARA",
    "SEKRETHARMONOGRAM",
    "SEKRETUWAGI",
    "SEKRETZGODA",
    "SEKRETPOWOD",
    "SEKRETZDARZENIE",
    "SEKRETNOTATKA",
    "SEKRETSKARGA",
    "SEKRETWYJASNIENIE",
    "SEKRETROZSTRZYGNIECIE",
    "SEKRETNAPRAWA",
    "SEKRETSASIAD",
)
#: Tables whose row counts anonymisation must not change.
COUNTED = (
    "resident",
    "application",
    "requested_service",
    "qualification_decision",
    "needs_interview",
    "interview_need",
    "individual_plan",
    "plan_version",
    "plan_goal",
    "plan_service",
    "plan_review",
    "consent",
    "referral",
    "referral_event",
    "delivery",
    "complaint",
    "neighbour_support",
)
#: Years and a few days: past any retention period that started today.
AFTER_RETENTION = timedelta(days=365 * 10 + 10)

_serials = itertools.count(secrets.randbelow(3000) + 1)


def unique_name(stem: str = "Prywatna") -> str:
    """A family name no other test uses."""
    return stem + "".join(chr(ord("a") + int(c, 16)) for c in secrets.token_hex(4))


def unique_pesel() -> str:
    """A valid PESEL no other test of the session uses (born in 1952)."""
    n = next(_serials)
    return make_pesel(date(1952, 1 + n % 12, 1 + n % 28), 5000 + n % 4999, "F")


def base(teryt: str = GMINA_A) -> str:
    return f"/api/core/gminy/{teryt}/residents"


async def create_resident(client: Client, teryt: str = GMINA_A, **extra: Any) -> dict[str, Any]:
    """A resident registered through the API (by the gmina's KIPUS)."""
    email = "kipus.a@test.local" if teryt == GMINA_A else "kipus.b@test.local"
    body = {
        "given_name": "Halina",
        "family_name": unique_name(),
        "pesel": unique_pesel(),
        "address": {"street": "Cicha", "building_no": "7", "postal_code": "62-511", "city": "Kr"},
        **extra,
    }
    response = await client.post(base(teryt), json=body, headers=await login(client, email))
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


@dataclass(frozen=True)
class Journey:
    """Ids of the rows inserted for one resident."""

    application: uuid.UUID
    plan: uuid.UUID
    referral: uuid.UUID
    complaint: uuid.UUID
    consent: uuid.UUID
    support: uuid.UUID


def _number(prefix: str) -> str:
    return f"{prefix}/P/{secrets.token_hex(5)}"


async def insert_journey(
    engine: AsyncEngine,
    resident_id: str,
    offer: Offer,
    *,
    teryt: str = GMINA_A,
    complaint_open: bool = False,
) -> Journey:
    """A whole finished journey (or one with a complaint still open), written as the
    contexts would have written it: application with interview and decision, an approved
    and closed IPUS with two versions and its reviews, a consent, a completed referral with
    its events and two months of deliveries, a complaint, a neighbour support link."""
    start = clock.today() - timedelta(days=300)
    staff = uuid.uuid4()
    at = lambda day: datetime.combine(day, datetime.min.time(), tzinfo=clock.POLAND)  # noqa: E731
    keys = "app rs dec int need plan v1 v2 goal psv rev1 rev2 con ref e1 e2 e3 e4 d1 d2 com vol ns"
    ids = {k: uuid.uuid4() for k in keys.split(" ")}
    plan_start = start + timedelta(days=20)
    plan_end = add_months(plan_start, 6) - timedelta(days=1)
    s = f'"gmina_{teryt}"'
    statements: list[tuple[str, dict[str, Any]]] = [
        (
            f"INSERT INTO {s}.application (id, number, resident_id, channel, registered_on,"
            " declaration_signed, plan_due_on, closed_at, created_at, created_by) VALUES"
            " (:app, :number, :resident, 'in_person', :registered, true, :due, :closed,"
            " :registered_at, :staff)",
            {
                "number": _number("W"),
                "registered": start,
                "due": start + timedelta(days=30),
                "closed": at(start + timedelta(days=200)),
                "registered_at": at(start),
            },
        ),
        (
            f"INSERT INTO {s}.requested_service (id, application_id, resident_id, service_id,"
            " service_version_id, status, support_form) VALUES"
            " (:rs, :app, :resident, :care, :version, 'granted', 'ipus')",
            {"version": uuid.uuid4()},
        ),
        (
            f"INSERT INTO {s}.qualification_decision (id, requested_service_id, outcome,"
            " support_form, reason, decided_by, decided_by_roles, decided_at) VALUES"
            " (:dec, :rs, 'granted', 'ipus', 'SEKRETODMOWA', :staff, 'ous', :decided)",
            {"decided": at(start + timedelta(days=10))},
        ),
        (
            f"INSERT INTO {s}.needs_interview (id, application_id, held_on, goals, risks,"
            " version, created_at, created_by) VALUES"
            " (:int, :app, :held, 'SEKRETCEL', 'SEKRETRYZYKO', 1, :held_at, :staff)",
            {"held": start + timedelta(days=5), "held_at": at(start + timedelta(days=5))},
        ),
        (
            f"INSERT INTO {s}.interview_need (id, interview_id, area_code, description)"
            " VALUES (:need, :int, 4, 'SEKRETPOTRZEBA')",
            {},
        ),
        (
            f"INSERT INTO {s}.individual_plan (id, number, resident_id, application_id,"
            " coordinator_id, status, starts_on, ends_on, current_version, approved_by,"
            " approved_at, closed_at, social_assistance_client, lock_version, created_at,"
            " created_by) VALUES (:plan, :number, :resident, :app, :staff, 'closed', :ps, :pe,"
            " 2, :staff, :approved, :closed, false, 1, :created, :staff)",
            {
                "number": _number("IPUS"),
                "ps": plan_start,
                "pe": plan_end,
                "approved": at(plan_start),
                "closed": at(plan_end),
                "created": at(plan_start - timedelta(days=2)),
            },
        ),
        (
            f"INSERT INTO {s}.plan_version (id, plan_id, number, reason, created_at, created_by)"
            " VALUES (:v1, :plan, 1, NULL, :c1, :staff), (:v2, :plan, 2, 'SEKRETZMIANA', :c2,"
            " :staff)",
            {"c1": at(plan_start - timedelta(days=2)), "c2": at(plan_start + timedelta(days=40))},
        ),
        (
            f"INSERT INTO {s}.plan_goal (id, plan_version_id, position, description, measure)"
            " VALUES (:goal, :v2, 1, 'SEKRETCELPLANU', 'SEKRETMIARA')",
            {},
        ),
        (
            f"INSERT INTO {s}.plan_service (id, plan_version_id, service_id, contract_id,"
            " partner_id, schedule, volume_per_month, starts_on, ends_on) VALUES"
            " (:psv, :v2, :care, :contract, :partner, 'SEKRETHARMONOGRAM', 4, :ps, :pe)",
            {"ps": plan_start, "pe": plan_end},
        ),
        (
            f"INSERT INTO {s}.plan_review (id, plan_id, kind, due_on, done_on, outcome, notes,"
            " recorded_by, recorded_at) VALUES"
            " (:rev1, :plan, 'review', :r1, :r1, 'continue', 'SEKRETUWAGI', :staff, :r1_at),"
            " (:rev2, :plan, 'closing', :pe, :pe, 'end', NULL, :staff, :pe_at)",
            {
                "r1": add_months(plan_start, 3),
                "r1_at": at(add_months(plan_start, 3)),
                "pe": plan_end,
                "pe_at": at(plan_end),
            },
        ),
        (
            f"INSERT INTO {s}.consent (id, resident_id, partner_id, scope, purpose, given_on,"
            " withdrawn_at, withdrawn_by, created_at, created_by) VALUES (:con, :resident,"
            " :partner, ARRAY['identity', 'needs'], 'SEKRETZGODA', :given, :withdrawn, :staff,"
            " :given_at, :staff)",
            {
                "given": start + timedelta(days=22),
                "given_at": at(start + timedelta(days=22)),
                "withdrawn": at(start + timedelta(days=210)),
            },
        ),
        (
            f"INSERT INTO {s}.referral (id, number, resident_id, requested_service_id, plan_id,"
            " service_id, contract_id, partner_id, consent_id, starts_on, ends_on,"
            " volume_per_month, status, status_reason, version, created_at, created_by) VALUES"
            " (:ref, :number, :resident, :rs, :plan, :care, :contract, :partner, :con, :rs_on,"
            " :re_on, 4, 'completed', 'SEKRETPOWOD', 4, :created, :staff)",
            {
                "number": _number("S"),
                "rs_on": start + timedelta(days=25),
                "re_on": start + timedelta(days=150),
                "created": at(start + timedelta(days=25)),
            },
        ),
        (
            f"INSERT INTO {s}.referral_event (id, referral_id, status, reason, actor_id,"
            " actor_kind, occurred_at) VALUES"
            " (:e1, :ref, 'pending', NULL, :staff, 'cus', :t1),"
            " (:e2, :ref, 'accepted', NULL, :staff, 'partner', :t2),"
            " (:e3, :ref, 'in_delivery', NULL, :staff, 'partner', :t3),"
            " (:e4, :ref, 'completed', 'SEKRETZDARZENIE', :staff, 'partner', :t4)",
            {
                "t1": at(start + timedelta(days=25)),
                "t2": at(start + timedelta(days=26)),
                "t3": at(start + timedelta(days=30)),
                "t4": at(start + timedelta(days=150)),
            },
        ),
        (
            f"INSERT INTO {s}.delivery (id, referral_id, month, sessions, hours, note,"
            " recorded_by, recorded_by_kind, recorded_at) VALUES"
            " (:d1, :ref, :m1, 4, 8, 'SEKRETNOTATKA', :staff, 'partner', :m1_at),"
            " (:d2, :ref, :m2, 3, 6, NULL, :staff, 'partner', :m2_at)",
            {
                "m1": first_of_month(start + timedelta(days=40)),
                "m2": first_of_month(start + timedelta(days=80)),
                "m1_at": at(start + timedelta(days=70)),
                "m2_at": at(start + timedelta(days=110)),
            },
        ),
        (
            f"INSERT INTO {s}.complaint (id, number, resident_id, referral_id, service_id,"
            " partner_id, channel, received_on, due_on, summary, status, forwarded_at,"
            " explanation, explained_at, outcome, decision, decided_by, decided_at,"
            " corrective_action, resident_informed_on, version, created_at, created_by) VALUES"
            " (:com, :number, :resident, :ref, :care, :partner, 'letter', :received, :due,"
            " 'SEKRETSKARGA', :status, :forwarded, :explanation, :forwarded, :outcome,"
            " :decision, :staff_or_null, :decided, :action, :informed, 1, :received_at,"
            " :staff)",
            {
                "number": _number("SK"),
                "received": start + timedelta(days=100),
                "received_at": at(start + timedelta(days=100)),
                "due": add_months(start + timedelta(days=100), 1),
                "status": "registered" if complaint_open else "closed",
                "forwarded": None if complaint_open else at(start + timedelta(days=101)),
                "explanation": None if complaint_open else "SEKRETWYJASNIENIE",
                "outcome": None if complaint_open else "partly_upheld",
                "decision": None if complaint_open else "SEKRETROZSTRZYGNIECIE",
                "staff_or_null": None if complaint_open else staff,
                "decided": None if complaint_open else at(start + timedelta(days=120)),
                "action": None if complaint_open else "SEKRETNAPRAWA",
                "informed": None if complaint_open else start + timedelta(days=121),
            },
        ),
        (
            f"INSERT INTO {s}.volunteer (id, given_name, family_name, kinds, active_since,"
            " created_at, created_by) VALUES (:vol, 'Wolontariusz', 'Testowy',"
            " ARRAY['care'], :since, :since_at, :staff)",
            {"since": start, "since_at": at(start)},
        ),
        (
            f"INSERT INTO {s}.neighbour_support (id, volunteer_id, resident_id, kind,"
            " description, started_on, ended_on, created_at, created_by) VALUES (:ns, :vol,"
            " :resident, 'care', 'SEKRETSASIAD', :ns_start, :ns_end, :ns_at, :staff)",
            {
                "ns_start": start + timedelta(days=50),
                "ns_end": start + timedelta(days=180),
                "ns_at": at(start + timedelta(days=50)),
            },
        ),
    ]
    common = {
        **ids,
        "resident": uuid.UUID(resident_id),
        "staff": staff,
        "care": offer.care,
        "partner": offer.partner,
        "contract": offer.partner_contract,
    }
    async with engine.begin() as conn:
        for sql, params in statements:
            await conn.execute(text(sql), {**common, **params})
    return Journey(
        application=ids["app"],
        plan=ids["plan"],
        referral=ids["ref"],
        complaint=ids["com"],
        consent=ids["con"],
        support=ids["ns"],
    )


async def counts_of(engine: AsyncEngine, teryt: str = GMINA_A) -> dict[str, int]:
    return {table: await count_rows(engine, teryt, table) for table in COUNTED}


async def audit_actions(engine: AsyncEngine, resident_id: str, teryt: str = GMINA_A) -> list[Any]:
    """(action, details) of the resident's audit entries, oldest first."""
    async with engine.connect() as conn:
        rows = await conn.execute(
            text(
                f'SELECT action, details FROM "gmina_{teryt}".audit_log'
                " WHERE entity = 'resident' AND entity_id = :id ORDER BY id"
            ),
            {"id": uuid.UUID(resident_id)},
        )
        return [tuple(r) for r in rows]


async def stored_text(engine: AsyncEngine, resident_id: str, teryt: str = GMINA_A) -> str:
    """Every row about the resident as text (as an administrator would dump them)."""
    s = f'"gmina_{teryt}"'
    queries = [
        f"SELECT r.*::text FROM {s}.resident r WHERE id = :id",
        f"SELECT a.*::text FROM {s}.application a WHERE resident_id = :id",
        f"SELECT d.*::text FROM {s}.qualification_decision d JOIN {s}.requested_service r"
        " ON r.id = d.requested_service_id WHERE r.resident_id = :id",
        f"SELECT n.*::text FROM {s}.needs_interview n JOIN {s}.application a"
        " ON a.id = n.application_id WHERE a.resident_id = :id",
        f"SELECT i.*::text FROM {s}.interview_need i JOIN {s}.needs_interview n"
        f" ON n.id = i.interview_id JOIN {s}.application a ON a.id = n.application_id"
        " WHERE a.resident_id = :id",
        f"SELECT p.*::text FROM {s}.individual_plan p WHERE resident_id = :id",
        f"SELECT v.*::text FROM {s}.plan_version v JOIN {s}.individual_plan p"
        " ON p.id = v.plan_id WHERE p.resident_id = :id",
        f"SELECT g.*::text FROM {s}.plan_goal g JOIN {s}.plan_version v"
        f" ON v.id = g.plan_version_id JOIN {s}.individual_plan p ON p.id = v.plan_id"
        " WHERE p.resident_id = :id",
        f"SELECT ps.*::text FROM {s}.plan_service ps JOIN {s}.plan_version v"
        f" ON v.id = ps.plan_version_id JOIN {s}.individual_plan p ON p.id = v.plan_id"
        " WHERE p.resident_id = :id",
        f"SELECT rv.*::text FROM {s}.plan_review rv JOIN {s}.individual_plan p"
        " ON p.id = rv.plan_id WHERE p.resident_id = :id",
        f"SELECT c.*::text FROM {s}.consent c WHERE resident_id = :id",
        f"SELECT r.*::text FROM {s}.referral r WHERE resident_id = :id",
        f"SELECT e.*::text FROM {s}.referral_event e JOIN {s}.referral r"
        " ON r.id = e.referral_id WHERE r.resident_id = :id",
        f"SELECT d.*::text FROM {s}.delivery d JOIN {s}.referral r"
        " ON r.id = d.referral_id WHERE r.resident_id = :id",
        f"SELECT c.*::text FROM {s}.complaint c WHERE resident_id = :id",
        f"SELECT n.*::text FROM {s}.neighbour_support n WHERE resident_id = :id",
    ]
    found: list[str] = []
    async with engine.connect() as conn:
        for query in queries:
            rows = await conn.execute(text(query), {"id": uuid.UUID(resident_id)})
            found.extend(str(r[0]) for r in rows)
    return "\n".join(found)


# The export.


async def test_export_holds_every_kind_of_record_and_the_audit_trail(
    client: Client, admin_engine: AsyncEngine, offer: Offer
) -> None:
    member = await create_resident(client)
    resident = await create_resident(client, household_of=member["id"], household_role="spouse")
    journey = await insert_journey(admin_engine, resident["id"], offer)
    headers = await login(client, "ous.a@test.local")
    # A read by a KIPUS appears in the trail the export gives.
    kipus = await login(client, "kipus.a@test.local")
    assert (await client.get(f"{base()}/{resident['id']}", headers=kipus)).status_code == 200

    response = await client.get(f"{base()}/{resident['id']}/export", headers=headers)
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["resident"]["family_name"] == resident["family_name"]
    assert data["resident"]["pesel"] == resident["pesel"]
    assert data["household"] == [{"id": member["id"], "household_role": None}]
    [application] = data["applications"]
    assert application["id"] == str(journey.application)
    [requested] = application["services"]
    assert requested["service_name"] == "Usługi opiekuńcze"
    assert requested["decisions"][0]["outcome"] == "granted"
    assert application["interview"]["goals"] == "SEKRETCEL"
    assert application["interview"]["needs"][0]["description"] == "SEKRETPOTRZEBA"
    [plan] = data["plans"]
    assert plan["id"] == str(journey.plan)
    assert [v["number"] for v in plan["versions"]] == [1, 2]
    assert plan["versions"][1]["goals"][0]["description"] == "SEKRETCELPLANU"
    assert plan["versions"][1]["services"][0]["schedule"] == "SEKRETHARMONOGRAM"
    assert [r["kind"] for r in plan["reviews"]] == ["review", "closing"]
    [consent] = data["consents"]
    assert consent["purpose"] == "SEKRETZGODA"
    assert consent["partner_name"] == "Spółdzielnia Socjalna Test"
    [referral] = data["referrals"]
    assert [e["status"] for e in referral["events"]] == [
        "pending",
        "accepted",
        "in_delivery",
        "completed",
    ]
    assert [d["sessions"] for d in referral["deliveries"]] == [4, 3]
    [complaint] = data["complaints"]
    assert complaint["summary"] == "SEKRETSKARGA"
    [support] = data["neighbour_support"]
    assert support["id"] == str(journey.support)
    trail = data["access_log"]
    assert {"create", "read"} <= {e["action"] for e in trail}
    assert any("kipus" in e["actor_roles"] and e["action"] == "read" for e in trail)
    assert set(trail[0]) == {
        "occurred_at",
        "actor_id",
        "actor_roles",
        "action",
        "entity",
        "entity_id",
    }
    # The member of the household is named by id only: no one else's data is handed out.
    assert member["family_name"] not in response.text

    actions = await audit_actions(admin_engine, resident["id"])
    action, details = actions[-1]
    assert action == "export"
    assert details["format"] == "json"
    assert details["counts"]["referrals"] == 1
    assert "SEKRET" not in json.dumps(details)


async def test_export_pdf_is_polish_and_audited(
    app: Litestar, client: Client, admin_engine: AsyncEngine, offer: Offer
) -> None:
    resident = await create_resident(client)
    await insert_journey(admin_engine, resident["id"], offer)
    async with browser_session(app, "kipus.a@test.local") as browser:
        path = f"/gminy/{GMINA_A}/residents/{resident['id']}/export.pdf"
        response = await browser.get(path)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/pdf"
        disposition = response.headers["content-disposition"]
        assert f"dane-mieszkanca-{resident['id'][:8]}.pdf" in disposition
        assert resident["family_name"] not in disposition
        pdf_text = "\n".join(
            page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages
        )
        for heading in (
            "Dane osobowe przechowywane o mieszkańcu",
            "Dane mieszkańca",
            "Wnioski",
            "Indywidualne plany",
            "Zgody na udostępnienie danych",
            "Skierowania",
            "Skargi",
            "Wsparcie sąsiedzkie",
            "Kto miał dostęp do danych",
        ):
            assert heading in pdf_text, heading
        assert resident["family_name"] in pdf_text
        assert "SEKRETSKARGA" in pdf_text

        as_json = await browser.get(f"/gminy/{GMINA_A}/residents/{resident['id']}/export.json")
        assert as_json.status_code == 200
        assert (
            f"dane-mieszkanca-{resident['id'][:8]}.json" in as_json.headers["content-disposition"]
        )
        assert json.loads(as_json.content)["resident"]["id"] == resident["id"]
    formats = [
        d["format"] for a, d in await audit_actions(admin_engine, resident["id"]) if a == "export"
    ]
    assert formats == ["pdf", "json"]


# Anonymisation.


async def test_anonymise_is_refused_while_the_retention_period_runs(
    client: Client, admin_engine: AsyncEngine, offer: Offer
) -> None:
    resident = await create_resident(client)
    await insert_journey(admin_engine, resident["id"], offer)
    headers = await login(client, "director@test.local")
    before = await counts_of(admin_engine)
    audit_before = await count_rows(admin_engine, GMINA_A, "audit_log")
    response = await client.post(f"{base()}/{resident['id']}/anonymise", headers=headers)
    assert response.status_code == 409, response.text
    problem = response.json()
    assert problem["code"] == "privacy.retention_running"
    until = add_months(clock.today(), 120)
    assert until.strftime("%d.%m.%Y") in problem["title"]
    assert "przechowywane" in problem["title"]
    english = await client.post(
        f"{base()}/{resident['id']}/anonymise", headers={**headers, "Accept-Language": "en"}
    )
    assert english.status_code == 409
    assert "must be kept until" in english.json()["title"]
    assert await counts_of(admin_engine) == before
    assert await count_rows(admin_engine, GMINA_A, "audit_log") == audit_before
    read = await client.get(f"{base()}/{resident['id']}", headers=headers)
    assert read.json()["family_name"] == resident["family_name"]


async def test_anonymise_is_refused_while_a_case_is_open(
    client: Client, admin_engine: AsyncEngine, offer: Offer
) -> None:
    resident = await create_resident(client)
    await insert_journey(admin_engine, resident["id"], offer, complaint_open=True)
    headers = await login(client, "director@test.local")
    with clock.travel(AFTER_RETENTION):
        before = await counts_of(admin_engine)
        text_before = await stored_text(admin_engine, resident["id"])
        response = await client.post(f"{base()}/{resident['id']}/anonymise", headers=headers)
        assert response.status_code == 409, response.text
        assert response.json()["code"] == "privacy.case_open"
        assert "otwartą sprawę" in response.json()["title"]
        assert await counts_of(admin_engine) == before
        assert await stored_text(admin_engine, resident["id"]) == text_before


async def test_anonymise_after_retention_removes_personal_data_and_keeps_counts(
    client: Client, admin_engine: AsyncEngine, offer: Offer
) -> None:
    member = await create_resident(client)
    resident = await create_resident(client, household_of=member["id"], household_role="spouse")
    await insert_journey(admin_engine, resident["id"], offer)
    director = await login(client, "director@test.local")
    text_before = await stored_text(admin_engine, resident["id"])
    for secret in SECRETS:
        assert secret in text_before, secret
    with clock.travel(AFTER_RETENTION):
        before = await counts_of(admin_engine)
        response = await client.post(f"{base()}/{resident['id']}/anonymise", headers=director)
        assert response.status_code == 200, response.text
        tables = response.json()["tables"]
        assert tables["resident"] == 1 and tables["delivery"] == 2
        assert await counts_of(admin_engine) == before
        stored = await stored_text(admin_engine, resident["id"])
        for secret in SECRETS:
            assert secret not in stored, secret
        assert resident["family_name"] not in stored
        assert resident["pesel"] not in stored
        assert "Cicha" not in stored
        read = await client.get(f"{base()}/{resident['id']}", headers=director)
        record = read.json()
        assert record["family_name"] == "Anonimizowano"
        assert record["pesel"] is None
        assert record["address"]["street"] is None
        assert record["household_id"] is None
        assert record["birth_date"] == f"{resident['birth_date'][:4]}-01-01"
        assert record["sex"] == resident["sex"]
        # Statuses, dates, volumes and services stay: the indicators do not change.
        export = (await client.get(f"{base()}/{resident['id']}/export", headers=director)).json()
        assert export["referrals"][0]["status"] == "completed"
        assert export["referrals"][0]["volume_per_month"] == "4.00"
        assert [d["hours"] for d in export["referrals"][0]["deliveries"]] == ["8.00", "6.00"]
        assert export["complaints"][0]["summary"] == "[usunięto]"
        assert export["complaints"][0]["outcome"] == "partly_upheld"
        assert export["plans"][0]["reviews"][1]["notes"] is None
        assert export["applications"][0]["services"][0]["service_id"] == str(offer.care)
        # The member of the household keeps their record.
        other = await client.get(f"{base()}/{member['id']}", headers=director)
        assert other.json()["family_name"] == member["family_name"]

        actions = await audit_actions(admin_engine, resident["id"])
        erase = [d for a, d in actions if a == "erase"]
        assert len(erase) == 1
        assert erase[0]["tables"]["complaint"] == 1
        assert "SEKRET" not in json.dumps(erase[0])

        again = await client.post(f"{base()}/{resident['id']}/anonymise", headers=director)
        assert again.status_code == 409
        assert again.json()["code"] == "privacy.already_anonymised"


async def test_only_the_director_may_anonymise(
    client: Client, admin_engine: AsyncEngine, offer: Offer
) -> None:
    resident = await create_resident(client)
    with clock.travel(AFTER_RETENTION):
        for email in ("kipus.a@test.local", "ous.a@test.local", "osl.a@test.local"):
            headers = await login(client, email)
            response = await client.post(f"{base()}/{resident['id']}/anonymise", headers=headers)
            assert response.status_code == 403, (email, response.text)
        read = await client.get(
            f"{base()}/{resident['id']}", headers=await login(client, "kipus.a@test.local")
        )
        assert read.json()["family_name"] == resident["family_name"]


async def test_roles_for_export_and_timeline(client: Client) -> None:
    resident = await create_resident(client)
    osl = await login(client, "osl.a@test.local")
    assert (await client.get(f"{base()}/{resident['id']}/export", headers=osl)).status_code == 403
    assert (await client.get(f"{base()}/{resident['id']}/timeline", headers=osl)).status_code == 200
    partner = await login(client, "partner@test.local")
    for path in ("export", "timeline"):
        response = await client.get(f"{base()}/{resident['id']}/{path}", headers=partner)
        assert response.status_code in (403, 404), path


# The timeline through the API.


async def test_timeline_is_newest_first_and_audited(
    client: Client, admin_engine: AsyncEngine, offer: Offer
) -> None:
    resident = await create_resident(client)
    journey = await insert_journey(admin_engine, resident["id"], offer)
    headers = await login(client, "kipus.a@test.local")
    response = await client.get(f"{base()}/{resident['id']}/timeline", headers=headers)
    assert response.status_code == 200, response.text
    entries = response.json()
    moments = [e["at"][:10] for e in entries]
    assert moments == sorted(moments, reverse=True)
    kinds = {e["kind"] for e in entries}
    assert kinds == {
        "application",
        "decision",
        "interview",
        "plan",
        "review",
        "consent",
        "referral",
        "delivery",
        "complaint",
        "neighbour_support",
    }
    links = {e["link"] for e in entries if e["link"]}
    assert f"/gminy/{GMINA_A}/applications/{journey.application}" in links
    assert f"/gminy/{GMINA_A}/plans/{journey.plan}" in links
    assert f"/gminy/{GMINA_A}/referrals/{journey.referral}" in links
    assert f"/gminy/{GMINA_A}/complaints/{journey.complaint}" in links
    assert entries[-1]["kind"] == "application"
    action, details = (await audit_actions(admin_engine, resident["id"]))[-1]
    assert (action, details) == ("read", {"view": "timeline"})


# Other gminy and bad input.


async def test_other_gminy_get_404_for_every_endpoint(
    client: Client, admin_engine: AsyncEngine
) -> None:
    resident = await create_resident(client)
    audit_before = await count_rows(admin_engine, GMINA_A, "audit_log")
    director = await login(client, "director@test.local")
    for email, teryt, headers in (
        ("kipus.b", GMINA_A, await login(client, "kipus.b@test.local")),
        ("kipus.c", GMINA_A, await login(client, "kipus.c@test.local")),
        ("kipus.b", GMINA_B, await login(client, "kipus.b@test.local")),
        ("director", GMINA_B, director),
    ):
        for method, path in (
            ("GET", "timeline"),
            ("GET", "export"),
            ("POST", "anonymise"),
        ):
            url = f"{base(teryt)}/{resident['id']}/{path}"
            response = await client.request(method, url, headers=headers)
            # kipus.b on B's URL with A's id, the director on B's URL: 404; a KIPUS of B
            # cannot anonymise at all (403 before the lookup) — either way nothing leaks.
            expected = {404} if (method, email) != ("POST", "kipus.b") else {403, 404}
            assert response.status_code in expected, (email, teryt, path, response.status_code)
            assert resident["family_name"] not in response.text
    assert await count_rows(admin_engine, GMINA_A, "audit_log") == audit_before


async def test_bad_ids_answer_404_and_write_nothing(
    client: Client, admin_engine: AsyncEngine
) -> None:
    director = await login(client, "director@test.local")
    audit_before = await count_rows(admin_engine, GMINA_A, "audit_log")
    for method, path in (("GET", "timeline"), ("GET", "export"), ("POST", "anonymise")):
        for bad in ("not-a-uuid", "1", str(uuid.uuid4())):
            response = await client.request(method, f"{base()}/{bad}/{path}", headers=director)
            assert response.status_code == 404, (path, bad, response.status_code)
    unknown = await client.get(f"{base()}/{uuid.uuid4()}/export", headers=director)
    assert unknown.json()["code"] == "not_found"
    english = await client.get(
        f"{base()}/{uuid.uuid4()}/export", headers={**director, "Accept-Language": "en"}
    )
    assert english.status_code == 404
    assert english.json()["title"] != unknown.json()["title"]
    assert await count_rows(admin_engine, GMINA_A, "audit_log") == audit_before
