#!/usr/bin/env python3
"""Development entry point: makes the virtual environment from the lock, then runs a task.

    python3 dev.py demo    # the platform with a demo partner CUS (embedded PostgreSQL)
    python3 dev.py test    # lint, format check, type check, import contracts, tests

Only Python 3.11+ is needed: dependencies come from requirements.lock (pinned), PostgreSQL
from the pgserver wheel when no database URL is configured.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
LOCK = ROOT / "requirements.lock"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".cus-installed"


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


def run(*command: str) -> int:
    """Run a command from the environment, echoing it."""
    print("+", " ".join(command), flush=True)
    return subprocess.run(command, cwd=ROOT).returncode


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
    return run(str(BIN / "pytest"), *extra)


def main() -> int:
    """Dispatch a task."""
    if len(sys.argv) < 2 or sys.argv[1] not in {"demo", "test", "cus", "bench"}:
        print(__doc__)
        return 2
    task, extra = sys.argv[1], sys.argv[2:]
    ensure_environment()
    if task == "test":
        return task_test(extra)
    if task == "demo":
        return run(str(BIN / "cus"), "demo", *extra)
    if task == "bench":
        return run(str(BIN / "python"), "-m", "benchmarks.tenancy", *extra)
    return run(str(BIN / "cus"), *extra)


if __name__ == "__main__":
    sys.exit(main())
