"""Every table of a tenant schema, for Alembic comparisons."""

from cus_core.applications.models import (
    Application,
    InterviewNeed,
    NeedsInterview,
    QualificationDecision,
    RequestedService,
)
from cus_core.audit.models import AuditEntry
from cus_core.base import TenantBase
from cus_core.community.models import (
    CommunityEvent,
    NeighbourSupport,
    SelfHelpGroup,
    Volunteer,
)
from cus_core.complaints.models import Complaint
from cus_core.partner_reports.models import PartnerReport
from cus_core.plans.models import (
    IndividualPlan,
    PlanApprover,
    PlanGoal,
    PlanReview,
    PlanService,
    PlanVersion,
)
from cus_core.referrals.models import (
    Consent,
    Delivery,
    DeliveryProblem,
    Referral,
    ReferralEvent,
)
from cus_core.residents.models import Household, Resident

__all__ = [
    "Application",
    "AuditEntry",
    "CommunityEvent",
    "Complaint",
    "Consent",
    "Delivery",
    "DeliveryProblem",
    "Household",
    "IndividualPlan",
    "InterviewNeed",
    "NeedsInterview",
    "NeighbourSupport",
    "PartnerReport",
    "PlanApprover",
    "PlanGoal",
    "PlanReview",
    "PlanService",
    "PlanVersion",
    "QualificationDecision",
    "Referral",
    "ReferralEvent",
    "RequestedService",
    "Resident",
    "SelfHelpGroup",
    "TenantBase",
    "Volunteer",
]
