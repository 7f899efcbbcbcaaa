"""The real migrations: models agree with them, and a fleet migration skips tenants at head,
applies a change everywhere, continues past a failing tenant and reports it."""

from __future__ import annotations

import shutil
import textwrap
import warnings
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, MetaData, text
from sqlalchemy.ext.asyncio import AsyncEngine

from cus_shared.migrations.trees import MigrationTree
from cus_shared.plugins import migration_tree
from tests.conftest import GMINA_A, GMINA_B, GMINA_C, Platform

pytestmark = pytest.mark.asyncio(loop_scope="session")


def _differences(connection: Connection, metadata: MetaData, schema: str) -> list[Any]:
    # Tenant models carry no schema: reflect "no schema" as the tenant's schema.
    saved = connection.dialect.default_schema_name
    if schema != "shared":
        connection.dialect.default_schema_name = schema
    try:
        return _compare(connection, metadata, schema)
    finally:
        connection.dialect.default_schema_name = saved


def _compare(connection: Connection, metadata: MetaData, schema: str) -> list[Any]:
    context = MigrationContext.configure(
        connection,
        opts={
            "include_schemas": schema == "shared",
            "version_table_schema": schema,
            "include_name": lambda name, kind, _parent: (
                name in (None, schema) if kind == "schema" else name != "alembic_version"
            ),
        },
    )
    with warnings.catch_warnings():
        # Expression indexes (lower(family_name)) cannot be compared; alembic says so.
        warnings.filterwarnings("ignore", message=".*expression-based index.*")
        warnings.filterwarnings("ignore", message=".*[Ss]kipped unsupported reflection.*")
        warnings.filterwarnings("ignore", message=".*operator clause.*")
        return list(compare_metadata(context, metadata))


@pytest.mark.parametrize("kind", ["shared", "tenant"])
async def test_models_agree_with_migrations(admin_engine: AsyncEngine, kind: str) -> None:
    tree = migration_tree(kind)
    schema = "shared" if kind == "shared" else f"gmina_{GMINA_A}"
    async with admin_engine.connect() as conn:
        if kind == "tenant":
            await conn.execute(text("SELECT set_config('search_path', :s, true)"), {"s": schema})
        diff = await conn.run_sync(_differences, tree.metadata(), schema)
    assert [repr(d)[:160] for d in diff] == []


@pytest.fixture
def extended_tree(tmp_path: Path) -> MigrationTree:
    """The tenant tree plus one revision adding a column (like a real expand step)."""
    tree = migration_tree("tenant")
    shutil.copytree(tree.script_location / "versions", tmp_path / "versions")
    shutil.copy(tree.script_location / "script.py.mako", tmp_path / "script.py.mako")
    (tmp_path / "versions" / "t9999_test_column.py").write_text(
        textwrap.dedent(
            f'''
            """Test: one nullable column."""
            import sqlalchemy as sa
            from alembic import op

            revision = "t9999"
            down_revision = "{tree.head}"
            branch_labels = None
            depends_on = None


            def upgrade() -> None:
                op.add_column("resident", sa.Column("test_note", sa.String(40)))


            def downgrade() -> None:
                op.drop_column("resident", "test_note")
            '''
        )
    )
    return MigrationTree(
        name="tenant-test",
        kind="tenant",
        script_location=tmp_path,
        metadata=tree.metadata,
        grants=tree.grants,
    )


async def test_fleet_migration(platform: Platform, extended_tree: MigrationTree) -> None:
    from cus_tenants.provisioning.fleet import migrate_fleet

    engine = platform.db.admin_engine
    role = platform.settings.database.app_role
    tenants = [GMINA_A, GMINA_B, GMINA_C]
    at_head = await migrate_fleet(engine, migration_tree("tenant"), app_role=role, only=tenants)
    assert at_head.ok and at_head.skipped == 3 and at_head.migrated == []

    # Sabotage gmina B: the column already exists, so its migration must fail.
    async with engine.begin() as conn:
        await conn.execute(
            text(f'ALTER TABLE "gmina_{GMINA_B}".resident ADD COLUMN test_note text')
        )
    progress: list[tuple[str, bool]] = []
    try:
        report = await migrate_fleet(
            engine,
            extended_tree,
            app_role=role,
            only=tenants,
            concurrency=2,
            on_progress=lambda teryt, ok: progress.append((teryt, ok)),
        )
        assert not report.ok
        assert set(report.failed) == {GMINA_B}
        assert "DuplicateColumn" in report.failed[GMINA_B]
        assert sorted(m.teryt for m in report.migrated) == sorted([GMINA_A, GMINA_C])
        assert sorted(progress) == sorted([(GMINA_A, True), (GMINA_B, False), (GMINA_C, True)])
        async with engine.connect() as conn:
            revisions = dict(
                (
                    await conn.execute(
                        text(
                            "SELECT teryt, schema_revision FROM shared.gmina WHERE teryt = ANY(:t)"
                        ),
                        {"t": tenants},
                    )
                ).all()
            )
            b_version = await conn.scalar(
                text(f'SELECT version_num FROM "gmina_{GMINA_B}".alembic_version')
            )
        head = migration_tree("tenant").head
        assert revisions == {GMINA_A: "t9999", GMINA_B: head, GMINA_C: "t9999"}
        assert b_version == head  # the failed tenant rolled back whole

        # The code keeps serving tenants on both revisions (expand/contract).
        again = await migrate_fleet(engine, extended_tree, app_role=role, only=tenants)
        assert set(again.failed) == {GMINA_B} and again.skipped == 2
    finally:
        async with engine.begin() as conn:
            for teryt in tenants:
                await conn.execute(
                    text(f'ALTER TABLE "gmina_{teryt}".resident DROP COLUMN IF EXISTS test_note')
                )
                await conn.execute(
                    text(f'UPDATE "gmina_{teryt}".alembic_version SET version_num = :head'),
                    {"head": migration_tree("tenant").head},
                )
            await conn.execute(
                text("UPDATE shared.gmina SET schema_revision = :head WHERE teryt = ANY(:t)"),
                {"t": tenants, "head": migration_tree("tenant").head},
            )


async def test_tenant_grants_survive_a_migration(platform: Platform) -> None:
    """After provisioning again, the audit log is still append-only for the tenant role."""
    async with platform.db.admin_engine.connect() as conn:
        privileges = (
            (
                await conn.execute(
                    text(
                        "SELECT privilege_type FROM information_schema.role_table_grants "
                        "WHERE grantee = :r AND table_schema = :s AND table_name = 'audit_log' "
                        "ORDER BY 1"
                    ),
                    {"r": f"cus_gmina_{GMINA_A}", "s": f"gmina_{GMINA_A}"},
                )
            )
            .scalars()
            .all()
        )
    assert privileges == ["INSERT", "SELECT"]
