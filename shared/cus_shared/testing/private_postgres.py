"""A PostgreSQL server of the test's own, which the test may stop and start again.

The fault tests take the database away under load, so they cannot use the shared test server
(other tests run against it) nor a container (none runs in CI). They start their own server
from the binaries the ``pgserver`` wheel ships — what every machine that installs the project
has, unlike a system PostgreSQL — in a temporary folder, on a free TCP port of 127.0.0.1.
Run as root (CI containers), PostgreSQL refuses to start, so the commands then run as the
unprivileged system user pgserver itself uses.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from collections.abc import Iterator

#: The unprivileged account that runs the server when the tests run as root.
_SYSTEM_USER = "pgserver"

StopMode = Literal["smart", "fast", "immediate"]


def _binaries() -> Path:
    import pgserver  # only the tests' servers need it here

    return Path(pgserver.__file__).parent / "pginstall" / "bin"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class PrivatePostgres:
    """One server: its data folder, its port, and the account that runs it."""

    data_dir: Path
    port: int
    system_user: str | None

    @property
    def log_file(self) -> Path:
        """The server's log (kept beside the data folder, for a failing test to read)."""
        return self.data_dir.parent / "server.log"

    def url(self, database: str = "postgres") -> str:
        """SQLAlchemy asyncpg URL of the superuser ``postgres`` on ``database``."""
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, program: str, *args: str, timeout: float = 60) -> None:
        command = [str(_binaries() / program), *args]
        completed = subprocess.run(
            command,
            user=self.system_user,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=timeout,
            check=False,
        )
        if completed.returncode != 0:
            detail = completed.stderr.decode(errors="replace")
            with suppress(OSError):
                tail = self.log_file.read_text(errors="replace")[-4000:]
                detail += "\n--- server log ---\n" + tail
            raise RuntimeError(f"{program} {' '.join(args[:2])} failed:\n{detail}")

    def initdb(self) -> None:
        """Create the cluster (superuser ``postgres``, trust on 127.0.0.1 only)."""
        self._run(
            "initdb",
            "-D",
            str(self.data_dir),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync",
        )

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' "
            "-c max_connections=100"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data_dir),
            "-o",
            options,
            "-l",
            str(self.log_file),
            "-w",
            "-t",
            "60",
            "start",
        )

    def stop(self, mode: StopMode = "fast") -> None:
        """Stop the server: ``fast`` ends every session and checkpoints; ``immediate`` is a
        crash (no checkpoint; the next start replays the write-ahead log)."""
        self._run("pg_ctl", "-D", str(self.data_dir), "-m", mode, "-w", "-t", "60", "stop")

    def running(self) -> bool:
        """Whether the server's postmaster is alive."""
        completed = subprocess.run(
            [str(_binaries() / "pg_ctl"), "-D", str(self.data_dir), "status"],
            user=self.system_user,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        return completed.returncode == 0


def _prepare_for(system_user: str, folder: Path) -> None:
    """Let the unprivileged account reach the binaries and own the folder."""
    import pwd

    from pgserver.utils import (
        ensure_folder_permissions,
        ensure_prefix_permissions,
        ensure_user_exists,
    )

    ensure_user_exists(system_user)
    ensure_prefix_permissions(_binaries())
    ensure_folder_permissions(_binaries(), 0o555)
    ensure_folder_permissions(_binaries().parent / "lib", 0o444)
    ensure_prefix_permissions(folder)
    entry = pwd.getpwnam(system_user)
    os.chown(folder, entry.pw_uid, entry.pw_gid)


@contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    """A fresh server in a temporary folder, started; stopped and removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="cus-private-pg-"))
    system_user = _SYSTEM_USER if os.geteuid() == 0 else None
    if system_user is not None:
        _prepare_for(system_user, folder)
    server = PrivatePostgres(data_dir=folder / "data", port=_free_port(), system_user=system_user)
    try:
        server.initdb()
        server.start()
        yield server
    finally:
        with suppress(Exception):
            if server.running():
                server.stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)


__all__ = ["PrivatePostgres", "StopMode", "private_postgres"]
