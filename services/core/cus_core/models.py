"""Every table of a tenant schema, for Alembic comparisons."""

from cus_core.audit.models import AuditEntry
from cus_core.base import TenantBase
from cus_core.residents.models import Household, Resident

__all__ = ["AuditEntry", "Household", "Resident", "TenantBase"]
