"""Indexes for the desk's panels: a person's recent accesses, and accesses of the last days.

Expand-only: code of both revisions runs against either schema.

Revision ID: t0002
Revises: t0001
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "t0002"
down_revision = "t0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_audit_log_actor_id_occurred_at", "audit_log", ["actor_id", "occurred_at"])
    op.create_index("ix_audit_log_occurred_at", "audit_log", ["occurred_at"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_occurred_at", table_name="audit_log")
    op.drop_index("ix_audit_log_actor_id_occurred_at", table_name="audit_log")
