"""The views of ``shared`` a gmina's role may read (shared migration s0003). They keep only
the rows of the gmina whose role runs the query; core never reads the agreement's tables."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    Integer,
    MetaData,
    Numeric,
    SmallInteger,
    String,
    Table,
    Text,
    Uuid,
)
from sqlalchemy.dialects.postgresql import ARRAY

#: Not part of the tenant tree: these belong to the tenants service's shared schema.
shared = MetaData(schema="shared")

service_offer = Table(
    "gmina_service_offer",
    shared,
    Column("programme_id", Uuid),
    Column("period_start", Date),
    Column("period_end", Date),
    Column("programme_service_id", Uuid),
    Column("conditions", Text),
    Column("service_id", Uuid),
    Column("service_version_id", Uuid),
    Column("version", Integer),
    Column("code", String),
    Column("area_code", SmallInteger),
    Column("name", String),
    Column("name_en", String),
    Column("name_uk", String),
    Column("unit", String),
    Column("delivery_modes", ARRAY(String)),
)

contract_offer = Table(
    "gmina_contract_offer",
    shared,
    Column("contract_id", Uuid),
    Column("number", String),
    Column("mode", String),
    Column("partner_id", Uuid),
    Column("partner_name", String),
    Column("partner_category", String),
    Column("starts_on", Date),
    Column("ends_on", Date),
    Column("capacity", Numeric),
    Column("capacity_unit", String),
    Column("service_id", Uuid),
)

contract_load = Table(
    "contract_load",
    shared,
    Column("contract_id", Uuid, primary_key=True),
    Column("teryt", String(7), primary_key=True),
    Column("month", Date, primary_key=True),
    Column("planned", Numeric(12, 2)),
    Column("delivered", Numeric(12, 2)),
)
