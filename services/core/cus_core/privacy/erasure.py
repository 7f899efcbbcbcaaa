"""Erasure of a resident's personal data by anonymisation (GDPR art. 17), once the records
no longer have to be kept.

What goes: names, PESEL, address, the exact date of birth (the year stays, so age bands in
reports survive), the household link, and every free text written about the person.
What stays: ids, counts, dates, statuses and services, so the gmina's indicators and the
contracts' capacity use do not change. The audit log is append-only and holds ids only, so
it is left as it is; the erasure itself is recorded in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, func, literal, select, update

from cus_core.applications.models import InterviewNeed, NeedsInterview, QualificationDecision
from cus_core.audit.models import AuditEntry
from cus_core.audit.service import AuditAction, record_access
from cus_core.community.models import NeighbourSupport
from cus_core.complaints.models import Complaint
from cus_core.plans.models import (
    IndividualPlan,
    PlanGoal,
    PlanReview,
    PlanService,
    PlanVersion,
)
from cus_core.privacy.records import ResidentRecords, records_of
from cus_core.referrals.models import Consent, Delivery, Referral, ReferralEvent
from cus_core.residents.models import Resident
from cus_shared import clock
from cus_shared.errors import ConflictError
from cus_shared.i18n.formatting import format_date

if TYPE_CHECKING:
    from collections.abc import Sequence
    from uuid import UUID

    from sqlalchemy.orm import InstrumentedAttribute

    from cus_shared.tenancy import TenantSession

#: Years the case files are kept after the last activity before they may be anonymised.
#: A resident's case files (applications, plans, referrals, complaints) belong to the
#: archival category the gmina's filing instruction keeps for 10 years after the case ends;
#: until then erasing them would break the duty to keep them (GDPR art. 17(3)(b)). A gmina
#: with a different instruction will be able to set its own period once per-gmina settings
#: exist (later work): today it is this one constant.
RETENTION_YEARS = 10
#: What replaces the names of an anonymised resident.
ANONYMISED_GIVEN_NAME = "—"
ANONYMISED_FAMILY_NAME = "Anonimizowano"
#: What replaces a free text that may not be empty.
REMOVED = "[usunięto]"

_OPEN_REFERRAL = ("pending", "accepted", "in_delivery")
_OPEN_PLAN = ("draft", "approved")


@dataclass(frozen=True, slots=True)
class ErasureResult:
    """What anonymisation changed: rows touched per table (counts only)."""

    resident_id: UUID
    tables: dict[str, int]


def ids(rows: Sequence[Any]) -> list[UUID]:
    """The ids of loaded rows."""
    return [r.id for r in rows]


def _day(value: date | datetime | None) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(clock.POLAND).date()
    return value


def last_activity(records: ResidentRecords) -> date:
    """The day of the latest thing that happened in the resident's case files."""
    days: list[date | datetime | None] = [records.resident.updated_at]
    for a in records.applications:
        days += [a.registered_on, a.closed_at]
    for p in records.plans:
        days += [p.ends_on, p.closed_at]
    for r in records.referrals:
        days.append(r.ends_on)
    for c in records.complaints:
        days += [c.received_on, c.decided_at, c.resident_informed_on]
    for consent in records.consents:
        days += [consent.given_on, consent.withdrawn_at]
    for n in records.neighbour_support:
        days += [n.started_on, n.ended_on]
    return max(d for d in map(_day, days) if d is not None)


def retention_ends_on(records: ResidentRecords) -> date:
    """The last day the case files must still be kept."""
    return clock.add_months(last_activity(records), 12 * RETENTION_YEARS)


def open_cases(records: ResidentRecords) -> list[str]:
    """Kinds of case still open (none may be, for the data to be erased)."""
    open_services = {
        r.application_id for r in records.requested_services if r.status in ("pending", "waiting")
    }
    found = {
        "application": any(
            a.closed_at is None or a.id in open_services for a in records.applications
        ),
        "plan": any(p.status in _OPEN_PLAN for p in records.plans),
        "referral": any(r.status in _OPEN_REFERRAL for r in records.referrals),
        "complaint": any(c.status != "closed" for c in records.complaints),
        "neighbour_support": any(n.ended_on is None for n in records.neighbour_support),
    }
    return [kind for kind, is_open in found.items() if is_open]


async def is_anonymised(db: TenantSession, resident_id: UUID) -> bool:
    """Whether the resident was anonymised (the append-only audit log remembers it)."""
    found = await db.session.scalar(
        select(AuditEntry.id)
        .where(
            AuditEntry.entity == "resident",
            AuditEntry.entity_id == resident_id,
            AuditEntry.action == AuditAction.ERASE.value,
        )
        .limit(1)
    )
    return found is not None


def _scrubbed(column: InstrumentedAttribute[Any]) -> Any:
    """A free text replaced by the marker when there was one (absent stays absent)."""
    return case((column.is_(None), None), else_=literal(REMOVED))


async def _scrub(
    db: TenantSession,
    model: type[Any],
    ids: Sequence[UUID],
    columns: Sequence[InstrumentedAttribute[Any]],
    extra: dict[str, Any] | None = None,
) -> int:
    """Replace free texts of the given rows; how many rows there were."""
    if not ids:
        return 0
    values: dict[str, Any] = {c.key: _scrubbed(c) for c in columns}
    values.update(extra or {})
    await db.session.execute(
        update(model).where(model.id.in_(ids)).values(**values),
        execution_options={"synchronize_session": False},
    )
    return len(ids)


async def check_erasable(db: TenantSession, records: ResidentRecords) -> None:
    """Refuse (409) an erasure done already, one with a case open or a retention running."""
    if await is_anonymised(db, records.resident.id):
        raise ConflictError("privacy.already_anonymised")
    still_open = open_cases(records)
    if still_open:
        raise ConflictError("privacy.case_open", params={"cases": ", ".join(still_open)})
    until = retention_ends_on(records)
    if clock.today() <= until:
        raise ConflictError("privacy.retention_running", params={"until": format_date(until)})


async def anonymise(db: TenantSession, resident_id: UUID) -> ErasureResult:
    """Anonymise the resident and the free texts of their case files, once the retention
    period after the last activity has passed and nothing is open; audited as an erasure
    (tables and counts only). 404 for no such resident, 409 when refused."""
    records = await records_of(db, resident_id)
    await check_erasable(db, records)
    resident = records.resident
    await db.session.execute(
        update(Resident)
        .where(Resident.id == resident_id)
        .values(
            given_name=ANONYMISED_GIVEN_NAME,
            family_name=ANONYMISED_FAMILY_NAME,
            pesel=None,
            birth_date=date(resident.birth_date.year, 1, 1),
            street=None,
            building_no=None,
            apartment_no=None,
            postal_code=None,
            city=None,
            household_id=None,
            household_role=None,
            version=Resident.version + 1,
            updated_at=func.now(),
        ),
        execution_options={"synchronize_session": False},
    )
    bump_interview = {"version": NeedsInterview.version + 1}
    tables = {
        "resident": 1,
        "needs_interview": await _scrub(
            db,
            NeedsInterview,
            ids(records.interviews),
            [NeedsInterview.goals, NeedsInterview.risks],
            bump_interview,
        ),
        "interview_need": await _scrub(
            db, InterviewNeed, ids(records.needs), [InterviewNeed.description]
        ),
        "qualification_decision": await _scrub(
            db, QualificationDecision, ids(records.decisions), [QualificationDecision.reason]
        ),
        "individual_plan": await _touch_plans(db, ids(records.plans)),
        "plan_version": await _scrub(
            db, PlanVersion, ids(records.plan_versions), [PlanVersion.reason]
        ),
        "plan_goal": await _scrub(
            db, PlanGoal, ids(records.plan_goals), [PlanGoal.description, PlanGoal.measure]
        ),
        "plan_service": await _scrub(
            db, PlanService, ids(records.plan_services), [PlanService.schedule]
        ),
        "plan_review": await _scrub(db, PlanReview, ids(records.plan_reviews), [PlanReview.notes]),
        "consent": await _scrub(db, Consent, ids(records.consents), [Consent.purpose]),
        "referral": await _scrub(
            db,
            Referral,
            ids(records.referrals),
            [Referral.status_reason],
            {"version": Referral.version + 1},
        ),
        "referral_event": await _scrub(
            db, ReferralEvent, ids(records.referral_events), [ReferralEvent.reason]
        ),
        "delivery": await _scrub(db, Delivery, ids(records.deliveries), [Delivery.note]),
        "complaint": await _scrub(
            db,
            Complaint,
            ids(records.complaints),
            [
                Complaint.summary,
                Complaint.explanation,
                Complaint.decision,
                Complaint.corrective_action,
            ],
            {"version": Complaint.version + 1},
        ),
        "neighbour_support": await _scrub(
            db, NeighbourSupport, ids(records.neighbour_support), [NeighbourSupport.description]
        ),
    }
    touched = {table: count for table, count in tables.items() if count}
    await record_access(db, AuditAction.ERASE, "resident", [resident_id], {"tables": touched})
    # Rows loaded before the statements above must not be written back over them.
    db.session.expire_all()
    return ErasureResult(resident_id=resident_id, tables=touched)


async def _touch_plans(db: TenantSession, plan_ids: Sequence[UUID]) -> int:
    """Bump the plans' lock version: anyone editing them meanwhile re-reads the erased text."""
    if not plan_ids:
        return 0
    await db.session.execute(
        update(IndividualPlan)
        .where(IndividualPlan.id.in_(plan_ids))
        .values(lock_version=IndividualPlan.lock_version + 1),
        execution_options={"synchronize_session": False},
    )
    return len(plan_ids)


__all__ = [
    "RETENTION_YEARS",
    "ErasureResult",
    "anonymise",
    "check_erasable",
    "is_anonymised",
    "last_activity",
    "open_cases",
    "retention_ends_on",
]
