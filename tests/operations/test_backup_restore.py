"""Backups, restores, the handover export and archival, on real PostgreSQL.

Gmina A gets residents, an application and audit rows through the API; its backup is
restored into an empty database (bootstrapped, on the same server) and every table's row
count and row checksums are compared with the source; the same for the whole backup. A
restore over an existing gmina is refused; archival removes a gmina from service while its
backup restores; the handover export holds every table with matching counts; bad input is
explained in Polish and English and writes nothing.

Checksums here are computed independently of the code under test: MD5 of every row's text,
sorted bytewise, under fixed output settings.
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import json
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
import pytest_asyncio
from sqlalchemy import text
from typer.testing import CliRunner

from cus_shared import cli
from cus_shared.database.runtime import Database
from cus_shared.plugins import migration_tree
from cus_shared.settings import DatabaseSettings, Settings
from cus_shared.testing.postgres import scratch_database
from cus_tenants.operations.errors import OperationError
from cus_tenants.operations.shared_rows import NOT_PER_TENANT, SECRET_COLUMNS, SHARED_ROWS
from tests.conftest import GMINA_A, PASSWORD, Platform, login
from tests.journey import Offer

runner = CliRunner()
API = "/api/core/gminy/{teryt}"
#: Gmina D (Sompolno) is made and archived by one test; E is never registered.
GMINA_D = "3010042"
GMINA_E = "3010032"

Fingerprints = dict[str, tuple[int, str]]


@pytest.fixture(scope="module", autouse=True)
def _service_groups() -> None:
    if not any(group.name == "tenants" for group in cli.app.registered_groups):
        cli._add_service_groups()


def invoke(*args: str, input: str | None = None) -> Any:
    """Run ``cus …`` in process; the result with its combined output."""
    return runner.invoke(cli.app, list(args), input=input)


# Independent checksums.


def _dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


async def _fingerprints(url: str, teryt: str | None) -> Fingerprints:
    """Rows and MD5 of every table: of one gmina (schema + its own shared rows), or of
    every table in shared, reporting and every tenant schema."""
    conn = await asyncpg.connect(_dsn(url))
    try:
        for setting in (
            "SET TimeZone = 'UTC'",
            "SET DateStyle = 'ISO, YMD'",
            "SET extra_float_digits = 3",
        ):
            await conn.execute(setting)
        targets: list[tuple[str, str, str]] = []
        if teryt is None:
            rows = await conn.fetch(
                "SELECT schemaname, tablename FROM pg_tables WHERE schemaname IN "
                "('shared', 'reporting') OR schemaname ~ '^gmina_[0-9]{7}$' ORDER BY 1, 2"
            )
            targets = [(r[0], r[1], "true") for r in rows]
        else:
            rows = await conn.fetch(
                "SELECT tablename FROM pg_tables WHERE schemaname = $1", f"gmina_{teryt}"
            )
            targets = [(f"gmina_{teryt}", r[0], "true") for r in rows]
            targets += [
                ("shared", r.table, r.where.replace("$1", f"'{teryt}'"))
                for r in SHARED_ROWS
                if r.kind == "own"
            ]
        result: Fingerprints = {}
        for schema, table, where in targets:
            row = await conn.fetchrow(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' "
                f'ORDER BY t::text COLLATE "C"), \'\')) FROM "{schema}"."{table}" t WHERE {where}'
            )
            assert row is not None
            result[f"{schema}.{table}"] = (row[0], row[1])
        return result
    finally:
        await conn.close()


def fingerprints(url: str, teryt: str | None = None) -> Fingerprints:
    """The fingerprints, from synchronous tests."""
    return asyncio.run(_fingerprints(url, teryt))


def handouts(url: str, teryt: str, purpose: str) -> int:
    """Entries in a gmina's own audit log for its records handed out by an operator's command."""

    async def count() -> int:
        conn = await asyncpg.connect(_dsn(url))
        try:
            value = await conn.fetchval(
                f"SELECT count(*) FROM \"gmina_{teryt}\".audit_log WHERE action = 'export' "
                "AND details->>'purpose' = $1",
                purpose,
            )
            return int(value)
        finally:
            await conn.close()

    return asyncio.run(count())


@pytest.fixture(scope="module")
def server_url(database_url: str) -> str:
    """The test server (scratch databases are made beside the session's)."""
    return database_url


@pytest.fixture
def empty_database(server_url: str) -> Iterator[str]:
    """A new, empty database on the same server, dropped afterwards."""
    with scratch_database(server_url) as url:
        yield url


def database_for(url: str) -> Database:
    """Handles on another database with the session's other settings."""
    settings = Settings(database=DatabaseSettings(url=url))
    return Database.connect(settings, application_name="cus-tests-operations")


# Data in gmina A, made through the API (residents, an application, audit rows).


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def gmina_a_data(platform: Platform, offer: Offer, client: httpx.AsyncClient) -> None:
    """A's residents and an application (written once for the module)."""
    headers = await login(client, "kipus.a@test.local")
    base = API.format(teryt=GMINA_A)
    ids = []
    for family in ("Kopiowa", "Zapasowa"):
        created = await client.post(
            f"{base}/residents",
            json={"given_name": "Ewa", "family_name": family, "birth_date": "1951-03-04"},
            headers=headers,
        )
        assert created.status_code == 201, created.text
        ids.append(created.json()["id"])
    application = await client.post(
        f"{base}/applications",
        json={
            "resident_id": ids[0],
            "channel": "in_person",
            "declaration_signed": True,
            "services": [str(offer.care)],
        },
        headers=headers,
    )
    assert application.status_code == 201, application.text
    read = await client.get(f"{base}/residents/{ids[1]}", headers=headers)
    assert read.status_code == 200


@pytest.fixture(scope="module")
def a_backup(gmina_a_data: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One backup of gmina A for the tests that only read it."""
    file = tmp_path_factory.mktemp("backups") / "a.cusbak"
    result = invoke("tenants", "backup", GMINA_A, "--out", str(file))
    assert result.exit_code == 0, result.output
    return file


# The shared rows of a gmina: nothing left out.


def test_every_shared_table_is_classified(platform: Platform, database_url: str) -> None:
    async def tables() -> set[str]:
        conn = await asyncpg.connect(_dsn(database_url))
        try:
            rows = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'shared'")
        finally:
            await conn.close()
        return {r[0] for r in rows}

    per_tenant = [r.table for r in SHARED_ROWS]
    assert len(per_tenant) == len(set(per_tenant))
    assert not set(per_tenant) & set(NOT_PER_TENANT)
    assert asyncio.run(tables()) == set(per_tenant) | set(NOT_PER_TENANT)


def test_new_commands_have_help() -> None:
    for command in ("backup", "restore", "export", "archive", "backup-all", "restore-all"):
        result = invoke("tenants", command, "--help")
        assert result.exit_code == 0, result.output


# One gmina.


def test_gmina_backup_restores_into_an_empty_database(
    gmina_a_data: None, database_url: str, empty_database: str, tmp_path: Path
) -> None:
    from cus_tenants.migrations import SHARED_TREE
    from cus_tenants.operations.restore import restore_tenant
    from cus_tenants.provisioning.bootstrap import bootstrap_platform

    file = tmp_path / "a.cusbak"
    audited = handouts(database_url, GMINA_A, "backup")
    result = invoke("tenants", "backup", GMINA_A, "--out", str(file))
    assert result.exit_code == 0, result.output
    assert handouts(database_url, GMINA_A, "backup") == audited + 1
    source = fingerprints(database_url, GMINA_A)
    assert source[f"gmina_{GMINA_A}.resident"][0] >= 2
    assert source[f"gmina_{GMINA_A}.audit_log"][0] > 0
    assert source[f"gmina_{GMINA_A}.application"][0] >= 1
    assert source["shared.membership"][0] > 0 and source["shared.programme"][0] > 0

    async def restore() -> None:
        db = database_for(empty_database)
        try:
            await bootstrap_platform(db.admin_engine, db.settings.database, SHARED_TREE)
            summary = await restore_tenant(db, file)
            assert summary.status == "active"
            assert summary.revision_after == migration_tree("tenant").head
            async with db.admin_engine.connect() as conn:
                gminy = (await conn.execute(text("SELECT teryt, status FROM shared.gmina"))).all()
            # Only A is registered there: the agreement's other members were not copied.
            assert [tuple(g) for g in gminy] == [(GMINA_A, "active")]
        finally:
            await db.dispose()

    asyncio.run(restore())
    assert fingerprints(empty_database, GMINA_A) == source


def test_restore_refuses_an_existing_gmina(a_backup: Path, database_url: str) -> None:
    before = fingerprints(database_url, GMINA_A)
    result = invoke("tenants", "restore", str(a_backup))
    assert result.exit_code == 2
    assert "już istnieje" in result.output and "already exists" in result.output
    assert fingerprints(database_url, GMINA_A) == before


def test_restore_with_replace_puts_the_backup_back(
    gmina_a_data: None, database_url: str, tmp_path: Path
) -> None:
    file = tmp_path / "a.cusbak"
    assert invoke("tenants", "backup", GMINA_A, "--out", str(file)).exit_code == 0
    before = fingerprints(database_url, GMINA_A)
    result = invoke("tenants", "restore", str(file), "--replace")
    assert result.exit_code == 0, result.output
    assert fingerprints(database_url, GMINA_A) == before


# Bad input: explained in Polish and English, nothing written.


def _registry(database_url: str) -> list[tuple[str, str]]:
    async def read() -> list[tuple[str, str]]:
        conn = await asyncpg.connect(_dsn(database_url))
        try:
            rows = await conn.fetch("SELECT teryt, status FROM shared.gmina ORDER BY teryt")
        finally:
            await conn.close()
        return [(r[0], r[1]) for r in rows]

    return asyncio.run(read())


@pytest.mark.parametrize(
    ("teryt", "polish", "english"),
    [
        (GMINA_E, "nie ma w rejestrze", "not in the registry"),
        ("12345", "nie jest poprawnym kodem TERYT", "not a valid TERYT code"),
    ],
)
def test_backup_of_an_unknown_gmina_is_refused(
    platform: Platform, tmp_path: Path, teryt: str, polish: str, english: str
) -> None:
    out = tmp_path / "x.cusbak"
    for command in (["backup", teryt, "--out", str(out)], ["export", teryt, "--out", str(out)]):
        result = invoke("tenants", *command)
        assert result.exit_code == 2, result.output
        assert polish in result.output and english in result.output
        assert not out.exists()
    result = invoke("tenants", "archive", teryt, "--out", str(out), "--yes")
    assert result.exit_code == 2 and english in result.output
    assert not out.exists()


def _corrupt(good: Path, bad: Path) -> None:
    data = bytearray(good.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 16] = bytes(16)
    bad.write_bytes(bytes(data))


def _foreign_tar(path: Path) -> None:
    with tarfile.open(path, "w:gz") as tar:
        body = b'{"hello": "world"}'
        info = tarfile.TarInfo("manifest.json")
        info.size = len(body)
        tar.addfile(info, io.BytesIO(body))


def _altered_member(good: Path, bad: Path) -> None:
    """A well-formed archive whose schema dump was changed after the manifest was written."""
    with tarfile.open(good, "r:gz") as source, tarfile.open(bad, "w:gz") as target:
        for member in source:
            data = source.extractfile(member)
            assert data is not None
            body = data.read()
            if member.name == "tenant/schema.sql":
                body = body.replace(b"CREATE TABLE", b"CREATE UNLOGGED TABLE", 1)
                member.size = len(body)
            target.addfile(member, io.BytesIO(body))


@pytest.mark.parametrize(
    ("make", "polish", "english"),
    [
        ("corrupt", "uszkodzona", "damaged"),
        ("altered", "uszkodzona", "damaged"),
        ("foreign", "nie jest kopią zapasową CUS", "not a CUS backup"),
        ("text", "nie jest kopią zapasową CUS", "not a CUS backup"),
        ("missing", "nie istnieje", "does not exist"),
    ],
)
def test_bad_backup_files_are_refused(
    a_backup: Path, database_url: str, tmp_path: Path, make: str, polish: str, english: str
) -> None:
    good = a_backup
    bad = tmp_path / "bad.cusbak"
    if make == "corrupt":
        _corrupt(good, bad)
    elif make == "altered":
        _altered_member(good, bad)
    elif make == "foreign":
        _foreign_tar(bad)
    elif make == "text":
        bad.write_text("SELECT 1;\n")
    before = (fingerprints(database_url, GMINA_A), _registry(database_url))
    result = invoke("tenants", "restore", str(bad), "--replace")
    assert result.exit_code == 2, result.output
    assert polish in result.output and english in result.output, result.output
    assert invoke("tenants", "restore-all", str(bad)).exit_code == 2
    assert (fingerprints(database_url, GMINA_A), _registry(database_url)) == before


def test_a_backup_of_the_wrong_kind_is_named(a_backup: Path) -> None:
    one = a_backup
    result = invoke("tenants", "restore-all", str(one))
    assert result.exit_code == 2
    assert "innego rodzaju" in result.output and "another kind" in result.output
    again = invoke("tenants", "backup", GMINA_A, "--out", str(one))
    assert again.exit_code == 2 and "already exists" in again.output


# Everything.


def test_whole_backup_round_trips_into_an_empty_database(
    gmina_a_data: None, database_url: str, empty_database: str, tmp_path: Path
) -> None:
    from cus_tenants.operations.platform_backup import restore_platform

    file = tmp_path / "all.cusbak"
    result = invoke("tenants", "backup-all", "--out", str(file))
    assert result.exit_code == 0, result.output
    source = fingerprints(database_url)
    assert f"gmina_{GMINA_A}.resident" in source

    damaged = tmp_path / "damaged.cusbak"
    _corrupt(file, damaged)

    async def restore() -> None:
        db = database_for(empty_database)
        try:
            with pytest.raises(OperationError) as refused:
                await restore_platform(db, damaged)
            assert "damaged" in refused.value.bilingual()
            # Nothing was written: the database is still empty, so the restore may run.
            summary = await restore_platform(db, file)
            assert not summary.failed
            # Only into an empty database.
            with pytest.raises(OperationError) as occupied:
                await restore_platform(db, file)
            assert "nie jest pusta" in occupied.value.bilingual()
        finally:
            await db.dispose()

    asyncio.run(restore())
    assert fingerprints(empty_database) == source


# Handover.


def test_handover_export_holds_every_table_with_matching_counts(
    gmina_a_data: None, database_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "handover"
    audited = handouts(database_url, GMINA_A, "export")
    result = invoke("tenants", "export", GMINA_A, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert handouts(database_url, GMINA_A, "export") == audited + 1
    manifest = json.loads((out / "manifest.json").read_text())
    counts = fingerprints(database_url, GMINA_A)
    listed = {f"{f['schema_name']}.{f['table']}": f for f in manifest["files"]}
    tenant_tables = {
        k for k in counts if k.startswith("gmina_") and not k.endswith("alembic_version")
    }
    assert tenant_tables <= set(listed)
    assert {f"shared.{r.table}" for r in SHARED_ROWS} <= set(listed)
    for name, entry in listed.items():
        path = out / entry["path"]
        body = path.read_bytes()
        assert hashlib.sha256(body).hexdigest() == entry["sha256"]
        rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
        assert rows[0] == [c["name"] for c in entry["columns"]]
        assert len(rows) - 1 == entry["rows"]
        if name in counts:
            assert entry["rows"] == counts[name][0], name
    staff_header = (out / "shared" / "app_user.csv").read_text().splitlines()[0].split(",")
    assert not set(staff_header) & set(SECRET_COLUMNS["app_user"])
    assert (out / "schema.sql").read_text().count("CREATE TABLE") >= len(tenant_tables)
    again = invoke("tenants", "export", GMINA_A, "--out", str(out))
    assert again.exit_code == 2 and "nie jest pusty" in again.output


# Archival.


async def _make_gmina_d(platform: Platform) -> None:
    from cus_shared.database.naming import SHARED_SCHEMA, TENANTS_SERVICE_ROLE
    from cus_shared.identity.roles import Role, Scope
    from cus_shared.tenancy import open_service_session
    from cus_tenants.gminy.service import register_and_provision
    from cus_tenants.identity.schemas import MembershipIn, UserCreate
    from cus_tenants.identity.service import create_user

    await register_and_provision(platform.db, GMINA_D, "Sompolno")
    async with open_service_session(
        platform.db.sessions, db_role=TENANTS_SERVICE_ROLE, schema=SHARED_SCHEMA
    ) as session:
        await create_user(
            session,
            UserCreate(
                email="kipus.d@test.local",
                display_name="kipus.d",
                password=PASSWORD,
                memberships=[MembershipIn(scope=Scope.GMINA, scope_id=GMINA_D, role=Role.KIPUS)],
            ),
        )


async def _remove_gmina_d(platform: Platform) -> None:
    async with platform.db.admin_engine.connect() as conn, conn.begin():
        await conn.execute(text(f'DROP SCHEMA IF EXISTS "gmina_{GMINA_D}" CASCADE'))
        await conn.execute(text("DELETE FROM shared.app_user WHERE email = 'kipus.d@test.local'"))
        await conn.execute(text("DELETE FROM shared.gmina WHERE teryt = :t"), {"t": GMINA_D})


async def _token(client: httpx.AsyncClient) -> dict[str, str]:
    response = await client.post(
        "/api/tenants/auth/login", json={"email": "kipus.d@test.local", "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.mark.asyncio(loop_scope="session")
async def test_archival_removes_a_gmina_from_service_and_its_backup_restores(
    platform: Platform, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    from cus_tenants.gminy.service import resume_gmina
    from cus_tenants.operations.archival import archive_tenant
    from cus_tenants.operations.restore import restore_tenant

    file = tmp_path / "d.cusbak"
    await _make_gmina_d(platform)
    try:
        headers = await _token(client)
        residents = API.format(teryt=GMINA_D) + "/residents"
        created = await client.post(
            residents,
            json={"given_name": "Jan", "family_name": "Archiwalny", "birth_date": "1960-01-02"},
            headers=headers,
        )
        assert created.status_code == 201, created.text

        summary = await archive_tenant(platform.db, GMINA_D, file)
        assert summary.memberships_removed == 1
        # The token issued before still names D: the gmina is refused, as suspended.
        refused = await client.get(residents, headers=headers)
        assert refused.status_code in (403, 404)
        # A new login no longer reaches D at all.
        assert (await client.get(residents, headers=await _token(client))).status_code == 404
        async with platform.db.admin_engine.connect() as conn:
            state = (
                await conn.execute(
                    text(
                        "SELECT status, schema_revision, to_regnamespace(:s) IS NULL "
                        "FROM shared.gmina WHERE teryt = :t"
                    ),
                    {"t": GMINA_D, "s": f"gmina_{GMINA_D}"},
                )
            ).one()
        assert tuple(state) == ("archived", None, True)
        with pytest.raises(OperationError) as again:
            await archive_tenant(platform.db, GMINA_D, tmp_path / "again.cusbak")
        assert "już zarchiwizowana" in again.value.bilingual()
        assert not (tmp_path / "again.cusbak").exists()

        # Its backup brings it back, suspended until someone resumes it.
        restored = await restore_tenant(platform.db, file)
        assert restored.status == "suspended" and restored.tenant_rows > 0
        from cus_shared.database.naming import SHARED_SCHEMA, TENANTS_SERVICE_ROLE
        from cus_shared.tenancy import open_service_session

        async with open_service_session(
            platform.db.sessions, db_role=TENANTS_SERVICE_ROLE, schema=SHARED_SCHEMA
        ) as session:
            await resume_gmina(session, GMINA_D)
        listed = await client.get(residents, headers=await _token(client))
        assert listed.status_code == 200, listed.text
        assert created.json()["id"] in listed.text
    finally:
        await _remove_gmina_d(platform)
