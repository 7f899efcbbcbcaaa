"""Every table of the shared schema, for Alembic comparisons."""

from cus_tenants.agreements.models import Agreement, AgreementMember
from cus_tenants.base import SharedBase
from cus_tenants.gminy.models import Gmina, GminaStatus
from cus_tenants.identity.models import Membership, User

__all__ = [
    "Agreement",
    "AgreementMember",
    "Gmina",
    "GminaStatus",
    "Membership",
    "SharedBase",
    "User",
]
