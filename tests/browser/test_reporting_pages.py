"""The regional dashboard in a real browser: a ROPS supervisor opens the region's indicators,
changes the quarter, sees charts and tables with hidden figures marked, downloads an export;
the operator follows the snapshot job. axe-core on every page, screenshots for review."""

from __future__ import annotations

from playwright.async_api import Page

from cus_reporting.indicators.quarters import Quarter
from cus_reporting.snapshots.refresh import refresh_quarter
from cus_shared import clock
from tests.browser.accessibility import assert_accessible, save_screenshot
from tests.browser.flows import log_in
from tests.conftest import Platform


async def test_rops_reads_the_region_with_charts_tables_and_exports(
    page: Page, live_server: str, platform: Platform
) -> None:
    quarter = Quarter.of(clock.today())
    report = await refresh_quarter(platform.db.app_engine, quarter)
    assert report.ok, report.failed
    await log_in(page, live_server, "rops@test.local")
    assert page.url.rstrip("/").endswith("/reports"), page.url
    await assert_accessible(page, name="reports")
    async with page.expect_navigation():
        await page.click("main a[href='/reports/region-30/applications']")
    await page.fill("#quarter", quarter.label)
    async with page.expect_navigation():
        await page.click("main form button[type=submit]")
    assert f"quarter={quarter.label}" in page.url
    main = await page.inner_text("main")
    assert "Kramsk" in main and "Golina" in main
    assert await page.locator("main figure svg").count() >= 2
    assert await page.locator("main table#comparison").count() == 1
    await assert_accessible(page, name="report")
    await save_screenshot(page, "report")
    async with page.expect_download() as download:
        await page.click("main a[href*='/export/xlsx'][hreflang='en']")
    file = await download.value
    assert file.suggested_filename.endswith(".xlsx")

    await page.goto(f"{live_server}/reports/region-14/applications")
    assert "Kod błędu: 404" in await page.inner_text("main")  # another voivodeship


async def test_operator_follows_the_snapshot_job(page: Page, live_server: str) -> None:
    await log_in(page, live_server, "operator@test.local")
    await page.goto(f"{live_server}/reports/runs")
    assert "finished" in await page.inner_text("main")
    await assert_accessible(page, name="report-runs")
