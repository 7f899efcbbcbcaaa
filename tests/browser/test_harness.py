"""The browser-test harness works: a real server answers Chromium, axe-core finds what it
should and only that, and screenshots are written."""

from __future__ import annotations

import json

import pytest
from playwright.async_api import Page

from tests.browser.accessibility import (
    assert_accessible,
    assert_no_serious_violations,
    audit_accessibility,
    save_screenshot,
)
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

BAD_PAGE = "<html><body><img src='x.png'><input></body></html>"

GOOD_PAGE = """<!doctype html>
<html lang="pl">
<head><meta charset="utf-8"><title>Wyszukiwanie mieszkańców</title></head>
<body>
  <header><p>Centrum Usług Społecznych</p></header>
  <main>
    <h1>Wyszukiwanie mieszkańców</h1>
    <form>
      <label for="name">Nazwisko</label>
      <input id="name" name="name" type="text" autocomplete="family-name">
      <button type="submit">Szukaj</button>
    </form>
    <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="Logo CUS">
  </main>
</body>
</html>"""


async def test_server_answers_the_browser(page: Page, live_server: str) -> None:
    response = await page.goto(f"{live_server}/health")
    assert response is not None
    assert response.status == 200
    assert json.loads(await response.text()) == {"status": "ok"}

    ready = await page.goto(f"{live_server}/ready")
    assert ready is not None
    assert ready.status == 200, await ready.text()


async def test_server_uses_the_seeded_database(page: Page, live_server: str) -> None:
    """The subprocess serves the session's database: a test user logs in from the page."""
    await page.goto(f"{live_server}/health")
    status = await page.evaluate(
        """async ([email, password]) => {
            const response = await fetch('/api/tenants/auth/login', {
                method: 'POST',
                headers: {'content-type': 'application/json'},
                body: JSON.stringify({email, password}),
            });
            return response.status;
        }""",
        ["operator@test.local", PASSWORD],
    )
    assert status == 200


async def test_axe_finds_known_violations(page: Page) -> None:
    await page.set_content(BAD_PAGE)
    violations = await audit_accessibility(page, name="harness-bad-page")
    rules = {violation["id"] for violation in violations}
    assert {"image-alt", "label"} <= rules, rules
    # html-has-lang and document-title too: the page has neither.
    assert {"html-has-lang", "document-title"} <= rules, rules

    with pytest.raises(AssertionError) as failure:
        assert_no_serious_violations(violations, name="harness-bad-page")
    message = str(failure.value)
    assert "image-alt [critical]" in message
    assert "label [critical]" in message
    assert "at img" in message
    assert "at input" in message


async def test_axe_passes_a_well_formed_page(page: Page) -> None:
    await page.set_content(GOOD_PAGE)
    violations = await assert_accessible(page, name="harness-good-page")
    assert violations == []


async def test_axe_runs_again_on_the_same_page(page: Page) -> None:
    """A second audit reuses the injected script and sees the page as it is now."""
    await page.set_content(GOOD_PAGE)
    assert await audit_accessibility(page, name="harness-again-1") == []
    await page.evaluate("document.querySelector('label').remove()")
    rules = {v["id"] for v in await audit_accessibility(page, name="harness-again-2")}
    assert "label" in rules


async def test_screenshot_is_written(page: Page, live_server: str) -> None:
    await page.goto(f"{live_server}/health")
    path = await save_screenshot(page, "harness-health")
    assert path.name == "harness-health.png"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert path.stat().st_size > 100


async def test_artifact_names_cannot_escape(page: Page) -> None:
    with pytest.raises(ValueError, match="artifact name"):
        await save_screenshot(page, "../outside")
