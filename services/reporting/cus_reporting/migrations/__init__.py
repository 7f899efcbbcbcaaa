"""Alembic tree ``reporting``: the tables of the ``reporting`` schema (owned by this service).

Migrated by the reporting service's ``prepare`` step after the platform bootstrap created the
schema; the grants give the reporting role this schema and nothing else.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import MetaData, text

from cus_shared.database.naming import OWNER_ROLE, REPORTING_SCHEMA, REPORTING_SERVICE_ROLE
from cus_shared.migrations.trees import MigrationTree, upgrade_schema_async
from cus_shared.tenancy import enter_role

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine


def _metadata() -> MetaData:
    from cus_reporting.models import ReportingBase

    return ReportingBase.metadata


REPORTING_TREE = MigrationTree(
    name="reporting",
    kind="reporting",
    script_location=Path(__file__).parent,
    metadata=_metadata,
)

GRANTS = (
    f"GRANT USAGE ON SCHEMA {REPORTING_SCHEMA} TO {REPORTING_SERVICE_ROLE}",
    f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {REPORTING_SCHEMA} "
    f"TO {REPORTING_SERVICE_ROLE}",
    f"REVOKE ALL ON {REPORTING_SCHEMA}.alembic_version FROM {REPORTING_SERVICE_ROLE}",
)


async def migrate_reporting(engine: AsyncEngine) -> str | None:
    """Bring the reporting schema to head (the schema itself comes from the bootstrap)."""
    async with engine.connect() as conn, conn.begin():
        await conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('cus.reporting'))"))
        await enter_role(conn, db_role=OWNER_ROLE, schema=REPORTING_SCHEMA)
        _, after = await upgrade_schema_async(conn, REPORTING_TREE, REPORTING_SCHEMA)
        for sql in GRANTS:
            await conn.execute(text(sql))
    return after
