"""Accessibility checks with axe-core and screenshots, for tests in a real browser.

axe-core comes from npm, pinned in tests/browser/package-lock.json and installed into
tests/browser/node_modules by ``python3 dev.py test``. It is injected into the page as an
inline script, which the pages' Content-Security-Policy (``script-src 'self'``) would block:
the browser contexts of these tests are made with ``bypass_csp=True`` (see conftest.py), as
accessibility tools do. The CSP itself is tested over HTTP, not through the browser.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from playwright.async_api import Page

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
AXE_SCRIPT = HERE / "node_modules" / "axe-core" / "axe.min.js"
#: Where screenshots and accessibility reports go (ignored by git, with the rest of .cus/).
ARTIFACTS = ROOT / ".cus" / "browser"
SCREENSHOTS = ARTIFACTS / "screenshots"
REPORTS = ARTIFACTS / "accessibility"

#: WCAG 2.0 and 2.1, levels A and AA: what public bodies in Poland must meet (EN 301 549).
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
#: Violations of these impacts fail a test; minor and moderate ones are only reported.
BLOCKING_IMPACTS = frozenset({"serious", "critical"})

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")

_RUN_AXE = """
async (options) => {
    const results = await window.axe.run(document, options);
    return results.violations;
}
"""


def _checked(name: str) -> str:
    if not _NAME.fullmatch(name) or ".." in name:
        raise ValueError(f"artifact name must be letters, digits, '_', '-' or '.': {name!r}")
    return name


def axe_source() -> str:
    """The axe-core script; a clear failure when dev.py has not installed it."""
    if not AXE_SCRIPT.exists():
        raise FileNotFoundError(
            f"{AXE_SCRIPT} is missing: run `python3 dev.py test` (it runs npm ci) or "
            "`npm ci --prefix tests/browser --no-audit --no-fund`"
        )
    return AXE_SCRIPT.read_text(encoding="utf-8")


async def audit_accessibility(page: Page, *, name: str) -> list[dict[str, Any]]:
    """Run axe-core (WCAG 2.1 A and AA rules) on the page; return its violations.

    The full list is also written to ``.cus/browser/accessibility/<name>.json``.
    """
    _checked(name)
    if not await page.evaluate("() => typeof window.axe !== 'undefined'"):
        await page.add_script_tag(content=axe_source())
    options = {"runOnly": {"type": "tag", "values": list(WCAG_TAGS)}, "resultTypes": ["violations"]}
    violations: list[dict[str, Any]] = await page.evaluate(_RUN_AXE, options)
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / f"{name}.json").write_text(
        json.dumps({"url": page.url, "violations": violations}, ensure_ascii=False, indent=2),
        encoding="utf-8",
    )
    return violations


def describe_violations(violations: list[dict[str, Any]]) -> str:
    """One line per violation and one per element it was found on."""
    lines: list[str] = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} [{violation.get('impact')}]: {violation['help']} "
            f"({violation.get('helpUrl', '')})"
        )
        for node in violation.get("nodes", []):
            target = " ".join(str(part) for part in node.get("target", []))
            lines.append(f"    at {target}  {node.get('html', '')[:160]}")
    return "\n".join(lines)


def assert_no_serious_violations(violations: list[dict[str, Any]], *, name: str = "") -> None:
    """Fail listing rule id, impact, help and target selectors of serious/critical violations."""
    blocking = [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]
    if blocking:
        where = f" on {name}" if name else ""
        raise AssertionError(
            f"{len(blocking)} serious or critical accessibility violation(s){where}:\n"
            + describe_violations(blocking)
        )


async def assert_accessible(page: Page, *, name: str) -> list[dict[str, Any]]:
    """Audit the page and fail on serious or critical violations; return all violations."""
    violations = await audit_accessibility(page, name=name)
    assert_no_serious_violations(violations, name=name)
    return violations


async def save_screenshot(page: Page, name: str) -> Path:
    """Write a full-page PNG to ``.cus/browser/screenshots/<name>.png``; return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{_checked(name)}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path
