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
