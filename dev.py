#!/usr/bin/env python3
"""Development entry point: makes the virtual environment from the lock, then runs a task.

    python3 dev.py demo    # the platform with a demo partner CUS (embedded PostgreSQL)
    python3 dev.py test    # lint, format check, type check, import contracts, tests
    python3 dev.py i18n    # update the gettext catalogues from code and templates (--check)
    python3 dev.py bench   # tenancy benchmark; `bench partner-inbox`, `bench reporting` others

Only Python 3.11+ is needed: dependencies come from requirements.lock (pinned), PostgreSQL
from the pgserver wheel when no database URL is configured. For the browser tests, `test`
also installs Debian's chromium (and npm, if missing) with apt-get when run as root, and the
pinned axe-core from tests/browser/package-lock.json with `npm ci`; for the PgBouncer tests,
Debian's pgbouncer. A whole `test` run (no arguments) ends with the isolation suite once more
through PgBouncer in transaction mode.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
LOCK = ROOT / "requirements.lock"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".cus-installed"

# Browser tests (tests/browser): Debian's Chromium, driven by Playwright, and axe-core from npm.
CHROMIUM = Path("/usr/bin/chromium")
BROWSER_TESTS = ROOT / "tests" / "browser"
NODE_MODULES = BROWSER_TESTS / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
AXE_STAMP = NODE_MODULES / ".cus-installed"
# PgBouncer tests (tests/pooling, and tests/isolation through it): Debian's pgbouncer.
PGBOUNCER = Path("/usr/sbin/pgbouncer")


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for path in (LOCK, ROOT / "pyproject.toml"):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_environment() -> None:
    """Create .venv and install the pinned dependencies when the lock changed."""
    if sys.version_info < (3, 11):  # noqa: UP036 - this file may run on an older Python
        sys.exit("Python 3.11 or newer is needed (found {}.{})".format(*sys.version_info[:2]))
    if not (BIN / "python").exists():
        print("creating .venv …", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    wanted = _fingerprint()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    pip = [str(BIN / "python"), "-m", "pip", "--disable-pip-version-check"]
    print("installing pinned dependencies (requirements.lock) …", flush=True)
    subprocess.run([*pip, "install", "-q", "-r", str(LOCK)], check=True)
    subprocess.run([*pip, "install", "-q", "--no-deps", "-e", str(ROOT)], check=True)
    STAMP.write_text(wanted)


def run(*command: str, env: dict[str, str] | None = None) -> int:
    """Run a command from the environment, echoing it (with any variables it adds)."""
    shown = [f"{name}={value}" for name, value in (env or {}).items()]
    print("+", " ".join([*shown, *command]), flush=True)
    return subprocess.run(command, cwd=ROOT, env={**os.environ, **(env or {})}).returncode


def apt_install(*packages: str, purpose: str = "the browser tests") -> None:
    """Install Debian packages with apt-get (update first); exit with the reason when we can't."""
    need = ", ".join(packages)
    if shutil.which("apt-get") is None:
        sys.exit(f"{purpose} need {need}, and apt-get is missing: install {need} yourself")
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        sys.exit(
            f"{purpose} need {need}: run `sudo apt-get install -y "
            f"--no-install-recommends {' '.join(packages)}` (dev.py installs them only as root)"
        )
    print(f"installing Debian packages for {purpose}: {need} …", flush=True)
    quiet = {"DEBIAN_FRONTEND": "noninteractive"}
    if run("apt-get", "update", env=quiet) != 0:
        sys.exit("apt-get update failed")
    if run("apt-get", "install", "-y", "--no-install-recommends", *packages, env=quiet) != 0:
        sys.exit(f"apt-get install {' '.join(packages)} failed")


def _axe_fingerprint() -> str:
    digest = hashlib.sha256()
    for name in ("package.json", "package-lock.json"):
        digest.update((BROWSER_TESTS / name).read_bytes())
    return digest.hexdigest()


def ensure_browser_tools() -> None:
    """Debian's Chromium and the pinned axe-core (npm ci) for the browser tests.

    Never downloads a browser any other way (no `playwright install`): Playwright drives
    /usr/bin/chromium.
    """
    wanted = _axe_fingerprint()
    axe_ready = (
        AXE.exists() and AXE_STAMP.exists() and AXE_STAMP.read_text(encoding="utf-8") == wanted
    )
    missing = [] if CHROMIUM.exists() else ["chromium"]
    if not axe_ready and shutil.which("npm") is None:
        missing.append("npm")
    if missing:
        apt_install(*missing)
    if not CHROMIUM.exists():
        sys.exit(f"{CHROMIUM} is still missing after installing chromium")
    if axe_ready:
        return
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("npm is still missing after installing it")
    print("installing axe-core (tests/browser/package-lock.json) …", flush=True)
    # npm ci empties node_modules first, so the stamp goes with it until it succeeds.
    if run(npm, "ci", "--prefix", str(BROWSER_TESTS), "--no-audit", "--no-fund") != 0:
        sys.exit("npm ci for tests/browser failed")
    if not AXE.exists():
        sys.exit(f"npm ci did not install {AXE.relative_to(ROOT)}")
    AXE_STAMP.write_text(wanted, encoding="utf-8")


def ensure_pgbouncer() -> None:
    """Debian's PgBouncer, which the tests start in transaction mode in front of the test
    database (never as a system service: each test run starts its own on a free port)."""
    if PGBOUNCER.exists():
        return
    apt_install("pgbouncer", purpose="the PgBouncer tests")
    if not PGBOUNCER.exists():
        sys.exit(f"{PGBOUNCER} is still missing after installing pgbouncer")


def task_test(extra: list[str]) -> int:
    """The full check: what CI runs."""
    checks = [
        (str(BIN / "ruff"), "check", "."),
        (str(BIN / "ruff"), "format", "--check", "."),
        (str(BIN / "mypy"), "shared", "services"),
        (str(BIN / "lint-imports"),),
    ]
    for check in checks:
        if run(*check) != 0:
            return 1
    ensure_browser_tools()
    ensure_pgbouncer()
    status = run(str(BIN / "pytest"), *extra)
    if status != 0 or extra:
        return status
    # The whole run: the isolation suite once more with the services' runtime connections
    # through PgBouncer in transaction mode (tests/conftest.py starts it).
    return run(str(BIN / "pytest"), "-q", "tests/isolation", env={"CUS_TEST_VIA_PGBOUNCER": "1"})


def main() -> int:
    """Dispatch a task."""
    if len(sys.argv) < 2 or sys.argv[1] not in {"demo", "test", "cus", "bench", "i18n"}:
        print(__doc__)
        return 2
    task, extra = sys.argv[1], sys.argv[2:]
    ensure_environment()
    if task == "test":
        return task_test(extra)
    if task == "demo":
        return run(str(BIN / "cus"), "demo", *extra)
    if task == "i18n":
        return run(str(BIN / "python"), "-m", "cus_shared.i18n.extract", *extra)
    if task == "bench":
        # `bench` alone (or with options) is the tenancy benchmark; `bench partner-inbox …`
        # the partner inbox across gminy; `bench reporting …` the reporting snapshots.
        if extra[:1] == ["partner-inbox"]:
            return run(str(BIN / "python"), "-m", "benchmarks.partner_inbox", *extra[1:])
        if extra[:1] == ["reporting"]:
            return run(str(BIN / "python"), "-m", "benchmarks.reporting_refresh", *extra[1:])
        return run(str(BIN / "python"), "-m", "benchmarks.tenancy", *extra)
    return run(str(BIN / "cus"), *extra)


if __name__ == "__main__":
    sys.exit(main())
