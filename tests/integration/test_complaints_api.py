"""Complaints (skargi) through the API: registered, forwarded to the partner, explained,
decided, corrective action, the resident informed; the one-month time limit with due-soon
and overdue warnings as time moves on; every invalid step or bad input explained in Polish and
English and written nowhere; other gminy's complaints answer 404; roles enforced."""

from __future__ import annotations

import secrets
import uuid
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from cus_shared import clock
from tests.conftest import GMINA_A, GMINA_B, Platform, count_rows, login
from tests.journey import Offer

pytestmark = pytest.mark.asyncio(loop_scope="session")

Client = httpx.AsyncClient
BASE = f"/api/core/gminy/{GMINA_A}/complaints"
KIPUS = "kipus.a@test.local"


async def new_resident(client: Client, teryt: str = GMINA_A, email: str = KIPUS) -> str:
    """A resident with a name no other test uses."""
    response = await client.post(
        f"/api/core/gminy/{teryt}/residents",
        json={
            "given_name": "Helena",
            "family_name": "Skargowa" + secrets.token_hex(3),
            "birth_date": "1950-04-04",
        },
        headers=await login(client, email),
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def insert_referral(engine: AsyncEngine, resident_id: str, offer: Offer) -> str:
    """A referral of the resident to the partner, written directly (the referrals context
    has its own tests; complaints only read the row)."""
    schema = f'"gmina_{GMINA_A}"'
    application, requested, referral = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    creator = uuid.uuid4()
    today = clock.today()
    async with engine.begin() as conn:
        await conn.execute(
            text(
                f"INSERT INTO {schema}.application (id, number, resident_id, channel, "
                "registered_on, declaration_signed, plan_due_on, created_at, created_by) "
                "VALUES (:id, :number, :resident, 'letter', :today, true, :due, now(), :by)"
            ),
            {
                "id": application,
                "number": "T/" + secrets.token_hex(4),
                "resident": resident_id,
                "today": today,
                "due": today + timedelta(days=30),
                "by": creator,
            },
        )
        await conn.execute(
            text(
                f"INSERT INTO {schema}.requested_service (id, application_id, resident_id, "
                "service_id, service_version_id, status, support_form) "
                "VALUES (:id, :app, :resident, :service, :version, 'granted', 'single')"
            ),
            {
                "id": requested,
                "app": application,
                "resident": resident_id,
                "service": offer.care,
                "version": uuid.uuid4(),
            },
        )
        await conn.execute(
            text(
                f"INSERT INTO {schema}.referral (id, number, resident_id, requested_service_id, "
                "service_id, contract_id, partner_id, starts_on, ends_on, volume_per_month, "
                "status, version, created_at, created_by) VALUES (:id, :number, :resident, "
                ":requested, :service, :contract, :partner, :today, :ends, 10, 'accepted', 1, "
                "now(), :by)"
            ),
            {
                "id": referral,
                "number": "TS/" + secrets.token_hex(4),
                "resident": resident_id,
                "requested": requested,
                "service": offer.care,
                "contract": offer.partner_contract,
                "partner": offer.partner,
                "today": today,
                "ends": today + timedelta(days=60),
                "by": creator,
            },
        )
    return str(referral)


async def register(client: Client, body: dict[str, Any], email: str = KIPUS) -> httpx.Response:
    return await client.post(BASE, json=body, headers=await login(client, email))


async def registered(client: Client, **fields: Any) -> dict[str, Any]:
    resident = fields.pop("resident_id", None) or await new_resident(client)
    body = {"resident_id": resident, "channel": "letter", "summary": "Opiekunka spóźnia się."}
    response = await register(client, {**body, **fields})
    assert response.status_code == 201, response.text
    return dict(response.json())


async def step(
    client: Client, complaint_id: str, name: str, body: dict[str, Any] | None = None, **kw: Any
) -> httpx.Response:
    headers = {**await login(client, kw.pop("email", KIPUS)), **kw.pop("headers", {})}
    return await client.post(f"{BASE}/{complaint_id}/{name}", json=body or {}, headers=headers)


async def counts(engine: AsyncEngine) -> tuple[int, int]:
    return await count_rows(engine, GMINA_A, "complaint"), await count_rows(
        engine, GMINA_A, "audit_log"
    )


async def snapshot(engine: AsyncEngine, complaint_id: str) -> Any:
    async with engine.connect() as conn:
        return (
            await conn.execute(
                text(f'SELECT * FROM "gmina_{GMINA_A}".complaint WHERE id = :id'),
                {"id": complaint_id},
            )
        ).one()


async def test_full_handling_with_referral_and_audit(
    client: Client, platform: Platform, offer: Offer
) -> None:
    resident = await new_resident(client)
    referral = await insert_referral(platform.db.admin_engine, resident, offer)
    complaint = await registered(
        client, resident_id=resident, referral_id=referral, channel="e_delivery"
    )
    today = clock.today()
    assert complaint["number"].startswith(f"SK/{today.year}/")
    assert complaint["status"] == "registered"
    assert complaint["received_on"] == today.isoformat()
    assert complaint["due_on"] == clock.add_months(today, 1).isoformat()
    assert complaint["partner_id"] == str(offer.partner)
    assert complaint["service_id"] == str(offer.care)
    assert complaint["partner_name"] == "Spółdzielnia Socjalna Test"
    assert complaint["service_name"] == "Usługi opiekuńcze"
    assert complaint["warning"] is None and complaint["late"] is False
    assert complaint["days_left"] == (clock.add_months(today, 1) - today).days
    cid = complaint["id"]

    forwarded = await step(client, cid, "forward")
    assert forwarded.status_code == 200, forwarded.text
    assert forwarded.json()["status"] == "forwarded" and forwarded.json()["forwarded_at"]
    explained = await step(client, cid, "explanation", {"explanation": "Korki w mieście."})
    assert explained.json()["status"] == "explained", explained.text
    decided = await step(
        client,
        cid,
        "decision",
        {"outcome": "partly_upheld", "decision": "Częściowo zasadna."},
        email="ous.a@test.local",
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["outcome"] == "partly_upheld" and decided.json()["decided_by"]
    action = await step(
        client, cid, "corrective-action", {"corrective_action": "Zmiana grafiku opiekunki."}
    )
    assert action.json()["corrective_action"] == "Zmiana grafiku opiekunki."
    closed = await step(client, cid, "informed", {"informed_on": today.isoformat()})
    assert closed.status_code == 200, closed.text
    body = closed.json()
    assert body["status"] == "closed" and body["resident_informed_on"] == today.isoformat()
    assert body["days_left"] is None and body["warning"] is None and body["late"] is False

    shown = await client.get(f"{BASE}/{cid}", headers=await login(client, "director@test.local"))
    assert shown.status_code == 200 and shown.json()["status"] == "closed"
    async with platform.db.admin_engine.connect() as conn:
        rows = (
            await conn.execute(
                text(
                    f'SELECT action, details::text FROM "gmina_{GMINA_A}".audit_log '
                    "WHERE entity = 'complaint' AND entity_id = :id ORDER BY occurred_at, id"
                ),
                {"id": cid},
            )
        ).all()
    actions = [r[0] for r in rows]
    assert actions == ["create", "update", "update", "update", "update", "update", "read"]
    assert all("Korki" not in (r[1] or "") for r in rows)


async def test_decided_without_explanation_not_upheld_closes_without_action(
    client: Client,
) -> None:
    complaint = await registered(client)
    decided = await step(
        client, complaint["id"], "decision", {"outcome": "not_upheld", "decision": "Bezzasadna."}
    )
    assert decided.status_code == 200, decided.text
    closed = await step(
        client, complaint["id"], "informed", {"informed_on": clock.today().isoformat()}
    )
    assert closed.status_code == 200, closed.text


async def test_partner_named_must_serve_the_gmina(client: Client, offer: Offer) -> None:
    complaint = await registered(client, partner_id=str(offer.partner), service_id=str(offer.care))
    assert complaint["partner_name"] == "Spółdzielnia Socjalna Test"
    forwarded = await step(client, complaint["id"], "forward")
    assert forwarded.status_code == 200


async def test_time_limit_warnings_as_time_passes(client: Client) -> None:
    complaint = await registered(client)
    cid = complaint["id"]
    headers = await login(client, KIPUS)
    due_on = date.fromisoformat(complaint["due_on"])
    with clock.travel(timedelta(days=(due_on - clock.today()).days - 5)):
        soon = (await client.get(f"{BASE}/{cid}", headers=headers)).json()
        assert soon["warning"] == "due_soon" and soon["days_left"] == 5
        due = await client.get(f"{BASE}?limit=100", headers=headers)
        listed = {c["id"]: c for c in due.json()["items"]}
        assert listed[cid]["warning"] == "due_soon"
    with clock.travel(timedelta(days=(due_on - clock.today()).days + 3)):
        late = (await client.get(f"{BASE}/{cid}", headers=headers)).json()
        assert late["warning"] == "overdue" and late["days_left"] == -3 and late["late"] is True
        decided = await step(
            client, cid, "decision", {"outcome": "not_upheld", "decision": "Bezzasadna."}
        )
        assert decided.status_code == 200
        closed = await step(client, cid, "informed", {"informed_on": clock.today().isoformat()})
        assert closed.status_code == 200, closed.text
        assert closed.json()["warning"] is None and closed.json()["late"] is True
    # Closed late stays late.
    again = (await client.get(f"{BASE}/{cid}", headers=headers)).json()
    assert again["late"] is True and again["warning"] is None


async def test_list_open_first_by_due_date(client: Client) -> None:
    resident = await new_resident(client)
    today = clock.today()
    older = await registered(
        client, resident_id=resident, received_on=(today - timedelta(days=20)).isoformat()
    )
    newer = await registered(client, resident_id=resident)
    done = await registered(
        client, resident_id=resident, received_on=(today - timedelta(days=25)).isoformat()
    )
    await step(client, done["id"], "decision", {"outcome": "not_upheld", "decision": "Nie."})
    await step(client, done["id"], "informed", {"informed_on": today.isoformat()})
    page = await client.get(f"{BASE}?limit=100", headers=await login(client, KIPUS))
    assert page.status_code == 200
    items = page.json()["items"]
    ids = [c["id"] for c in items]
    assert ids.index(older["id"]) < ids.index(newer["id"]) < ids.index(done["id"])
    statuses = [c["status"] for c in items]
    assert all(s == "closed" for s in statuses[statuses.index("closed") :])


# Invalid steps: 409 with a clear message, nothing changed.

INVALID_STEPS = [
    ("explain_registered", "registered", "explanation", {"explanation": "x"}),
    ("forward_twice", "forwarded", "forward", {}),
    ("inform_undecided", "registered", "informed", {"informed_on": "2020-01-01"}),
    ("action_undecided", "forwarded", "corrective-action", {"corrective_action": "x"}),
    ("decide_twice", "decided", "decision", {"outcome": "upheld", "decision": "x"}),
    ("forward_closed", "closed", "forward", {}),
]


async def _complaint_in(client: Client, offer: Offer, status: str) -> str:
    complaint = await registered(client, partner_id=str(offer.partner))
    cid = str(complaint["id"])
    if status in ("forwarded", "decided", "closed"):
        assert (await step(client, cid, "forward")).status_code == 200
    if status in ("decided", "closed"):
        decision = {"outcome": "not_upheld", "decision": "Bezzasadna."}
        assert (await step(client, cid, "decision", decision)).status_code == 200
    if status == "closed":
        informed = {"informed_on": clock.today().isoformat()}
        assert (await step(client, cid, "informed", informed)).status_code == 200
    return cid


@pytest.mark.parametrize(
    ("case", "status", "name", "body"), INVALID_STEPS, ids=[c[0] for c in INVALID_STEPS]
)
async def test_invalid_transition_is_refused_and_changes_nothing(
    client: Client,
    platform: Platform,
    offer: Offer,
    case: str,
    status: str,
    name: str,
    body: dict[str, Any],
) -> None:
    cid = await _complaint_in(client, offer, status)
    engine = platform.db.admin_engine
    before, audit = await snapshot(engine, cid), await count_rows(engine, GMINA_A, "audit_log")
    answers = {}
    for language in ("pl", "en"):
        response = await step(client, cid, name, body, headers={"Accept-Language": language})
        assert response.status_code == 409, (case, response.text)
        answers[language] = response.json()
    assert answers["en"]["code"] == "complaint.invalid_transition"
    assert answers["en"]["title"].startswith("This step is not possible")
    assert answers["pl"]["title"].startswith("Tego kroku nie można wykonać")
    assert answers["en"]["errors"][0]["code"] == f"complaint.status.{status}"
    assert await snapshot(engine, cid) == before
    assert await count_rows(engine, GMINA_A, "audit_log") == audit


async def _assert_refused(
    client: Client,
    engine: AsyncEngine,
    send: Any,
    status: int,
    code: str,
    english: str,
    polish: str,
) -> None:
    before = await counts(engine)
    answers = {}
    for language in ("pl", "en"):
        response = await send({"Accept-Language": language})
        assert response.status_code == status, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        answers[language] = response.json()
    for language, expected in (("en", english), ("pl", polish)):
        texts = [answers[language]["title"]] + [
            e["message"] for e in answers[language].get("errors", [])
        ]
        assert expected in texts, (language, texts)
    codes = [answers["en"]["code"]] + [e["code"] for e in answers["en"].get("errors", [])]
    assert code in codes, codes
    assert await counts(engine) == before


async def test_step_with_bad_data_changes_nothing(
    client: Client, platform: Platform, offer: Offer
) -> None:
    engine = platform.db.admin_engine
    # No partner: cannot be forwarded.
    bare = await registered(client)
    await _assert_refused(
        client,
        engine,
        lambda h: step(client, bare["id"], "forward", headers=h),
        422,
        "complaint.partner_required",
        "The complaint names no partner, so it cannot be forwarded for an explanation.",
        "Skarga nie wskazuje partnera, więc nie można jej przekazać do wyjaśnienia.",
    )
    # An explanation must say something.
    cid = await _complaint_in(client, offer, "forwarded")
    before = await snapshot(engine, cid)
    response = await step(client, cid, "explanation", {"explanation": "   "})
    assert response.status_code == 422
    assert await snapshot(engine, cid) == before
    # Upheld: corrective action before closing.
    upheld = await registered(client)
    assert (
        await step(client, upheld["id"], "decision", {"outcome": "upheld", "decision": "Zasadna."})
    ).status_code == 200
    await _assert_refused(
        client,
        engine,
        lambda h: step(
            client, upheld["id"], "informed", {"informed_on": clock.today().isoformat()}, headers=h
        ),
        422,
        "complaint.corrective_action_required",
        "An upheld or partly upheld complaint needs its corrective action recorded before it "
        "is closed.",
        "Skarga uwzględniona (w całości lub części) wymaga zapisania działań naprawczych przed "
        "zamknięciem.",
    )
    await step(client, upheld["id"], "corrective-action", {"corrective_action": "Szkolenie."})
    await _assert_refused(
        client,
        engine,
        lambda h: step(
            client,
            upheld["id"],
            "informed",
            {"informed_on": (clock.today() - timedelta(days=1)).isoformat()},
            headers=h,
        ),
        422,
        "complaint.informed_before_decision",
        "The resident cannot have been informed before the day the complaint was decided.",
        "Mieszkaniec nie mógł zostać poinformowany przed dniem rozstrzygnięcia skargi.",
    )
    await _assert_refused(
        client,
        engine,
        lambda h: step(
            client,
            upheld["id"],
            "informed",
            {"informed_on": (clock.today() + timedelta(days=2)).isoformat()},
            headers=h,
        ),
        422,
        "complaint.informed_future",
        "The date the resident was informed cannot be in the future.",
        "Data poinformowania mieszkańca nie może być z przyszłości.",
    )
    bad_outcome = await step(client, upheld["id"], "decision", {"outcome": "maybe"})
    assert bad_outcome.status_code in (409, 422)


async def test_bad_registration_is_explained_and_writes_nothing(
    client: Client, platform: Platform, offer: Offer
) -> None:
    engine = platform.db.admin_engine
    resident = await new_resident(client)
    other = await new_resident(client)
    referral = await insert_referral(engine, other, offer)
    base = {"resident_id": resident, "channel": "letter", "summary": "Skarga."}
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    cases = [
        (
            {**base, "received_on": tomorrow},
            "complaint.received_future",
            "The date the complaint was received cannot be in the future.",
            "Data wpływu skargi nie może być z przyszłości.",
        ),
        (
            {**base, "referral_id": referral},
            "complaint.referral_other_resident",
            "This referral belongs to another resident than the complaint.",
            "To skierowanie dotyczy innego mieszkańca niż skarga.",
        ),
        (
            {**base, "partner_id": str(offer.other_partner)},
            "complaint.partner_unknown",
            "This partner does not serve this gmina.",
            "Ten partner nie świadczy usług w tej gminie.",
        ),
        (
            {**base, "service_id": str(uuid.uuid4())},
            "complaint.service_unknown",
            "This service is not in the gmina's programme.",
            "Tej usługi nie ma w programie gminy.",
        ),
    ]
    headers = await login(client, KIPUS)
    for body, code, english, polish in cases:
        await _assert_refused(
            client,
            engine,
            lambda h, body=body: client.post(BASE, json=body, headers={**headers, **h}),
            422,
            code,
            english,
            polish,
        )
    for body in (
        {**base, "channel": "pigeon"},
        {**base, "summary": " "},
        {"channel": "letter", "summary": "x"},
    ):
        before = await counts(engine)
        response = await client.post(BASE, json=body, headers=headers)
        assert response.status_code in (400, 422), response.text
        assert await counts(engine) == before


async def test_roles(client: Client, platform: Platform) -> None:
    resident = await new_resident(client)
    before = await counts(platform.db.admin_engine)
    refused = await register(
        client,
        {"resident_id": resident, "channel": "letter", "summary": "x"},
        email="osl.a@test.local",
    )
    assert refused.status_code == 403
    assert await counts(platform.db.admin_engine) == before
    complaint = await registered(client, resident_id=resident)
    for email in ("ous.a@test.local", "director@test.local"):
        shown = await client.get(f"{BASE}/{complaint['id']}", headers=await login(client, email))
        assert shown.status_code == 200


async def test_other_gminy_answer_404(client: Client, platform: Platform, offer: Offer) -> None:
    complaint = await registered(client, partner_id=str(offer.partner))
    cid = complaint["id"]
    engine = platform.db.admin_engine
    before = await snapshot(engine, cid)
    for email, teryt in (
        ("kipus.b@test.local", GMINA_A),
        ("kipus.c@test.local", GMINA_A),
        ("kipus.b@test.local", GMINA_B),
    ):
        headers = await login(client, email)
        base = f"/api/core/gminy/{teryt}/complaints"
        assert (await client.get(f"{base}/{cid}", headers=headers)).status_code == 404
        for name, body in (
            ("forward", {}),
            ("explanation", {"explanation": "x"}),
            ("decision", {"outcome": "upheld", "decision": "x"}),
            ("corrective-action", {"corrective_action": "x"}),
            ("informed", {"informed_on": clock.today().isoformat()}),
        ):
            response = await client.post(f"{base}/{cid}/{name}", json=body, headers=headers)
            assert response.status_code == 404, (email, teryt, name, response.text)
    # Gmina B registering a complaint for gmina A's resident.
    headers = await login(client, "kipus.b@test.local")
    b_before = await count_rows(engine, GMINA_B, "complaint")
    response = await client.post(
        f"/api/core/gminy/{GMINA_B}/complaints",
        json={"resident_id": complaint["resident_id"], "channel": "letter", "summary": "x"},
        headers=headers,
    )
    assert response.status_code == 404
    assert await count_rows(engine, GMINA_B, "complaint") == b_before
    assert await snapshot(engine, cid) == before


async def test_timeline_and_desk_helpers(client: Client, platform: Platform) -> None:
    from cus_core.complaints.service import complaints_due, complaints_of
    from cus_shared.identity.principal import Principal
    from cus_shared.identity.roles import Role
    from cus_shared.tenancy import open_tenant_session, resolve_tenant

    resident = await new_resident(client)
    first = await registered(
        client,
        resident_id=resident,
        received_on=(clock.today() - timedelta(days=29)).isoformat(),
    )
    second = await registered(client, resident_id=resident)
    principal = Principal(
        user_id=uuid.uuid4(),
        session_id="test",
        memberships=(),
        tenant_roles={GMINA_A: frozenset({Role.KIPUS})},
    )
    tenant = resolve_tenant(principal, GMINA_A, request_id="helpers")
    audit = await count_rows(platform.db.admin_engine, GMINA_A, "audit_log")
    async with open_tenant_session(platform.db.sessions, tenant) as db:
        timeline = await complaints_of(db, uuid.UUID(resident))
        due = await complaints_due(db, limit=500)
    assert [c.id for c in timeline] == [uuid.UUID(second["id"]), uuid.UUID(first["id"])]
    assert timeline[1].warning == "due_soon"
    ids = [str(c.id) for c in due]
    assert ids.index(first["id"]) < ids.index(second["id"])
    assert all(c.status != "closed" for c in due)
    # Two timeline reads, the listed complaints and their residents.
    assert await count_rows(platform.db.admin_engine, GMINA_A, "audit_log") >= audit + 2 + 2
