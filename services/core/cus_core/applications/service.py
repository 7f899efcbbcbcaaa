"""Applications' rules: services from the gmina's programme only, the declaration signed, no
second open application for a service, an interview before any decision, decisions in the
allowed order; every read and write audited in the same transaction.

Audit entries use the entity ``application`` with the application ids; the residents they
concern are listed in the entry's details (ids only, never values), so an export of
everything about a resident can find them.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import flag_modified

from cus_core.applications.models import (
    OPEN_STATUSES,
    Application,
    InterviewNeed,
    NeedsInterview,
    QualificationDecision,
    RequestedService,
)
from cus_core.applications.schemas import (
    ApplicationCreate,
    ApplicationQueue,
    ApplicationRead,
    DecisionIn,
    DecisionRead,
    InterviewIn,
    InterviewRead,
    NeedRead,
    Outcome,
    QueuedService,
    QueueEntry,
    RequestedServiceRead,
)
from cus_core.audit.service import AuditAction, record_access
from cus_core.numbering import DocumentKind, next_number
from cus_core.offer.service import offered_service, service_names
from cus_core.plans.models import IndividualPlan
from cus_core.referrals.models import Referral
from cus_core.residents.models import Resident
from cus_shared import clock
from cus_shared.errors import ConflictError, FieldProblem, InputError, NotFoundError

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from uuid import UUID

    from cus_shared.tenancy import TenantSession

ENTITY = "application"
#: The plan (single service or IPUS) is due within this many days of the application.
PLAN_DUE_DAYS = 30
#: Decisions allowed from each status of a requested service.
TRANSITIONS: dict[str, frozenset[str]] = {
    "pending": frozenset({Outcome.GRANTED, Outcome.REFUSED, Outcome.WAITING}),
    "waiting": frozenset({Outcome.GRANTED, Outcome.REFUSED}),
}


def _details(resident_ids: Sequence[UUID | None], **more: Any) -> dict[str, Any]:
    residents = sorted({str(r) for r in resident_ids if r is not None})
    return {"residents": residents, **more}


def _overdue(application: Application, unplanned: set[UUID]) -> bool:
    """Past the day the plan was due (counted on the platform's clock) while a service is
    still undecided, or granted with neither its IPUS nor a referral made yet."""
    if clock.today() <= application.plan_due_on:
        return False
    return application.closed_at is None or application.id in unplanned


async def _unplanned(db: TenantSession, application_ids: Iterable[UUID]) -> set[UUID]:
    """Applications with a granted service still waiting for its plan: an IPUS drawn up from
    the application for services granted under an IPUS, a referral for single services."""
    ids = list(application_ids)
    if not ids:
        return set()
    with_plan = set(
        await db.session.scalars(
            select(IndividualPlan.application_id).where(IndividualPlan.application_id.in_(ids))
        )
    )
    referred = select(Referral.id).where(Referral.requested_service_id == RequestedService.id)
    rows = await db.session.execute(
        select(RequestedService.application_id, RequestedService.support_form).where(
            RequestedService.application_id.in_(ids),
            RequestedService.status == "granted",
            ~exists(referred),
        )
    )
    return {
        application_id
        for application_id, form in rows
        if not (form == "ipus" and application_id in with_plan)
    }


# Registering an application.


async def _check_applicant(
    db: TenantSession, resident: Resident, applicant_id: UUID, problems: list[FieldProblem]
) -> None:
    """A household member may apply for the resident; nobody else."""
    household = await db.session.scalar(
        select(Resident.household_id).where(Resident.id == applicant_id)
    )
    if household is None or household != resident.household_id:
        problems.append(FieldProblem(field="applicant_id", key="application.applicant_household"))


async def create_application(db: TenantSession, data: ApplicationCreate) -> ApplicationRead:
    """Register an application for services of the gmina's programme (404 for a resident
    not in this gmina; 422 for broken rules; 409 when a service is already applied for)."""
    resident = await db.session.get(Resident, data.resident_id)
    if resident is None:
        raise NotFoundError("not_found")
    registered_on = data.registered_on or clock.today()
    problems: list[FieldProblem] = []
    if not data.declaration_signed:
        problems.append(
            FieldProblem(field="declaration_signed", key="application.declaration_required")
        )
    if registered_on > clock.today():
        problems.append(FieldProblem(field="registered_on", key="application.registered_future"))
    applicant_id = data.applicant_id if data.applicant_id != resident.id else None
    if applicant_id is not None:
        await _check_applicant(db, resident, applicant_id, problems)
    if not data.services:
        problems.append(FieldProblem(field="services", key="application.services_required"))
    if len(set(data.services)) != len(data.services):
        problems.append(FieldProblem(field="services", key="application.service_repeated"))
    versions: dict[UUID, UUID] = {}
    for service_id in dict.fromkeys(data.services):
        offered = await offered_service(db, service_id, registered_on)
        if offered is None:
            problems.append(FieldProblem(field="services", key="application.service_not_offered"))
            break
        versions[service_id] = offered.service_version_id
    if problems:
        raise InputError("invalid_input", problems=problems)
    await _refuse_open_duplicates(db, resident.id, list(versions))
    application = Application(
        number=await next_number(db, DocumentKind.APPLICATION),
        resident_id=resident.id,
        applicant_id=applicant_id,
        channel=data.channel.value,
        registered_on=registered_on,
        declaration_signed=True,
        plan_due_on=registered_on + timedelta(days=PLAN_DUE_DAYS),
        created_by=db.tenant.principal.user_id,
    )
    try:
        # A savepoint: the unique index on open services decides a race with another desk.
        async with db.session.begin_nested():
            db.session.add(application)
            await db.session.flush()
            db.session.add_all(
                RequestedService(
                    application_id=application.id,
                    resident_id=resident.id,
                    service_id=service_id,
                    service_version_id=version_id,
                    status="pending",
                )
                for service_id, version_id in versions.items()
            )
            await db.session.flush()
    except IntegrityError:
        raise ConflictError("application.duplicate", field="services") from None
    await record_access(
        db,
        AuditAction.CREATE,
        ENTITY,
        [application.id],
        _details([resident.id, applicant_id], services=len(versions)),
    )
    return await _read(db, application)


async def _refuse_open_duplicates(
    db: TenantSession, resident_id: UUID, service_ids: list[UUID]
) -> None:
    open_one = await db.session.scalar(
        select(RequestedService.id)
        .where(
            RequestedService.resident_id == resident_id,
            RequestedService.service_id.in_(service_ids),
            RequestedService.status.in_(OPEN_STATUSES),
        )
        .limit(1)
    )
    if open_one is not None:
        raise ConflictError("application.duplicate", field="services")


# Reading applications.


async def _load(db: TenantSession, application_id: UUID) -> Application:
    application = await db.session.get(Application, application_id)
    if application is None:
        raise NotFoundError("not_found")
    return application


async def _interview_of(db: TenantSession, application_id: UUID) -> NeedsInterview | None:
    interview: NeedsInterview | None = await db.session.scalar(
        select(NeedsInterview).where(NeedsInterview.application_id == application_id)
    )
    return interview


async def _interview_read(db: TenantSession, interview: NeedsInterview) -> InterviewRead:
    needs = await db.session.scalars(
        select(InterviewNeed)
        .where(InterviewNeed.interview_id == interview.id)
        .order_by(InterviewNeed.area_code)
    )
    return InterviewRead(
        id=interview.id,
        held_on=interview.held_on,
        goals=interview.goals,
        risks=interview.risks,
        needs=[NeedRead(area_code=n.area_code, description=n.description) for n in needs],
        version=interview.version,
        created_by=interview.created_by,
        created_at=interview.created_at,
    )


async def _read(db: TenantSession, application: Application) -> ApplicationRead:
    """The application as the API shows it (not audited here: the caller audits)."""
    requested = list(
        await db.session.scalars(
            select(RequestedService)
            .where(RequestedService.application_id == application.id)
            .order_by(RequestedService.id)
        )
    )
    names = await service_names(db, [r.service_id for r in requested])
    decisions: dict[UUID, list[DecisionRead]] = {}
    if requested:
        rows = await db.session.scalars(
            select(QualificationDecision)
            .where(QualificationDecision.requested_service_id.in_([r.id for r in requested]))
            .order_by(QualificationDecision.decided_at, QualificationDecision.id)
        )
        for d in rows:
            decisions.setdefault(d.requested_service_id, []).append(
                DecisionRead(
                    id=d.id,
                    outcome=d.outcome,
                    support_form=d.support_form,
                    reason=d.reason,
                    decided_by=d.decided_by,
                    decided_by_roles=d.decided_by_roles,
                    kipus_id=d.kipus_id,
                    decided_at=d.decided_at,
                )
            )
    interview = await _interview_of(db, application.id)
    return ApplicationRead(
        id=application.id,
        number=application.number,
        resident_id=application.resident_id,
        applicant_id=application.applicant_id,
        channel=application.channel,
        registered_on=application.registered_on,
        declaration_signed=application.declaration_signed,
        plan_due_on=application.plan_due_on,
        overdue=_overdue(application, await _unplanned(db, [application.id])),
        closed_at=application.closed_at,
        created_at=application.created_at,
        services=sorted(
            (
                RequestedServiceRead(
                    id=r.id,
                    service_id=r.service_id,
                    service_name=names.get(r.service_id, ""),
                    status=r.status,
                    support_form=r.support_form,
                    waiting_since=r.waiting_since,
                    decisions=decisions.get(r.id, []),
                )
                for r in requested
            ),
            key=lambda s: s.service_name.casefold(),
        ),
        interview=await _interview_read(db, interview) if interview is not None else None,
    )


async def read_application(db: TenantSession, application_id: UUID) -> ApplicationRead:
    """One application with its services, decisions and interview; audited."""
    application = await _load(db, application_id)
    await record_access(
        db,
        AuditAction.READ,
        ENTITY,
        [application.id],
        _details([application.resident_id, application.applicant_id]),
    )
    return await _read(db, application)


async def applications_of(db: TenantSession, resident_id: UUID) -> list[ApplicationRead]:
    """The resident's applications, newest first (for their timeline); audited as a list."""
    rows = list(
        await db.session.scalars(
            select(Application)
            .where(Application.resident_id == resident_id)
            .order_by(Application.registered_on.desc(), Application.created_at.desc())
        )
    )
    if rows:
        await record_access(
            db, AuditAction.LIST, ENTITY, [a.id for a in rows], _details([resident_id])
        )
    return [await _read(db, a) for a in rows]


async def _queue_entries(
    db: TenantSession, requested: Sequence[RequestedService], *, per_service: bool
) -> list[QueueEntry]:
    """Rows of the desk, in the order of ``requested`` (one per application, or per service)."""
    if not requested:
        return []
    application_ids = {r.application_id for r in requested}
    applications = {
        a.id: a
        for a in await db.session.scalars(
            select(Application).where(Application.id.in_(application_ids))
        )
    }
    people = {
        row.id: row
        for row in await db.session.execute(
            select(Resident.id, Resident.given_name, Resident.family_name).where(
                Resident.id.in_({a.resident_id for a in applications.values()})
            )
        )
    }
    interviewed = set(
        await db.session.scalars(
            select(NeedsInterview.application_id).where(
                NeedsInterview.application_id.in_(application_ids)
            )
        )
    )
    names = await service_names(db, [r.service_id for r in requested])
    unplanned = await _unplanned(db, application_ids)
    entries: dict[UUID, QueueEntry] = {}
    ordered: list[QueueEntry] = []
    for r in requested:
        queued = QueuedService(
            requested_service_id=r.id,
            service_id=r.service_id,
            service_name=names.get(r.service_id, ""),
            status=r.status,
            waiting_since=r.waiting_since,
        )
        key = r.id if per_service else r.application_id
        if key in entries:
            entries[key].services.append(queued)
            continue
        application = applications[r.application_id]
        person = people[application.resident_id]
        entry = QueueEntry(
            application_id=application.id,
            number=application.number,
            resident_id=application.resident_id,
            given_name=person.given_name,
            family_name=person.family_name,
            registered_on=application.registered_on,
            plan_due_on=application.plan_due_on,
            overdue=_overdue(application, unplanned),
            has_interview=application.id in interviewed,
            services=[queued],
        )
        entries[key] = entry
        ordered.append(entry)
    await record_access(
        db,
        AuditAction.LIST,
        ENTITY,
        sorted({e.application_id for e in ordered}),
        _details([e.resident_id for e in ordered]),
    )
    return ordered


async def qualification_queue(db: TenantSession, *, limit: int) -> list[QueueEntry]:
    """Applications with services still to qualify (for the OUS desk): the plan due first,
    each with its pending services; audited as a list."""
    pending = exists().where(
        RequestedService.application_id == Application.id, RequestedService.status == "pending"
    )
    ids = list(
        await db.session.scalars(
            select(Application.id)
            .where(pending)
            .order_by(Application.plan_due_on, Application.registered_on, Application.number)
            .limit(limit)
        )
    )
    if not ids:
        return []
    rank = {application_id: i for i, application_id in enumerate(ids)}
    requested = sorted(
        await db.session.scalars(
            select(RequestedService).where(
                RequestedService.application_id.in_(ids), RequestedService.status == "pending"
            )
        ),
        key=lambda r: (rank[r.application_id], str(r.id)),
    )
    return await _queue_entries(db, requested, per_service=False)


async def waiting_list(db: TenantSession, *, limit: int) -> list[QueueEntry]:
    """Services on the waiting list, longest waiting first (one row each); audited."""
    requested = list(
        await db.session.scalars(
            select(RequestedService)
            .where(RequestedService.status == "waiting")
            .order_by(RequestedService.waiting_since, RequestedService.id)
            .limit(limit)
        )
    )
    return await _queue_entries(db, requested, per_service=True)


async def awaiting_plan(db: TenantSession, *, limit: int) -> list[QueueEntry]:
    """Granted services still waiting for their plan (an IPUS, or a referral for a single
    service), the plan's due date first — the KIPUS's 30-day deadline; audited."""
    referred = select(Referral.id).where(Referral.requested_service_id == RequestedService.id)
    planned = select(IndividualPlan.id).where(
        IndividualPlan.application_id == RequestedService.application_id
    )
    requested = list(
        await db.session.scalars(
            select(RequestedService)
            .join(Application, Application.id == RequestedService.application_id)
            .where(
                RequestedService.status == "granted",
                ~exists(referred),
                (RequestedService.support_form != "ipus") | ~exists(planned),
            )
            .order_by(Application.plan_due_on, Application.number, RequestedService.id)
            .limit(limit)
        )
    )
    return await _queue_entries(db, requested, per_service=True)


async def queue(db: TenantSession, *, limit: int) -> ApplicationQueue:
    """The OUS desk: applications to qualify and the waiting list."""
    return ApplicationQueue(
        pending=await qualification_queue(db, limit=limit),
        waiting=await waiting_list(db, limit=limit),
    )


# The needs interview.


async def record_interview(
    db: TenantSession, application_id: UUID, data: InterviewIn
) -> ApplicationRead:
    """Create the needs interview, or replace it (its needs too) when ``version`` is the one
    last read; audited."""
    application = await _load(db, application_id)
    problems: list[FieldProblem] = []
    if data.held_on > clock.today():
        problems.append(FieldProblem(field="held_on", key="application.interview_future"))
    elif data.held_on < application.registered_on:
        problems.append(FieldProblem(field="held_on", key="application.interview_before"))
    areas = [n.area_code for n in data.needs]
    if not areas:
        problems.append(FieldProblem(field="needs", key="application.needs_required"))
    if len(set(areas)) != len(areas):
        problems.append(FieldProblem(field="needs", key="application.need_repeated"))
    if problems:
        raise InputError("invalid_input", problems=problems)
    interview = await _interview_of(db, application.id)
    action = AuditAction.UPDATE
    if interview is None:
        action = AuditAction.CREATE
        interview = NeedsInterview(
            application_id=application.id,
            held_on=data.held_on,
            goals=data.goals,
            risks=data.risks,
            created_by=db.tenant.principal.user_id,
        )
        db.session.add(interview)
        await db.session.flush()
    else:
        if data.version != interview.version:
            raise ConflictError("application.interview_stale", field="version")
        interview.held_on = data.held_on
        interview.goals = data.goals
        interview.risks = data.risks
        # The new needs make a new version even when the notes themselves are the same.
        flag_modified(interview, "goals")
        await db.session.flush()
        await db.session.execute(
            delete(InterviewNeed).where(InterviewNeed.interview_id == interview.id)
        )
    db.session.add_all(
        InterviewNeed(interview_id=interview.id, area_code=n.area_code, description=n.description)
        for n in data.needs
    )
    await db.session.flush()
    await record_access(
        db,
        action,
        ENTITY,
        [application.id],
        _details(
            [application.resident_id],
            fields=["interview.held_on", "interview.goals", "interview.risks", "interview.needs"],
            needs=len(data.needs),
        ),
    )
    return await _read(db, application)


# Qualification.


def _check_decision(data: DecisionIn) -> None:
    problems: list[FieldProblem] = []
    granted = data.outcome == Outcome.GRANTED
    if granted and data.support_form is None:
        problems.append(FieldProblem(field="support_form", key="application.support_form_required"))
    if not granted and data.support_form is not None:
        problems.append(FieldProblem(field="support_form", key="application.support_form_granted"))
    refused = data.outcome == Outcome.REFUSED
    if refused and not data.reason:
        problems.append(FieldProblem(field="reason", key="application.reason_required"))
    if not refused and data.reason:
        problems.append(FieldProblem(field="reason", key="application.reason_refused_only"))
    if problems:
        raise InputError("invalid_input", problems=problems)


async def decide(
    db: TenantSession, application_id: UUID, requested_service_id: UUID, data: DecisionIn
) -> ApplicationRead:
    """Record the team's decision on one requested service (after the needs interview, in
    the allowed order); the application closes when no service is left undecided."""
    application = await _load(db, application_id)
    requested = await db.session.scalar(
        select(RequestedService)
        .where(
            RequestedService.id == requested_service_id,
            RequestedService.application_id == application.id,
        )
        .with_for_update()
    )
    if requested is None:
        raise NotFoundError("not_found")
    _check_decision(data)
    if await _interview_of(db, application.id) is None:
        raise InputError("application.interview_required")
    if data.outcome not in TRANSITIONS.get(requested.status, frozenset()):
        raise ConflictError("application.already_decided", params={"status": requested.status})
    now = clock.now()
    requested.status = data.outcome.value
    requested.support_form = data.support_form.value if data.support_form else None
    if data.outcome == Outcome.WAITING:
        requested.waiting_since = now
    db.session.add(
        QualificationDecision(
            requested_service_id=requested.id,
            outcome=data.outcome.value,
            support_form=requested.support_form,
            reason=data.reason,
            decided_by=db.tenant.principal.user_id,
            decided_by_roles=",".join(sorted(r.value for r in db.tenant.roles)),
            kipus_id=data.kipus_id,
            decided_at=now,
        )
    )
    await db.session.flush()
    still_open = await db.session.scalar(
        select(RequestedService.id)
        .where(
            RequestedService.application_id == application.id,
            RequestedService.status.in_(OPEN_STATUSES),
        )
        .limit(1)
    )
    if still_open is None:
        application.closed_at = now
        await db.session.flush()
    await record_access(
        db,
        AuditAction.UPDATE,
        ENTITY,
        [application.id],
        _details([application.resident_id], fields=["services.status", "decisions"]),
    )
    return await _read(db, application)


# For other contexts.


async def granted_service(db: TenantSession, requested_service_id: UUID) -> RequestedService:
    """A requested service that was granted (plans and referrals start from one): 404 when
    it is not in this gmina, 409 ``application.not_granted`` when it was not granted."""
    requested = await db.session.get(RequestedService, requested_service_id)
    if requested is None:
        raise NotFoundError("not_found")
    if requested.status != "granted":
        raise ConflictError("application.not_granted")
    return requested
