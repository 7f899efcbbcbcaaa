"""Every table of the shared schema, for Alembic comparisons."""

from cus_tenants.agreements.models import Agreement, AgreementMember
from cus_tenants.base import SharedBase
from cus_tenants.budgets.models import Budget, BudgetLine, BudgetPeriod, BudgetService
from cus_tenants.catalogue.models import CatalogueArea, CatalogueService, ServiceVersion
from cus_tenants.contracts.models import Contract, ContractGmina, ContractLoad, ContractService
from cus_tenants.gminy.models import Gmina, GminaStatus
from cus_tenants.identity.models import Membership, User
from cus_tenants.partners.models import (
    Partner,
    PartnerContact,
    PartnerDocument,
    PartnerGmina,
    PartnerService,
)
from cus_tenants.programmes.models import (
    Programme,
    ProgrammeEstimate,
    ProgrammeIndicator,
    ProgrammeService,
)

__all__ = [
    "Agreement",
    "AgreementMember",
    "Budget",
    "BudgetLine",
    "BudgetPeriod",
    "BudgetService",
    "CatalogueArea",
    "CatalogueService",
    "Contract",
    "ContractGmina",
    "ContractLoad",
    "ContractService",
    "Gmina",
    "GminaStatus",
    "Membership",
    "Partner",
    "PartnerContact",
    "PartnerDocument",
    "PartnerGmina",
    "PartnerService",
    "Programme",
    "ProgrammeEstimate",
    "ProgrammeIndicator",
    "ProgrammeService",
    "ServiceVersion",
    "SharedBase",
    "User",
]
