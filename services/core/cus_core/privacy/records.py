"""Everything the gmina holds about one resident, read straight from the journey's tables.

The timeline, the export and the erasure all need the same rows; they are read here once,
through the other contexts' models (never their services, which audit and apply rules of
their own), so that the privacy context sees exactly what is stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import select

from cus_core.applications.models import (
    Application,
    InterviewNeed,
    NeedsInterview,
    QualificationDecision,
    RequestedService,
)
from cus_core.community.models import NeighbourSupport
from cus_core.complaints.models import Complaint
from cus_core.plans.models import (
    IndividualPlan,
    PlanGoal,
    PlanReview,
    PlanService,
    PlanVersion,
)
from cus_core.referrals.models import Consent, Delivery, Referral, ReferralEvent
from cus_core.residents.models import Resident
from cus_shared.errors import NotFoundError

if TYPE_CHECKING:
    from uuid import UUID

    from cus_shared.tenancy import TenantSession


@dataclass
class ResidentRecords:
    """One resident's rows in every table of the journey."""

    resident: Resident
    household: list[Resident] = field(default_factory=list)
    applications: list[Application] = field(default_factory=list)
    requested_services: list[RequestedService] = field(default_factory=list)
    decisions: list[QualificationDecision] = field(default_factory=list)
    interviews: list[NeedsInterview] = field(default_factory=list)
    needs: list[InterviewNeed] = field(default_factory=list)
    plans: list[IndividualPlan] = field(default_factory=list)
    plan_versions: list[PlanVersion] = field(default_factory=list)
    plan_goals: list[PlanGoal] = field(default_factory=list)
    plan_services: list[PlanService] = field(default_factory=list)
    plan_reviews: list[PlanReview] = field(default_factory=list)
    consents: list[Consent] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)
    referral_events: list[ReferralEvent] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    complaints: list[Complaint] = field(default_factory=list)
    neighbour_support: list[NeighbourSupport] = field(default_factory=list)

    def record_ids(self) -> list[UUID]:
        """Ids of the resident and of every case record about them (for the audit trail)."""
        ids: list[UUID] = [self.resident.id]
        for rows in (
            self.applications,
            self.interviews,
            self.plans,
            self.consents,
            self.referrals,
            self.complaints,
            self.neighbour_support,
        ):
            ids.extend(r.id for r in rows)
        return ids


async def resident_or_404(db: TenantSession, resident_id: UUID) -> Resident:
    """The resident of this gmina (404 for an unknown id or another gmina's)."""
    resident = await db.session.scalar(select(Resident).where(Resident.id == resident_id))
    if resident is None:
        raise NotFoundError("not_found")
    return resident


async def records_of(db: TenantSession, resident_id: UUID) -> ResidentRecords:
    """Every row about the resident (404 when there is no such resident here)."""
    resident = await resident_or_404(db, resident_id)
    found = ResidentRecords(resident=resident)
    s = db.session
    if resident.household_id is not None:
        found.household = list(
            await s.scalars(
                select(Resident)
                .where(Resident.household_id == resident.household_id, Resident.id != resident.id)
                .order_by(Resident.id)
            )
        )
    found.applications = list(
        await s.scalars(
            select(Application)
            .where(Application.resident_id == resident_id)
            .order_by(Application.registered_on, Application.number)
        )
    )
    application_ids = [a.id for a in found.applications]
    found.requested_services = list(
        await s.scalars(
            select(RequestedService)
            .where(RequestedService.application_id.in_(application_ids))
            .order_by(RequestedService.id)
        )
    )
    found.decisions = list(
        await s.scalars(
            select(QualificationDecision)
            .where(
                QualificationDecision.requested_service_id.in_(
                    [r.id for r in found.requested_services]
                )
            )
            .order_by(QualificationDecision.decided_at)
        )
    )
    found.interviews = list(
        await s.scalars(
            select(NeedsInterview).where(NeedsInterview.application_id.in_(application_ids))
        )
    )
    found.needs = list(
        await s.scalars(
            select(InterviewNeed)
            .where(InterviewNeed.interview_id.in_([i.id for i in found.interviews]))
            .order_by(InterviewNeed.area_code)
        )
    )
    found.plans = list(
        await s.scalars(
            select(IndividualPlan)
            .where(IndividualPlan.resident_id == resident_id)
            .order_by(IndividualPlan.starts_on, IndividualPlan.number)
        )
    )
    plan_ids = [p.id for p in found.plans]
    found.plan_versions = list(
        await s.scalars(
            select(PlanVersion)
            .where(PlanVersion.plan_id.in_(plan_ids))
            .order_by(PlanVersion.plan_id, PlanVersion.number)
        )
    )
    version_ids = [v.id for v in found.plan_versions]
    found.plan_goals = list(
        await s.scalars(
            select(PlanGoal)
            .where(PlanGoal.plan_version_id.in_(version_ids))
            .order_by(PlanGoal.plan_version_id, PlanGoal.position)
        )
    )
    found.plan_services = list(
        await s.scalars(
            select(PlanService)
            .where(PlanService.plan_version_id.in_(version_ids))
            .order_by(PlanService.plan_version_id, PlanService.starts_on)
        )
    )
    found.plan_reviews = list(
        await s.scalars(
            select(PlanReview)
            .where(PlanReview.plan_id.in_(plan_ids))
            .order_by(PlanReview.due_on, PlanReview.kind)
        )
    )
    found.consents = list(
        await s.scalars(
            select(Consent).where(Consent.resident_id == resident_id).order_by(Consent.given_on)
        )
    )
    found.referrals = list(
        await s.scalars(
            select(Referral)
            .where(Referral.resident_id == resident_id)
            .order_by(Referral.starts_on, Referral.number)
        )
    )
    referral_ids = [r.id for r in found.referrals]
    found.referral_events = list(
        await s.scalars(
            select(ReferralEvent)
            .where(ReferralEvent.referral_id.in_(referral_ids))
            .order_by(ReferralEvent.occurred_at)
        )
    )
    found.deliveries = list(
        await s.scalars(
            select(Delivery)
            .where(Delivery.referral_id.in_(referral_ids))
            .order_by(Delivery.referral_id, Delivery.month)
        )
    )
    found.complaints = list(
        await s.scalars(
            select(Complaint)
            .where(Complaint.resident_id == resident_id)
            .order_by(Complaint.received_on, Complaint.number)
        )
    )
    found.neighbour_support = list(
        await s.scalars(
            select(NeighbourSupport)
            .where(NeighbourSupport.resident_id == resident_id)
            .order_by(NeighbourSupport.started_on)
        )
    )
    return found
