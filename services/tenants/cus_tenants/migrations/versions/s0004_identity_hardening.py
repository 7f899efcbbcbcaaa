"""Identity hardening: second factor (TOTP, recovery codes), login throttling, ended
sessions every service reads, and the audit of authentication.

``session_revocation`` is read and ``auth_event`` written by the app login role in every
service (grants in cus_tenants.provisioning.bootstrap.shared_grants); nothing here holds a
resident's data.

Revision ID: s0004
Revises: s0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "s0004"
down_revision = "s0003"
branch_labels = None
depends_on = None

SCHEMA = "shared"


def upgrade() -> None:
    op.alter_column(
        "app_user", "totp_secret", type_=sa.String(200), existing_nullable=True, schema=SCHEMA
    )
    op.add_column(
        "app_user",
        sa.Column("totp_confirmed_at", sa.DateTime(timezone=True), nullable=True),
        schema=SCHEMA,
    )
    op.add_column(
        "app_user", sa.Column("totp_last_step", sa.BigInteger(), nullable=True), schema=SCHEMA
    )
    op.create_table(
        "recovery_code",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("code_hash", sa.String(200), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            [f"{SCHEMA}.app_user.id"],
            name="fk_recovery_code_user_id_app_user",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_recovery_code"),
        schema=SCHEMA,
    )
    op.create_index("ix_recovery_code_user_id", "recovery_code", ["user_id"], schema=SCHEMA)
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(80), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key", name="pk_login_throttle"),
        schema=SCHEMA,
    )
    op.create_table(
        "session_revocation",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("session_id", sa.String(64), nullable=True),
        sa.Column("revoked_before", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_session_revocation"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_session_revocation_expires_at", "session_revocation", ["expires_at"], schema=SCHEMA
    )
    op.create_table(
        "auth_event",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "occurred_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("email_hash", sa.String(64), nullable=True),
        sa.Column("address", sa.String(64), nullable=True),
        sa.Column("route", sa.String(200), nullable=True),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_auth_event"),
        schema=SCHEMA,
    )
    op.create_index("ix_auth_event_occurred_at", "auth_event", ["occurred_at"], schema=SCHEMA)


def downgrade() -> None:
    op.drop_table("auth_event", schema=SCHEMA)
    op.drop_table("session_revocation", schema=SCHEMA)
    op.drop_table("login_throttle", schema=SCHEMA)
    op.drop_table("recovery_code", schema=SCHEMA)
    op.drop_column("app_user", "totp_last_step", schema=SCHEMA)
    op.drop_column("app_user", "totp_confirmed_at", schema=SCHEMA)
    op.alter_column(
        "app_user", "totp_secret", type_=sa.String(64), existing_nullable=True, schema=SCHEMA
    )
