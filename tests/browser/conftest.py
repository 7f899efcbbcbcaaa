"""Browser-test fixtures: the platform served over real HTTP by ``cus serve`` in a subprocess,
and Debian's headless Chromium driven by Playwright (async API, the session's event loop).

Fixtures: ``live_server`` (base URL), ``browser`` (session), ``browser_context`` and ``page``
(fresh per test). Helpers for axe-core and screenshots are in tests/browser/accessibility.py.
Every test under tests/browser gets the ``browser`` marker (``-m "not browser"`` skips them).
"""

from __future__ import annotations

import atexit
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from tests.browser.accessibility import ARTIFACTS
from tests.conftest import Platform

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # The browser's own language, as a person in Poland has it: date fields read DD.MM.RRRR.
    "--lang=pl-PL",
]
SERVER_START_SECONDS = 60.0
SERVER_LOG = ARTIFACTS / "server.log"
HERE = Path(__file__).resolve().parent


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker (also to be listed in pyproject.toml)."""
    config.addinivalue_line("markers", "browser: tests in a real headless browser (Chromium)")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test under tests/browser, before ``-m`` selects (hence tryfirst)."""
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Linux: the server gets SIGTERM if the test process dies (even from SIGKILL)."""
    import ctypes

    pr_set_pdeathsig = 1
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(pr_set_pdeathsig, signal.SIGTERM)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def _log_tail(lines: int = 60) -> str:
    try:
        text = SERVER_LOG.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return "(no server log)"
    return "\n".join(text.splitlines()[-lines:]) or "(server log is empty)"


def _wait_until_healthy(process: subprocess.Popen[bytes], base_url: str) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    last_error = "no answer yet"
    with httpx.Client(timeout=2.0) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(
                    f"`cus serve` exited with code {process.returncode} before answering "
                    f"/health; its output ({SERVER_LOG}):\n{_log_tail()}",
                    pytrace=False,
                )
            try:
                response = client.get(f"{base_url}/health")
            except httpx.HTTPError as exc:
                last_error = repr(exc)
            else:
                if response.status_code == 200:
                    return
                last_error = f"HTTP {response.status_code}: {response.text[:200]}"
            time.sleep(0.2)
    pytest.fail(
        f"`cus serve` did not answer {base_url}/health within {SERVER_START_SECONDS:.0f} s "
        f"(last: {last_error}); its output ({SERVER_LOG}):\n{_log_tail()}",
        pytrace=False,
    )


def _chromium() -> str:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: `python3 dev.py test` installs Debian's chromium as root",
            pytrace=False,
        )
    return str(CHROMIUM)


@pytest.fixture(scope="session")
def live_server(platform: Platform) -> Iterator[str]:
    """Base URL (``http://127.0.0.1:PORT``) of all services served by ``cus serve`` in a
    subprocess, on the session's migrated and seeded database; stopped after the session."""
    cus = Path(sys.executable).with_name("cus")
    if not cus.exists():
        pytest.fail(f"{cus} is missing: run `python3 dev.py test` to install the project")
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "CUS_DATABASE_URL": str(platform.settings.database.url)}
    SERVER_LOG.parent.mkdir(parents=True, exist_ok=True)
    with SERVER_LOG.open("wb") as log:
        process = subprocess.Popen(
            [str(cus), "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=HERE.parents[1],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
    # Also stop it if the session ends without running this fixture's teardown.
    atexit.register(_stop, process)
    try:
        _wait_until_healthy(process, base_url)
        yield base_url
    finally:
        _stop(process)
        atexit.unregister(_stop)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser() -> AsyncIterator[Browser]:
    """Debian's Chromium, headless, for the whole session (never a downloaded browser)."""
    executable = _chromium()
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            await chromium.close()


@pytest_asyncio.fixture(loop_scope="session")
async def browser_context(browser: Browser) -> AsyncIterator[BrowserContext]:
    """A fresh context per test (no cookies or storage shared), Polish locale, 1280x900.

    ``bypass_csp=True``: the pages' Content-Security-Policy (``script-src 'self'``) would block
    the inline axe-core script the accessibility checks inject; accessibility tools do the same.
    """
    context = await browser.new_context(
        locale="pl-PL",
        viewport={"width": 1280, "height": 900},
        bypass_csp=True,
    )
    try:
        yield context
    finally:
        await context.close()


@pytest_asyncio.fixture(loop_scope="session")
async def page(browser_context: BrowserContext) -> Page:
    """A new page in the test's own browser context."""
    return await browser_context.new_page()
