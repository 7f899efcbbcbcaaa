"""The snapshot job on the real tenants, and the dashboard pages and exports built on it."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import text

from cus_reporting.indicators.quarters import Quarter
from cus_reporting.snapshots.refresh import refresh_quarter
from cus_shared import clock
from tests.conftest import GMINA_A, GMINA_B, GMINA_C, Platform, login

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def _snapshots(platform: Platform, quarter: Quarter) -> dict[str, object]:
    async with platform.db.admin_engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT teryt, computed_at FROM reporting.snapshot WHERE year = :y AND quarter = :q"
            ),
            {"y": quarter.year, "q": quarter.number},
        )
        return {r.teryt: r.computed_at for r in rows}


async def test_refresh_computes_every_gmina_and_can_be_run_again(platform: Platform) -> None:
    quarter = Quarter.of(clock.today())
    seen: list[tuple[str, bool]] = []
    report = await refresh_quarter(
        platform.db.app_engine,
        quarter,
        concurrency=2,
        on_progress=lambda teryt, ok: seen.append((teryt, ok)),
    )
    assert report.ok, report.failed
    assert {GMINA_A, GMINA_B, GMINA_C} <= {t for t, ok in seen if ok}
    first = await _snapshots(platform, quarter)
    assert {GMINA_A, GMINA_B, GMINA_C} <= set(first)
    async with platform.db.admin_engine.connect() as conn:
        run = (
            await conn.execute(
                text("SELECT status, total, done, failed FROM reporting.refresh_run WHERE id = :i"),
                {"i": report.run_id},
            )
        ).one()
        directory = await conn.scalar(
            text("SELECT voivodeship FROM reporting.gmina WHERE teryt = :t"), {"t": GMINA_C}
        )
    assert run.status == "finished" and run.failed == 0 and run.done == run.total
    assert directory == "14"
    # Re-running the quarter replaces its snapshots (a later computed_at, no duplicates).
    again = await refresh_quarter(platform.db.app_engine, quarter, only=[GMINA_A])
    assert again.ok and again.total == 1
    second = await _snapshots(platform, quarter)
    assert second[GMINA_A] > first[GMINA_A]
    assert second[GMINA_B] == first[GMINA_B]


async def test_a_failing_gmina_is_named_and_the_others_are_computed(platform: Platform) -> None:
    quarter = Quarter.of(clock.today()).previous()
    report = await refresh_quarter(platform.db.app_engine, quarter, only=[GMINA_A, "9999999"])
    assert report.ok and report.total == 1  # an unknown TERYT is simply not an active gmina


async def test_dashboard_page_charts_and_exports(
    client: httpx.AsyncClient, platform: Platform
) -> None:
    quarter = Quarter.of(clock.today())
    await refresh_quarter(platform.db.app_engine, quarter)
    headers = await login(client, "rops@test.local")
    start = await client.get("/reports", headers=headers)
    assert start.status_code == 200
    assert "/reports/region-30/residents_served" in start.text
    page = await client.get(
        "/reports/region-30/residents_served",
        params={"quarter": quarter.label, "quarters": "4"},
        headers=headers,
    )
    assert page.status_code == 200, page.text
    assert "<svg" in page.text and "Kramsk" in page.text
    for kind, media in (
        ("csv", "text/csv"),
        ("xlsx", "application/vnd.openxmlformats"),
        ("pdf", "application/pdf"),
    ):
        for lang in ("pl", "en", "uk"):
            export = await client.get(
                f"/reports/region-30/residents_served/export/{kind}",
                params={"quarter": quarter.label, "lang": lang},
                headers=headers,
            )
            assert export.status_code == 200, (kind, lang, export.text[:200])
            assert export.headers["content-type"].startswith(media)
            assert "attachment" in export.headers["content-disposition"]
    budget = await client.get("/reports/region-30/budget_planned", headers=headers)
    assert budget.status_code == 200
    other = await client.get("/reports/region-14/residents_served", headers=headers)
    assert other.status_code == 404
    unknown = await client.get("/reports/region-30/residents_served/export/doc", headers=headers)
    assert unknown.status_code == 404


async def test_director_sees_own_gminy_and_operator_the_job(client: httpx.AsyncClient) -> None:
    director = await login(client, "director@test.local")
    audiences = await client.get("/api/reporting/audiences", headers=director)
    assert [a["key"] for a in audiences.json()] == ["own"]
    page = await client.get("/reports/own/applications", headers=director)
    assert page.status_code == 200
    assert "Warszawa" not in page.text  # gmina C is not the director's
    operator = await login(client, "operator@test.local")
    runs = await client.get("/reports/runs", headers=operator)
    assert runs.status_code == 200 and "finished" in runs.text
    api_runs = await client.get("/api/reporting/runs", headers=operator)
    assert api_runs.status_code == 200 and api_runs.json()[0]["status"] in {"finished", "failed"}
    assert (await client.get("/reports/runs", headers=director)).status_code == 403
    assert (await client.get("/reports/own/applications", headers=operator)).status_code == 403
