"""The reporting API from snapshots: audiences, disclosure control on every table, governing
counts hiding sums and medians, the Forum's contributor rule, bad input, other audiences 404.

The snapshots of a synthetic voivodeship (małopolskie, "12") are written directly into the
``reporting`` schema, so the figures are known exactly; the job that computes them inside
each gmina is tested in test_reporting_refresh.py.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import text

from cus_shared.database.naming import SHARED_SCHEMA, TENANTS_SERVICE_ROLE
from cus_shared.identity.roles import Role, Scope
from cus_shared.tenancy import open_service_session
from tests.conftest import PASSWORD, Platform, login

pytestmark = pytest.mark.asyncio(loop_scope="session")

REGION = "12"
#: residents_served per gmina in 2021-Q2 (gmina index -> count): small ones must be hidden.
SERVED = [50, 3, 0, 120, 7, 15, 22, 31, 44, 12, 18, 60]
#: Two partner CUS: one of four gminy (three with residents served), one of two (too few
#: contributors for the Forum); the other gminy stand alone (one contributor each).
AGREEMENT_BIG = uuid.UUID("00000000-0000-4000-8000-000000000012")
AGREEMENT_SMALL = uuid.UUID("00000000-0000-4000-8000-000000000013")


def _teryt(i: int) -> str:
    return f"12{i + 1:02d}012"


@pytest.fixture(scope="module")
async def synthetic(platform: Platform) -> None:
    """Directory, snapshots and figures of twelve gminy for 2021-Q1 and 2021-Q2."""
    from cus_tenants.identity.schemas import MembershipIn, UserCreate
    from cus_tenants.identity.service import create_user

    engine = platform.db.admin_engine
    async with engine.connect() as conn, conn.begin():
        for i, served in enumerate(SERVED):
            teryt = _teryt(i)
            agreement = AGREEMENT_BIG if i < 4 else AGREEMENT_SMALL if i < 6 else None
            await conn.execute(
                text(
                    "INSERT INTO reporting.gmina (teryt, name, voivodeship, agreement_id, "
                    "agreement_name, status) VALUES (:t, :n, :v, :a, :an, 'active') "
                    "ON CONFLICT (teryt) DO NOTHING"
                ),
                {
                    "t": teryt,
                    "n": f"Gmina {i + 1:02d}",
                    "v": REGION,
                    "a": agreement,
                    "an": None if agreement is None else f"CUS {agreement.hex[-2:]}",
                },
            )
            for quarter in (1, 2):
                if i == 11 and quarter == 1:
                    continue  # gmina 12 has no snapshot for Q1: shown as missing
                await conn.execute(
                    text(
                        "INSERT INTO reporting.snapshot (teryt, year, quarter, computed_at, "
                        "figures, milliseconds) VALUES (:t, 2021, :q, :at, 3, 1) "
                        "ON CONFLICT DO NOTHING"
                    ),
                    {"t": teryt, "q": quarter, "at": datetime(2021, 7, 1, tzinfo=UTC)},
                )
                rows = [
                    ("residents_served", "", "", "", served, None),
                    ("delivered_hours", "", "", "", served * 10 + 3, None),
                    ("residents_served", "sex", "F", "", served - served // 2, None),
                    ("residents_served", "sex", "M", "", served // 2, None),
                    ("decisions_by_outcome", "", "", "granted", served, None),
                    ("decisions_by_outcome", "", "", "refused", 1 if served else 0, None),
                    ("days_to_decision", "", "", "", 7, {"7": served + 1}),
                ]
                for indicator, breakdown, member, category, value, histogram in rows:
                    await conn.execute(
                        text(
                            "INSERT INTO reporting.figure (teryt, year, quarter, indicator, "
                            "breakdown, member, category, value, histogram) VALUES (:t, 2021, "
                            ":q, :i, :b, :m, :c, :v, CAST(:h AS jsonb)) ON CONFLICT DO NOTHING"
                        ),
                        {
                            "t": teryt,
                            "q": quarter,
                            "i": indicator,
                            "b": breakdown,
                            "m": member,
                            "c": category,
                            "v": value,
                            "h": None if histogram is None else json.dumps(histogram),
                        },
                    )
    async with open_service_session(
        platform.db.sessions, db_role=TENANTS_SERVICE_ROLE, schema=SHARED_SCHEMA
    ) as session:
        for email, role in (
            ("rops12@test.local", Role.ROPS_SUPERVISOR),
            ("forum12@test.local", Role.FORUM_MEMBER),
        ):
            exists = await session.scalar(
                text("SELECT 1 FROM shared.app_user WHERE email = :e"), {"e": email}
            )
            if not exists:
                await create_user(
                    session,
                    UserCreate(
                        email=email,
                        display_name=email.split("@")[0],
                        password=PASSWORD,
                        memberships=[MembershipIn(scope=Scope.REGION, scope_id=REGION, role=role)],
                    ),
                )


async def _decisions_snapshot(
    platform: Platform, teryt: str, quarter: int, rows: list[tuple[str, str, str, int]]
) -> None:
    """A 2020 snapshot of one gmina holding only decisions by outcome (breakdown, member,
    category, value)."""
    async with platform.db.admin_engine.connect() as conn, conn.begin():
        await conn.execute(
            text(
                "INSERT INTO reporting.snapshot (teryt, year, quarter, computed_at, figures, "
                "milliseconds) VALUES (:t, 2020, :q, now(), :n, 1) ON CONFLICT DO NOTHING"
            ),
            {"t": teryt, "q": quarter, "n": len(rows)},
        )
        await conn.execute(
            text(
                "INSERT INTO reporting.figure (teryt, year, quarter, indicator, breakdown, "
                "member, category, value) VALUES (:t, 2020, :q, 'decisions_by_outcome', :b, "
                ":m, :c, :v) ON CONFLICT DO NOTHING"
            ),
            [{"t": teryt, "q": quarter, "b": b, "m": m, "c": c, "v": v} for b, m, c, v in rows],
        )


async def _report(
    client: httpx.AsyncClient, user: str, audience: str, indicator: str, **params: str
) -> httpx.Response:
    return await client.get(
        f"/api/reporting/audiences/{audience}/indicators/{indicator}",
        params={"quarter": "2021-Q2", "quarters": "2", **params},
        headers=await login(client, user),
    )


async def test_rops_sees_the_region_gmina_by_gmina_with_small_counts_hidden(
    client: httpx.AsyncClient, synthetic: None
) -> None:
    audiences = await client.get(
        "/api/reporting/audiences", headers=await login(client, "rops12@test.local")
    )
    assert [a["key"] for a in audiences.json()] == ["region-12"]
    response = await _report(client, "rops12@test.local", "region-12", "residents_served")
    assert response.status_code == 200, response.text
    body = response.json()
    table = body["comparison"]
    by_gmina = {
        row["key"]: cells[0] for row, cells in zip(table["rows"], table["cells"], strict=True)
    }
    assert by_gmina[_teryt(0)] == {"value": "50", "hidden": None}
    assert by_gmina[_teryt(1)] == {"value": None, "hidden": "primary"}
    assert by_gmina[_teryt(4)] == {"value": None, "hidden": "primary"}
    assert by_gmina[_teryt(2)] == {"value": "0", "hidden": None}  # zero identifies nobody
    # The region total is shown: no small count may be alone in hiding (3 and 7 hide each
    # other: their sum is known, neither is).
    hidden = [k for k, cell in by_gmina.items() if cell["value"] is None]
    assert len(hidden) >= 2
    total = table["column_totals"][0]
    assert total == {"value": str(sum(SERVED)), "hidden": None}
    shown = sum(int(c["value"]) for c in by_gmina.values() if c["value"] is not None)
    # What is hidden adds up to more than any single hidden gmina: none can be worked out.
    assert sum(SERVED) - shown > max(SERVED[1], SERVED[4])
    # The published body never holds a hidden value, anywhere.
    text_body = response.text
    for small in ('"3"', '"7"', '"33"'):  # counts and their hours (3*10+3) never appear
        assert small not in text_body
    # Breakdown by sex: the region's split, protected on its own.
    sex = body["breakdowns"]["sex"]
    assert [r["key"] for r in sex["rows"]] == ["F", "M"]


async def test_sums_and_medians_follow_their_governing_count(
    client: httpx.AsyncClient, synthetic: None
) -> None:
    hours = (await _report(client, "rops12@test.local", "region-12", "delivered_hours")).json()
    cells = {
        r["key"]: c[0]
        for r, c in zip(hours["comparison"]["rows"], hours["comparison"]["cells"], strict=True)
    }
    assert cells[_teryt(1)] == {"value": None, "hidden": "base"}
    assert cells[_teryt(0)] == {"value": "503.00", "hidden": None}
    median = (await _report(client, "rops12@test.local", "region-12", "days_to_decision")).json()
    cells = {
        r["key"]: c[0]
        for r, c in zip(median["comparison"]["rows"], median["comparison"]["cells"], strict=True)
    }
    assert cells[_teryt(0)] == {"value": "7.00", "hidden": None}
    assert cells[_teryt(1)]["hidden"] == "base"


async def test_trend_marks_missing_snapshots(client: httpx.AsyncClient, synthetic: None) -> None:
    body = (await _report(client, "rops12@test.local", "region-12", "residents_served")).json()
    trend = body["trend"]
    assert [c["key"] for c in trend["columns"]] == ["2021-Q1", "2021-Q2"]
    rows = {r["key"]: cells for r, cells in zip(trend["rows"], trend["cells"], strict=True)}
    assert rows[_teryt(11)][0] == {"value": None, "hidden": "missing"}
    assert rows[_teryt(11)][1] == {"value": "60", "hidden": None}


async def test_forum_compares_partner_cus_never_from_fewer_than_three_gminy(
    client: httpx.AsyncClient, synthetic: None
) -> None:
    response = await _report(client, "forum12@test.local", "forum-12", "residents_served")
    assert response.status_code == 200, response.text
    table = response.json()["comparison"]
    by_unit = {
        row["key"]: cells[0] for row, cells in zip(table["rows"], table["cells"], strict=True)
    }
    assert by_unit[str(AGREEMENT_BIG)] == {"value": "173", "hidden": None}  # 50 + 3 + 0 + 120
    assert by_unit[str(AGREEMENT_SMALL)] == {"value": None, "hidden": "contributors"}
    assert by_unit[_teryt(8)] == {"value": None, "hidden": "contributors"}  # a lone gmina
    assert table["column_totals"][0] == {"value": str(sum(SERVED)), "hidden": None}
    assert not any(
        r["key"].startswith("12")
        and len(r["key"]) == 7
        and r["label"].startswith("Gmina 0")
        and r["key"] in (_teryt(0), _teryt(1))
        for r in table["rows"]
    )


async def test_other_audiences_unknown_indicators_and_roles(
    client: httpx.AsyncClient, synthetic: None
) -> None:
    assert (
        await _report(client, "rops12@test.local", "region-30", "residents_served")
    ).status_code == 404
    assert (
        await _report(client, "rops@test.local", "region-12", "residents_served")
    ).status_code == 404
    assert (
        await _report(client, "forum12@test.local", "region-12", "residents_served")
    ).status_code == 404
    assert (await _report(client, "rops12@test.local", "region-12", "no_such")).status_code == 404
    kipus = await client.get(
        "/api/reporting/audiences", headers=await login(client, "kipus.a@test.local")
    )
    assert kipus.status_code == 403


async def test_bad_quarter_is_refused_in_polish_and_english(
    client: httpx.AsyncClient, synthetic: None
) -> None:
    headers = await login(client, "rops12@test.local")
    url = "/api/reporting/audiences/region-12/indicators/residents_served"
    polish = await client.get(url, params={"quarter": "2021-Q5"}, headers=headers)
    assert polish.status_code == 422
    assert "Kwartał zapisuje się jak 2026-Q3" in polish.text
    english = await client.get(
        url, params={"quarter": "abc"}, headers={**headers, "Accept-Language": "en"}
    )
    assert english.status_code == 422
    assert "A quarter is written like 2026-Q3" in english.text
    too_many = await client.get(url, params={"quarters": "40"}, headers=headers)
    assert too_many.status_code == 422


async def test_indicator_definitions_are_published(client: httpx.AsyncClient) -> None:
    headers = {**await login(client, "rops@test.local"), "Accept-Language": "en"}
    response = await client.get("/api/reporting/indicators", headers=headers)
    assert response.status_code == 200, response.text
    ids = {i["id"] for i in response.json()}
    assert {"residents_served", "share_social_sector", "waiting_days"} <= ids


async def test_a_total_hidden_in_one_table_is_hidden_in_every_table_sharing_it(
    client: httpx.AsyncClient, synthetic: None, platform: Platform
) -> None:
    """One gmina in 2020-Q4 with decisions granted 30, refused 1, waiting 5, by sex F (3, 1,
    3) and M (27, 0, 2). Protected alone, the comparison shows the grand total (36) while the
    breakdown by sex hides it; published side by side, the breakdown's hidden figures would
    stand beside a total the comparison gives away. Both must hide it."""
    teryt = _teryt(0)
    rows = [
        ("", "", "granted", 30),
        ("", "", "refused", 1),
        ("", "", "waiting", 5),
        ("sex", "F", "granted", 3),
        ("sex", "F", "refused", 1),
        ("sex", "F", "waiting", 3),
        ("sex", "M", "granted", 27),
        ("sex", "M", "waiting", 2),
    ]
    await _decisions_snapshot(platform, teryt, 4, rows)
    response = await _report(
        client, "rops12@test.local", "region-12", "decisions_by_outcome", quarter="2020-Q4"
    )
    assert response.status_code == 200, response.text
    body = response.json()
    comparison, sex = body["comparison"], body["breakdowns"]["sex"]
    assert sex["grand_total"]["value"] is None
    assert comparison["grand_total"]["value"] is None
    for column in ("refused", "waiting"):
        j = [c["key"] for c in comparison["columns"]].index(column)
        assert comparison["column_totals"][j]["value"] is None
        assert sex["column_totals"][j]["value"] is None


async def test_breakdowns_of_the_same_total_are_protected_together(
    client: httpx.AsyncClient, synthetic: None, platform: Platform
) -> None:
    """Decisions by sex (F: 9 granted, 20 refused; M: 3, 0) and by age band (18-24: 0, 20;
    25-44: 2, 0; 45-64: 10, 0) of one gmina in 2020-Q3. Each table protected alone is safe
    alone; read together through their shared totals, the age table's shown refusals would
    pin the sex table's hidden ones. Protected jointly, the age table hides one more figure."""
    teryt = _teryt(0)
    rows = [
        ("", "", "granted", 12),
        ("", "", "refused", 20),
        ("sex", "F", "granted", 9),
        ("sex", "F", "refused", 20),
        ("sex", "M", "granted", 3),
        ("age_band", "18-24", "refused", 20),
        ("age_band", "25-44", "granted", 2),
        ("age_band", "45-64", "granted", 10),
    ]
    await _decisions_snapshot(platform, teryt, 3, rows)
    response = await _report(
        client, "rops12@test.local", "region-12", "decisions_by_outcome", quarter="2020-Q3"
    )
    assert response.status_code == 200, response.text
    age = response.json()["breakdowns"]["age_band"]
    refused = [c["key"] for c in age["columns"]].index("refused")
    youngest = [r["key"] for r in age["rows"]].index("18-24")
    assert age["cells"][youngest][refused] == {"value": None, "hidden": "secondary"}
