"""Alembic tree ``tenant``: the tables of every gmina's schema (owned by core).

Scripts use unqualified names: the runner sets the transaction's search_path to the tenant's
schema, and each schema keeps its own ``alembic_version``. Write changes expand/contract so
the code works while tenants are on different revisions.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import MetaData

from cus_shared.database.naming import quote_ident
from cus_shared.migrations.trees import MigrationTree

#: Tables the tenant role may only append to and read.
APPEND_ONLY = ("audit_log",)

#: Views of ``shared`` filtered to the gmina whose role reads them.
SHARED_VIEWS = ("gmina_service_offer", "gmina_contract_offer")


def _metadata() -> MetaData:
    from cus_core.models import TenantBase

    return TenantBase.metadata


def tenant_grants(schema: str, role: str) -> list[str]:
    """The tenant role's rights: its own schema only; the audit log append-only."""
    s, r = quote_ident(schema), quote_ident(role)
    statements = [
        f"REVOKE ALL ON SCHEMA {s} FROM PUBLIC",
        f"GRANT USAGE ON SCHEMA {s} TO {r}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {s} TO {r}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {r}",
        f"REVOKE ALL ON {s}.alembic_version FROM {r}",
    ]
    statements += [
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {s}.{quote_ident(t)} FROM {r}" for t in APPEND_ONLY
    ]
    # What the gmina may read of the agreement (views keeping only its own rows, its rows of
    # the contracts' load) comes from the group role cus_tenant (provisioning); grants made
    # to each tenant role before it are taken back, so the shared objects' ACLs stay small.
    views = ", ".join(f"shared.{v}" for v in SHARED_VIEWS)
    legacy = (
        f"REVOKE ALL ON {views} FROM {r}",
        f"REVOKE ALL ON shared.contract_load FROM {r}",
        f"REVOKE ALL ON FUNCTION shared.contract_load_total(uuid, date) FROM {r}",
        f"REVOKE ALL ON SCHEMA shared FROM {r}",
    )
    # Only when there is something to take back: each REVOKE rewrites the shared object's
    # catalogue row, which tenants migrating at once would otherwise all contend for.
    statements.append(
        "DO $$ BEGIN IF to_regclass('shared.contract_load') IS NOT NULL AND EXISTS ("
        "SELECT 1 FROM pg_class c, aclexplode(c.relacl) a "
        "WHERE c.oid = to_regclass('shared.contract_load') "
        f"AND a.grantee = to_regrole('{role}')) THEN "
        + " ".join(f"EXECUTE '{sql}';" for sql in legacy)
        + " END IF; END $$"
    )
    return statements


TENANT_TREE = MigrationTree(
    name="tenant",
    kind="tenant",
    script_location=Path(__file__).parent,
    metadata=_metadata,
    grants=tenant_grants,
)
