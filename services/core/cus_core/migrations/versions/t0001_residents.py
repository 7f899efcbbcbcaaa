"""Resident register, households, append-only audit log.

Revision ID: t0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "t0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "household",
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_household"),
    )
    op.create_table(
        "resident",
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("given_name", sa.String(100), nullable=False),
        sa.Column("family_name", sa.String(100), nullable=False),
        sa.Column("pesel", sa.String(11)),
        sa.Column("birth_date", sa.Date, nullable=False),
        sa.Column("sex", sa.String(1)),
        sa.Column("street", sa.String(120)),
        sa.Column("building_no", sa.String(10)),
        sa.Column("apartment_no", sa.String(10)),
        sa.Column("postal_code", sa.String(6)),
        sa.Column("city", sa.String(80)),
        sa.Column("preferred_language", sa.String(5), nullable=False),
        sa.Column("household_id", sa.Uuid),
        sa.Column("household_role", sa.String(20)),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_resident"),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["household.id"],
            ondelete="SET NULL",
            name="fk_resident_household_id_household",
        ),
        sa.CheckConstraint(r"pesel IS NULL OR pesel ~ '^\d{11}$'", name="ck_resident_pesel_format"),
        sa.CheckConstraint("sex IS NULL OR sex IN ('F', 'M')", name="ck_resident_sex_known"),
    )
    op.create_index(
        "uq_resident_pesel",
        "resident",
        ["pesel"],
        unique=True,
        postgresql_where=sa.text("pesel IS NOT NULL"),
    )
    op.create_index("ix_resident_family_name_given_name", "resident", ["family_name", "given_name"])
    op.create_index(
        "ix_resident_search_name", "resident", [sa.text("lower(family_name) text_pattern_ops")]
    )
    op.create_index("ix_resident_household_id", "resident", ["household_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), nullable=False),
        sa.Column(
            "occurred_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("actor_id", sa.Uuid, nullable=False),
        sa.Column("actor_roles", sa.String(200), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("entity", sa.String(40), nullable=False),
        sa.Column("entity_id", sa.Uuid),
        sa.Column("request_id", sa.String(64), nullable=False),
        sa.Column("details", postgresql.JSONB),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_entity_id_occurred_at", "audit_log", ["entity_id", "occurred_at"])


def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_table("resident")
    op.drop_table("household")
