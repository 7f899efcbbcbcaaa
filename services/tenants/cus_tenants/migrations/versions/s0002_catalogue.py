"""Shared catalogue of an agreement (14 areas, versioned services), programmes of social
services (PUS) per gmina, the partner registry, contracts and budgets.

Revision ID: s0002
Revises: s0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cus_tenants.catalogue.vocabulary import AREAS

revision = "s0002"
down_revision = "s0001"
branch_labels = None
depends_on = None

SCHEMA = "shared"


def upgrade() -> None:
    op.create_table(
        "catalogue_area",
        sa.Column("code", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("name_pl", sa.String(length=80), nullable=False),
        sa.Column("name_en", sa.String(length=80), nullable=False),
        sa.Column("name_uk", sa.String(length=80), nullable=False),
        sa.CheckConstraint("code BETWEEN 1 AND 14", name=op.f("ck_catalogue_area_closed_list")),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_catalogue_area")),
        schema=SCHEMA,
    )
    op.create_table(
        "programme",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("teryt", sa.String(length=7), nullable=False),
        sa.Column("title", sa.String(length=250), nullable=False),
        sa.Column("resolution_number", sa.String(length=60), nullable=False),
        sa.Column("resolution_date", sa.Date(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("diagnosis_date", sa.Date(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("period_end >= period_start", name=op.f("ck_programme_period_order")),
        sa.ForeignKeyConstraint(
            ["teryt"], ["shared.gmina.teryt"], name=op.f("fk_programme_teryt_gmina")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme")),
        schema=SCHEMA,
    )
    op.create_index(op.f("ix_programme_teryt"), "programme", ["teryt"], unique=False, schema=SCHEMA)
    op.create_table(
        "budget",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("programme_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=250), nullable=False),
        sa.Column("period_kind", sa.String(length=8), nullable=False),
        sa.Column("project_value_grosze", sa.BigInteger(), nullable=True),
        sa.Column("direct_costs_grosze", sa.BigInteger(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "period_kind IN ('year', 'stage')", name=op.f("ck_budget_period_kind_known")
        ),
        sa.CheckConstraint(
            "direct_costs_grosze >= 0", name=op.f("ck_budget_direct_costs_not_negative")
        ),
        sa.CheckConstraint(
            "project_value_grosze >= 0", name=op.f("ck_budget_project_value_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["shared.programme.id"],
            name=op.f("fk_budget_programme_id_programme"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget")),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_budget_programme_id"), "budget", ["programme_id"], unique=False, schema=SCHEMA
    )
    op.create_table(
        "catalogue_service",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("agreement_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["shared.agreement.id"],
            name=op.f("fk_catalogue_service_agreement_id_agreement"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalogue_service")),
        sa.UniqueConstraint(
            "agreement_id", "code", name=op.f("uq_catalogue_service_agreement_id_code")
        ),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_catalogue_service_agreement_id"),
        "catalogue_service",
        ["agreement_id"],
        unique=False,
        schema=SCHEMA,
    )
    op.create_table(
        "partner",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("agreement_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=250), nullable=False),
        sa.Column("category", sa.String(length=24), nullable=False),
        sa.Column("nip", sa.String(length=10), nullable=True),
        sa.Column("regon", sa.String(length=14), nullable=True),
        sa.Column("krs", sa.String(length=10), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("areas", sa.ARRAY(sa.SmallInteger()), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "category IN ('ngo', 'social_economy', 'business', 'public_unit', 'medical_entity')",
            name=op.f("ck_partner_category_known"),
        ),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["shared.agreement.id"],
            name=op.f("fk_partner_agreement_id_agreement"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner")),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_partner_agreement_id"), "partner", ["agreement_id"], unique=False, schema=SCHEMA
    )
    op.create_index(
        "uq_partner_agreement_id_nip",
        "partner",
        ["agreement_id", "nip"],
        unique=True,
        schema=SCHEMA,
        postgresql_where=sa.text("nip IS NOT NULL"),
    )
    op.create_table(
        "budget_period",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("budget_id", sa.Uuid(), nullable=False),
        sa.Column("ordinal", sa.SmallInteger(), nullable=False),
        sa.Column("label", sa.String(length=60), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_budget_period_period_order")),
        sa.ForeignKeyConstraint(
            ["budget_id"],
            ["shared.budget.id"],
            name=op.f("fk_budget_period_budget_id_budget"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_period")),
        sa.UniqueConstraint(
            "budget_id", "ordinal", name=op.f("uq_budget_period_budget_id_ordinal")
        ),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_budget_period_budget_id"),
        "budget_period",
        ["budget_id"],
        unique=False,
        schema=SCHEMA,
    )
    op.create_table(
        "budget_service",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("budget_id", sa.Uuid(), nullable=False),
        sa.Column("service_id", sa.Uuid(), nullable=False),
        sa.Column("ordinal", sa.SmallInteger(), nullable=False),
        sa.Column("contracted_social_grosze", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "contracted_social_grosze >= 0", name=op.f("ck_budget_service_contracted_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["budget_id"],
            ["shared.budget.id"],
            name=op.f("fk_budget_service_budget_id_budget"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["shared.catalogue_service.id"],
            name=op.f("fk_budget_service_service_id_catalogue_service"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_service")),
        sa.UniqueConstraint(
            "budget_id", "ordinal", name=op.f("uq_budget_service_budget_id_ordinal")
        ),
        sa.UniqueConstraint(
            "budget_id", "service_id", name=op.f("uq_budget_service_budget_id_service_id")
        ),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_budget_service_budget_id"),
        "budget_service",
        ["budget_id"],
        unique=False,
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_budget_service_service_id"),
        "budget_service",
        ["service_id"],
        unique=False,
        schema=SCHEMA,
    )
    op.create_table(
        "contract",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("agreement_id", sa.Uuid(), nullable=False),
        sa.Column("partner_id", sa.Uuid(), nullable=True),
        sa.Column("number", sa.String(length=60), nullable=False),
        sa.Column("mode", sa.String(length=32), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("value_grosze", sa.BigInteger(), nullable=False),
        sa.Column("capacity", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("capacity_unit", sa.String(length=20), nullable=False),
        sa.Column("minimum_standard", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "capacity_unit IN ('hours_per_month', 'sessions_per_month', 'places_per_month',"
            " 'items_per_month')",
            name=op.f("ck_contract_capacity_unit_known"),
        ),
        sa.CheckConstraint("capacity >= 0", name=op.f("ck_contract_capacity_not_negative")),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_contract_period_order")),
        sa.CheckConstraint("value_grosze >= 0", name=op.f("ck_contract_value_not_negative")),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["shared.agreement.id"],
            name=op.f("fk_contract_agreement_id_agreement"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["shared.partner.id"], name=op.f("fk_contract_partner_id_partner")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract")),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_contract_agreement_id"), "contract", ["agreement_id"], unique=False, schema=SCHEMA
    )
    op.create_index(
        op.f("ix_contract_partner_id"), "contract", ["partner_id"], unique=False, schema=SCHEMA
    )
    op.create_table(
        "partner_contact",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("partner_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.String(length=120), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=30), nullable=True),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["shared.partner.id"],
            name=op.f("fk_partner_contact_partner_id_partner"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_contact")),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_partner_contact_partner_id"),
        "partner_contact",
        ["partner_id"],
        unique=False,
        schema=SCHEMA,
    )
    op.create_table(
        "partner_document",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("partner_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["shared.partner.id"],
            name=op.f("fk_partner_document_partner_id_partner"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_document")),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_partner_document_partner_id"),
        "partner_document",
        ["partner_id"],
        unique=False,
        schema=SCHEMA,
    )
    op.create_table(
        "partner_gmina",
        sa.Column("partner_id", sa.Uuid(), nullable=False),
        sa.Column("teryt", sa.String(length=7), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["shared.partner.id"],
            name=op.f("fk_partner_gmina_partner_id_partner"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["teryt"], ["shared.gmina.teryt"], name=op.f("fk_partner_gmina_teryt_gmina")
        ),
        sa.PrimaryKeyConstraint("partner_id", "teryt", name=op.f("pk_partner_gmina")),
        schema=SCHEMA,
    )
    op.create_table(
        "partner_service",
        sa.Column("partner_id", sa.Uuid(), nullable=False),
        sa.Column("service_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["shared.partner.id"],
            name=op.f("fk_partner_service_partner_id_partner"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["shared.catalogue_service.id"],
            name=op.f("fk_partner_service_service_id_catalogue_service"),
        ),
        sa.PrimaryKeyConstraint("partner_id", "service_id", name=op.f("pk_partner_service")),
        schema=SCHEMA,
    )
    op.create_table(
        "service_version",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("service_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("area_code", sa.SmallInteger(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=True),
        sa.Column("name_uk", sa.String(length=200), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("description_en", sa.Text(), nullable=True),
        sa.Column("description_uk", sa.Text(), nullable=True),
        sa.Column("target_group", sa.Text(), nullable=False),
        sa.Column("eligibility", sa.Text(), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("delivery_modes", sa.ARRAY(sa.String(length=32)), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.CheckConstraint(
            "unit IN ('hour', 'session', 'place_day', 'item')",
            name=op.f("ck_service_version_unit_known"),
        ),
        sa.CheckConstraint(
            "cardinality(delivery_modes) >= 1", name=op.f("ck_service_version_some_delivery_mode")
        ),
        sa.CheckConstraint("version >= 1", name=op.f("ck_service_version_version_positive")),
        sa.ForeignKeyConstraint(
            ["area_code"],
            ["shared.catalogue_area.code"],
            name=op.f("fk_service_version_area_code_catalogue_area"),
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["shared.catalogue_service.id"],
            name=op.f("fk_service_version_service_id_catalogue_service"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_version")),
        sa.UniqueConstraint(
            "service_id", "version", name=op.f("uq_service_version_service_id_version")
        ),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_service_version_service_id"),
        "service_version",
        ["service_id"],
        unique=False,
        schema=SCHEMA,
    )
    op.create_table(
        "budget_line",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("budget_service_id", sa.Uuid(), nullable=False),
        sa.Column("period_id", sa.Uuid(), nullable=False),
        sa.Column("funding_source", sa.String(length=16), nullable=False),
        sa.Column("planned_grosze", sa.BigInteger(), nullable=False),
        sa.Column("executed_grosze", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "funding_source IN ('eu_project', 'gmina', 'state_budget', 'co_payment')",
            name=op.f("ck_budget_line_funding_source_known"),
        ),
        sa.CheckConstraint(
            "executed_grosze >= 0", name=op.f("ck_budget_line_executed_not_negative")
        ),
        sa.CheckConstraint("planned_grosze >= 0", name=op.f("ck_budget_line_planned_not_negative")),
        sa.ForeignKeyConstraint(
            ["budget_service_id"],
            ["shared.budget_service.id"],
            name=op.f("fk_budget_line_budget_service_id_budget_service"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["shared.budget_period.id"],
            name=op.f("fk_budget_line_period_id_budget_period"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_line")),
        sa.UniqueConstraint(
            "budget_service_id",
            "period_id",
            "funding_source",
            name=op.f("uq_budget_line_budget_service_id_period_id_funding_source"),
        ),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_budget_line_budget_service_id"),
        "budget_line",
        ["budget_service_id"],
        unique=False,
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_budget_line_period_id"), "budget_line", ["period_id"], unique=False, schema=SCHEMA
    )
    op.create_table(
        "contract_gmina",
        sa.Column("contract_id", sa.Uuid(), nullable=False),
        sa.Column("teryt", sa.String(length=7), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["shared.contract.id"],
            name=op.f("fk_contract_gmina_contract_id_contract"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["teryt"], ["shared.gmina.teryt"], name=op.f("fk_contract_gmina_teryt_gmina")
        ),
        sa.PrimaryKeyConstraint("contract_id", "teryt", name=op.f("pk_contract_gmina")),
        schema=SCHEMA,
    )
    op.create_table(
        "contract_service",
        sa.Column("contract_id", sa.Uuid(), nullable=False),
        sa.Column("service_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["shared.contract.id"],
            name=op.f("fk_contract_service_contract_id_contract"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["shared.catalogue_service.id"],
            name=op.f("fk_contract_service_service_id_catalogue_service"),
        ),
        sa.PrimaryKeyConstraint("contract_id", "service_id", name=op.f("pk_contract_service")),
        schema=SCHEMA,
    )
    op.create_table(
        "programme_service",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("programme_id", sa.Uuid(), nullable=False),
        sa.Column("service_version_id", sa.Uuid(), nullable=False),
        sa.Column("conditions", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["shared.programme.id"],
            name=op.f("fk_programme_service_programme_id_programme"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_version_id"],
            ["shared.service_version.id"],
            name=op.f("fk_programme_service_service_version_id_service_version"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_service")),
        sa.UniqueConstraint(
            "programme_id",
            "service_version_id",
            name=op.f("uq_programme_service_programme_id_service_version_id"),
        ),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_programme_service_programme_id"),
        "programme_service",
        ["programme_id"],
        unique=False,
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_programme_service_service_version_id"),
        "programme_service",
        ["service_version_id"],
        unique=False,
        schema=SCHEMA,
    )
    op.create_table(
        "programme_estimate",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("programme_service_id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "recipients >= 0", name=op.f("ck_programme_estimate_recipients_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["programme_service_id"],
            ["shared.programme_service.id"],
            name=op.f("fk_programme_estimate_programme_service_id_programme_service"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_estimate")),
        sa.UniqueConstraint(
            "programme_service_id",
            "year",
            name=op.f("uq_programme_estimate_programme_service_id_year"),
        ),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_programme_estimate_programme_service_id"),
        "programme_estimate",
        ["programme_service_id"],
        unique=False,
        schema=SCHEMA,
    )
    op.create_table(
        "programme_indicator",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("programme_service_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=40), nullable=False),
        sa.Column("target", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["programme_service_id"],
            ["shared.programme_service.id"],
            name=op.f("fk_programme_indicator_programme_service_id_programme_service"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_indicator")),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_programme_indicator_programme_service_id"),
        "programme_indicator",
        ["programme_service_id"],
        unique=False,
        schema=SCHEMA,
    )
    # The closed list of areas is reference data: written here, never by the application.
    areas = sa.table(
        "catalogue_area",
        sa.column("code", sa.SmallInteger),
        sa.column("name_pl", sa.String),
        sa.column("name_en", sa.String),
        sa.column("name_uk", sa.String),
        schema=SCHEMA,
    )
    op.bulk_insert(
        areas,
        [
            {"code": a.code, "name_pl": a.name_pl, "name_en": a.name_en, "name_uk": a.name_uk}
            for a in AREAS
        ],
    )


def downgrade() -> None:
    op.drop_table("programme_indicator", schema=SCHEMA)
    op.drop_table("programme_estimate", schema=SCHEMA)
    op.drop_table("programme_service", schema=SCHEMA)
    op.drop_table("contract_service", schema=SCHEMA)
    op.drop_table("contract_gmina", schema=SCHEMA)
    op.drop_table("budget_line", schema=SCHEMA)
    op.drop_table("service_version", schema=SCHEMA)
    op.drop_table("partner_service", schema=SCHEMA)
    op.drop_table("partner_gmina", schema=SCHEMA)
    op.drop_table("partner_document", schema=SCHEMA)
    op.drop_table("partner_contact", schema=SCHEMA)
    op.drop_table("contract", schema=SCHEMA)
    op.drop_table("budget_service", schema=SCHEMA)
    op.drop_table("budget_period", schema=SCHEMA)
    op.drop_table("partner", schema=SCHEMA)
    op.drop_table("catalogue_service", schema=SCHEMA)
    op.drop_table("budget", schema=SCHEMA)
    op.drop_table("programme", schema=SCHEMA)
    op.drop_table("catalogue_area", schema=SCHEMA)
