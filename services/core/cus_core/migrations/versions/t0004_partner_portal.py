"""The partner portal: problems in delivery reported to the CUS, and partners' quarterly
reports. Expand-only.

Revision ID: t0004
Revises: t0003
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "t0004"
down_revision = "t0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "partner_report",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("partner_id", sa.Uuid(), nullable=False),
        sa.Column("contract_id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("quarter", sa.SmallInteger(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("figures", postgresql.JSONB(), nullable=False),
        sa.Column("narrative", sa.Text(), nullable=True),
        sa.Column("problems", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_by", sa.Uuid(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Uuid(), nullable=True),
        sa.Column("return_reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "status <> 'returned' OR length(trim(return_reason)) > 0",
            name=op.f("ck_partner_report_return_has_reason"),
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'submitted', 'accepted', 'returned')",
            name=op.f("ck_partner_report_status_known"),
        ),
        sa.CheckConstraint("quarter BETWEEN 1 AND 4", name=op.f("ck_partner_report_quarter_known")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_report")),
        sa.UniqueConstraint(
            "partner_id",
            "contract_id",
            "year",
            "quarter",
            name=op.f("uq_partner_report_partner_id_contract_id_year_quarter"),
        ),
    )
    op.create_index(
        "ix_partner_report_status_due_on", "partner_report", ["status", "due_on"], unique=False
    )
    op.create_table(
        "delivery_problem",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("referral_id", sa.Uuid(), nullable=False),
        sa.Column("partner_id", sa.Uuid(), nullable=False),
        sa.Column("category", sa.String(length=10), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("reported_by", sa.Uuid(), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_by", sa.Uuid(), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("response", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "category IN ('absence', 'health', 'safety', 'refusal', 'other')",
            name=op.f("ck_delivery_problem_category_known"),
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referral.id"],
            name=op.f("fk_delivery_problem_referral_id_referral"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_problem")),
    )
    op.create_index(
        "ix_delivery_problem_open",
        "delivery_problem",
        ["reported_at"],
        unique=False,
        postgresql_where=sa.text("acknowledged_at IS NULL"),
    )
    op.create_index(
        "ix_delivery_problem_referral_id", "delivery_problem", ["referral_id"], unique=False
    )


def downgrade() -> None:
    op.drop_table("delivery_problem")
    op.drop_table("partner_report")
