"""Complaints' rules: the one-month time limit (KPA art. 237 § 1) counted from receipt, the
order of the steps (registered → forwarded → explained → decided → closed), and every read
and write audited in the same transaction.

A step that is not possible in the complaint's state answers 409 and changes nothing; a step
with missing or wrong data answers 422 and changes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import case, func, select
from sqlalchemy.orm.exc import StaleDataError

from cus_core.audit.service import AuditAction, record_access
from cus_core.complaints.models import Complaint
from cus_core.complaints.schemas import (
    ComplaintCreate,
    ComplaintRead,
    ComplaintSummary,
    CorrectiveActionIn,
    DecisionIn,
    ExplanationIn,
    InformIn,
    Outcome,
    Warning,
)
from cus_core.numbering import DocumentKind, next_number
from cus_core.offer import service as offer
from cus_core.offer.views import contract_offer
from cus_core.referrals.models import Referral
from cus_core.residents.models import Resident
from cus_shared import clock
from cus_shared.errors import ConflictError, FieldProblem, InputError, NotFoundError

if TYPE_CHECKING:
    from datetime import date
    from uuid import UUID

    from cus_shared.tenancy import TenantSession

ENTITY = "complaint"
#: Days before the time limit from which an open complaint is flagged as due soon.
DUE_SOON_DAYS = 7
_OUTCOMES_NEEDING_ACTION = frozenset({Outcome.UPHELD.value, Outcome.PARTLY_UPHELD.value})


# The time limit.


def time_limit(
    status: str, due_on: date, informed_on: date | None, today: date
) -> tuple[int | None, Warning | None, bool]:
    """Days left, the warning and the lateness of a complaint on a day.

    Open: days left until the due date, "overdue" after it, "due_soon" within
    :data:`DUE_SOON_DAYS`. Closed: no days left nor warning, late when the resident was
    informed after the due date (kept for the timeliness indicators).
    """
    if status == "closed":
        return None, None, informed_on is not None and informed_on > due_on
    days_left = (due_on - today).days
    if days_left < 0:
        return days_left, "overdue", True
    return days_left, "due_soon" if days_left <= DUE_SOON_DAYS else None, False


def _summary_of(complaint: Complaint, resident_name: str) -> ComplaintSummary:
    days_left, warning, late = time_limit(
        complaint.status, complaint.due_on, complaint.resident_informed_on, clock.today()
    )
    return ComplaintSummary(
        id=complaint.id,
        number=complaint.number,
        resident_id=complaint.resident_id,
        resident_name=resident_name,
        status=complaint.status,
        channel=complaint.channel,
        received_on=complaint.received_on,
        due_on=complaint.due_on,
        days_left=days_left,
        warning=warning,
        late=late,
    )


async def _read_of(db: TenantSession, complaint: Complaint) -> ComplaintRead:
    resident = await db.session.get(Resident, complaint.resident_id)
    name = f"{resident.given_name} {resident.family_name}" if resident else ""
    partners = await offer.partner_names(db, [complaint.partner_id] if complaint.partner_id else [])
    services = await offer.service_names(db, [complaint.service_id] if complaint.service_id else [])
    summary = _summary_of(complaint, name)
    return ComplaintRead(
        **summary.model_dump(),
        referral_id=complaint.referral_id,
        service_id=complaint.service_id,
        service_name=services.get(complaint.service_id) if complaint.service_id else None,
        partner_id=complaint.partner_id,
        partner_name=partners.get(complaint.partner_id) if complaint.partner_id else None,
        summary=complaint.summary,
        forwarded_at=complaint.forwarded_at,
        explanation=complaint.explanation,
        explained_at=complaint.explained_at,
        outcome=complaint.outcome,
        decision=complaint.decision,
        decided_by=complaint.decided_by,
        decided_at=complaint.decided_at,
        corrective_action=complaint.corrective_action,
        resident_informed_on=complaint.resident_informed_on,
        version=complaint.version,
        created_at=complaint.created_at,
    )


async def _load(db: TenantSession, complaint_id: UUID) -> Complaint:
    complaint = await db.session.get(Complaint, complaint_id)
    if complaint is None:
        raise NotFoundError("not_found")
    return complaint


# Registering.


async def partners_serving(db: TenantSession) -> dict[UUID, str]:
    """Partners with a contract covering this gmina, by name (for choosing one on a form)."""
    rows = await db.session.execute(
        select(contract_offer.c.partner_id, contract_offer.c.partner_name)
        .where(contract_offer.c.partner_id.is_not(None))
        .distinct()
    )
    return dict(sorted(((r[0], r[1]) for r in rows), key=lambda item: item[1]))


async def referrals_of(db: TenantSession, resident_id: UUID) -> list[tuple[UUID, str, UUID]]:
    """A resident's referrals (id, number, service id), newest first, for the form's choice
    (numbers only: the referrals' own reads are audited by their context)."""
    rows = await db.session.execute(
        select(Referral.id, Referral.number, Referral.service_id)
        .where(Referral.resident_id == resident_id)
        .order_by(Referral.created_at.desc())
    )
    return [(r[0], r[1], r[2]) for r in rows]


async def register_complaint(db: TenantSession, data: ComplaintCreate) -> ComplaintRead:
    """Register a complaint; due one month after receipt. A referral named must be the
    resident's (its partner and service are then taken from it); a partner named must serve
    this gmina."""
    resident = await db.session.get(Resident, data.resident_id)
    if resident is None:
        raise NotFoundError("not_found")
    today = clock.today()
    received_on = data.received_on or today
    problems: list[FieldProblem] = []
    if received_on > today:
        problems.append(FieldProblem(field="received_on", key="complaint.received_future"))
    service_id, partner_id = data.service_id, data.partner_id
    if data.referral_id is not None:
        referral = await db.session.get(Referral, data.referral_id)
        if referral is None:
            raise NotFoundError("not_found")
        if referral.resident_id != resident.id:
            problems.append(
                FieldProblem(field="referral_id", key="complaint.referral_other_resident")
            )
        else:
            service_id, partner_id = referral.service_id, referral.partner_id
    elif partner_id is not None and not await offer.partner_names(db, [partner_id]):
        problems.append(FieldProblem(field="partner_id", key="complaint.partner_unknown"))
    if (
        data.referral_id is None
        and service_id is not None
        and not await offer.service_names(db, [service_id])
    ):
        problems.append(FieldProblem(field="service_id", key="complaint.service_unknown"))
    if problems:
        raise InputError("invalid_input", problems=problems)
    complaint = Complaint(
        number=await next_number(db, DocumentKind.COMPLAINT),
        resident_id=resident.id,
        referral_id=data.referral_id,
        service_id=service_id,
        partner_id=partner_id,
        channel=data.channel.value,
        received_on=received_on,
        due_on=clock.add_months(received_on, 1),
        summary=data.summary,
        status="registered",
        created_by=db.tenant.principal.user_id,
    )
    db.session.add(complaint)
    await db.session.flush()
    await record_access(db, AuditAction.CREATE, ENTITY, [complaint.id])
    return await _read_of(db, complaint)


# Reading.


async def read_complaint(db: TenantSession, complaint_id: UUID) -> ComplaintRead:
    """One complaint with its time limit; the read is audited."""
    complaint = await _load(db, complaint_id)
    await record_access(db, AuditAction.READ, ENTITY, [complaint.id])
    return await _read_of(db, complaint)


_OPEN_FIRST = case((Complaint.status == "closed", 1), else_=0)


async def _summaries(
    db: TenantSession, query: Any, *, action: AuditAction = AuditAction.LIST
) -> list[ComplaintSummary]:
    rows = list((await db.session.execute(query)).all())
    if rows:
        await record_access(db, action, ENTITY, [r[0].id for r in rows])
        await record_access(
            db, action, "resident", list(dict.fromkeys(r[0].resident_id for r in rows))
        )
    return [_summary_of(r[0], f"{r[1]} {r[2]}") for r in rows]


def _with_names() -> Any:
    return select(Complaint, Resident.given_name, Resident.family_name).join(
        Resident, Resident.id == Complaint.resident_id
    )


async def list_complaints(
    db: TenantSession, *, limit: int, offset: int
) -> tuple[list[ComplaintSummary], int]:
    """A page of complaints: open ones first by due date, then closed ones, newest first;
    every complaint (and resident) listed is audited."""
    total = int(await db.session.scalar(select(func.count()).select_from(Complaint)) or 0)
    query = (
        _with_names()
        .order_by(
            _OPEN_FIRST,
            case((Complaint.status == "closed", None), else_=Complaint.due_on),
            Complaint.received_on.desc(),
            Complaint.number,
        )
        .limit(limit)
        .offset(offset)
    )
    return await _summaries(db, query), total


async def complaints_of(db: TenantSession, resident_id: UUID) -> list[ComplaintRead]:
    """A resident's complaints for their timeline, newest first (each read audited)."""
    rows = list(
        await db.session.scalars(
            select(Complaint)
            .where(Complaint.resident_id == resident_id)
            .order_by(Complaint.received_on.desc(), Complaint.number.desc())
        )
    )
    if rows:
        await record_access(db, AuditAction.READ, ENTITY, [c.id for c in rows])
    return [await _read_of(db, c) for c in rows]


async def complaints_due(db: TenantSession, *, limit: int) -> list[ComplaintSummary]:
    """Open complaints by due date, the most urgent first (for the desk); audited."""
    query = (
        _with_names()
        .where(Complaint.status != "closed")
        .order_by(Complaint.due_on, Complaint.number)
        .limit(limit)
    )
    return await _summaries(db, query)


# The steps.


def _require_status(complaint: Complaint, *allowed: str) -> None:
    """409 unless the complaint is in one of the states the step starts from."""
    if complaint.status not in allowed:
        raise ConflictError(
            "complaint.invalid_transition",
            problems=[
                FieldProblem(field="status", key=f"complaint.status.{complaint.status}"),
            ],
        )


async def _save(
    db: TenantSession, complaint: Complaint, step: str, fields: list[str]
) -> ComplaintRead:
    try:
        await db.session.flush()
    except StaleDataError:
        raise ConflictError("complaint.stale") from None
    await record_access(
        db, AuditAction.UPDATE, ENTITY, [complaint.id], {"fields": sorted(fields), "step": step}
    )
    return await _read_of(db, complaint)


async def forward(db: TenantSession, complaint_id: UUID) -> ComplaintRead:
    """Forward the complaint to the partner concerned for an explanation."""
    complaint = await _load(db, complaint_id)
    _require_status(complaint, "registered")
    if complaint.partner_id is None:
        raise InputError("complaint.partner_required", field="partner_id")
    complaint.status = "forwarded"
    complaint.forwarded_at = clock.now()
    return await _save(db, complaint, "forward", ["status", "forwarded_at"])


async def record_explanation(
    db: TenantSession, complaint_id: UUID, data: ExplanationIn
) -> ComplaintRead:
    """Record the partner's explanation of a forwarded complaint."""
    complaint = await _load(db, complaint_id)
    _require_status(complaint, "forwarded")
    complaint.status = "explained"
    complaint.explanation = data.explanation
    complaint.explained_at = clock.now()
    return await _save(db, complaint, "explain", ["status", "explanation", "explained_at"])


async def decide(db: TenantSession, complaint_id: UUID, data: DecisionIn) -> ComplaintRead:
    """Decide the complaint (with or without the partner's explanation); who and when are
    recorded."""
    complaint = await _load(db, complaint_id)
    _require_status(complaint, "registered", "forwarded", "explained")
    complaint.status = "decided"
    complaint.outcome = data.outcome.value
    complaint.decision = data.decision
    complaint.decided_by = db.tenant.principal.user_id
    complaint.decided_at = clock.now()
    return await _save(
        db, complaint, "decide", ["status", "outcome", "decision", "decided_by", "decided_at"]
    )


async def record_corrective_action(
    db: TenantSession, complaint_id: UUID, data: CorrectiveActionIn
) -> ComplaintRead:
    """Record what was done to put things right (after the decision, before closing)."""
    complaint = await _load(db, complaint_id)
    _require_status(complaint, "decided")
    complaint.corrective_action = data.corrective_action
    return await _save(db, complaint, "corrective_action", ["corrective_action"])


async def inform_resident(db: TenantSession, complaint_id: UUID, data: InformIn) -> ComplaintRead:
    """Record that the resident was told the decision: the complaint is closed. An upheld
    complaint needs its corrective action first."""
    complaint = await _load(db, complaint_id)
    _require_status(complaint, "decided")
    problems: list[FieldProblem] = []
    if complaint.outcome in _OUTCOMES_NEEDING_ACTION and not complaint.corrective_action:
        problems.append(
            FieldProblem(field="corrective_action", key="complaint.corrective_action_required")
        )
    assert complaint.decided_at is not None
    decided_on = complaint.decided_at.astimezone(clock.POLAND).date()
    if data.informed_on < decided_on:
        problems.append(FieldProblem(field="informed_on", key="complaint.informed_before_decision"))
    elif data.informed_on > clock.today():
        problems.append(FieldProblem(field="informed_on", key="complaint.informed_future"))
    if problems:
        raise InputError("invalid_input", problems=problems)
    complaint.status = "closed"
    complaint.resident_informed_on = data.informed_on
    return await _save(db, complaint, "inform", ["status", "resident_informed_on"])
