"""deploy/compose.yaml, run without a container engine: each platform service's command runs as
a local process (``cus …`` from this environment) with the environment compose.yaml declares
for it, its values from .env.example, in the order its ``depends_on`` gives.

The compose network's hosts become local ones: ``postgres`` a scratch database on the suite's
server, ``pgbouncer`` Debian's PgBouncer in transaction mode in front of it
(:func:`cus_shared.testing.pgbouncer.pgbouncer`), ``otel-collector`` a small OTLP/HTTP
receiver in this process. The migration job must exit 0, then the three services must be
healthy and ready and answer real requests through the pooler: the operator registers a gmina
(tenants provisions its schema) and a coordinator, who registers and lists a resident on core
with the token tenants gave; reporting answers the operator. Then the services stop cleanly.

The optional ``demo`` job (profile ``demo``) is left out: it takes half a minute, and the first
operator account is seeded here instead (the platform has no command for it yet).
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy.engine import make_url

from cus_shared.database.naming import SHARED_SCHEMA, TENANTS_SERVICE_ROLE
from cus_shared.database.runtime import Database
from cus_shared.identity.roles import Role, Scope
from cus_shared.settings import DatabaseSettings, Settings, get_settings
from cus_shared.tenancy import open_service_session
from cus_shared.testing.pgbouncer import pgbouncer
from cus_shared.testing.postgres import scratch_database
from tests.deploy import compose_file, env_values, interpolate, platform_services

pytestmark = pytest.mark.timeout(300)

SERVICES = ("tenants", "core", "reporting")
CUS = Path(sys.executable).with_name("cus")
#: Local differences from the stack, and why. The accounts log in with a password alone
#: (enrolling a second factor takes the pages); spans leave every 200 ms instead of 5 s.
LOCAL_OVERRIDES = {"CUS_AUTH_MFA_REQUIRED": "false", "OTEL_BSP_SCHEDULE_DELAY": "200"}
PASSWORD = "Stack-password-2026!"
OPERATOR = "operator@stack.test"
KIPUS = "kipus@stack.test"
GMINA = "3010052"
READY_SECONDS = 60.0
JOB_SECONDS = 240.0


class _Receiver(BaseHTTPRequestHandler):
    """Accepts OTLP/HTTP exports (an empty protobuf answer means "all accepted")."""

    paths: list[str]

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.paths.append(self.path)  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


@dataclass
class Stack:
    """The running stack: where each service listens, what the jobs did, the exports seen."""

    ports: dict[str, int]
    processes: dict[str, subprocess.Popen[bytes]]
    environments: dict[str, dict[str, str]]
    jobs: dict[str, int]
    pooled_url: str
    exports: list[str] = field(default_factory=list)
    logs: Path = Path()
    #: Seconds each job ran, and each service took to be ready (shown with -rA).
    seconds: dict[str, float] = field(default_factory=dict)

    def url(self, service: str, path: str) -> str:
        """A URL of a service."""
        return f"http://127.0.0.1:{self.ports[service]}{path}"

    def log(self, name: str) -> str:
        """The tail of a process's output (for failure messages)."""
        return (self.logs / f"{name}.log").read_text(errors="replace")[-3000:]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _order(services: dict[str, dict[str, Any]]) -> list[str]:
    """Names in dependency order (depends_on among the platform's services), jobs first."""
    done: list[str] = []
    pending = sorted(services, key=lambda n: (services[n].get("restart") != "no", n))
    while pending:
        ready = [
            n for n in pending if set(services[n].get("depends_on", {})) & set(pending) == set()
        ]
        assert ready, f"circular depends_on among {pending}"
        done.append(ready[0])
        pending.remove(ready[0])
    return done


def _local_command(command: list[str], port: int) -> list[str]:
    """The compose command, listening on a free local port instead of 0.0.0.0:8000."""
    local = list(command)
    if "--host" in local:
        local[local.index("--host") + 1] = "127.0.0.1"
    if "--port" in local:
        local[local.index("--port") + 1] = str(port)
    return [str(CUS), *local]


def _localised(value: str, hosts: dict[str, str]) -> str:
    """A value naming a host of the compose network, pointed at its local stand-in."""
    if "://" not in value:
        return value
    parts = urlsplit(value)
    host = parts.hostname or ""
    if host not in hosts:
        return value
    local = hosts[host]
    if "@" in parts.netloc:  # a database URL: the local one whole
        return local
    return urlunsplit(urlsplit(local)._replace(path=parts.path))


def _base_environment() -> dict[str, str]:
    """This process's environment without any platform or telemetry setting."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("CUS_", "OTEL_"))}


@pytest.fixture(scope="module")
def stack(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Migrate, seed and serve the compose stack's platform services as local processes."""
    logs = tmp_path_factory.mktemp("compose-stack")
    compose = compose_file()
    services = {
        name: service
        for name, service in platform_services(compose).items()
        if not service.get("profiles")  # optional jobs (demo)
    }
    values = env_values()
    database = get_settings().database
    # Login roles are cluster-wide: the stack's role must be the suite's, with its password
    # (`cus migrate` sets it), or the suite's own runtime connections would stop working.
    assert values["CUS_DATABASE_APP_ROLE"] == database.app_role
    app_password = database.app_password.get_secret_value()
    receiver = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    receiver.paths = []  # type: ignore[attr-defined]
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    processes: dict[str, subprocess.Popen[bytes]] = {}
    with scratch_database(database_url) as admin_url:
        upstream = make_url(admin_url).set(username=database.app_role, password=app_password)
        with pgbouncer(upstream.render_as_string(hide_password=False)) as pooled_url:
            hosts = {
                "postgres": admin_url,
                "pgbouncer": pooled_url,
                "otel-collector": f"http://127.0.0.1:{receiver.server_address[1]}",
            }
            stack = Stack(
                ports={name: _free_port() for name in SERVICES},
                processes=processes,
                environments={},
                jobs={},
                pooled_url=pooled_url,
                exports=receiver.paths,  # type: ignore[attr-defined]
                logs=logs,
            )
            try:
                for name in _order(services):
                    started = time.monotonic()
                    service = services[name]
                    environment = {
                        key: _localised(interpolate(str(value), values), hosts)
                        for key, value in service["environment"].items()
                    }
                    if "CUS_DATABASE_APP_PASSWORD" in environment:
                        environment["CUS_DATABASE_APP_PASSWORD"] = app_password
                    stack.environments[name] = environment
                    command = _local_command(service["command"], stack.ports.get(name, 0))
                    env = {**_base_environment(), **environment, **LOCAL_OVERRIDES}
                    with (logs / f"{name}.log").open("wb") as output:
                        process = subprocess.Popen(
                            command,
                            env=env,
                            cwd=logs,
                            stdin=subprocess.DEVNULL,
                            stdout=output,
                            stderr=subprocess.STDOUT,
                            start_new_session=True,
                        )
                    if service.get("restart") == "no":
                        stack.jobs[name] = process.wait(timeout=JOB_SECONDS)
                        stack.seconds[name] = time.monotonic() - started
                        assert stack.jobs[name] == 0, f"{name} failed:\n{stack.log(name)}"
                        if name == "migrate":
                            asyncio.run(_first_operator(admin_url, app_password))
                    else:
                        processes[name] = process
                started = time.monotonic()
                for name in processes:
                    _wait_until_ready(stack, name)
                stack.seconds["services ready"] = time.monotonic() - started
                yield stack
            finally:
                for process in processes.values():
                    _stop(process)
                receiver.shutdown()
                receiver.server_close()


async def _first_operator(admin_url: str, app_password: str) -> None:
    """The platform's first operator account, as an operator would create it by hand."""
    from cus_tenants.identity.schemas import MembershipIn, UserCreate
    from cus_tenants.identity.service import create_user

    database = DatabaseSettings(
        url=admin_url, app_url=None, app_password=SecretStr(app_password), pooler="none"
    )
    db = Database.connect(Settings(database=database), application_name="cus-tests-stack")
    try:
        async with open_service_session(
            db.sessions, db_role=TENANTS_SERVICE_ROLE, schema=SHARED_SCHEMA
        ) as session:
            await create_user(
                session,
                UserCreate(
                    email=OPERATOR,
                    display_name="Operator",
                    password=PASSWORD,
                    memberships=[
                        MembershipIn(scope=Scope.PLATFORM, scope_id="*", role=Role.OPERATOR)
                    ],
                ),
            )
    finally:
        await db.dispose()


def _wait_until_ready(stack: Stack, name: str) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if stack.processes[name].poll() is not None:
            pytest.fail(f"{name} exited:\n{stack.log(name)}")
        try:
            if httpx.get(stack.url(name, "/ready"), timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail(f"{name} not ready in {READY_SECONDS} s:\n{stack.log(name)}")


def _stop(process: subprocess.Popen[bytes]) -> int:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


def _token(stack: Stack, email: str) -> dict[str, str]:
    answer = httpx.post(
        stack.url("tenants", "/api/tenants/auth/login"),
        json={"email": email, "password": PASSWORD},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


@pytest.fixture(scope="module")
def gmina_staff(stack: Stack) -> dict[str, Any]:
    """The operator registers a gmina (tenants provisions its schema with the administrative
    URL) and its coordinator (KIPUS); what tenants answered."""
    operator = _token(stack, OPERATOR)
    gmina = httpx.post(
        stack.url("tenants", "/api/tenants/gminy/"),
        json={"teryt": GMINA, "name": "Kramsk"},
        headers=operator,
        timeout=60,
    )
    assert gmina.status_code == 201, gmina.text
    user = httpx.post(
        stack.url("tenants", "/api/tenants/users/"),
        json={
            "email": KIPUS,
            "display_name": "Koordynatorka",
            "password": PASSWORD,
            "memberships": [{"scope": "gmina", "scope_id": GMINA, "role": "kipus"}],
        },
        headers=operator,
        timeout=10,
    )
    assert user.status_code == 201, user.text
    return {"gmina": gmina.json(), "user": user.json()}


def test_the_migration_job_ran_first_and_exited_zero(stack: Stack) -> None:
    assert stack.jobs == {"migrate": 0}
    print({name: round(seconds, 1) for name, seconds in stack.seconds.items()})


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_is_healthy_and_ready(stack: Stack, service: str) -> None:
    health = httpx.get(stack.url(service, "/health"), timeout=5)
    assert health.status_code == 200 and health.json() == {"status": "ok"}
    ready = httpx.get(stack.url(service, "/ready"), timeout=5)
    assert ready.status_code == 200 and ready.json() == {"status": "ready"}


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_reaches_the_database_through_pgbouncer(stack: Stack, service: str) -> None:
    environment = stack.environments[service]
    assert environment["CUS_DATABASE_APP_URL"] == stack.pooled_url
    assert environment["CUS_DATABASE_POOLER"] == "pgbouncer"
    # Only the tenants service (provisioning) holds the administrative URL.
    assert ("CUS_DATABASE_URL" in environment) == (service == "tenants")


def test_tenants_provisions_a_gmina_and_its_staff(
    stack: Stack, gmina_staff: dict[str, Any]
) -> None:
    assert gmina_staff["gmina"]["teryt"] == GMINA
    headers = _token(stack, OPERATOR)
    users = httpx.get(stack.url("tenants", "/api/tenants/users/"), headers=headers, timeout=10)
    assert users.status_code == 200, users.text
    assert {OPERATOR, KIPUS} <= {user["email"] for user in users.json()}


def test_core_registers_and_lists_a_resident_with_a_tenants_token(
    stack: Stack, gmina_staff: dict[str, Any]
) -> None:
    residents = stack.url("core", f"/api/core/gminy/{GMINA}/residents")
    headers = _token(stack, KIPUS)
    created = httpx.post(
        residents + "/",
        json={"given_name": "Zofia", "family_name": "Stosowa", "birth_date": "1985-03-14"},
        headers=headers,
        timeout=10,
    )
    assert created.status_code == 201, created.text
    listed = httpx.get(residents + "/", headers=headers, timeout=10)
    assert listed.status_code == 200, listed.text
    assert [r["id"] for r in listed.json()["items"]] == [created.json()["id"]]
    assert httpx.get(residents + "/", timeout=10).status_code == 401


def test_reporting_answers_with_a_tenants_token(stack: Stack) -> None:
    headers = _token(stack, OPERATOR)
    regions = httpx.get(
        stack.url("reporting", "/api/reporting/regions"), headers=headers, timeout=10
    )
    assert regions.status_code == 200, regions.text
    assert len(regions.json()) == 16


def test_traces_reach_the_collector_endpoint(stack: Stack) -> None:
    httpx.get(stack.url("tenants", "/api/tenants/auth/me"), timeout=5)
    deadline = time.monotonic() + 15
    while "/v1/traces" not in stack.exports and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "/v1/traces" in stack.exports


def test_the_services_stop_cleanly(stack: Stack) -> None:
    codes = {name: _stop(process) for name, process in stack.processes.items()}
    # uvicorn shuts down gracefully on SIGTERM, then re-raises it: the status says "by SIGTERM"
    # (SIGKILL, had it lingered past the grace period).
    assert set(codes.values()) <= {0, -signal.SIGTERM}, {n: stack.log(n) for n in codes}
