"""A tenant migration failing in one gmina leaves the others migrated and every gmina served.

The tree is the real tenant tree copied to a temporary folder plus one revision written for
the test, as an expand step of a real change: a nullable column, then a unique index that
refuses a second registration of the same person without a PESEL. One gmina registered a
person twice, so the index fails there: the fleet runner names that gmina and why (never the
duplicated values), the others reach the new head, the
failing one stays whole at its previous revision (its transaction rolled back, the column
too), and the API serves residents of both revisions. The same run starts with a long
transaction holding one gmina's table, so its migration gives up after the lock timeout
instead of queueing every request of that gmina behind it — and other gminy are served
meanwhile. Once the data is corrected, running the migration again finishes the fleet.
"""

from __future__ import annotations

import asyncio
import shutil
import textwrap
import time
from typing import TYPE_CHECKING

import pytest
import pytest_asyncio
from sqlalchemy import text

from cus_shared.messages import translate
from cus_shared.migrations.trees import MigrationTree
from cus_shared.plugins import migration_tree
from tests.faults.conftest import FaultPlatform, bearer, provision_platform, serving

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path

    import httpx

    from cus_shared.testing.private_postgres import PrivatePostgres

pytestmark = pytest.mark.asyncio(loop_scope="session")

KRAMSK, GOLINA, KAZIMIERZ = "3010052", "3010013", "3010032"
#: Short, so that waiting for a lock shows within the test's time (production: 5000 ms).
LOCK_TIMEOUT_MS = 1000
NEW_REVISION = "t9901"
INDEX = "uq_resident_identity_without_pesel"


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def platform(private_server: PrivatePostgres) -> AsyncIterator[FaultPlatform]:
    """Three gminy on the private server; requests wait at most a second for a lock."""
    made = await provision_platform(
        private_server,
        "cus_fault_migration",
        {KRAMSK: "Kramsk", GOLINA: "Golina", KAZIMIERZ: "Kazimierz Biskupi"},
        lock_timeout_ms=LOCK_TIMEOUT_MS,
    )
    yield made
    await made.db.dispose()


@pytest.fixture
def duplicates_tree(tmp_path: Path) -> MigrationTree:
    """The real tenant tree plus an expand step that some gmina's data can violate."""
    tree = migration_tree("tenant")
    shutil.copytree(tree.script_location / "versions", tmp_path / "versions")
    shutil.copy(tree.script_location / "script.py.mako", tmp_path / "script.py.mako")
    (tmp_path / "versions" / f"{NEW_REVISION}_identity_without_pesel.py").write_text(
        textwrap.dedent(
            f'''
            """Test: when an address was last checked; one registration per person."""
            import sqlalchemy as sa
            from alembic import op

            revision = "{NEW_REVISION}"
            down_revision = "{tree.head}"
            branch_labels = None
            depends_on = None


            def upgrade() -> None:
                op.add_column("resident", sa.Column("address_checked_on", sa.Date))
                op.create_index(
                    "{INDEX}",
                    "resident",
                    [sa.text("lower(family_name)"), sa.text("lower(given_name)"), "birth_date"],
                    unique=True,
                    postgresql_where=sa.text("pesel IS NULL"),
                )


            def downgrade() -> None:
                op.drop_index("{INDEX}", "resident")
                op.drop_column("resident", "address_checked_on")
            '''
        )
    )
    return MigrationTree(
        name="tenant-faults",
        kind="tenant",
        script_location=tmp_path,
        metadata=tree.metadata,
        grants=tree.grants,
    )


async def _register(
    client: httpx.AsyncClient, headers: dict[str, str], teryt: str, given_name: str = "Maria"
) -> dict[str, object]:
    response = await client.post(
        f"/api/core/gminy/{teryt}/residents",
        json={"given_name": given_name, "family_name": "Migracyjna", "birth_date": "1961-05-04"},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body


_served_count = 0


async def _served(client: httpx.AsyncClient, headers: dict[str, str], teryt: str) -> None:
    """The gmina's residents can be registered, read and listed through the API."""
    global _served_count
    _served_count += 1
    made = await _register(client, headers, teryt, f"Anna{_served_count}")
    read = await client.get(f"/api/core/gminy/{teryt}/residents/{made['id']}", headers=headers)
    assert read.status_code == 200, read.text
    listed = await client.get(f"/api/core/gminy/{teryt}/residents?limit=50", headers=headers)
    assert listed.status_code == 200, listed.text


async def _state(platform: FaultPlatform, teryt: str) -> tuple[str, str, bool]:
    """(registry revision, the schema's own revision, whether the new column exists)."""
    async with platform.db.admin_engine.connect() as conn:
        registry = await conn.scalar(
            text("SELECT schema_revision FROM shared.gmina WHERE teryt = :t"), {"t": teryt}
        )
        own = await conn.scalar(text(f'SELECT version_num FROM "gmina_{teryt}".alembic_version'))
        column = await conn.scalar(
            text(
                "SELECT count(*) FROM information_schema.columns WHERE table_schema = :s "
                "AND table_name = 'resident' AND column_name = 'address_checked_on'"
            ),
            {"s": f"gmina_{teryt}"},
        )
    return str(registry), str(own), column == 1


async def test_a_migration_failing_in_one_gmina_leaves_the_others_served(
    platform: FaultPlatform, duplicates_tree: MigrationTree
) -> None:
    from cus_tenants.provisioning.fleet import migrate_fleet

    old_head = migration_tree("tenant").head
    engine = platform.db.admin_engine
    role = platform.settings.database.app_role
    async with serving(platform) as (_app, client):
        headers = {t: await bearer(client, platform.kipus(t)) for t in platform.gminy}
        for teryt in platform.gminy:
            await _register(client, headers[teryt], teryt)
        # Golina registered the same person twice (no PESEL, as refugees may have none).
        duplicate = await _register(client, headers[GOLINA], GOLINA)

        # 1. A long transaction holds Golina's resident table (a report, a stuck session):
        #    its migration gives up after the lock timeout; the others migrate, and other
        #    gminy are served meanwhile.
        async with engine.connect() as holder, holder.begin():
            await holder.execute(text(f'SELECT 1 FROM "gmina_{GOLINA}".resident LIMIT 1'))
            started = time.monotonic()
            migration = asyncio.create_task(
                migrate_fleet(
                    engine, duplicates_tree, app_role=role, lock_timeout_ms=LOCK_TIMEOUT_MS
                )
            )
            served_meanwhile = 0
            while not migration.done():
                await _served(client, headers[KRAMSK], KRAMSK)
                served_meanwhile += 1
            locked = await migration
            locked_seconds = time.monotonic() - started
        assert set(locked.failed) == {GOLINA}
        assert "LockNotAvailable" in locked.failed[GOLINA], locked.failed
        assert sorted(m.teryt for m in locked.migrated) == sorted([KRAMSK, KAZIMIERZ])
        assert served_meanwhile >= 1

        # 2. Nothing holds it now, but its data violates the new index: the report names
        #    Golina and the index (never the duplicated values), the rest stay migrated.
        report = await migrate_fleet(engine, duplicates_tree, app_role=role)
        assert report.total == 3 and report.skipped == 2 and not report.migrated
        assert set(report.failed) == {GOLINA}
        reason = report.failed[GOLINA]
        assert "UniqueViolation" in reason and INDEX in reason
        assert "migracyjna" not in reason.lower() and "1961" not in reason
        assert await _state(platform, KRAMSK) == (NEW_REVISION, NEW_REVISION, True)
        assert await _state(platform, KAZIMIERZ) == (NEW_REVISION, NEW_REVISION, True)
        # Golina rolled back whole: previous revision in the registry and in its schema, and
        # the column added before the failing statement is not there either.
        assert await _state(platform, GOLINA) == (old_head, old_head, False)

        # Both revisions are served by the same code (expand/contract).
        for teryt in platform.gminy:
            await _served(client, headers[teryt], teryt)

        # 3. The gmina corrects its data through the API; the next run finishes the fleet.
        corrected = await client.patch(
            f"/api/core/gminy/{GOLINA}/residents/{duplicate['id']}",
            json={"version": duplicate["version"], "given_name": "Marianna"},
            headers=headers[GOLINA],
        )
        assert corrected.status_code == 200, corrected.text
        finished = await migrate_fleet(engine, duplicates_tree, app_role=role)
        assert finished.ok and [m.teryt for m in finished.migrated] == [GOLINA]
        assert await _state(platform, GOLINA) == (NEW_REVISION, NEW_REVISION, True)
        for teryt in platform.gminy:
            await _served(client, headers[teryt], teryt)
    print(
        f"\nmigration meeting a held lock: {locked_seconds:.2f} s for the fleet "
        f"(lock timeout {LOCK_TIMEOUT_MS} ms), {served_meanwhile} Kramsk round trips served "
        f"meanwhile; reason: {locked.failed[GOLINA]}; failing run {report.seconds:.2f} s; "
        f"reason: {reason}"
    )


async def test_a_gmina_being_migrated_does_not_hold_up_the_others(
    platform: FaultPlatform,
) -> None:
    """While a migration holds an exclusive lock on one gmina's table, other gminy answer at
    once, and that gmina's requests answer 503 with Retry-After after the lock timeout
    instead of hanging."""
    async with serving(platform) as (_app, client):
        headers = {t: await bearer(client, platform.kipus(t)) for t in (KRAMSK, GOLINA)}
        async with platform.db.admin_engine.connect() as migration, migration.begin():
            # What an ALTER TABLE of a migration holds until its transaction ends.
            await migration.execute(
                text(f'LOCK TABLE "gmina_{GOLINA}".resident IN ACCESS EXCLUSIVE MODE')
            )
            started = time.monotonic()
            other = await client.get(
                f"/api/core/gminy/{KRAMSK}/residents?limit=5", headers=headers[KRAMSK]
            )
            other_seconds = time.monotonic() - started
            started = time.monotonic()
            waiting = await client.get(
                f"/api/core/gminy/{GOLINA}/residents?limit=5",
                headers={**headers[GOLINA], "Accept-Language": "en"},
            )
            waiting_seconds = time.monotonic() - started
        after = await client.get(
            f"/api/core/gminy/{GOLINA}/residents?limit=5", headers=headers[GOLINA]
        )
    assert other.status_code == 200, other.text
    assert waiting.status_code == 503, waiting.text
    assert waiting.headers["retry-after"] == "5"
    assert waiting.json()["code"] == "database.unavailable"
    assert waiting.json()["title"] == translate("database.unavailable", "en")
    # It waited for the lock (about LOCK_TIMEOUT_MS), not for a client's timeout.
    assert LOCK_TIMEOUT_MS / 1000 * 0.9 <= waiting_seconds < 10
    assert after.status_code == 200
    print(
        f"\nKramsk while Golina was locked: {other_seconds * 1000:.0f} ms; Golina: 503 after "
        f"{waiting_seconds * 1000:.0f} ms (lock timeout {LOCK_TIMEOUT_MS} ms)"
    )
