"""Alembic tree ``shared``: the tables of the shared schema (owned by this service)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import MetaData

from cus_shared.migrations.trees import MigrationTree


def _metadata() -> MetaData:
    from cus_tenants.models import SharedBase

    return SharedBase.metadata


SHARED_TREE = MigrationTree(
    name="shared",
    kind="shared",
    script_location=Path(__file__).parent,
    metadata=_metadata,
)
