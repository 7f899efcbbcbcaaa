"""Budgets through the API and the pages, on real PostgreSQL: the seeds' two worked examples
(Kramsk by year, Jarocin by three stages) entered as data reproduce their totals and shares
to the grosz; the funding rules warn with their figures; every validation explains itself and
writes nothing; other agreements see nothing; readers cannot change; CSV and XLSX exports;
pages with tables and SVG charts."""

from __future__ import annotations

import csv
import io
import re
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest
import pytest_asyncio
from litestar import Litestar
from openpyxl import load_workbook
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from cus_shared.database.naming import SHARED_SCHEMA, TENANTS_SERVICE_ROLE
from cus_shared.tenancy import open_service_session
from tests.conftest import GMINA_A, Platform, login
from tests.pages import browser_session, text_of

pytestmark = pytest.mark.asyncio(loop_scope="session")

Client = httpx.AsyncClient
ZL = 100

#: Jarocin (powiat jarociński, wielkopolskie), registered by these tests under its own
#: agreement; Kramsk is the fixture's gmina A.
JAROCIN = "3006033"

KRAMSK_SERVICES = (
    "Wsparcie Rodziny",
    "Pomoc Społeczna",
    "Promocja i ochrona zdrowia",
    "Pobudzanie aktywności obywatelskiej",
)
KRAMSK_ROWS = {
    "2021": (20_000, 200_000, 100_000, 50_000),
    "2022": (17_200, 310_146, 208_646, 165_000),
    # The seed's "20 00 zł" is a typo for 20 000 (row total 148 500, column total 235 000).
    "2023": (4_500, 75_000, 49_000, 20_000),
}
KRAMSK_CONTRACTED = (0, 585_146, 357_646, 235_000)

JAROCIN_SERVICES = ("Kluby Społeczne", "Rehabilitacja", "Klub Rodzinny", "Opaska monitorująca")
JAROCIN_STAGES = (
    ("I etap", "2021-10-01", "2022-07-31", (200_000, 200_000, 100_000, 100_000)),
    ("II etap", "2022-08-01", "2023-05-31", (280_000, 280_000, 140_000, 140_000)),
    ("III etap", "2023-06-01", "2023-09-30", (20_000, 20_000, 17_083, 20_000)),
)
JAROCIN_CONTRACTED = (400_000, 500_000, 0, 0)

DIRECTOR = "director@test.local"
OPERATOR = "operator@test.local"
READER = "kipus.a@test.local"  # KIPUS of Kramsk: reads, may not change
PEER = "kipus.b@test.local"  # KIPUS of Golina, same agreement: reads Kramsk's budgets
OUTSIDER = "kipus.c@test.local"  # another agreement altogether


@dataclass(frozen=True)
class World:
    """Programmes and catalogue services these tests plan with."""

    kramsk_programme: str
    kramsk_services: tuple[str, ...]
    jarocin_programme: str
    jarocin_services: tuple[str, ...]


async def _programme(session: Any, teryt: str, title: str, start: date, end: date) -> str:
    from cus_tenants.programmes.models import Programme

    programme = Programme(
        teryt=teryt,
        title=title,
        resolution_number=f"XX/{uuid.uuid4().hex[:6]}/2021",
        resolution_date=start,
        period_start=start,
        period_end=end,
        diagnosis_date=date(2020, 12, 1),
    )
    session.add(programme)
    await session.flush()
    return str(programme.id)


async def _services(session: Any, agreement_id: str, names: tuple[str, ...]) -> tuple[str, ...]:
    from cus_tenants.catalogue.models import CatalogueService, ServiceVersion

    ids: list[str] = []
    for number, name in enumerate(names, start=1):
        service = CatalogueService(
            agreement_id=uuid.UUID(agreement_id), code=f"budzet-{uuid.uuid4().hex[:10]}"
        )
        session.add(service)
        await session.flush()
        session.add(
            ServiceVersion(
                service_id=service.id,
                version=1,
                area_code=number,
                name=name,
                description=f"{name} (opis)",
                target_group="mieszkańcy",
                eligibility="zgodnie z programem",
                unit="hour",
                delivery_modes=["in_house"],
                valid_from=date(2021, 1, 1),
            )
        )
        ids.append(str(service.id))
    await session.flush()
    return tuple(ids)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def world(client: Client, platform: Platform) -> World:
    """Kramsk's programme 2021–2023 and four services in the test agreement's catalogue;
    Jarocin registered with its own agreement, programme X.2021–IX.2023 and services."""
    headers = await login(client, OPERATOR)
    registered = await client.post(
        "/api/tenants/gminy", json={"teryt": JAROCIN, "name": "Jarocin"}, headers=headers
    )
    assert registered.status_code == 201, registered.text
    agreement = await client.post(
        "/api/tenants/agreements",
        json={
            "name": "CUS w Jarocinie (budżety)",
            "lead_teryt": JAROCIN,
            "members": [{"teryt": JAROCIN, "joined_on": "2021-01-01"}],
        },
        headers=headers,
    )
    assert agreement.status_code == 201, agreement.text
    async with open_service_session(
        platform.db.sessions, db_role=TENANTS_SERVICE_ROLE, schema=SHARED_SCHEMA
    ) as session:
        kramsk = await _programme(
            session,
            GMINA_A,
            "Program usług społecznych Gminy Kramsk na lata 2021–2023",
            date(2021, 1, 1),
            date(2023, 12, 31),
        )
        kramsk_services = await _services(session, platform.agreement_id, KRAMSK_SERVICES)
        jarocin = await _programme(
            session,
            JAROCIN,
            "Program usług społecznych Gminy Jarocin",
            date(2021, 10, 1),
            date(2023, 9, 30),
        )
        jarocin_services = await _services(session, agreement.json()["id"], JAROCIN_SERVICES)
    return World(kramsk, kramsk_services, jarocin, jarocin_services)


async def count(engine: AsyncEngine, table: str) -> int:
    """Rows of a shared table (read as admin, outside the app)."""
    async with engine.connect() as conn:
        value: Any = await conn.scalar(text(f"SELECT count(*) FROM shared.{table}"))
    return int(value)


async def counts(engine: AsyncEngine) -> tuple[int, int, int, int]:
    """Rows of every budget table."""
    return (
        await count(engine, "budget"),
        await count(engine, "budget_period"),
        await count(engine, "budget_service"),
        await count(engine, "budget_line"),
    )


async def lines_sum(engine: AsyncEngine, budget_id: str) -> tuple[int, int]:
    """How many lines a budget has and their planned sum."""
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                text(
                    "SELECT count(*), coalesce(sum(l.planned_grosze), 0) FROM shared.budget_line l"
                    " JOIN shared.budget_service s ON s.id = l.budget_service_id"
                    " WHERE s.budget_id = :b"
                ),
                {"b": budget_id},
            )
        ).one()
    return int(row[0]), int(row[1])


def codes(response: httpx.Response) -> dict[str, str]:
    """Field → code of a problem-details answer."""
    return {e["field"]: e["code"] for e in response.json().get("errors", [])}


async def create_kramsk(client: Client, world: World, email: str = DIRECTOR, **extra: Any) -> Any:
    """Kramsk's seed budget by year, entered through the API (periods made from the
    programme's years, services, lines, then what is contracted)."""
    headers = await login(client, email)
    created = await client.post(
        f"/api/tenants/programmes/{world.kramsk_programme}/budgets",
        json={"title": "Plan finansowy CUS w Kramsku 2021–2023", "period_kind": "year", **extra},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    budget = created.json()
    assert [p["label"] for p in budget["periods"]] == ["2021", "2022", "2023"]
    budget_id = budget["id"]
    services = await client.put(
        f"/api/tenants/budgets/{budget_id}/services",
        json={"services": [{"service_id": s} for s in world.kramsk_services]},
        headers=headers,
    )
    assert services.status_code == 200, services.text
    periods = {p["label"]: p["id"] for p in budget["periods"]}
    lines = [
        {
            "service_id": service,
            "period_id": periods[year],
            "funding_source": "eu_project",
            "planned_grosze": amount * ZL,
        }
        for year, amounts in KRAMSK_ROWS.items()
        for service, amount in zip(world.kramsk_services, amounts, strict=True)
    ]
    put = await client.put(
        f"/api/tenants/budgets/{budget_id}/lines", json={"lines": lines}, headers=headers
    )
    assert put.status_code == 200, put.text
    contracted = await client.put(
        f"/api/tenants/budgets/{budget_id}/services",
        json={
            "services": [
                {"service_id": s, "contracted_social_grosze": c * ZL}
                for s, c in zip(world.kramsk_services, KRAMSK_CONTRACTED, strict=True)
            ]
        },
        headers=headers,
    )
    assert contracted.status_code == 200, contracted.text
    return contracted.json()


async def create_jarocin(client: Client, world: World) -> Any:
    """Jarocin's seed budget by three stages, entered through the API by the operator."""
    headers = await login(client, OPERATOR)
    created = await client.post(
        f"/api/tenants/programmes/{world.jarocin_programme}/budgets",
        json={
            "title": "CUS w Jarocinie – etapy",
            "period_kind": "stage",
            "periods": [
                {"label": label, "starts_on": start, "ends_on": end}
                for label, start, end, _ in JAROCIN_STAGES
            ],
        },
        headers=headers,
    )
    assert created.status_code == 201, created.text
    budget_id = created.json()["id"]
    periods = [p["id"] for p in created.json()["periods"]]
    await client.put(
        f"/api/tenants/budgets/{budget_id}/services",
        json={"services": [{"service_id": s} for s in world.jarocin_services]},
        headers=headers,
    )
    lines = [
        {
            "service_id": service,
            "period_id": period,
            "funding_source": "eu_project",
            "planned_grosze": amount * ZL,
        }
        for period, (_, _, _, amounts) in zip(periods, JAROCIN_STAGES, strict=True)
        for service, amount in zip(world.jarocin_services, amounts, strict=True)
    ]
    put = await client.put(
        f"/api/tenants/budgets/{budget_id}/lines", json={"lines": lines}, headers=headers
    )
    assert put.status_code == 200, put.text
    done = await client.put(
        f"/api/tenants/budgets/{budget_id}/services",
        json={
            "services": [
                {"service_id": s, "contracted_social_grosze": c * ZL}
                for s, c in zip(world.jarocin_services, JAROCIN_CONTRACTED, strict=True)
            ]
        },
        headers=headers,
    )
    assert done.status_code == 200, done.text
    return done.json()


# --- the seeds --------------------------------------------------------------------------------


async def test_kramsk_by_year_reproduces_the_seed(client: Client, world: World) -> None:
    created = await create_kramsk(client, world)
    shown = await client.get(
        f"/api/tenants/budgets/{created['id']}", headers=await login(client, DIRECTOR)
    )
    assert shown.status_code == 200
    budget = shown.json()
    figures = budget["figures"]
    periods = {p["id"]: p["label"] for p in budget["periods"]}
    assert [(p["starts_on"], p["ends_on"]) for p in budget["periods"]] == [
        ("2021-01-01", "2021-12-31"),
        ("2022-01-01", "2022-12-31"),
        ("2023-01-01", "2023-12-31"),
    ]
    assert {periods[p["period_id"]]: p["planned_grosze"] for p in figures["by_period"]} == {
        "2021": 370_000 * ZL,
        "2022": 700_992 * ZL,
        "2023": 148_500 * ZL,
    }
    names = {s["service_id"]: s["name"] for s in budget["services"]}
    assert [names[s["service_id"]] for s in figures["by_service"]] == list(KRAMSK_SERVICES)
    assert [s["planned_grosze"] for s in figures["by_service"]] == [
        41_700 * ZL,
        585_146 * ZL,
        357_646 * ZL,
        235_000 * ZL,
    ]
    assert [s["share_percent"] for s in figures["by_service"]] == [
        "3.42",
        "47.98",
        "29.33",
        "19.27",
    ]
    assert figures["share_total_percent"] == "100.00"
    assert figures["total_planned_grosze"] == 1_219_492 * ZL
    assert [s["contracted_social_grosze"] for s in figures["by_service"]] == [
        c * ZL for c in KRAMSK_CONTRACTED
    ]
    assert figures["contracted_social_grosze"] == 1_177_792 * ZL
    assert figures["by_source"] == [
        {"funding_source": "eu_project", "planned_grosze": 121_949_200, "executed_grosze": 0}
    ]
    cell = next(
        c
        for c in figures["cells"]
        if periods[c["period_id"]] == "2023" and names[c["service_id"]] == KRAMSK_SERVICES[3]
    )
    assert cell["planned_grosze"] == 20_000 * ZL
    assert budget["warnings"] == [] and budget["can_change"] is True
    assert len(budget["lines"]) == 12


async def test_jarocin_by_stage_reproduces_the_seed(client: Client, world: World) -> None:
    budget = await create_jarocin(client, world)
    figures = budget["figures"]
    assert [(p["label"], p["starts_on"], p["ends_on"]) for p in budget["periods"]] == [
        (label, start, end) for label, start, end, _ in JAROCIN_STAGES
    ]
    assert [p["planned_grosze"] for p in figures["by_period"]] == [
        600_000 * ZL,
        840_000 * ZL,
        77_083 * ZL,
    ]
    assert [s["planned_grosze"] for s in figures["by_service"]] == [
        500_000 * ZL,
        500_000 * ZL,
        257_083 * ZL,
        260_000 * ZL,
    ]
    assert [s["share_percent"] for s in figures["by_service"]] == [
        "32.96",
        "32.96",
        "16.95",
        "17.14",
    ]
    assert figures["share_total_percent"] == "100.00"
    assert figures["total_planned_grosze"] == 1_517_083 * ZL
    assert [s["contracted_social_grosze"] for s in figures["by_service"]] == [
        400_000 * ZL,
        500_000 * ZL,
        0,
        0,
    ]
    assert [s["name"] for s in budget["services"]] == list(JAROCIN_SERVICES)


async def test_funding_rules_warn_with_their_figures(client: Client, world: World) -> None:
    budget = await create_kramsk(client, world)
    url = f"/api/tenants/budgets/{budget['id']}"
    headers = await login(client, DIRECTOR)
    kept = await client.patch(
        url,
        json={"project_value_grosze": 1_500_000 * ZL, "direct_costs_grosze": 3_000_000 * ZL},
        headers=headers,
    )
    assert kept.status_code == 200, kept.text
    assert kept.json()["warnings"] == []
    assert kept.json()["figures"]["services_share_of_project_percent"] == "81.30"
    assert kept.json()["figures"]["contracted_share_of_direct_costs_percent"] == "39.26"

    broken = await client.patch(
        url,
        json={"project_value_grosze": 3_000_000 * ZL, "direct_costs_grosze": 4_000_000 * ZL},
        headers=headers,
    )
    assert broken.status_code == 200
    warnings = {w["code"]: w for w in broken.json()["warnings"]}
    services = warnings["budget.rule_services_80"]
    assert services["share_percent"] == "40.65"
    assert services["required_grosze"] == 2_400_000 * ZL
    assert services["shortfall_grosze"] == (2_400_000 - 1_219_492) * ZL
    assert "40,65%" in services["message"] and "1\xa0219\xa0492,00\xa0zł" in services["message"]
    assert "co najmniej 80%" in services["message"]
    social = warnings["budget.rule_social_30"]
    assert social["share_percent"] == "29.44"
    assert social["required_grosze"] == 1_200_000 * ZL
    assert social["shortfall_grosze"] == (1_200_000 - 1_177_792) * ZL
    assert "sektorowi społecznemu" in social["message"].lower()

    english = await client.get(url, headers={**headers, "Accept-Language": "en"})
    messages = [w["message"] for w in english.json()["warnings"]]
    assert any("at least 80%" in m and "3\xa0000\xa0000,00\xa0zł" in m for m in messages)
    assert any("social sector" in m and "22\xa0208,00\xa0zł is missing" in m for m in messages)

    cleared = await client.patch(
        url, json={"project_value_grosze": None, "direct_costs_grosze": None}, headers=headers
    )
    assert cleared.json()["warnings"] == []
    assert cleared.json()["project_value_grosze"] is None


# --- validation: a clear message and nothing written --------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {
                "period_kind": "stage",
                "periods": [
                    {"label": "I", "starts_on": "2021-01-01", "ends_on": "2021-12-31"},
                    {"label": "II", "starts_on": "2021-12-01", "ends_on": "2022-06-30"},
                ],
            },
            {"periods[1].starts_on": "budget.periods_overlap"},
        ),
        (
            {
                "period_kind": "stage",
                "periods": [
                    {"label": "I", "starts_on": "2020-06-01", "ends_on": "2021-05-31"},
                    {"label": "II", "starts_on": "2023-06-01", "ends_on": "2024-01-31"},
                ],
            },
            {
                "periods[0].starts_on": "budget.period_outside_programme",
                "periods[1].ends_on": "budget.period_outside_programme",
            },
        ),
        (
            {
                "period_kind": "year",
                "periods": [
                    {"label": "2021/22", "starts_on": "2021-07-01", "ends_on": "2022-06-30"}
                ],
            },
            {"periods[0].ends_on": "budget.period_year"},
        ),
        (
            {
                "period_kind": "stage",
                "periods": [{"label": "I", "starts_on": "2022-06-01", "ends_on": "2022-01-01"}],
            },
            {"periods[0].ends_on": "budget.period_dates"},
        ),
        ({"period_kind": "stage"}, {"periods": "budget.periods_required"}),
        (
            {"period_kind": "year", "project_value_grosze": -1, "direct_costs_grosze": 10**16},
            {
                "project_value_grosze": "budget.amount",
                "direct_costs_grosze": "budget.amount",
            },
        ),
    ],
    ids=["overlap", "outside", "year", "dates", "no-stages", "amounts"],
)
async def test_bad_budgets_are_explained_and_nothing_is_written(
    client: Client,
    world: World,
    admin_engine: AsyncEngine,
    body: dict[str, Any],
    expected: dict[str, str],
) -> None:
    before = await counts(admin_engine)
    response = await client.post(
        f"/api/tenants/programmes/{world.kramsk_programme}/budgets",
        json={"title": "Błędny budżet", **body},
        headers=await login(client, DIRECTOR),
    )
    assert response.status_code == 422, response.text
    assert codes(response) == expected
    assert await counts(admin_engine) == before


async def test_messages_are_polish_by_default_and_english_on_request(
    client: Client, world: World
) -> None:
    body = {
        "title": "Nakładające się etapy",
        "period_kind": "stage",
        "periods": [
            {"label": "I", "starts_on": "2021-01-01", "ends_on": "2021-12-31"},
            {"label": "II", "starts_on": "2021-12-31", "ends_on": "2022-12-31"},
        ],
    }
    url = f"/api/tenants/programmes/{world.kramsk_programme}/budgets"
    headers = await login(client, DIRECTOR)
    polish = await client.post(url, json=body, headers=headers)
    assert "nakładania" in polish.json()["errors"][0]["message"]
    english = await client.post(url, json=body, headers={**headers, "Accept-Language": "en"})
    assert "overlapping" in english.json()["errors"][0]["message"]
    outside = await client.post(
        url,
        json={
            "title": "Poza programem",
            "period_kind": "stage",
            "periods": [{"label": "I", "starts_on": "2024-01-01", "ends_on": "2024-06-30"}],
        },
        headers={**headers, "Accept-Language": "en"},
    )
    assert "(01.01.2021–31.12.2023)" in outside.json()["errors"][0]["message"]


async def test_bad_services_are_explained_and_nothing_is_written(
    client: Client, world: World, admin_engine: AsyncEngine
) -> None:
    budget = await create_kramsk(client, world)
    url = f"/api/tenants/budgets/{budget['id']}/services"
    headers = await login(client, DIRECTOR)
    before = await counts(admin_engine)
    response = await client.put(
        url,
        json={
            "services": [
                {"service_id": world.kramsk_services[0], "contracted_social_grosze": 41_701 * ZL},
                {"service_id": world.kramsk_services[1]},
                {"service_id": world.kramsk_services[1]},
                {"service_id": world.jarocin_services[0]},  # another agreement's catalogue
                {"service_id": str(uuid.uuid4())},
                {"service_id": world.kramsk_services[2], "contracted_social_grosze": -5},
            ]
        },
        headers=headers,
    )
    assert response.status_code == 422, response.text
    assert codes(response) == {
        "services[0].contracted_social_grosze": "budget.contracted_exceeds_planned",
        "services[2].service_id": "budget.service_duplicate",
        "services[3].service_id": "budget.service_unknown",
        "services[4].service_id": "budget.service_unknown",
        "services[5].contracted_social_grosze": "budget.amount",
    }
    message = response.json()["errors"][0]["message"]
    assert "41\xa0701,00\xa0zł" in message and "41\xa0700,00\xa0zł" in message
    assert "Wsparcie Rodziny" in message
    assert await counts(admin_engine) == before
    shown = await client.get(f"/api/tenants/budgets/{budget['id']}", headers=headers)
    assert shown.json()["figures"]["contracted_social_grosze"] == 1_177_792 * ZL


async def test_bad_lines_are_explained_and_nothing_is_written(
    client: Client, world: World, admin_engine: AsyncEngine
) -> None:
    budget = await create_kramsk(client, world)
    url = f"/api/tenants/budgets/{budget['id']}/lines"
    headers = await login(client, DIRECTOR)
    period = budget["periods"][0]["id"]
    service = world.kramsk_services[1]
    before = (await counts(admin_engine), await lines_sum(admin_engine, budget["id"]))
    good = {"service_id": service, "period_id": period, "funding_source": "gmina"}
    response = await client.put(
        url,
        json={
            "lines": [
                {**good, "planned_grosze": 1_000},
                {**good, "service_id": world.jarocin_services[0], "planned_grosze": 1},
                {**good, "period_id": str(uuid.uuid4()), "planned_grosze": 1},
                {**good, "funding_source": "eu_project", "planned_grosze": -100},
                {**good, "planned_grosze": 5},
                {
                    **good,
                    "funding_source": "state_budget",
                    "planned_grosze": 1,
                    "executed_grosze": -1,
                },
            ]
        },
        headers=headers,
    )
    assert response.status_code == 422, response.text
    assert codes(response) == {
        "lines[1].service_id": "budget.service_not_in_budget",
        "lines[2].period_id": "budget.period_unknown",
        "lines[3].planned_grosze": "budget.amount",
        "lines[4]": "budget.line_duplicate",
        "lines[5].executed_grosze": "budget.amount",
    }
    unknown_source = await client.put(
        url,
        json={"lines": [{**good, "funding_source": "lottery", "planned_grosze": 1}]},
        headers=headers,
    )
    assert unknown_source.status_code in (400, 422)
    # Replacing the lines with less than is contracted for a service is refused as well.
    below = await client.put(
        url, json={"lines": [{**good, "planned_grosze": 100}]}, headers=headers
    )
    assert below.status_code == 422
    assert set(codes(below).values()) == {"budget.contracted_exceeds_planned"}
    assert (await counts(admin_engine), await lines_sum(admin_engine, budget["id"])) == before


async def test_lines_replace_all_at_once_and_periods_change_by_id(
    client: Client, world: World, admin_engine: AsyncEngine
) -> None:
    headers = await login(client, DIRECTOR)
    created = await client.post(
        f"/api/tenants/programmes/{world.kramsk_programme}/budgets",
        json={
            "title": "Budżet z etapami do zmiany",
            "period_kind": "stage",
            "periods": [
                {"label": "A", "starts_on": "2021-01-01", "ends_on": "2021-12-31"},
                {"label": "B", "starts_on": "2022-01-01", "ends_on": "2022-12-31"},
            ],
        },
        headers=headers,
    )
    budget = created.json()
    url = f"/api/tenants/budgets/{budget['id']}"
    first, second = (p["id"] for p in budget["periods"])
    services = world.kramsk_services[:2]
    await client.put(
        f"{url}/services",
        json={"services": [{"service_id": s} for s in services]},
        headers=headers,
    )
    lines = [
        {
            "service_id": s,
            "period_id": p,
            "funding_source": source,
            "planned_grosze": 1_000,
            "executed_grosze": 500,
        }
        for s in services
        for p in (first, second)
        for source in ("eu_project", "gmina")
    ]
    put = await client.put(f"{url}/lines", json={"lines": lines}, headers=headers)
    assert put.json()["figures"]["total_planned_grosze"] == 8_000
    assert put.json()["figures"]["total_executed_grosze"] == 4_000
    assert [s["funding_source"] for s in put.json()["figures"]["by_source"]] == [
        "eu_project",
        "gmina",
    ]
    again = await client.put(f"{url}/lines", json={"lines": lines[:2]}, headers=headers)
    assert again.json()["figures"]["total_planned_grosze"] == 2_000
    assert await lines_sum(admin_engine, budget["id"]) == (2, 2_000)
    # Period B is kept (renamed, now first), A removed with its lines, C added.
    changed = await client.patch(
        url,
        json={
            "periods": [
                {"id": second, "label": "B2", "starts_on": "2022-01-01", "ends_on": "2022-12-31"},
                {"label": "C", "starts_on": "2023-01-01", "ends_on": "2023-06-30"},
            ],
            "title": "Budżet po zmianie",
        },
        headers=headers,
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert [p["label"] for p in body["periods"]] == ["B2", "C"]
    assert body["periods"][0]["id"] == second
    assert body["title"] == "Budżet po zmianie"
    assert body["figures"]["total_planned_grosze"] == 0  # the kept lines were in period A
    unknown = await client.patch(
        url,
        json={
            "periods": [
                {"id": first, "label": "A", "starts_on": "2021-01-01", "ends_on": "2021-12-31"}
            ]
        },
        headers=headers,
    )
    assert codes(unknown) == {"periods[0].id": "budget.period_unknown"}


async def test_removing_a_period_may_not_leave_less_than_is_contracted(
    client: Client, world: World, admin_engine: AsyncEngine
) -> None:
    budget = await create_kramsk(client, world)
    before = (await counts(admin_engine), await lines_sum(admin_engine, budget["id"]))
    kept = [
        {"id": p["id"], "label": p["label"], "starts_on": p["starts_on"], "ends_on": p["ends_on"]}
        for p in budget["periods"][:2]
    ]
    response = await client.patch(
        f"/api/tenants/budgets/{budget['id']}",
        json={"periods": kept},
        headers=await login(client, DIRECTOR),
    )
    assert response.status_code == 422
    # Without 2023, three services keep less than is contracted of them, e.g. "Pobudzanie
    # aktywności obywatelskiej" 215 000 zł of 235 000 zł.
    problems = response.json()["errors"]
    assert {(p["field"], p["code"]) for p in problems} == {
        ("periods", "budget.contracted_exceeds_planned")
    }
    assert len(problems) == 3
    assert any("215\xa0000,00\xa0zł" in p["message"] for p in problems)
    assert (await counts(admin_engine), await lines_sum(admin_engine, budget["id"])) == before


# --- access ---------------------------------------------------------------------------------


async def test_other_agreements_see_nothing_and_readers_change_nothing(
    client: Client, world: World, admin_engine: AsyncEngine
) -> None:
    kramsk = await create_kramsk(client, world)
    jarocin = await create_jarocin(client, world)
    kramsk_url = f"/api/tenants/budgets/{kramsk['id']}"
    programme_url = f"/api/tenants/programmes/{world.kramsk_programme}/budgets"
    outsider = await login(client, OUTSIDER)
    for path in (
        kramsk_url,
        f"{kramsk_url}/export.csv",
        f"{kramsk_url}/export.xlsx",
        programme_url,
        f"/api/tenants/budgets/{uuid.uuid4()}",
        "/api/tenants/budgets/not-a-uuid",
    ):
        assert (await client.get(path, headers=outsider)).status_code == 404, path
    assert (
        await client.patch(kramsk_url, json={"title": "Cudzy"}, headers=outsider)
    ).status_code == 404
    # Kramsk's director does not see Jarocin's agreement either.
    director = await login(client, DIRECTOR)
    assert (
        await client.get(f"/api/tenants/budgets/{jarocin['id']}", headers=director)
    ).status_code == 404
    assert (
        await client.get(
            f"/api/tenants/programmes/{world.jarocin_programme}/budgets", headers=director
        )
    ).status_code == 404

    before = await counts(admin_engine)
    for email in (READER, PEER):
        reader = await login(client, email)
        shown = await client.get(kramsk_url, headers=reader)
        assert shown.status_code == 200 and shown.json()["can_change"] is False
        listed = await client.get(programme_url, headers=reader)
        assert kramsk["id"] in [b["id"] for b in listed.json()]
        refused = [
            await client.post(
                programme_url, json={"title": "Nie wolno", "period_kind": "year"}, headers=reader
            ),
            await client.patch(kramsk_url, json={"title": "Nie wolno"}, headers=reader),
            await client.put(f"{kramsk_url}/services", json={"services": []}, headers=reader),
            await client.put(f"{kramsk_url}/lines", json={"lines": []}, headers=reader),
        ]
        assert [r.status_code for r in refused] == [403, 403, 403, 403], email
    assert await counts(admin_engine) == before
    assert (await client.get(kramsk_url)).status_code == 401


# --- exports --------------------------------------------------------------------------------


async def test_csv_export_for_polish_excel(client: Client, world: World) -> None:
    budget = await create_kramsk(client, world)
    response = await client.get(
        f"/api/tenants/budgets/{budget['id']}/export.csv", headers=await login(client, DIRECTOR)
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == (
        'attachment; filename="plan-finansowy-cus-w-kramsku-2021-2023.csv"'
    )
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Okres", *KRAMSK_SERVICES, "Razem"]
    assert rows[1] == ["2021", "20000,00", "200000,00", "100000,00", "50000,00", "370000,00"]
    assert rows[2] == ["2022", "17200,00", "310146,00", "208646,00", "165000,00", "700992,00"]
    assert rows[3] == ["2023", "4500,00", "75000,00", "49000,00", "20000,00", "148500,00"]
    assert rows[4] == ["Razem", "41700,00", "585146,00", "357646,00", "235000,00", "1219492,00"]
    assert rows[6][0] == "Usługa"
    shares = {r[0]: r[1:] for r in rows[7:12]}
    assert shares["Wsparcie Rodziny"] == ["3,42", "0,00"]
    assert shares["Pomoc Społeczna"] == ["47,98", "585146,00"]
    assert shares["Promocja i ochrona zdrowia"] == ["29,33", "357646,00"]
    assert shares["Pobudzanie aktywności obywatelskiej"] == ["19,27", "235000,00"]
    assert shares["Razem"] == ["100,00", "1177792,00"]
    assert ["Projekt UE", "1219492,00", "0,00"] in rows

    english = await client.get(
        f"/api/tenants/budgets/{budget['id']}/export.csv",
        headers={**await login(client, DIRECTOR), "Accept-Language": "en"},
    )
    header = english.content.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("Period;") and header.endswith(";Total")


async def test_xlsx_export_has_the_same_numbers(client: Client, world: World) -> None:
    budget = await create_jarocin(client, world)
    response = await client.get(
        f"/api/tenants/budgets/{budget['id']}/export.xlsx", headers=await login(client, OPERATOR)
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert 'filename="cus-w-jarocinie-etapy.xlsx"' in response.headers["content-disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Budżet", "Projekt UE"]
    sheet = workbook["Budżet"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = rows.index(["Okres", *JAROCIN_SERVICES, "Razem"])
    values = rows[header + 1 : header + 5]
    assert [r[0] for r in values] == ["I etap", "II etap", "III etap", "Razem"]
    assert [float(v) for v in values[0][1:]] == [200000, 200000, 100000, 100000, 600000]
    assert [float(v) for v in values[2][1:]] == [20000, 20000, 17083, 20000, 77083]
    assert [float(v) for v in values[3][1:]] == [500000, 500000, 257083, 260000, 1517083]
    money = sheet.cell(row=header + 2, column=2)
    assert "zł" in money.number_format
    shares = {r[0]: r[1:3] for r in rows if r[0] in JAROCIN_SERVICES and r[1] is not None}
    assert round(float(shares["Klub Rodzinny"][0]), 4) == 0.1695
    assert float(shares["Kluby Społeczne"][1]) == 400000
    per_source = [[c.value for c in row] for row in workbook["Projekt UE"].iter_rows()]
    assert any(r[0] == "Razem" and float(r[-1]) == 1517083 for r in per_source if r[0])


# --- pages ----------------------------------------------------------------------------------


async def test_budget_page_shows_the_tables_charts_and_rules(
    app: Litestar, client: Client, world: World
) -> None:
    budget = await create_kramsk(client, world, project_value_grosze=3_000_000 * ZL)
    async with browser_session(app, DIRECTOR) as browser:
        response = await browser.get(f"/budgets/{budget['id']}")
        assert response.status_code == 200, response.text
        html = response.text
        page = text_of(response)
        assert " style=" not in html and "<script>" not in html  # the CSP forbids both
        assert html.count('role="img"') == 2
        assert re.search(
            r'<svg role="img" aria-labelledby="budget-donut-title budget-donut-desc"', html
        )
        assert '<title id="budget-bars-title">' in html and "<desc id=" in html
        assert 'fill="url(#budget-pattern-1)"' in html
        assert "<caption>" in html and '<th scope="col">' in html
        for expected in (
            "Kwoty planowane",
            "1. Wsparcie Rodziny",
            "370 000,00 zł",
            "700 992,00 zł",
            "1 219 492,00 zł",
            "3,42%",
            "47,98%",
            "100,00%",
            "1 177 792,00 zł",
            "Uwaga:",
            "40,65%",
            "Pobierz CSV",
        ):
            assert expected in page, expected
        assert re.search(r'<div role="status">\s*<p class="flash flash--warning">', html)
        assert f'href="/budgets/{budget["id"]}/export.xlsx"' in html
        csv_page = await browser.get(f"/budgets/{budget['id']}/export.csv")
        assert csv_page.status_code == 200 and csv_page.content.startswith(b"\xef\xbb\xbf")
        xlsx_page = await browser.get(f"/budgets/{budget['id']}/export.xlsx")
        assert xlsx_page.status_code == 200 and xlsx_page.content[:2] == b"PK"
        listing = await browser.get(f"/programmes/{world.kramsk_programme}/budgets")
        assert listing.status_code == 200
        assert "Plan finansowy CUS w Kramsku" in text_of(listing)
        assert "Nowy budżet" in text_of(listing)


async def test_pages_create_a_budget_and_fill_it(
    app: Litestar, world: World, admin_engine: AsyncEngine
) -> None:
    async with browser_session(app, DIRECTOR) as browser:
        await browser.get(f"/programmes/{world.kramsk_programme}/budgets")
        before = await counts(admin_engine)
        bad = await browser.submit(
            f"/programmes/{world.kramsk_programme}/budgets",
            {
                "title": "Budżet z formularza",
                "period_kind": "stage",
                "project_value": "trzy miliony",
                "periods.0.label": "I etap",
                "periods.0.starts_on": "2021-01-01",
                "periods.0.ends_on": "2021-12-31",
                "periods.1.label": "II etap",
                "periods.1.starts_on": "2021-06-01",
                "periods.1.ends_on": "2022-12-31",
            },
        )
        assert bad.status_code == 422
        page = text_of(bad)
        assert "Wpisz kwotę w złotych" in page and "bez nakładania się" in page
        assert 'href="#f-project_value"' in bad.text and 'href="#f-periods-1-starts_on"' in bad.text
        assert 'id="f-periods-1-starts_on"' in bad.text
        assert await counts(admin_engine) == before

        created = await browser.submit(
            f"/programmes/{world.kramsk_programme}/budgets",
            {
                "title": "Budżet z formularza",
                "period_kind": "year",
                "project_value": "1 500 000,00",
                "direct_costs": "3.000.000",
            },
        )
        assert created.status_code == 303, created.text
        location = created.headers["location"]
        budget_id = location.rsplit("/", 1)[-1]
        shown = await browser.get(location)
        assert "Budżet z formularza" in text_of(shown)
        assert "1 500 000,00 zł" in text_of(shown)

        await browser.get(f"/budgets/{budget_id}/services")
        chosen = await browser.submit(
            f"/budgets/{budget_id}/services",
            {f"include.{s}": "1" for s in world.kramsk_services[:2]},
        )
        assert chosen.status_code == 303, chosen.text

        grid = await browser.get(f"/budgets/{budget_id}/lines?source=eu_project&amounts=planned")
        assert grid.status_code == 200
        assert 'id="f-cell-0-1"' in grid.text and "Wsparcie Rodziny, 2021" in text_of(grid)
        wrong = await browser.submit(
            f"/budgets/{budget_id}/lines?source=eu_project&amounts=planned",
            {"cell.0.0": "20.000", "cell.0.1": "200 000"},
        )
        assert wrong.status_code == 422
        assert 'href="#f-cell-0-0"' in wrong.text
        assert await lines_sum(admin_engine, budget_id) == (0, 0)
        saved = await browser.submit(
            f"/budgets/{budget_id}/lines?source=eu_project&amounts=planned",
            {
                "cell.0.0": "20 000",
                "cell.0.1": "200 000,00",
                "cell.1.0": "17 200",
                "cell.2.1": "75000",
            },
        )
        assert saved.status_code == 303, saved.text
        assert await lines_sum(admin_engine, budget_id) == (4, 31_220_000)
        executed = await browser.submit(
            f"/budgets/{budget_id}/lines?source=eu_project&amounts=executed",
            {"cell.0.0": "19 999,99"},
        )
        assert executed.status_code == 303
        assert await lines_sum(admin_engine, budget_id) == (4, 31_220_000)
        shown = text_of(await browser.get(f"/budgets/{budget_id}"))
        assert "19 999,99 zł" in shown.replace("\xa0", " ")

        too_much = await browser.submit(
            f"/budgets/{budget_id}/services",
            {
                **{f"include.{s}": "1" for s in world.kramsk_services[:2]},
                # Pomoc Społeczna (first in the grid: services are in alphabetical order
                # when ticked together) has 37 200 zł planned.
                f"contracted.{world.kramsk_services[1]}": "40 000",
            },
        )
        assert too_much.status_code == 422
        assert f'href="#f-contracted-{world.kramsk_services[1]}"' in too_much.text
        contracted = await browser.submit(
            f"/budgets/{budget_id}/services",
            {
                **{f"include.{s}": "1" for s in world.kramsk_services[:2]},
                f"contracted.{world.kramsk_services[0]}": "200 000",
            },
        )
        assert contracted.status_code == 303

        edit = await browser.get(f"/budgets/{budget_id}/edit")
        assert edit.status_code == 200 and 'name="periods.0.id"' in edit.text
        renamed = await browser.submit(
            f"/budgets/{budget_id}/edit",
            {
                "title": "Budżet z formularza (zmieniony)",
                "period_kind": "year",
                "project_value": "1 500 000,00",
                "direct_costs": "",
                "period_rows": "3",
                "periods.0.id": edit.text.split('name="periods.0.id" value="')[1].split('"')[0],
                "periods.0.label": "Rok 2021",
                "periods.0.starts_on": "2021-01-01",
                "periods.0.ends_on": "2021-12-31",
            },
        )
        assert renamed.status_code == 303, renamed.text
    async with admin_engine.connect() as conn:
        row = (
            await conn.execute(
                text(
                    "SELECT title, direct_costs_grosze, (SELECT count(*) FROM shared.budget_period"
                    " WHERE budget_id = b.id) FROM shared.budget b WHERE id = :b"
                ),
                {"b": budget_id},
            )
        ).one()
    assert tuple(row) == ("Budżet z formularza (zmieniony)", None, 1)
    assert await lines_sum(admin_engine, budget_id) == (2, 22_000_000)


async def test_pages_refuse_readers_and_other_agreements(
    app: Litestar, client: Client, world: World
) -> None:
    budget = await create_kramsk(client, world)
    async with browser_session(app, READER) as browser:
        shown = await browser.get(f"/budgets/{budget['id']}")
        assert shown.status_code == 200
        assert f'href="/budgets/{budget["id"]}/edit"' not in shown.text
        assert "Nowy budżet" not in text_of(
            await browser.get(f"/programmes/{world.kramsk_programme}/budgets")
        )
        for path in ("edit", "services", "lines"):
            assert (await browser.get(f"/budgets/{budget['id']}/{path}")).status_code == 403
        posted = await browser.submit(f"/budgets/{budget['id']}/edit", {"title": "Nie wolno"})
        assert posted.status_code == 403
    async with browser_session(app, OUTSIDER) as browser:
        for path in (
            f"/budgets/{budget['id']}",
            f"/budgets/{budget['id']}/export.csv",
            f"/programmes/{world.kramsk_programme}/budgets",
            "/budgets/nie-ma",
        ):
            assert (await browser.get(path)).status_code == 404, path
