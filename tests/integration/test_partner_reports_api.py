"""Partners' quarterly reports through the API: figures generated from the recorded
deliveries (with no resident in them), drafting, submitting, the CUS returning with a reason
and accepting; overdue and missing reports; every refusal explained with nothing written;
other partners, other gminy and other gminy' staff answer 404."""

from __future__ import annotations

import secrets
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from cus_core.partner_reports.quarters import due_on, previous, quarter_of
from cus_shared import clock
from tests.conftest import GMINA_A, GMINA_B, Platform, count_rows, login
from tests.journey import Offer

pytestmark = pytest.mark.asyncio(loop_scope="session")

Client = httpx.AsyncClient


def partner_base(teryt: str = GMINA_A) -> str:
    return f"/api/core/partner/gminy/{teryt}/reports"


def cus_base(teryt: str = GMINA_A) -> str:
    return f"/api/core/gminy/{teryt}/partner-reports"


async def new_resident(client: Client, teryt: str, family_name: str) -> str:
    email = "kipus.a@test.local" if teryt == GMINA_A else "kipus.b@test.local"
    response = await client.post(
        f"/api/core/gminy/{teryt}/residents",
        json={"given_name": "Zofia", "family_name": family_name, "birth_date": "1948-05-06"},
        headers=await login(client, email),
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def delivered_referral(
    engine: AsyncEngine,
    teryt: str,
    *,
    resident_id: str,
    service_id: uuid.UUID,
    contract_id: uuid.UUID,
    partner_id: uuid.UUID | None,
    period: tuple[date, date],
    events: list[tuple[str, date]],
    deliveries: list[tuple[date, int, str]] = (),  # type: ignore[assignment]
) -> str:
    """A referral with its history and monthly deliveries, written directly (dated in the
    past, which the referrals API would not allow)."""
    schema = f'"gmina_{teryt}"'
    application, requested, referral = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    created = datetime.combine(events[0][1], datetime.min.time()).replace(tzinfo=clock.POLAND)
    async with engine.begin() as conn:
        await conn.execute(
            text(
                f"INSERT INTO {schema}.application (id, number, resident_id, channel, "
                "registered_on, declaration_signed, plan_due_on, created_at, created_by) "
                "VALUES (:id, :number, :resident, 'in_person', :on, true, :due, :at, :by)"
            ),
            {
                "id": application,
                "number": "R/" + secrets.token_hex(6),
                "resident": uuid.UUID(resident_id),
                "on": events[0][1],
                "due": events[0][1] + timedelta(days=30),
                "at": created,
                "by": uuid.uuid4(),
            },
        )
        await conn.execute(
            text(
                f"INSERT INTO {schema}.requested_service (id, application_id, resident_id, "
                "service_id, service_version_id, status, support_form) "
                "VALUES (:id, :application, :resident, :service, :version, 'granted', 'single')"
            ),
            {
                "id": requested,
                "application": application,
                "resident": uuid.UUID(resident_id),
                "service": service_id,
                "version": uuid.uuid4(),
            },
        )
        await conn.execute(
            text(
                f"INSERT INTO {schema}.referral (id, number, resident_id, requested_service_id, "
                "service_id, contract_id, partner_id, starts_on, ends_on, volume_per_month, "
                "status, version, created_at, created_by) VALUES (:id, :number, :resident, "
                ":requested, :service, :contract, :partner, :starts, :ends, 1, :status, 1, "
                ":at, :by)"
            ),
            {
                "id": referral,
                "number": "S/" + secrets.token_hex(6),
                "resident": uuid.UUID(resident_id),
                "requested": requested,
                "service": service_id,
                "contract": contract_id,
                "partner": partner_id,
                "starts": period[0],
                "ends": period[1],
                "status": events[-1][0],
                "at": created,
                "by": uuid.uuid4(),
            },
        )
        for status, on in events:
            await conn.execute(
                text(
                    f"INSERT INTO {schema}.referral_event (id, referral_id, status, actor_kind, "
                    "occurred_at) VALUES (:id, :referral, :status, 'partner', :at)"
                ),
                {
                    "id": uuid.uuid4(),
                    "referral": referral,
                    "status": status,
                    "at": datetime.combine(on, datetime.min.time()).replace(tzinfo=clock.POLAND)
                    + timedelta(hours=10),
                },
            )
        for month, sessions, hours in deliveries:
            await conn.execute(
                text(
                    f"INSERT INTO {schema}.delivery (id, referral_id, month, sessions, hours, "
                    "recorded_by, recorded_by_kind, recorded_at) VALUES (:id, :referral, "
                    ":month, :sessions, :hours, :by, 'partner', now())"
                ),
                {
                    "id": uuid.uuid4(),
                    "referral": referral,
                    "month": month,
                    "sessions": sessions,
                    "hours": Decimal(hours),
                    "by": uuid.uuid4(),
                },
            )
    return str(referral)


def _problem(response: httpx.Response) -> tuple[str, str]:
    body = response.json()
    errors = body.get("errors") or [{"message": body["title"]}]
    return body["code"], errors[0]["message"]


async def test_report_from_deliveries_through_review(
    client: Client, offer: Offer, admin_engine: AsyncEngine
) -> None:
    """2025 Q2 in gmina A: figures match the deliveries; draft, submit, returned, resubmitted,
    accepted; every refusal on the way writes nothing."""
    partner, ous, kipus = (
        await login(client, "partner@test.local"),
        await login(client, "ous.a@test.local"),
        await login(client, "kipus.a@test.local"),
    )
    names = ["Raportowa" + secrets.token_hex(3), "Kwartalna" + secrets.token_hex(3)]
    first = await new_resident(client, GMINA_A, names[0])
    second = await new_resident(client, GMINA_A, names[1])
    common = {"contract_id": offer.partner_contract, "partner_id": offer.partner}
    referrals = [
        await delivered_referral(
            admin_engine,
            GMINA_A,
            resident_id=first,
            service_id=offer.care,
            period=(date(2025, 3, 1), date(2025, 12, 31)),
            events=[
                ("pending", date(2025, 2, 20)),
                ("accepted", date(2025, 2, 25)),
                ("in_delivery", date(2025, 3, 1)),
            ],
            deliveries=[
                (date(2025, 3, 1), 4, "8"),  # before the quarter
                (date(2025, 4, 1), 5, "10.5"),
                (date(2025, 5, 1), 6, "12"),
                (date(2025, 6, 1), 4, "8"),
            ],
            **common,
        ),
        await delivered_referral(
            admin_engine,
            GMINA_A,
            resident_id=second,
            service_id=offer.care,
            period=(date(2025, 5, 1), date(2025, 8, 31)),
            events=[
                ("pending", date(2025, 4, 20)),
                ("accepted", date(2025, 4, 25)),
                ("in_delivery", date(2025, 5, 1)),
                ("completed", date(2025, 9, 1)),  # after the quarter
            ],
            deliveries=[
                (date(2025, 5, 1), 2, "3"),
                (date(2025, 6, 1), 3, "4.5"),
                (date(2025, 7, 1), 9, "9"),  # after the quarter
            ],
            **common,
        ),
        await delivered_referral(
            admin_engine,
            GMINA_A,
            resident_id=first,
            service_id=offer.assistance,
            period=(date(2025, 4, 1), date(2025, 6, 30)),
            events=[("pending", date(2025, 3, 15)), ("declined", date(2025, 3, 20))],
            **common,
        ),
        # Delivered by the CUS itself: no part of the partner's report.
        await delivered_referral(
            admin_engine,
            GMINA_A,
            resident_id=second,
            service_id=offer.care,
            contract_id=offer.in_house_contract,
            partner_id=None,
            period=(date(2025, 4, 1), date(2025, 6, 30)),
            events=[("pending", date(2025, 3, 1)), ("in_delivery", date(2025, 4, 1))],
            deliveries=[(date(2025, 4, 1), 7, "7")],
        ),
    ]
    request = {"contract_id": str(offer.partner_contract), "year": 2025, "quarter": 2}

    created = await client.post(partner_base(), json=request, headers=partner)
    assert created.status_code == 201, created.text
    report = created.json()
    assert report["status"] == "draft"
    assert report["due_on"] == "2025-07-15"
    assert report["overdue"] is True  # long past its due day, not submitted
    assert report["contract_number"] == "TEST/J/1"
    assert (report["period_start"], report["period_end"]) == ("2025-04-01", "2025-06-30")
    figures = report["figures"]
    care, assistance = (
        next(s for s in figures["services"] if s["service_id"] == str(sid))
        for sid in (offer.care, offer.assistance)
    )
    assert care["service_name"] == "Usługi opiekuńcze"
    assert (care["referrals_active"], care["residents_served"]) == (2, 2)
    assert (care["sessions"], Decimal(care["hours"])) == (20, Decimal("38"))
    assert [(m["month"], m["sessions"], Decimal(m["hours"])) for m in care["months"]] == [
        ("2025-04", 5, Decimal("10.5")),
        ("2025-05", 8, Decimal("15")),
        ("2025-06", 7, Decimal("12.5")),
    ]
    assert care["by_status"] == {"in_delivery": 2}
    assert (assistance["referrals_active"], assistance["residents_served"]) == (0, 0)
    assert assistance["by_status"] == {"declined": 1}
    totals = figures["totals"]
    assert (totals["referrals_active"], totals["residents_served"], totals["sessions"]) == (
        2,
        2,
        20,
    )
    assert Decimal(totals["hours"]) == Decimal("38")
    dumped = created.text
    for secret in [first, second, *referrals, *names]:
        assert secret not in dumped
    rid = report["id"]

    # Generating again refreshes the draft (same report).
    again = await client.post(partner_base(), json=request, headers=partner)
    assert again.status_code == 200 and again.json()["id"] == rid
    version = again.json()["version"]

    # Submitting without a narrative is refused, in Polish and English; nothing changes.
    rows = await count_rows(admin_engine, GMINA_A, "partner_report")
    refused = await client.post(f"{partner_base()}/{rid}/submit", headers=partner)
    assert refused.status_code == 422
    assert _problem(refused) == (
        "partner_report.narrative_required",
        "Przed złożeniem sprawozdania opisz realizację usług w kwartale.",
    )
    english = await client.post(
        f"{partner_base()}/{rid}/submit", headers={**partner, "Accept-Language": "en"}
    )
    assert "Describe the delivery" in _problem(english)[1]
    shown = (await client.get(f"{partner_base()}/{rid}", headers=partner)).json()
    assert (shown["status"], shown["version"]) == ("draft", version)

    edited = await client.patch(
        f"{partner_base()}/{rid}",
        json={
            "narrative": "Usługi realizowane zgodnie z planem.",
            "problems": "Brak.",
            "version": version,
        },
        headers=partner,
    )
    assert edited.status_code == 200, edited.text
    stale = await client.patch(
        f"{partner_base()}/{rid}", json={"narrative": "x", "version": version}, headers=partner
    )
    assert stale.status_code == 409 and stale.json()["code"] == "partner_report.stale"

    submitted = await client.post(f"{partner_base()}/{rid}/submit", headers=partner)
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["status"] == "submitted" and submitted.json()["submitted_at"]
    assert submitted.json()["overdue"] is False

    # Nothing more changes on the partner's side once submitted.
    duplicate = await client.post(partner_base(), json=request, headers=partner)
    assert duplicate.status_code == 409
    assert duplicate.json()["code"] == "partner_report.already_submitted"
    locked = await client.patch(
        f"{partner_base()}/{rid}",
        json={"narrative": "x", "version": submitted.json()["version"]},
        headers=partner,
    )
    assert locked.status_code == 409
    assert await count_rows(admin_engine, GMINA_A, "partner_report") == rows

    # The CUS sees it waiting; KIPUS reads but does not decide.
    listed = await client.get(cus_base(), params={"status": "submitted"}, headers=kipus)
    assert listed.status_code == 200
    assert rid in [r["id"] for r in listed.json()["items"]]
    assert (await client.get(f"{cus_base()}/{rid}", headers=kipus)).status_code == 200
    forbidden = await client.post(f"{cus_base()}/{rid}/return", json={"reason": "x"}, headers=kipus)
    assert forbidden.status_code == 403

    # Returning needs a reason (Polish and English); nothing changes without one.
    no_reason = await client.post(f"{cus_base()}/{rid}/return", json={"reason": " "}, headers=ous)
    assert no_reason.status_code == 422
    assert _problem(no_reason) == (
        "partner_report.reason_required",
        "Podaj powód zwrotu sprawozdania.",
    )
    no_reason_en = await client.post(
        f"{cus_base()}/{rid}/return", json={}, headers={**ous, "Accept-Language": "en"}
    )
    assert _problem(no_reason_en)[1] == "Give the reason for returning the report."
    assert (await client.get(f"{cus_base()}/{rid}", headers=ous)).json()["status"] == "submitted"

    returned = await client.post(
        f"{cus_base()}/{rid}/return", json={"reason": "Uzupełnij opis problemów."}, headers=ous
    )
    assert returned.status_code == 200, returned.text
    assert returned.json()["status"] == "returned"
    assert returned.json()["return_reason"] == "Uzupełnij opis problemów."
    not_submitted = await client.post(f"{cus_base()}/{rid}/accept", headers=ous)
    assert not_submitted.status_code == 409
    assert not_submitted.json()["title"] == "Przyjąć lub zwrócić można tylko złożone sprawozdanie."

    # The partner edits and resubmits; the CUS accepts.
    mine = (await client.get(partner_base(), headers=partner)).json()
    assert next(r for r in mine if r["id"] == rid)["status"] == "returned"
    current = (await client.get(f"{partner_base()}/{rid}", headers=partner)).json()
    fixed = await client.patch(
        f"{partner_base()}/{rid}",
        json={"problems": "Dwie odwołane wizyty w czerwcu.", "version": current["version"]},
        headers=partner,
    )
    assert fixed.status_code == 200, fixed.text
    assert fixed.json()["narrative"] == "Usługi realizowane zgodnie z planem."
    assert (await client.post(f"{partner_base()}/{rid}/submit", headers=partner)).status_code == 200
    accepted = await client.post(f"{cus_base()}/{rid}/accept", headers=ous)
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert accepted.json()["decided_at"]
    twice = await client.post(f"{cus_base()}/{rid}/accept", headers=ous)
    assert twice.status_code == 409

    # Every read and write was audited under the report's entity.
    async with admin_engine.connect() as conn:
        audited = await conn.scalar(
            text(
                f'SELECT count(*) FROM "gmina_{GMINA_A}".audit_log '
                "WHERE entity = 'partner_report' AND entity_id = :id"
            ),
            {"id": uuid.UUID(rid)},
        )
    assert int(audited or 0) >= 14


async def test_future_quarter_and_foreign_contract_refused(
    client: Client, offer: Offer, admin_engine: AsyncEngine
) -> None:
    partner = await login(client, "partner@test.local")
    year, quarter = quarter_of(clock.today())
    next_quarter = (year, quarter + 1) if quarter < 4 else (year + 1, 1)
    before = await count_rows(admin_engine, GMINA_A, "partner_report")
    audit = await count_rows(admin_engine, GMINA_A, "audit_log")
    future = await client.post(
        partner_base(),
        json={
            "contract_id": str(offer.partner_contract),
            "year": next_quarter[0],
            "quarter": next_quarter[1],
        },
        headers=partner,
    )
    assert future.status_code == 422
    assert _problem(future) == (
        "partner_report.future_quarter",
        "Nie można sporządzić sprawozdania za kwartał, który jeszcze się nie rozpoczął.",
    )
    english = await client.post(
        partner_base(),
        json={
            "contract_id": str(offer.partner_contract),
            "year": next_quarter[0],
            "quarter": next_quarter[1],
        },
        headers={**partner, "Accept-Language": "en"},
    )
    assert (
        _problem(english)[1] == "A report cannot be prepared for a quarter that has not begun yet."
    )
    for contract in (offer.in_house_contract, offer.other_contract, uuid.uuid4()):
        foreign = await client.post(
            partner_base(),
            json={"contract_id": str(contract), "year": 2025, "quarter": 1},
            headers=partner,
        )
        assert foreign.status_code == 422
        assert foreign.json()["code"] == "partner_report.contract_unknown"
    bad = await client.post(
        partner_base(),
        json={"contract_id": str(offer.partner_contract), "year": 2025, "quarter": 5},
        headers=partner,
    )
    assert bad.status_code == 422
    outside = await client.post(
        partner_base(),
        json={"contract_id": str(offer.partner_contract), "year": 2024, "quarter": 4},
        headers=partner,
    )
    assert outside.status_code == 422
    assert outside.json()["code"] == "partner_report.outside_contract"
    assert await count_rows(admin_engine, GMINA_A, "partner_report") == before
    assert await count_rows(admin_engine, GMINA_A, "audit_log") == audit


async def test_other_partners_and_gminy_get_404(client: Client, offer: Offer) -> None:
    partner = await login(client, "partner@test.local")
    year, quarter = previous(*previous(*quarter_of(clock.today())))
    created = await client.post(
        partner_base(),
        json={"contract_id": str(offer.partner_contract), "year": year, "quarter": quarter},
        headers=partner,
    )
    assert created.status_code in (200, 201), created.text
    rid = created.json()["id"]
    other = await login(client, "partner.b@test.local")
    # The other partner serves gmina B only: gmina A does not exist for it.
    assert (await client.get(partner_base(), headers=other)).status_code == 404
    assert (await client.get(f"{partner_base()}/{rid}", headers=other)).status_code == 404
    # In gmina B, the first partner's report (of gmina A) is nowhere.
    assert (await client.get(f"{partner_base(GMINA_B)}/{rid}", headers=other)).status_code == 404
    assert (
        await client.post(f"{partner_base(GMINA_B)}/{rid}/submit", headers=other)
    ).status_code == 404
    assert rid not in [
        r["id"] for r in (await client.get(partner_base(GMINA_B), headers=other)).json()
    ]
    # The same partner in gmina B's URL: another gmina's schema, 404.
    assert (await client.get(f"{partner_base(GMINA_B)}/{rid}", headers=partner)).status_code == 404
    # CUS staff of other gminy.
    for email in ("kipus.b@test.local", "kipus.c@test.local"):
        staff = await login(client, email)
        assert (await client.get(f"{cus_base()}/{rid}", headers=staff)).status_code == 404
        assert (await client.get(cus_base(), headers=staff)).status_code == 404
    kipus_b = await login(client, "kipus.b@test.local")
    assert (await client.get(f"{cus_base(GMINA_B)}/{rid}", headers=kipus_b)).status_code == 404
    director = await login(client, "director@test.local")
    assert (
        await client.post(f"{cus_base(GMINA_B)}/{rid}/accept", headers=director)
    ).status_code == 404
    # CUS staff are no partner.
    ous = await login(client, "ous.a@test.local")
    assert (await client.get(partner_base(), headers=ous)).status_code in (403, 404)


async def test_overdue_and_missing(
    client: Client, offer: Offer, platform: Platform, admin_engine: AsyncEngine
) -> None:
    """A draft for the current quarter turns overdue after its due day; a contract with no
    report for the last ended quarter is listed as missing once that one is past due; the
    helpers for the desk and the inbox say the same."""
    from cus_core.partner_reports.service import (
        partner_reports_due,
        reports_overdue,
        reports_to_review,
    )
    from cus_shared.identity.principal import Membership, Principal
    from cus_shared.identity.roles import Role, Scope
    from cus_shared.tenancy import open_tenant_session, resolve_partner_tenant, resolve_tenant

    partner, ous = (
        await login(client, "partner@test.local"),
        await login(client, "ous.a@test.local"),
    )
    year, quarter = quarter_of(clock.today())
    created = await client.post(
        partner_base(),
        json={"contract_id": str(offer.partner_contract), "year": year, "quarter": quarter},
        headers=partner,
    )
    assert created.status_code in (200, 201), created.text
    rid, due = created.json()["id"], date.fromisoformat(created.json()["due_on"])
    assert due == due_on(year, quarter)
    assert created.json()["overdue"] is False

    def listed(body: dict[str, Any]) -> dict[str, Any]:
        return next(r for r in body["items"] if r["id"] == rid)

    assert listed((await client.get(cus_base(), headers=ous)).json())["overdue"] is False
    with clock.travel(due - clock.today() + timedelta(days=1)):
        body = (await client.get(cus_base(), headers=ous)).json()
        assert listed(body)["overdue"] is True
        # This quarter ended and is past due: no report for it is missing (ours is a draft).
        assert not [
            m
            for m in body["missing"]
            if m["contract_id"] == str(offer.partner_contract)
            and (m["year"], m["quarter"]) == (year, quarter)
        ]

    # The last ended quarter: nobody reported on it in gmina A.
    last = previous(year, quarter)
    shift = max(timedelta(0), due_on(*last) - clock.today() + timedelta(days=1))
    kipus = Principal(
        user_id=uuid.uuid4(),
        session_id="test",
        memberships=(),
        tenant_roles={GMINA_A: frozenset({Role.KIPUS})},
    )
    partner_principal = Principal(
        user_id=uuid.uuid4(),
        session_id="test",
        memberships=(Membership(Scope.PARTNER, str(offer.partner), Role.PARTNER_STAFF),),
        partner_gminy={str(offer.partner): (GMINA_A, GMINA_B)},
    )
    with clock.travel(shift):
        body = (await client.get(cus_base(), headers=ous)).json()
        missing = [
            m
            for m in body["missing"]
            if m["contract_id"] == str(offer.partner_contract)
            and m["partner_id"] == str(offer.partner)
        ]
        assert [(m["year"], m["quarter"], m["overdue"]) for m in missing] == [(*last, True)]
        assert missing[0]["contract_number"] == "TEST/J/1"
        async with open_tenant_session(
            platform.db.sessions, resolve_tenant(kipus, GMINA_A, request_id="helpers")
        ) as db:
            overdue = await reports_overdue(db)
            review = await reports_to_review(db)
        async with open_tenant_session(
            platform.db.sessions,
            resolve_partner_tenant(partner_principal, GMINA_A, request_id="helpers"),
        ) as db:
            due_for_partner = await partner_reports_due(db)
    assert any(
        getattr(o, "contract_id", None) == offer.partner_contract
        and (o.year, o.quarter) == last
        and not hasattr(o, "status")
        for o in overdue
    )
    assert all(getattr(r, "status", None) == "submitted" for r in review)
    assert uuid.UUID(rid) in [getattr(d, "id", None) for d in due_for_partner]
    assert any(not hasattr(d, "status") and (d.year, d.quarter) == last for d in due_for_partner)
