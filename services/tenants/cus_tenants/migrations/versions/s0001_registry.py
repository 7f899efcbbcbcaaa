"""Registry of gminy and agreements, users and memberships, the tenant directory view.

Revision ID: s0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "s0001"
down_revision = None
branch_labels = None
depends_on = None

SCHEMA = "shared"


def upgrade() -> None:
    op.create_table(
        "gmina",
        sa.Column("teryt", sa.String(7), primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("schema_revision", sa.String(64)),
        sa.Column("suspended_at", sa.DateTime(timezone=True)),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint(r"teryt ~ '^\d{7}$'", name="ck_gmina_teryt_format"),
        sa.CheckConstraint(
            "status IN ('provisioning', 'active', 'suspended')", name="ck_gmina_status_known"
        ),
        sa.PrimaryKeyConstraint("teryt", name="pk_gmina"),
        schema=SCHEMA,
    )
    op.create_table(
        "agreement",
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("lead_teryt", sa.String(7), nullable=False),
        sa.Column("signed_on", sa.Date),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name="pk_agreement"),
        sa.ForeignKeyConstraint(
            ["lead_teryt"], ["shared.gmina.teryt"], name="fk_agreement_lead_teryt_gmina"
        ),
        schema=SCHEMA,
    )
    op.create_table(
        "agreement_member",
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("agreement_id", sa.Uuid, nullable=False),
        sa.Column("teryt", sa.String(7), nullable=False),
        sa.Column("joined_on", sa.Date, nullable=False),
        sa.Column("left_on", sa.Date),
        sa.PrimaryKeyConstraint("id", name="pk_agreement_member"),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["shared.agreement.id"],
            ondelete="CASCADE",
            name="fk_agreement_member_agreement_id_agreement",
        ),
        sa.ForeignKeyConstraint(
            ["teryt"], ["shared.gmina.teryt"], name="fk_agreement_member_teryt_gmina"
        ),
        sa.CheckConstraint(
            "left_on IS NULL OR left_on >= joined_on", name="ck_agreement_member_period_order"
        ),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_agreement_member_agreement_id", "agreement_member", ["agreement_id"], schema=SCHEMA
    )
    op.create_index("ix_agreement_member_teryt", "agreement_member", ["teryt"], schema=SCHEMA)
    op.create_table(
        "app_user",
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("is_active", sa.Boolean, nullable=False),
        sa.Column("totp_secret", sa.String(64)),
        sa.Column("last_login_at", sa.DateTime(timezone=True)),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name="pk_app_user"),
        schema=SCHEMA,
    )
    op.create_index(
        "uq_app_user_email_lower", "app_user", [sa.text("lower(email)")], unique=True, schema=SCHEMA
    )
    op.create_table(
        "membership",
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("user_id", sa.Uuid, nullable=False),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("scope_id", sa.String(64), nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column(
            "granted_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name="pk_membership"),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["shared.app_user.id"],
            ondelete="CASCADE",
            name="fk_membership_user_id_app_user",
        ),
        sa.UniqueConstraint(
            "user_id", "scope", "scope_id", "role", name="uq_membership_user_id_scope_scope_id_role"
        ),
        sa.CheckConstraint(
            "scope IN ('gmina', 'agreement', 'partner', 'region', 'platform')",
            name="ck_membership_scope_known",
        ),
        schema=SCHEMA,
    )
    op.create_index("ix_membership_user_id", "membership", ["user_id"], schema=SCHEMA)
    # The contract other services read: which gminy exist and in what state. Nothing personal.
    op.execute(
        "CREATE VIEW shared.tenant_directory AS "
        "SELECT teryt, status, schema_revision FROM shared.gmina"
    )


def downgrade() -> None:
    op.execute("DROP VIEW shared.tenant_directory")
    op.drop_table("membership", schema=SCHEMA)
    op.drop_table("app_user", schema=SCHEMA)
    op.drop_table("agreement_member", schema=SCHEMA)
    op.drop_table("agreement", schema=SCHEMA)
    op.drop_table("gmina", schema=SCHEMA)
