"""What a gmina's tenant role may read of the agreement's data, and the contracts' load.

Core works with residents under each gmina's own role, which can read nothing in ``shared``
but these views. Each view keeps only the rows of the gmina whose role runs the query
(``shared.tenant_teryt()`` reads it from ``current_user``), so a tenant role sees its own
programme and the contracts covering it, never another gmina's.

A contract's monthly capacity is shared by every gmina it covers, while each gmina's
referrals live in its own schema. ``contract_load`` holds, per contract, gmina and month,
only the planned and delivered volume (no person): row-level security lets a tenant role
see and write its own gmina's rows only, and ``contract_load_total`` (security definer)
gives it the sum over all gminy, which is all it needs to keep within capacity.

Revision ID: s0003
Revises: s0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "s0003"
down_revision = "s0002"
branch_labels = None
depends_on = None

SCHEMA = "shared"


def upgrade() -> None:
    op.execute(
        """
        CREATE FUNCTION shared.tenant_teryt() RETURNS text
        LANGUAGE sql STABLE PARALLEL SAFE
        AS $$ SELECT substring(current_user FROM '^cus_gmina_([0-9]{7})$') $$
        """
    )
    op.execute(
        """
        CREATE VIEW shared.gmina_service_offer WITH (security_barrier) AS
        SELECT p.id AS programme_id, p.period_start, p.period_end,
               ps.id AS programme_service_id, ps.conditions,
               v.service_id, v.id AS service_version_id, v.version, s.code, v.area_code,
               v.name, v.name_en, v.name_uk, v.unit, v.delivery_modes
        FROM shared.programme p
        JOIN shared.programme_service ps ON ps.programme_id = p.id
        JOIN shared.service_version v ON v.id = ps.service_version_id
        JOIN shared.catalogue_service s ON s.id = v.service_id
        WHERE p.teryt = shared.tenant_teryt()
        """
    )
    op.execute(
        """
        CREATE VIEW shared.gmina_contract_offer WITH (security_barrier) AS
        SELECT c.id AS contract_id, c.number, c.mode, c.partner_id,
               pa.name AS partner_name, pa.category AS partner_category,
               c.starts_on, c.ends_on, c.capacity, c.capacity_unit, cs.service_id
        FROM shared.contract c
        JOIN shared.contract_gmina cg ON cg.contract_id = c.id
        JOIN shared.contract_service cs ON cs.contract_id = c.id
        LEFT JOIN shared.partner pa ON pa.id = c.partner_id
        WHERE cg.teryt = shared.tenant_teryt()
        """
    )
    op.create_table(
        "contract_load",
        sa.Column("contract_id", sa.Uuid(), nullable=False),
        sa.Column("teryt", sa.String(length=7), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("planned", sa.Numeric(12, 2), nullable=False, server_default="0"),
        sa.Column("delivered", sa.Numeric(12, 2), nullable=False, server_default="0"),
        sa.CheckConstraint("extract(day FROM month) = 1", name=op.f("ck_contract_load_month")),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["shared.contract.id"],
            name=op.f("fk_contract_load_contract_id_contract"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("contract_id", "teryt", "month", name=op.f("pk_contract_load")),
        schema=SCHEMA,
    )
    op.execute("ALTER TABLE shared.contract_load ENABLE ROW LEVEL SECURITY")
    op.execute(
        """
        CREATE POLICY own_gmina ON shared.contract_load
        USING (teryt = shared.tenant_teryt()) WITH CHECK (teryt = shared.tenant_teryt())
        """
    )
    op.execute(
        """
        CREATE FUNCTION shared.contract_load_total(contract uuid, for_month date)
        RETURNS numeric LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
        AS $$
            SELECT coalesce(sum(planned), 0) FROM shared.contract_load
            WHERE contract_id = contract AND month = for_month
        $$
        """
    )
    op.execute("REVOKE ALL ON FUNCTION shared.contract_load_total(uuid, date) FROM PUBLIC")


def downgrade() -> None:
    op.execute("DROP FUNCTION shared.contract_load_total(uuid, date)")
    op.drop_table("contract_load", schema=SCHEMA)
    op.execute("DROP VIEW shared.gmina_contract_offer")
    op.execute("DROP VIEW shared.gmina_service_offer")
    op.execute("DROP FUNCTION shared.tenant_teryt()")
