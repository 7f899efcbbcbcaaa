"""The PostgreSQL client programs (pg_dump, pg_restore, psql): which ones to use, how to
connect them, and how to run them.

Which: ``pg_dump`` must be at least the server's major version (an older one refuses to
dump a newer server). A newer one reads older servers, but the SQL it writes may carry
settings an older server rejects (pg_dump 17 writes ``SET transaction_timeout``), and the
backup is restored into a server of the same major version. So the programs of the server's
own major version are preferred, then the nearest newer ones, never older ones. Candidates:
an explicit folder, the ``pgserver`` wheel's binaries (always present in the virtualenv),
Debian's ``/usr/lib/postgresql/<major>/bin`` and ``PATH`` (a fresh machine has only the
first two).

How: connection details go to the child through libpq's environment variables (the
password never appears on a command line other users can read).
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import make_url

from cus_shared.i18n.language import N_
from cus_tenants.operations.errors import OperationError

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

_VERSION = re.compile(r"\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?")


@dataclass(frozen=True)
class ClientTools:
    """One installation's client programs and their major version."""

    bin_dir: Path
    major: int
    version: str

    def program(self, name: str) -> str:
        """Full path of a program of this installation."""
        return str(self.bin_dir / name)


@dataclass(frozen=True)
class Connection:
    """Where a database is, for asyncpg and for libpq's programs."""

    host: str | None
    port: int | None
    user: str | None
    password: str | None
    database: str

    @classmethod
    def from_url(cls, url: str) -> Connection:
        """From a SQLAlchemy or libpq URL (a socket folder may come as ``?host=``)."""
        parsed = make_url(url)
        query_host = parsed.query.get("host")
        host = parsed.host or (query_host if isinstance(query_host, str) else None)
        return cls(
            host=host,
            port=parsed.port,
            user=parsed.username,
            password=parsed.password,
            database=parsed.database or "postgres",
        )

    def asyncpg_kwargs(self) -> dict[str, Any]:
        """Keyword arguments of ``asyncpg.connect``."""
        return {
            "host": self.host,
            "port": self.port,
            "user": self.user,
            "password": self.password,
            "database": self.database,
        }

    def libpq_env(self) -> dict[str, str]:
        """The environment of a child program connecting to this database."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        values = {
            "PGHOST": self.host,
            "PGPORT": str(self.port) if self.port else None,
            "PGUSER": self.user,
            "PGPASSWORD": self.password,
            "PGDATABASE": self.database,
            "PGAPPNAME": "cus-operations",
            "PGCLIENTENCODING": "UTF8",
        }
        env.update({k: v for k, v in values.items() if v})
        return env


def _candidate_dirs(explicit: Path | None) -> list[Path]:
    if explicit is not None:
        return [explicit]
    found: list[Path] = []
    spec = importlib.util.find_spec("pgserver")  # located, not imported
    if spec is not None and spec.origin:
        found.append(Path(spec.origin).resolve().parent / "pginstall" / "bin")
    found.extend(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True))
    on_path = shutil.which("pg_dump")
    if on_path:
        found.append(Path(on_path).resolve().parent)
    unique: list[Path] = []
    for directory in found:
        if directory not in unique and (directory / "pg_dump").exists():
            unique.append(directory)
    return unique


async def _version_of(bin_dir: Path) -> tuple[int, str] | None:
    try:
        process = await asyncio.create_subprocess_exec(
            str(bin_dir / "pg_dump"),
            "--version",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
    except OSError:
        return None
    out, _ = await process.communicate()
    match = _VERSION.search(out.decode(errors="replace"))
    if process.returncode != 0 or match is None:
        return None
    return int(match.group(1)), match.group(0).split()[-1]


async def choose_client_tools(server_major: int, explicit: Path | None = None) -> ClientTools:
    """The client programs to use with a server of this major version (see module doc)."""
    usable: list[ClientTools] = []
    seen: list[str] = []
    for directory in _candidate_dirs(explicit):
        version = await _version_of(directory)
        if version is None:
            continue
        seen.append(f"{directory}: {version[1]}")
        if version[0] >= server_major and all(
            (directory / p).exists() for p in ("pg_restore", "psql")
        ):
            usable.append(ClientTools(bin_dir=directory, major=version[0], version=version[1]))
    if not usable:
        raise OperationError(
            N_(
                "No pg_dump of version {major} or newer was found (found: {found}); an older "
                "pg_dump cannot read a newer server. Install the PostgreSQL {major} client "
                "programs or name their folder with --pg-bin."
            ),
            major=server_major,
            found=", ".join(seen) or "-",
        )
    return min(usable, key=lambda tools: (tools.major, str(tools.bin_dir)))


@dataclass(frozen=True)
class Finished:
    """What a program left behind."""

    returncode: int
    stderr: str


async def run_program(
    tools: ClientTools,
    name: str,
    arguments: Sequence[str],
    connection: Connection,
    *,
    extra_env: Mapping[str, str] | None = None,
) -> Finished:
    """Run a client program to completion (stdout discarded; outputs go to files)."""
    env = connection.libpq_env() | dict(extra_env or {})
    process = await asyncio.create_subprocess_exec(
        tools.program(name),
        *arguments,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await process.communicate()
    return Finished(returncode=process.returncode or 0, stderr=err.decode(errors="replace"))


def first_error(stderr: str) -> str:
    """The first ``ERROR:``/``FATAL:`` line of a program's output, without the DETAIL lines
    that follow it (PostgreSQL puts row values there, which may be personal data)."""
    for line in stderr.splitlines():
        for marker in ("ERROR:", "FATAL:", "error:"):
            if marker in line:
                return line.split(marker, 1)[1].strip()[:300]
    lines = [line for line in stderr.splitlines() if line.strip()]
    return lines[-1][:300] if lines else "?"
