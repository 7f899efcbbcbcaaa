"""A gmina's reporting figures computed inside the tenant, on real PostgreSQL: a small known
journey data set built through the API in gmina A (time moved within the last quarter),
then the figures under A's own role checked exactly for counts, categories, breakdowns and
medians; B's role sees none of it and A's role cannot read B's schema; each run leaves one
audit entry; an agreement's budget figures match the budget context's own figures.

The suite's other tests write into gmina A too, so every check compares the figures after
this data set with the figures before it (histograms of medians included), both taken as the
job would take them: the day after the quarter ends.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.ext.asyncio import AsyncEngine

from cus_reporting.indicators.definitions import REGISTRY, AgeBand, Breakdown, age_band
from cus_reporting.indicators.quarters import Quarter
from cus_reporting.snapshots.budget_figures import agreement_budget_figures
from cus_reporting.snapshots.figures import Figure
from cus_reporting.snapshots.tenant_figures import (
    TENANT_INDICATORS,
    born_by,
    gmina_figures,
    median_of,
)
from cus_shared import clock
from cus_shared.database.naming import (
    SHARED_SCHEMA,
    TENANTS_SERVICE_ROLE,
    tenant_role,
    tenant_schema,
)
from cus_shared.identifiers.teryt import parse_teryt
from cus_shared.tenancy import enter_role, open_service_session
from tests.conftest import GMINA_A, GMINA_B, Platform, login
from tests.journey import Offer

#: The database tests run in the session's event loop (the two calculations above them do not).
in_session_loop = pytest.mark.asyncio(loop_scope="session")

API = f"/api/core/gminy/{GMINA_A}"
PARTNER_API = f"/api/core/partner/gminy/{GMINA_A}/referrals"
KIPUS, OUS, OSL, DIRECTOR, PARTNER = (
    "kipus.a@test.local",
    "ous.a@test.local",
    "osl.a@test.local",
    "director@test.local",
    "partner@test.local",
)

Key = tuple[str, str, str, str]  # indicator, breakdown, member, category


@contextmanager
def on(day: date) -> Iterator[None]:
    """Run the block as if it were ``day`` (same time of day)."""
    with clock.travel(timedelta(days=(day - clock.today()).days)):
        yield


async def call(
    client: httpx.AsyncClient, method: str, path: str, email: str, body: Any = None
) -> Any:
    response = await client.request(method, path, json=body, headers=await login(client, email))
    assert response.status_code in (200, 201), response.text
    return response.json()


async def figures_of(engine: AsyncEngine, teryt: str, quarter: Quarter) -> list[Figure]:
    """Run the function as the snapshot job does: one transaction under the gmina's role."""
    checked = parse_teryt(teryt)
    async with engine.connect() as conn, conn.begin():
        await enter_role(conn, db_role=tenant_role(checked), schema=tenant_schema(checked))
        return await gmina_figures(conn, quarter)


async def budget_figures_of(engine: AsyncEngine, quarter: Quarter) -> dict[UUID, list[Figure]]:
    async with engine.connect() as conn, conn.begin():
        await enter_role(conn, db_role=TENANTS_SERVICE_ROLE, schema=SHARED_SCHEMA)
        return await agreement_budget_figures(conn, quarter)


def _keyed(figures: list[Figure]) -> dict[Key, Figure]:
    keyed: dict[Key, Figure] = {}
    for f in figures:
        key = (f.indicator, f.breakdown, f.member, f.category)
        assert key not in keyed, key
        keyed[key] = f
    return keyed


def delta(before: list[Figure], after: list[Figure]) -> dict[Key, Decimal]:
    """What changed, value by value (zeros left out)."""
    old, new = _keyed(before), _keyed(after)
    changed = {
        key: new[key].value - (old[key].value if key in old else 0)
        for key in new
        if REGISTRY[key[0]].kind.value != "median"
    }
    changed.update({key: -f.value for key, f in old.items() if key not in new})
    return {k: v for k, v in changed.items() if v}


def histogram_delta(before: list[Figure], after: list[Figure], key: Key) -> dict[int, int]:
    old = Counter(_keyed(before)[key].histogram if key in _keyed(before) else {})
    new = Counter(_keyed(after)[key].histogram if key in _keyed(after) else {})
    new.subtract(old)
    return {days: cases for days, cases in new.items() if cases}


async def audit_entries(engine: AsyncEngine, teryt: str) -> list[Any]:
    async with engine.connect() as conn:
        return list(
            await conn.execute(
                text(
                    "SELECT actor_id, actor_roles, entity_id, details "
                    f'FROM "gmina_{teryt}".audit_log '
                    "WHERE action = 'aggregate' ORDER BY id"
                )
            )
        )


def test_birth_date_cut_offs_agree_with_age_band() -> None:
    for day in (date(2026, 12, 31), date(2027, 2, 28), date(2028, 2, 29), date(2026, 3, 31)):
        for years in (18, 25, 45, 65, 75):
            cut = born_by(years, day)
            assert age_band(cut, day) != age_band(cut + timedelta(days=1), day)
    # Born on 29 February: 18 on 28 February of a common year (art. 112 of the Civil Code).
    assert born_by(18, date(2026, 2, 28)) == date(2008, 2, 29)


def test_median_of_histograms() -> None:
    assert median_of({4: 2, 10: 2}) == Decimal(7)
    assert median_of({3: 1}) == Decimal(3)
    assert median_of({1: 1, 2: 1, 9: 1}) == Decimal(2)
    assert median_of({1: 3, 8: 1}) == Decimal(1)
    assert median_of({1: 1, 2: 1}) == Decimal("1.5")


@in_session_loop
async def test_a_gminas_figures_are_computed_inside_its_tenant(
    client: httpx.AsyncClient, offer: Offer, platform: Platform
) -> None:
    engine, admin = platform.db.app_engine, platform.db.admin_engine
    # The last quarter: other tests work in this month and later, and the partner's
    # contract's monthly capacity is shared with them.
    quarter = Quarter.of(clock.today()).previous()
    first, last = quarter.first_day, quarter.last_day
    job_day = last + timedelta(days=1)
    with on(job_day):
        before_a = await figures_of(engine, GMINA_A, quarter)
        before_b = await figures_of(engine, GMINA_B, quarter)
    audits_before = len(await audit_entries(admin, GMINA_A))

    d0 = first + timedelta(days=5)
    suffix = secrets.token_hex(3)
    with on(d0):
        r1 = await _resident(client, "Leokadia", suffix, "1941-04-12", "F")
        r4 = await _resident(client, "Kacper", suffix, "2010-06-01", "M", household_of=r1)
        r2 = await _resident(client, "Marek", suffix, "1990-03-03", "M")
        r3 = await _resident(client, "Sasha", suffix, "2000-01-01", None)
        a1 = await _application(client, r1, offer.care)
        a4 = await _application(client, r4, offer.counselling)
        a2 = await _application(client, r2, offer.assistance)
        a3 = await _application(client, r3, offer.care)
    with on(d0 + timedelta(days=4)):
        await _decide(client, a1, {"outcome": "granted", "support_form": "ipus"})
        await _decide(client, a4, {"outcome": "granted", "support_form": "single"})
    with on(d0 + timedelta(days=10)):
        await _decide(client, a2, {"outcome": "waiting"})
        await _decide(client, a3, {"outcome": "refused", "reason": "Nie spełnia warunków."})

    start = d0 + timedelta(days=5)
    with on(start):
        ends = clock.add_months(start, 3) - timedelta(days=1)
        plan = await call(
            client,
            "POST",
            f"{API}/plans",
            KIPUS,
            {
                "resident_id": r1,
                "application_id": a1["id"],
                "starts_on": start.isoformat(),
                "ends_on": ends.isoformat(),
                "goals": [{"description": "Samodzielność w domu"}],
                "services": [
                    {
                        "service_id": str(offer.care),
                        "contract_id": str(offer.partner_contract),
                        "schedule": "wtorki",
                        "volume_per_month": "2",
                        "starts_on": start.isoformat(),
                        "ends_on": ends.isoformat(),
                    }
                ],
            },
        )
        await call(client, "POST", f"{API}/plans/{plan['id']}/approve", DIRECTOR)
        await call(
            client,
            "POST",
            f"{API}/residents/{r1}/consents",
            KIPUS,
            {
                "partner_id": str(offer.partner),
                "scope": ["identity"],
                "purpose": "Usługi opiekuńcze",
                "given_on": start.isoformat(),
            },
        )
        care = await call(
            client,
            "POST",
            f"{API}/referrals",
            KIPUS,
            {
                "requested_service_id": a1["services"][0]["id"],
                "plan_id": plan["id"],
                "contract_id": str(offer.partner_contract),
                "starts_on": start.isoformat(),
                "ends_on": (start + timedelta(days=40)).isoformat(),
                "volume_per_month": "2",
            },
        )
        counselling = await call(
            client,
            "POST",
            f"{API}/referrals",
            KIPUS,
            {
                "requested_service_id": a4["services"][0]["id"],
                "contract_id": str(offer.in_house_contract),
                "starts_on": start.isoformat(),
                "ends_on": (start + timedelta(days=60)).isoformat(),
                "volume_per_month": "2",
            },
        )
        month = start.strftime("%Y-%m")
        await call(client, "POST", f"{PARTNER_API}/{care['id']}/accept", PARTNER)
        await call(
            client,
            "PUT",
            f"{PARTNER_API}/{care['id']}/deliveries/{month}",
            PARTNER,
            {"sessions": 3, "hours": "4.5"},
        )
        await call(client, "POST", f"{API}/referrals/{counselling['id']}/accept", KIPUS)
        await call(
            client,
            "PUT",
            f"{API}/referrals/{counselling['id']}/deliveries/{month}",
            KIPUS,
            {"sessions": 2, "hours": "1.5"},
        )
        # Community work: a volunteer helping Marek, a self-help group, an event.
        volunteer = await call(
            client,
            "POST",
            f"{API}/community/volunteers",
            OSL,
            {
                "given_name": "Wola",
                "family_name": "Ochotnik" + suffix,
                "kinds": ["care"],
                "active_since": start.isoformat(),
            },
        )
        await call(
            client,
            "POST",
            f"{API}/community/neighbour-support",
            OSL,
            {
                "volunteer_id": volunteer["id"],
                "resident_id": r2,
                "kind": "care",
                "started_on": start.isoformat(),
            },
        )
        await call(
            client,
            "POST",
            f"{API}/community/groups",
            OSL,
            {
                "name": "Grupa " + suffix,
                "topic": "Wsparcie opiekunów",
                "members": 7,
                "started_on": start.isoformat(),
            },
        )
        await call(
            client,
            "POST",
            f"{API}/community/events",
            OSL,
            {"title": "Piknik " + suffix, "held_on": start.isoformat(), "participants": 25},
        )
    # An open complaint due in the quarter (overdue when the job runs), and one about the
    # partner's care decided on time.
    with on(first + timedelta(days=1)):
        await call(
            client,
            "POST",
            f"{API}/complaints",
            KIPUS,
            {"resident_id": r3, "channel": "letter", "summary": "Za długo czekam na decyzję."},
        )
    with on(start + timedelta(days=1)):
        complaint = await call(
            client,
            "POST",
            f"{API}/complaints",
            KIPUS,
            {
                "resident_id": r1,
                "referral_id": care["id"],
                "channel": "letter",
                "summary": "Opiekunka spóźnia się.",
            },
        )
        path = f"{API}/complaints/{complaint['id']}"
        await call(client, "POST", f"{path}/forward", OUS)
        await call(client, "POST", f"{path}/explanation", OUS, {"explanation": "Korki."})
        await call(
            client,
            "POST",
            f"{path}/decision",
            OUS,
            {"outcome": "not_upheld", "decision": "Wizyty zgodne z planem."},
        )
        await call(
            client, "POST", f"{path}/informed", OUS, {"informed_on": clock.today().isoformat()}
        )
    with on(start + timedelta(days=15)):
        await call(client, "POST", f"{API}/referrals/{counselling['id']}/complete", KIPUS)

    with on(job_day):
        after_a = await figures_of(engine, GMINA_A, quarter)
        after_b = await figures_of(engine, GMINA_B, quarter)

    older = age_band(date(1941, 4, 12), last).value
    child = age_band(date(2010, 6, 1), last).value
    adult = age_band(date(1990, 3, 3), last).value
    assert adult == age_band(date(2000, 1, 1), last).value == AgeBand.FROM_25_TO_44
    care_code, counselling_code, assistance_code = (
        "journey-opieka",
        "journey-poradnictwo",
        "journey-asystencja",
    )
    expected: dict[Key, Decimal] = {}

    def expect(
        indicator: str, value: str | int, breakdown: str = "", member: str = "", category: str = ""
    ) -> None:
        key = (indicator, breakdown, member, category)
        expected[key] = expected.get(key, Decimal(0)) + Decimal(value)

    # Applications: four, by age band and sex ("unknown" where none was recorded).
    expect("applications", 4)
    for band, count in Counter([older, child, adult, adult]).items():
        expect("applications", count, "age_band", band)
    for sex, count in (("F", 1), ("M", 2), ("unknown", 1)):
        expect("applications", count, "sex", sex)
    # Decisions by outcome, with their breakdowns.
    for outcome, count in (("granted", 2), ("waiting", 1), ("refused", 1)):
        expect("decisions_by_outcome", count, category=outcome)
    for member, outcome in (
        (older, "granted"),
        (child, "granted"),
        (adult, "waiting"),
        (adult, "refused"),
    ):
        expect("decisions_by_outcome", 1, "age_band", member, outcome)
    for member, outcome in (
        ("F", "granted"),
        ("M", "granted"),
        ("M", "waiting"),
        ("unknown", "refused"),
    ):
        expect("decisions_by_outcome", 1, "sex", member, outcome)
    for member, outcome in (
        (care_code, "granted"),
        (counselling_code, "granted"),
        (assistance_code, "waiting"),
        (care_code, "refused"),
    ):
        expect("decisions_by_outcome", 1, "service", member, outcome)
    for member, outcome in (("4", "granted"), ("3", "granted"), ("4", "waiting"), ("4", "refused")):
        expect("decisions_by_outcome", 1, "catalogue_area", member, outcome)
    # Waiting list at the end of the quarter: Marek.
    expect("waiting_list", 1)
    for breakdown, member in (
        ("age_band", adult),
        ("sex", "M"),
        ("service", assistance_code),
        ("catalogue_area", "4"),
    ):
        expect("waiting_list", 1, breakdown, member)
    # The plan approved in the quarter, new and active.
    for indicator in ("ipus_new", "ipus_active"):
        expect(indicator, 1)
        expect(indicator, 1, "age_band", older)
        expect(indicator, 1, "sex", "F")
    # Served: Leokadia (partner's care) and Kacper of her household (the CUS's counselling).
    expect("residents_served", 2)
    expect("households_served", 1)
    for breakdown, member in (
        ("age_band", older),
        ("age_band", child),
        ("sex", "F"),
        ("sex", "M"),
        ("service", care_code),
        ("service", counselling_code),
        ("catalogue_area", "4"),
        ("catalogue_area", "3"),
        ("delivery_mode", "competition_entrust"),
        ("delivery_mode", "in_house"),
        ("partner_category", "social_economy"),
        ("partner_category", "none"),
    ):
        expect("residents_served", 1, breakdown, member)
    for breakdown, member in (
        ("service", care_code),
        ("service", counselling_code),
        ("catalogue_area", "4"),
        ("catalogue_area", "3"),
    ):
        expect("households_served", 1, breakdown, member)
    expect("delivered_hours", "6.0")
    expect("delivered_sessions", 5)
    for breakdown, partner_member, cus_member in (
        ("service", care_code, counselling_code),
        ("catalogue_area", "4", "3"),
        ("delivery_mode", "competition_entrust", "in_house"),
        ("partner_category", "social_economy", "none"),
    ):
        expect("delivered_hours", "4.5", breakdown, partner_member)
        expect("delivered_hours", "1.5", breakdown, cus_member)
        expect("delivered_sessions", 3, breakdown, partner_member)
        expect("delivered_sessions", 2, breakdown, cus_member)
    # Referrals by status at the end of the quarter.
    expect("referrals_by_status", 1, category="in_delivery")
    expect("referrals_by_status", 1, category="completed")
    for breakdown, partner_member, cus_member in (
        ("service", care_code, counselling_code),
        ("catalogue_area", "4", "3"),
        ("delivery_mode", "competition_entrust", "in_house"),
        ("partner_category", "social_economy", "none"),
    ):
        expect("referrals_by_status", 1, breakdown, partner_member, "in_delivery")
        expect("referrals_by_status", 1, breakdown, cus_member, "completed")
    # Complaints due in the quarter: one decided on time, one open past its due date.
    expect("complaints", 1, category="on_time")
    expect("complaints", 1, category="open_overdue")
    for breakdown, partner_member in (
        ("service", care_code),
        ("catalogue_area", "4"),
        ("partner_category", "social_economy"),
    ):
        expect("complaints", 1, breakdown, partner_member, "on_time")
        expect("complaints", 1, breakdown, "none", "open_overdue")
    # Community work.
    for indicator, value in (
        ("volunteers_active", 1),
        ("self_help_groups", 1),
        ("self_help_group_members", 7),
        ("community_events", 1),
        ("event_participants", 25),
        ("neighbour_support", 1),
    ):
        expect(indicator, value)
    expect("neighbour_support", 1, "age_band", adult)
    expect("neighbour_support", 1, "sex", "M")

    assert delta(before_a, after_a) == expected

    # Medians come with their histograms: days from application to decision (4, 4, 10, 10),
    # by service too, and the days Marek has waited by the end of the quarter.
    assert histogram_delta(before_a, after_a, ("days_to_decision", "", "", "")) == {4: 2, 10: 2}
    assert histogram_delta(before_a, after_a, ("days_to_decision", "service", care_code, "")) == {
        4: 1,
        10: 1,
    }
    waited = (last - (d0 + timedelta(days=10))).days
    assert histogram_delta(before_a, after_a, ("waiting_days", "", "", "")) == {waited: 1}
    for f in after_a:
        if f.histogram:
            assert f.value == median_of(f.histogram)
    # Only tenant indicators, only allowed breakdowns, each by its categories.
    for f in after_a:
        definition = REGISTRY[f.indicator]
        assert f.indicator in TENANT_INDICATORS
        assert not f.breakdown or Breakdown(f.breakdown) in definition.breakdowns
        assert f.category in (definition.categories or ("",))

    # B's role computes B's figures: nothing of A's data set reaches them.
    assert delta(before_b, after_b) == {}
    # Under A's role B's schema is out of reach altogether.
    checked = parse_teryt(GMINA_A)
    async with engine.connect() as conn, conn.begin():
        await enter_role(conn, db_role=tenant_role(checked), schema=tenant_schema(checked))
        with pytest.raises(ProgrammingError, match="permission denied"):
            await conn.execute(text(f'SELECT count(*) FROM "gmina_{GMINA_B}".resident'))

    # Each run left one audit entry in its gmina, by the system, naming no record.
    entries = (await audit_entries(admin, GMINA_A))[audits_before:]
    assert len(entries) == 1
    actor_id, roles, entity_id, details = entries[0]
    assert (actor_id, roles, entity_id) == (UUID(int=0), "system", None)
    assert details == {
        "purpose": "indicator_snapshot",
        "quarter": quarter.label,
        "figures": len(after_a),
    }
    assert suffix not in str(details)


async def _resident(
    client: httpx.AsyncClient,
    given: str,
    suffix: str,
    born: str,
    sex: str | None,
    household_of: str | None = None,
) -> str:
    body: dict[str, Any] = {
        "given_name": given,
        "family_name": "Raportowa" + suffix,
        "birth_date": born,
        "sex": sex,
    }
    if household_of:
        body["household_of"] = household_of
    return str((await call(client, "POST", f"{API}/residents", KIPUS, body))["id"])


async def _application(client: httpx.AsyncClient, resident: str, service: UUID) -> Any:
    application = await call(
        client,
        "POST",
        f"{API}/applications",
        KIPUS,
        {
            "resident_id": resident,
            "channel": "in_person",
            "declaration_signed": True,
            "services": [str(service)],
        },
    )
    await call(
        client,
        "PUT",
        f"{API}/applications/{application['id']}/interview",
        KIPUS,
        {
            "held_on": clock.today().isoformat(),
            "goals": "Samodzielność.",
            "needs": [{"area_code": 4, "description": "Pomoc w domu."}],
        },
    )
    return application


async def _decide(client: httpx.AsyncClient, application: Any, decision: dict[str, str]) -> None:
    requested = application["services"][0]["id"]
    await call(
        client,
        "POST",
        f"{API}/applications/{application['id']}/services/{requested}/decision",
        OUS,
        decision,
    )


# --- budgets -----------------------------------------------------------------------------


@in_session_loop
async def test_agreement_budget_figures_match_the_budget_context(
    offer: Offer, platform: Platform
) -> None:
    from cus_tenants.budgets import service as budgets
    from cus_tenants.budgets.schemas import (
        BudgetCreate,
        BudgetLineIn,
        BudgetLinesIn,
        BudgetServiceIn,
        BudgetServicesIn,
        PeriodIn,
    )
    from cus_tenants.programmes.models import Programme

    engine = platform.db.app_engine
    agreement = UUID(platform.agreement_id)
    quarter = Quarter.of(clock.today())
    following = [quarter.next(), quarter.next().next()]
    quarters = [quarter, *following]
    before = {q: (await budget_figures_of(engine, q)).get(agreement, []) for q in quarters}

    zl = 100
    async with open_service_session(
        platform.db.sessions, db_role=TENANTS_SERVICE_ROLE, schema=SHARED_SCHEMA
    ) as session:
        programme = await session.scalar(
            select(Programme).where(
                Programme.teryt == GMINA_A,
                Programme.title == "Program usług społecznych (testy ścieżki mieszkańca)",
            )
        )
        assert programme is not None
        # Stage I is exactly this quarter; stage II the next two (spread over their days).
        budget = await budgets.create_budget(
            session,
            programme,
            BudgetCreate(
                title="Budżet testów raportowania " + secrets.token_hex(3),
                period_kind="stage",
                periods=[
                    PeriodIn(label="I", starts_on=quarter.first_day, ends_on=quarter.last_day),
                    PeriodIn(
                        label="II",
                        starts_on=following[0].first_day,
                        ends_on=following[1].last_day,
                    ),
                ],
                project_value_grosze=300_000 * zl,
                direct_costs_grosze=250_000 * zl,
            ),
        )
        services = (offer.care, offer.counselling)
        budget = await budgets.replace_services(
            session,
            budget,
            programme,
            BudgetServicesIn(services=[BudgetServiceIn(service_id=s) for s in services]),
        )
        stage_1, stage_2 = (p.id for p in budget.periods)
        lines = [
            (offer.care, stage_1, "eu_project", 100_000 * zl, 40_000 * zl),
            (offer.care, stage_1, "gmina", 20_000 * zl, 5_000 * zl),
            (offer.counselling, stage_1, "eu_project", 30_000 * zl, 0),
            (offer.care, stage_2, "eu_project", 60_000 * zl + 1, 0),
            (offer.counselling, stage_2, "state_budget", 10_000 * zl, 333),
        ]
        budget = await budgets.replace_lines(
            session,
            budget,
            BudgetLinesIn(
                lines=[
                    BudgetLineIn(
                        service_id=service,
                        period_id=period,
                        funding_source=source,
                        planned_grosze=planned,
                        executed_grosze=executed,
                    )
                    for service, period, source, planned, executed in lines
                ]
            ),
        )
        # What is contracted may not exceed what is planned: set once the lines are in.
        budget = await budgets.replace_services(
            session,
            budget,
            programme,
            BudgetServicesIn(
                services=[
                    BudgetServiceIn(service_id=offer.care, contracted_social_grosze=90_000 * zl),
                    BudgetServiceIn(service_id=offer.counselling),
                ]
            ),
        )
        own = budgets.figures_of(budget)
    after = {q: (await budget_figures_of(engine, q)).get(agreement, []) for q in quarters}

    # This quarter is stage I: the budget context's figures of that period, to the grosz.
    changed = delta(before[quarter], after[quarter])
    expected: dict[Key, Decimal] = {}
    codes = {offer.care: ("journey-opieka", "4"), offer.counselling: ("journey-poradnictwo", "3")}
    for source, table in own.by_source.items():
        for kind in ("planned", "executed"):
            indicator = f"budget_{kind}"
            total = getattr(table.by_period[stage_1], kind)
            if total:
                expected[(indicator, "", "", source)] = Decimal(total)
            for service, (code, area) in codes.items():
                amount = getattr(table.cell(stage_1, service), kind)
                if amount:
                    expected[(indicator, "service", code, source)] = Decimal(amount)
                    key = (indicator, "catalogue_area", area, source)
                    expected[key] = expected.get(key, Decimal(0)) + amount
    expected[("share_social_sector", "", "", "")] = Decimal(own.contracted_total)
    expected[("share_on_services", "", "", "")] = Decimal(own.project_services)
    assert changed == expected
    assert own.project_services == 190_000 * zl + 1
    assert own.contracted_total == 90_000 * zl
    # Ratios carry their denominators: the project's direct costs and value.
    for indicator, base in (
        ("share_social_sector", own.direct_costs),
        ("share_on_services", own.project_value),
    ):
        new = _keyed(after[quarter])[(indicator, "", "", "")]
        old = _keyed(before[quarter]).get((indicator, "", "", ""))
        assert new.denominator is not None and base is not None
        previous = old.denominator if old and old.denominator else 0
        assert new.denominator - previous == base

    # Stage II is spread over the next two quarters, which add up to it to the grosz.
    for source, table in own.by_source.items():
        for kind in ("planned", "executed"):
            key = (f"budget_{kind}", "", "", source)
            spread = sum(
                (delta(before[q], after[q]).get(key, Decimal(0)) for q in following), Decimal(0)
            )
            assert spread == getattr(table.by_period[stage_2], kind), key
    first_half = delta(before[following[0]], after[following[0]])
    days = (following[0].last_day - following[0].first_day).days + 1
    length = (following[1].last_day - following[0].first_day).days + 1
    share = (2 * (60_000 * zl + 1) * days + length) // (2 * length)
    assert first_half[("budget_planned", "service", "journey-opieka", "eu_project")] == share
