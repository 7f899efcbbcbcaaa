"""A real PgBouncer (Debian's ``pgbouncer`` package) in front of a test database.

The platform claims it is safe behind a transaction-pooling PgBouncer: every tenant setting
is transaction-scoped and, with ``CUS_DATABASE_POOLER=pgbouncer``, the runtime engine prepares
no statement that outlives its transaction. The tests prove it through this harness rather
than by reasoning, with the pooler an operator would run.

Clients authenticate to PgBouncer with the upstream URL's own user and password (SCRAM
against the plain-text ``auth_file``; ``trust`` when the URL carries no password, as the
embedded and trust-auth servers have), and PgBouncer logs in upstream with the same
credentials, so the same URL works with the pooler's address instead of the server's.
"""

from __future__ import annotations

import os
import pwd
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from sqlalchemy.engine import URL, make_url

#: Where Debian's package installs the binary (``dev.py test`` installs it when missing).
PGBOUNCER = Path("/usr/sbin/pgbouncer")
#: PgBouncer refuses to run as root; it switches to this user itself (``-u``) unless the
#: upstream is a Unix socket in a directory another user owns.
UNPRIVILEGED_USER = "nobody"
_START_TIMEOUT_SECONDS = 10.0
_STOP_TIMEOUT_SECONDS = 5.0


class PgBouncerError(RuntimeError):
    """PgBouncer is missing, or did not start."""


@contextmanager
def pgbouncer(
    upstream_url: str, *, pool_mode: str = "transaction", pool_size: int = 10
) -> Iterator[str]:
    """Run PgBouncer in front of ``upstream_url``'s database and yield the URL through it.

    The yielded URL keeps the upstream's driver, user, password and database name; only host
    and port change (a free port on 127.0.0.1). The admin console (database ``pgbouncer``)
    accepts the same user. PgBouncer runs as a child process and is stopped on exit.
    """
    if not PGBOUNCER.exists():
        raise PgBouncerError(
            f"{PGBOUNCER} is missing: apt-get install -y --no-install-recommends pgbouncer"
        )
    upstream = make_url(upstream_url)
    if not upstream.username or not upstream.database:
        raise PgBouncerError("the upstream URL needs a user and a database")
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="cus-pgbouncer-") as folder:
        directory = Path(folder)
        config = directory / "pgbouncer.ini"
        (directory / "userlist.txt").write_text(
            f"{_quoted(upstream.username)} {_quoted(upstream.password or '')}\n", encoding="utf-8"
        )
        config.write_text(
            _config(upstream, port=port, pool_mode=pool_mode, pool_size=pool_size, folder=folder),
            encoding="utf-8",
        )
        command = [str(PGBOUNCER), str(config)]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            # The folder (with the password file) stays private to the user PgBouncer becomes.
            account = _unprivileged_account(upstream)
            for path in (directory, *directory.iterdir()):
                os.chown(path, account.pw_uid, account.pw_gid)
            command[1:1] = ["-u", account.pw_name]
        log = directory / "stderr.log"
        with log.open("wb") as stderr:
            process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=stderr, stderr=subprocess.STDOUT
            )
        try:
            _wait_until_listening(process, port, log)
            yield upstream.set(host="127.0.0.1", port=port, query={}).render_as_string(
                hide_password=False
            )
        finally:
            _stop(process)


def _config(upstream: URL, *, port: int, pool_mode: str, pool_size: int, folder: str) -> str:
    host, upstream_port = _upstream_address(upstream)
    user = upstream.username or ""
    auth_type = "scram-sha-256" if upstream.password else "trust"
    # Transaction pooling hands a server connection to another client after every
    # transaction: a reset query would run after each and still could not make session state
    # safe, so there is none (the platform keeps no session state).
    reset = "server_reset_query =" if pool_mode == "transaction" else ""
    return "\n".join(
        [
            "[databases]",
            f"{upstream.database} = host={host} port={upstream_port} dbname={upstream.database}"
            f" pool_size={pool_size}",
            "",
            "[pgbouncer]",
            "listen_addr = 127.0.0.1",
            f"listen_port = {port}",
            "unix_socket_dir =",
            f"auth_type = {auth_type}",
            f"auth_file = {folder}/userlist.txt",
            f"admin_users = {user}",
            f"stats_users = {user}",
            f"pool_mode = {pool_mode}",
            f"default_pool_size = {pool_size}",
            "max_client_conn = 1000",
            reset,
            "ignore_startup_parameters = extra_float_digits",
            "server_check_delay = 0",
            "log_connections = 0",
            "log_disconnections = 0",
            "",
        ]
    )


def _upstream_address(upstream: URL) -> tuple[str, int]:
    """Host (or Unix socket directory, as the embedded server gives) and port."""
    host = upstream.host
    if not host:
        given = upstream.query.get("host")
        host = given if isinstance(given, str) else (given[0] if given else None)
    return host or "127.0.0.1", upstream.port or 5432


def _unprivileged_account(upstream: URL) -> pwd.struct_passwd:
    """Who PgBouncer runs as when we are root: the owner of the upstream's Unix socket
    directory (the embedded server's is private to its own user), else ``nobody``."""
    host, _ = _upstream_address(upstream)
    if host.startswith("/"):
        owner = Path(host).stat().st_uid
        if owner != 0:
            return pwd.getpwuid(owner)
    return pwd.getpwnam(UNPRIVILEGED_USER)


def _quoted(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_until_listening(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + _START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise PgBouncerError(f"pgbouncer exited: {log.read_text(errors='replace')[-2000:]}")
        with suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.05)
    _stop(process)
    raise PgBouncerError(f"pgbouncer did not listen: {log.read_text(errors='replace')[-2000:]}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM is PgBouncer's immediate shutdown; kill it if it lingers."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=_STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def runtime_through_pgbouncer(admin_url: str, *, pool_size: int = 10) -> Iterator[str | None]:
    """With ``CUS_TEST_VIA_PGBOUNCER=1``: route the runtime role through a PgBouncer in
    transaction mode (``CUS_DATABASE_APP_URL``, ``CUS_DATABASE_POOLER=pgbouncer``) while the
    administrative URL stays direct, as in a deployment; yield the pooled URL (else None)."""
    if os.environ.get("CUS_TEST_VIA_PGBOUNCER") != "1":
        yield None
        return
    from cus_shared.settings import DatabaseSettings

    database = DatabaseSettings()
    upstream = make_url(admin_url).set(
        username=database.app_role, password=database.app_password.get_secret_value()
    )
    names = ("CUS_DATABASE_APP_URL", "CUS_DATABASE_POOLER")
    before = {name: os.environ.get(name) for name in names}
    with pgbouncer(upstream.render_as_string(hide_password=False), pool_size=pool_size) as url:
        os.environ.update(dict(zip(names, (url, "pgbouncer"), strict=True)))
        try:
            yield url
        finally:
            for name, value in before.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
