"""A gmina can be archived: it left its agreement, its data was backed up and removed from
service (``cus tenants archive``). Its registry row stays, so agreements it led and
history that names it keep their meaning, and its backup can be restored later.

Revision ID: s0005
Revises: s0004
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "s0005"
down_revision = "s0004"
branch_labels = None
depends_on = None

SCHEMA = "shared"


# s0001 named its constraint through the naming convention twice; names are given exactly
# here (op.f) so that both directions find what the other made.
OLD_NAME = "ck_gmina_ck_gmina_status_known"
NEW_NAME = "ck_gmina_status_known"


def upgrade() -> None:
    op.drop_constraint(op.f(OLD_NAME), "gmina", schema=SCHEMA, type_="check")
    op.create_check_constraint(
        op.f(NEW_NAME),
        "gmina",
        "status IN ('provisioning', 'active', 'suspended', 'archived')",
        schema=SCHEMA,
    )


def downgrade() -> None:
    # Fails while archived gminy are registered: they have no schema and no status of the
    # old list fits them (restore them first, or keep this revision).
    op.drop_constraint(op.f(NEW_NAME), "gmina", schema=SCHEMA, type_="check")
    op.create_check_constraint(
        op.f(OLD_NAME),
        "gmina",
        "status IN ('provisioning', 'active', 'suspended')",
        schema=SCHEMA,
    )
