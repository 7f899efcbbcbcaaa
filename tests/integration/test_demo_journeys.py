"""The demo's residents' journeys, seeded through the real services in gmina A with the test
platform's offer and staff: applications in every status, plans with reviews, referrals in
delivery with deliveries, complaints, community work — and a second run adds nothing."""

from __future__ import annotations

import random
import uuid
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import insert, text

from cus_core.demo import demo_residents
from cus_core.demo_journeys import JourneyOffer, Staff, seed_journeys
from cus_core.residents.models import Household, Resident
from cus_shared.database.naming import tenant_role, tenant_schema
from cus_shared.identifiers.teryt import parse_teryt
from cus_shared.tenancy import enter_role
from tests.conftest import GMINA_A, Platform, count_rows

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from tests.journey import Offer

pytestmark = pytest.mark.asyncio(loop_scope="session")

TABLES = (
    "application",
    "requested_service",
    "needs_interview",
    "qualification_decision",
    "individual_plan",
    "plan_version",
    "plan_service",
    "plan_review",
    "consent",
    "referral",
    "referral_event",
    "delivery",
    "complaint",
    "volunteer",
    "self_help_group",
    "neighbour_support",
    "community_event",
)


async def new_residents(engine: AsyncEngine, count: int) -> list[uuid.UUID]:
    """Residents of the demo register's kind in gmina A, without PESELs (no clash with the
    residents of other tests)."""
    households, rows = demo_residents(GMINA_A, count, seed=random.randint(0, 10**9))
    for row in rows:
        row["pesel"] = None
    code = parse_teryt(GMINA_A)
    async with engine.connect() as conn, conn.begin():
        await enter_role(conn, db_role=tenant_role(code), schema=tenant_schema(code))
        if households:
            await conn.execute(insert(Household), households)
        await conn.execute(insert(Resident), rows)
    return [row["id"] for row in rows]  # type: ignore[misc]


async def staff(engine: AsyncEngine) -> Staff:
    async with engine.connect() as conn:
        ids = {
            email.split("@")[0]: user_id
            for user_id, email in await conn.execute(
                text("SELECT id, email FROM shared.app_user WHERE email LIKE '%@test.local'")
            )
        }
    return Staff(
        kipus=ids["kipus.a"],
        ous=ids["ous.a"],
        director=ids["director"],
        partner=ids["partner"],
        osl=ids["osl.a"],
    )


async def rows_of(
    engine: AsyncEngine, query: str, residents: list[uuid.UUID] | None = None
) -> list[Any]:
    async with engine.connect() as conn:
        result = await conn.execute(
            text(query.replace("{s}", f'"{tenant_schema(parse_teryt(GMINA_A))}"')),
            {"people": residents} if residents is not None else {},
        )
        return list(result.all())


async def test_journeys_are_seeded_once_through_the_services(
    platform: Platform, admin_engine: AsyncEngine, offer: Offer
) -> None:
    # Adults only (a household may have children), oldest first as the demo chooses.
    inserted = await new_residents(admin_engine, 40)
    adults = await rows_of(
        admin_engine,
        "SELECT id FROM {s}.resident WHERE id = ANY(:people) "
        "AND birth_date < current_date - interval '18 years' ORDER BY birth_date",
        inserted,
    )
    people = [row[0] for row in adults][:15]
    assert len(people) == 15
    chosen = JourneyOffer(
        partner_service=offer.care,
        partner_contract=offer.partner_contract,
        in_house_service=offer.counselling,
        in_house_contract=offer.in_house_contract,
        other_service=offer.assistance,
    )
    team = await staff(admin_engine)

    report = await seed_journeys(
        platform.db.sessions, GMINA_A, team, chosen=chosen, residents=people
    )
    assert report is not None
    assert report.problems == []
    assert report.counts["applications"] == 12

    statuses = dict(
        await rows_of(
            admin_engine,
            "SELECT status, count(*) FROM {s}.requested_service "
            "WHERE resident_id = ANY(:people) GROUP BY status",
            people,
        )
    )
    assert statuses["pending"] >= 3 and statuses["waiting"] == 1 and statuses["refused"] == 1
    assert statuses["granted"] >= 6
    refused = await rows_of(
        admin_engine,
        "SELECT d.reason FROM {s}.qualification_decision d JOIN {s}.requested_service r "
        "ON r.id = d.requested_service_id WHERE r.resident_id = ANY(:people) "
        "AND d.outcome = 'refused'",
        people,
    )
    assert refused and refused[0][0]
    overdue = await rows_of(
        admin_engine,
        "SELECT count(*) FROM {s}.application WHERE resident_id = ANY(:people) "
        "AND closed_at IS NULL AND plan_due_on < current_date",
        people,
    )
    assert overdue[0][0] == 1

    plans = dict(
        await rows_of(
            admin_engine,
            "SELECT status, count(*) FROM {s}.individual_plan WHERE resident_id = ANY(:people) "
            "GROUP BY status",
            people,
        )
    )
    assert plans == {"approved": 2, "draft": 1, "closed": 1}
    reviews = await rows_of(
        admin_engine,
        "SELECT r.kind, r.due_on - current_date FROM {s}.plan_review r "
        "JOIN {s}.individual_plan p ON p.id = r.plan_id WHERE p.resident_id = ANY(:people) "
        "AND p.status = 'approved' AND r.done_on IS NULL AND r.kind = 'review'",
        people,
    )
    # One review overdue, one due within two weeks.
    assert sorted(days < 0 for _, days in reviews) == [False, True]
    assert all(days <= 14 for _, days in reviews)

    referrals = dict(
        await rows_of(
            admin_engine,
            "SELECT status, count(*) FROM {s}.referral WHERE resident_id = ANY(:people) "
            "GROUP BY status",
            people,
        )
    )
    assert referrals == {"in_delivery": 2, "pending": 1, "accepted": 1}
    delivered = await rows_of(
        admin_engine,
        "SELECT r.partner_id IS NOT NULL, count(*) FROM {s}.delivery d "
        "JOIN {s}.referral r ON r.id = d.referral_id WHERE r.resident_id = ANY(:people) "
        "GROUP BY 1",
        people,
    )
    assert dict(delivered)[True] >= 3 and dict(delivered)[False] >= 2

    consents = await rows_of(
        admin_engine,
        "SELECT count(*), count(withdrawn_at) FROM {s}.consent WHERE resident_id = ANY(:people)",
        people,
    )
    assert tuple(consents[0]) == (4, 1)
    complaints = dict(
        await rows_of(
            admin_engine,
            "SELECT status, count(*) FROM {s}.complaint WHERE resident_id = ANY(:people) "
            "GROUP BY status",
            people,
        )
    )
    assert complaints == {"closed": 1, "forwarded": 1}
    links = await rows_of(
        admin_engine,
        "SELECT count(*) FROM {s}.neighbour_support WHERE resident_id = ANY(:people)",
        people,
    )
    assert links[0][0] == 3
    assert report.counts["volunteers"] == 6 and report.counts["events"] == 4

    # The staff who took the steps are in the audit log, under their roles.
    roles = await rows_of(
        admin_engine,
        "SELECT DISTINCT actor_roles FROM {s}.audit_log WHERE request_id = 'demo-journeys' "
        "AND entity_id IS NOT NULL",
    )
    assert {"kipus", "ous", "director", "partner_staff", "osl"} <= {r[0] for r in roles}

    before = {t: await count_rows(admin_engine, GMINA_A, t) for t in TABLES}
    again = await seed_journeys(
        platform.db.sessions, GMINA_A, team, chosen=chosen, residents=people
    )
    assert again is None
    assert {t: await count_rows(admin_engine, GMINA_A, t) for t in TABLES} == before
