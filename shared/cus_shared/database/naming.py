"""Names of schemas and roles. Every tenant name is derived from a validated TERYT code and
matched against a strict pattern before it is quoted into SQL."""

from __future__ import annotations

import re

from cus_shared.identifiers.teryt import Teryt

SHARED_SCHEMA = "shared"
REPORTING_SCHEMA = "reporting"

#: Owns every schema and table; never used to serve requests (owners bypass RLS and grants).
OWNER_ROLE = "cus_owner"
#: Runtime role of the tenants service: agreement-wide data in ``shared``.
TENANTS_SERVICE_ROLE = "cus_svc_tenants"
#: Runtime role of core outside a tenant: reads the tenant directory only.
CORE_SERVICE_ROLE = "cus_svc_core"
#: Runtime role of the reporting service: the ``reporting`` schema only.
REPORTING_SERVICE_ROLE = "cus_svc_reporting"

SERVICE_ROLES = (TENANTS_SERVICE_ROLE, CORE_SERVICE_ROLE, REPORTING_SERVICE_ROLE)

#: What every gmina's role may use of the agreement (the views filtered by ``current_user``,
#: its rows of the contracts' load): granted once to this group role, which every tenant role
#: is a member of (INHERIT), rather than to each tenant role. Granting each of thousands of
#: roles on the same view grows the view's ACL in ``pg_class`` until PostgreSQL refuses the
#: row ("row is too big": around 2,000 tenants, found by the reporting benchmark).
TENANT_BASE_ROLE = "cus_tenant"

#: Constraint and index names of every service's tables: stable, so migrations can name them.
CONSTRAINT_NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

TENANT_SCHEMA_PATTERN = re.compile(r"gmina_\d{7}")
TENANT_ROLE_PATTERN = re.compile(r"cus_gmina_\d{7}")
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def tenant_schema(teryt: Teryt) -> str:
    """Schema of a gmina's residents' data."""
    name = f"gmina_{teryt}"
    if not TENANT_SCHEMA_PATTERN.fullmatch(name):
        raise ValueError("not a tenant schema name")
    return name


def tenant_role(teryt: Teryt) -> str:
    """The database role a gmina's requests run under."""
    name = f"cus_gmina_{teryt}"
    if not TENANT_ROLE_PATTERN.fullmatch(name):
        raise ValueError("not a tenant role name")
    return name


def quote_ident(name: str) -> str:
    """Quote a name we generated as an SQL identifier; anything unexpected is refused."""
    if not _IDENTIFIER.fullmatch(name):
        raise ValueError("refusing to quote an unexpected identifier")
    return f'"{name}"'
