"""Snapshots of indicators: the gmina directory copy, each gmina's and each agreement's
figures per quarter, and the job's runs.

Revision ID: r0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "r0001"
down_revision = None
branch_labels = None
depends_on = None

SCHEMA = "reporting"


def upgrade() -> None:
    op.create_table(
        "gmina",
        sa.Column("teryt", sa.String(7), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("voivodeship", sa.String(2), nullable=False),
        sa.Column("agreement_id", sa.Uuid(), nullable=True),
        sa.Column("agreement_name", sa.String(300), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column(
            "copied_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("teryt", name="pk_gmina"),
        schema=SCHEMA,
    )
    op.create_index("ix_gmina_voivodeship", "gmina", ["voivodeship"], schema=SCHEMA)
    op.create_index("ix_gmina_agreement_id", "gmina", ["agreement_id"], schema=SCHEMA)
    op.create_table(
        "snapshot",
        sa.Column("teryt", sa.String(7), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("quarter", sa.SmallInteger(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("run_id", sa.Uuid(), nullable=True),
        sa.Column("figures", sa.Integer(), nullable=False),
        sa.Column("milliseconds", sa.Integer(), nullable=False),
        sa.CheckConstraint("quarter BETWEEN 1 AND 4", name="ck_snapshot_quarter"),
        sa.PrimaryKeyConstraint("teryt", "year", "quarter", name="pk_snapshot"),
        schema=SCHEMA,
    )
    op.create_table(
        "figure",
        sa.Column("teryt", sa.String(7), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("quarter", sa.SmallInteger(), nullable=False),
        sa.Column("indicator", sa.String(40), nullable=False),
        sa.Column("breakdown", sa.String(20), nullable=False),
        sa.Column("member", sa.String(40), nullable=False),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("value", sa.Numeric(18, 2), nullable=False),
        sa.Column("denominator", sa.Numeric(18, 2), nullable=True),
        sa.Column("histogram", postgresql.JSONB(), nullable=True),
        sa.ForeignKeyConstraint(
            ["teryt", "year", "quarter"],
            ["reporting.snapshot.teryt", "reporting.snapshot.year", "reporting.snapshot.quarter"],
            name="fk_figure_snapshot",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "teryt",
            "year",
            "quarter",
            "indicator",
            "breakdown",
            "member",
            "category",
            name="pk_figure",
        ),
        schema=SCHEMA,
    )
    op.create_table(
        "agreement_snapshot",
        sa.Column("agreement_id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("quarter", sa.SmallInteger(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("run_id", sa.Uuid(), nullable=True),
        sa.CheckConstraint("quarter BETWEEN 1 AND 4", name="ck_agreement_snapshot_quarter"),
        sa.PrimaryKeyConstraint("agreement_id", "year", "quarter", name="pk_agreement_snapshot"),
        schema=SCHEMA,
    )
    op.create_table(
        "agreement_figure",
        sa.Column("agreement_id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("quarter", sa.SmallInteger(), nullable=False),
        sa.Column("indicator", sa.String(40), nullable=False),
        sa.Column("breakdown", sa.String(20), nullable=False),
        sa.Column("member", sa.String(40), nullable=False),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("value", sa.Numeric(18, 2), nullable=False),
        sa.Column("denominator", sa.Numeric(18, 2), nullable=True),
        sa.ForeignKeyConstraint(
            ["agreement_id", "year", "quarter"],
            [
                "reporting.agreement_snapshot.agreement_id",
                "reporting.agreement_snapshot.year",
                "reporting.agreement_snapshot.quarter",
            ],
            name="fk_agreement_figure_snapshot",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "agreement_id",
            "year",
            "quarter",
            "indicator",
            "breakdown",
            "member",
            "category",
            name="pk_agreement_figure",
        ),
        schema=SCHEMA,
    )
    op.create_table(
        "refresh_run",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("quarter", sa.SmallInteger(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("failures", postgresql.JSONB(), nullable=False),
        sa.Column("concurrency", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('running', 'finished', 'failed')", name="ck_refresh_run_status"
        ),
        sa.CheckConstraint("quarter BETWEEN 1 AND 4", name="ck_refresh_run_quarter"),
        sa.PrimaryKeyConstraint("id", name="pk_refresh_run"),
        schema=SCHEMA,
    )
    op.create_index("ix_refresh_run_started_at", "refresh_run", ["started_at"], schema=SCHEMA)


def downgrade() -> None:
    for table in ("refresh_run", "agreement_figure", "agreement_snapshot", "figure", "snapshot"):
        op.drop_table(table, schema=SCHEMA)
    op.drop_table("gmina", schema=SCHEMA)
