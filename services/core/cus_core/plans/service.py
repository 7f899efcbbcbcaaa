"""The rules of individual plans (IPUS): 3 to 12 months, services of the gmina's programme
under contracts that cover them, approval by the director or an authorised OUS, reviews
scheduled every 3 months (a summary every 6, the closing summary at the end), amendments as
new versions. Every read and write is audited in the same transaction."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, select
from sqlalchemy.orm.exc import StaleDataError

from cus_core.applications.models import Application
from cus_core.audit.service import AuditAction, record_access
from cus_core.numbering import DocumentKind, next_number
from cus_core.offer import service as offer
from cus_core.plans.models import (
    IndividualPlan,
    PlanApprover,
    PlanGoal,
    PlanReview,
    PlanService,
    PlanVersion,
)
from cus_core.plans.schemas import (
    ApproverRead,
    CaseloadPlan,
    DueReview,
    DueStatus,
    GoalRead,
    PlanAmend,
    PlanClose,
    PlanContent,
    PlanCreate,
    PlanRead,
    PlanResident,
    PlanStatus,
    PlanSummary,
    PlanVersionRead,
    ReviewKind,
    ReviewOutcome,
    ReviewRead,
    ReviewRecord,
    ServiceRead,
    VersionRead,
    VersionSummary,
)
from cus_core.residents.models import Resident
from cus_shared import clock
from cus_shared.errors import (
    ConflictError,
    FieldProblem,
    InputError,
    NotFoundError,
    PermissionDeniedError,
)
from cus_shared.identity.roles import Role

if TYPE_CHECKING:
    from collections.abc import Sequence
    from uuid import UUID

    from cus_shared.tenancy import TenantSession

ENTITY = "plan"
#: Shortest and longest plan, in calendar months.
MIN_MONTHS, MAX_MONTHS = 3, 12
#: A review due within this many days is "due soon".
DUE_SOON_DAYS = 14
_DAY = timedelta(days=1)


# --- the plan's period and its reviews ---------------------------------------------------


def last_day(starts_on: date, months: int) -> date:
    """The last day of a plan of so many calendar months."""
    return clock.add_months(starts_on, months) - _DAY


def _months_in(starts_on: date, ends_on: date, *, round_up: bool) -> int:
    """Whole calendar months of a period (rounded up: months it reaches into)."""
    if ends_on < starts_on:
        return 0
    months = 0
    while last_day(starts_on, months + 1) <= ends_on:
        months += 1
    if round_up and last_day(starts_on, months) < ends_on:
        months += 1
    return months


def check_duration(starts_on: date, ends_on: date, problems: list[FieldProblem]) -> None:
    """3 to 12 calendar months (the database checks the same rule)."""
    if ends_on < last_day(starts_on, MIN_MONTHS):
        months = _months_in(starts_on, ends_on, round_up=False)
    elif ends_on > last_day(starts_on, MAX_MONTHS):
        months = _months_in(starts_on, ends_on, round_up=True)
    else:
        return
    problems.append(
        FieldProblem(
            field="ends_on",
            key="plan.duration",
            params={"months": months, "min": MIN_MONTHS, "max": MAX_MONTHS},
        )
    )


def review_schedule(starts_on: date, ends_on: date) -> list[tuple[ReviewKind, date]]:
    """A review every 3 months from the start, a summary at every 6th month, and the closing
    summary on the last day (a review falling on or after it gives way to the closing)."""
    schedule: list[tuple[ReviewKind, date]] = []
    months = 3
    while (due := clock.add_months(starts_on, months)) < ends_on:
        schedule.append((ReviewKind.SUMMARY if months % 6 == 0 else ReviewKind.REVIEW, due))
        months += 3
    schedule.append((ReviewKind.CLOSING, ends_on))
    return schedule


async def _schedule_reviews(db: TenantSession, plan: IndividualPlan) -> None:
    """Replace the undone reviews with those the plan's period calls for (done ones stay)."""
    await db.session.execute(
        delete(PlanReview).where(PlanReview.plan_id == plan.id, PlanReview.done_on.is_(None))
    )
    done = {
        (r.kind, r.due_on)
        for r in await db.session.scalars(select(PlanReview).where(PlanReview.plan_id == plan.id))
    }
    last_done = max((due for _, due in done), default=None)
    for kind, due in review_schedule(plan.starts_on, plan.ends_on):
        if (kind.value, due) in done or (last_done is not None and due <= last_done):
            continue
        db.session.add(PlanReview(plan_id=plan.id, kind=kind.value, due_on=due))
    await db.session.flush()


# --- checking the content -----------------------------------------------------------------


async def _check_content(
    db: TenantSession,
    content: PlanContent,
    starts_on: date,
    ends_on: date,
    problems: list[FieldProblem],
) -> list[UUID | None]:
    """Each service offered by the programme, within the plan, under a contract covering it
    in this gmina; the partner of each service's contract (None: the CUS itself)."""
    partners: list[UUID | None] = []
    for index, item in enumerate(content.services):
        prefix = f"services.{index}"
        partner_id: UUID | None = None
        if item.ends_on < item.starts_on or item.starts_on < starts_on or item.ends_on > ends_on:
            problems.append(FieldProblem(field=f"{prefix}.starts_on", key="plan.service_period"))
        elif (
            await offer.offered_service(db, item.service_id, item.starts_on) is None
            or await offer.offered_service(db, item.service_id, item.ends_on) is None
        ):
            problems.append(
                FieldProblem(field=f"{prefix}.service_id", key="plan.service_not_offered")
            )
        elif item.contract_id is not None:
            covering = await offer.contract(db, item.contract_id)
            if covering is None or not covering.covers(
                item.service_id, item.starts_on, item.ends_on
            ):
                problems.append(
                    FieldProblem(field=f"{prefix}.contract_id", key="plan.contract_not_covering")
                )
            else:
                partner_id = covering.partner_id
        partners.append(partner_id)
    return partners


async def _add_version(
    db: TenantSession,
    plan: IndividualPlan,
    number: int,
    content: PlanContent,
    partners: Sequence[UUID | None],
    reason: str | None,
) -> None:
    version = PlanVersion(
        plan_id=plan.id, number=number, reason=reason, created_by=db.tenant.principal.user_id
    )
    db.session.add(version)
    await db.session.flush()
    for position, goal in enumerate(content.goals, start=1):
        db.session.add(
            PlanGoal(
                plan_version_id=version.id,
                position=position,
                description=goal.description,
                measure=goal.measure,
            )
        )
    for item, partner_id in zip(content.services, partners, strict=True):
        db.session.add(
            PlanService(
                plan_version_id=version.id,
                service_id=item.service_id,
                contract_id=item.contract_id,
                partner_id=partner_id,
                schedule=item.schedule,
                volume_per_month=item.volume_per_month,
                starts_on=item.starts_on,
                ends_on=item.ends_on,
            )
        )
    await db.session.flush()


# --- loading ------------------------------------------------------------------------------


async def _load(db: TenantSession, plan_id: UUID, *, for_update: bool = False) -> IndividualPlan:
    query = select(IndividualPlan).where(IndividualPlan.id == plan_id)
    if for_update:
        query = query.with_for_update()
    plan = await db.session.scalar(query)
    if plan is None:
        raise NotFoundError("not_found")
    return plan


async def _version_read(db: TenantSession, version: PlanVersion) -> VersionRead:
    goals = await db.session.scalars(
        select(PlanGoal).where(PlanGoal.plan_version_id == version.id).order_by(PlanGoal.position)
    )
    services = list(
        await db.session.scalars(
            select(PlanService)
            .where(PlanService.plan_version_id == version.id)
            .order_by(PlanService.starts_on, PlanService.id)
        )
    )
    names = await offer.service_names(db, [s.service_id for s in services])
    partners = await offer.partner_names(db, [s.partner_id for s in services if s.partner_id])
    return VersionRead(
        number=version.number,
        reason=version.reason,
        created_at=version.created_at,
        goals=[
            GoalRead(position=g.position, description=g.description, measure=g.measure)
            for g in goals
        ],
        services=[
            ServiceRead(
                service_id=s.service_id,
                service_name=names.get(s.service_id, str(s.service_id)),
                contract_id=s.contract_id,
                partner_id=s.partner_id,
                partner_name=partners.get(s.partner_id) if s.partner_id else None,
                schedule=s.schedule,
                volume_per_month=s.volume_per_month,
                starts_on=s.starts_on,
                ends_on=s.ends_on,
            )
            for s in services
        ],
    )


async def _version(db: TenantSession, plan_id: UUID, number: int) -> PlanVersion:
    version = await db.session.scalar(
        select(PlanVersion).where(PlanVersion.plan_id == plan_id, PlanVersion.number == number)
    )
    if version is None:
        raise NotFoundError("not_found")
    return version


async def _plan_read(db: TenantSession, plan: IndividualPlan) -> PlanRead:
    resident = await db.session.scalar(select(Resident).where(Resident.id == plan.resident_id))
    assert resident is not None  # a foreign key keeps it
    versions = list(
        await db.session.scalars(
            select(PlanVersion).where(PlanVersion.plan_id == plan.id).order_by(PlanVersion.number)
        )
    )
    current = next(v for v in versions if v.number == plan.current_version)
    reviews = await db.session.scalars(
        select(PlanReview)
        .where(PlanReview.plan_id == plan.id)
        .order_by(PlanReview.due_on, PlanReview.kind)
    )
    return PlanRead(
        id=plan.id,
        number=plan.number,
        resident=PlanResident(
            id=resident.id,
            given_name=resident.given_name,
            family_name=resident.family_name,
            birth_date=resident.birth_date,
        ),
        application_id=plan.application_id,
        coordinator_id=plan.coordinator_id,
        status=PlanStatus(plan.status),
        starts_on=plan.starts_on,
        ends_on=plan.ends_on,
        current_version=plan.current_version,
        version=await _version_read(db, current),
        versions=[
            VersionSummary(number=v.number, reason=v.reason, created_at=v.created_at)
            for v in versions
        ],
        reviews=[
            ReviewRead(
                id=r.id,
                kind=ReviewKind(r.kind),
                due_on=r.due_on,
                done_on=r.done_on,
                outcome=ReviewOutcome(r.outcome) if r.outcome else None,
                notes=r.notes,
            )
            for r in reviews
        ],
        approved_by=plan.approved_by,
        approved_at=plan.approved_at,
        closed_at=plan.closed_at,
        social_assistance_client=plan.social_assistance_client,
    )


async def _saved(db: TenantSession, plan: IndividualPlan, fields: list[str]) -> PlanRead:
    """Flush a change (refusing a concurrent one), audit it, and read the plan back."""
    try:
        await db.session.flush()
    except StaleDataError:
        raise ConflictError("plan.stale") from None
    await record_access(db, AuditAction.UPDATE, ENTITY, [plan.id], {"fields": fields})
    return await _plan_read(db, plan)


def _require_status(plan: IndividualPlan, status: PlanStatus) -> None:
    """409 with a message naming what stands in the way."""
    if plan.status == status.value:
        return
    if plan.status == PlanStatus.CLOSED.value:
        raise ConflictError("plan.closed")
    raise ConflictError("plan.not_draft" if status is PlanStatus.DRAFT else "plan.not_approved")


def _check_done_on(plan: IndividualPlan, done_on: date, field: str) -> None:
    if done_on > clock.today() or done_on < plan.starts_on:
        raise InputError("plan.done_on", field=field)


# --- writing ------------------------------------------------------------------------------


async def create_plan(db: TenantSession, data: PlanCreate) -> PlanRead:
    """Draft a plan (version 1) for a resident; nothing is written when a rule is broken."""
    resident = await db.session.scalar(select(Resident.id).where(Resident.id == data.resident_id))
    if resident is None:
        raise NotFoundError("not_found")
    if data.application_id is not None:
        application = await db.session.scalar(
            select(Application.id).where(
                Application.id == data.application_id,
                Application.resident_id == data.resident_id,
            )
        )
        if application is None:
            raise NotFoundError("not_found")
    roles = db.tenant.roles
    coordinator_id = data.coordinator_id
    if Role.KIPUS in roles and not roles & {Role.DIRECTOR, Role.OUS}:
        coordinator_id = db.tenant.principal.user_id
    elif coordinator_id is None:
        coordinator_id = db.tenant.principal.user_id if Role.KIPUS in roles else None
    problems: list[FieldProblem] = []
    if coordinator_id is None:
        problems.append(FieldProblem(field="coordinator_id", key="plan.coordinator_required"))
    check_duration(data.starts_on, data.ends_on, problems)
    partners = await _check_content(db, data, data.starts_on, data.ends_on, problems)
    if problems:
        raise InputError("invalid_input", problems=problems)
    assert coordinator_id is not None
    plan = IndividualPlan(
        number=await next_number(db, DocumentKind.PLAN),
        resident_id=data.resident_id,
        application_id=data.application_id,
        coordinator_id=coordinator_id,
        status=PlanStatus.DRAFT.value,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        current_version=1,
        social_assistance_client=False,
        created_by=db.tenant.principal.user_id,
    )
    db.session.add(plan)
    await db.session.flush()
    await _add_version(db, plan, 1, data, partners, None)
    await record_access(
        db,
        AuditAction.CREATE,
        ENTITY,
        [plan.id],
        {"goals": len(data.goals), "services": len(data.services)},
    )
    return await _plan_read(db, plan)


async def may_approve(db: TenantSession) -> bool:
    """Whether the caller may approve plans: the director always, an OUS when authorised."""
    roles = db.tenant.roles
    if Role.DIRECTOR in roles:
        return True
    if Role.OUS not in roles:
        return False
    granted = await db.session.scalar(
        select(PlanApprover.user_id).where(PlanApprover.user_id == db.tenant.principal.user_id)
    )
    return granted is not None


async def approve_plan(db: TenantSession, plan_id: UUID) -> PlanRead:
    """Approve a draft and schedule its reviews."""
    plan = await _load(db, plan_id, for_update=True)
    if not await may_approve(db):
        raise PermissionDeniedError("plan.not_authorised")
    _require_status(plan, PlanStatus.DRAFT)
    plan.status = PlanStatus.APPROVED.value
    plan.approved_by = db.tenant.principal.user_id
    plan.approved_at = clock.now()
    await db.session.flush()
    await _schedule_reviews(db, plan)
    return await _saved(db, plan, ["status", "approved_by", "approved_at", "reviews"])


async def amend_plan(db: TenantSession, plan_id: UUID, data: PlanAmend) -> PlanRead:
    """A new version of an approved plan; a new end re-checks the duration and reschedules
    the reviews not yet done."""
    plan = await _load(db, plan_id, for_update=True)
    _require_status(plan, PlanStatus.APPROVED)
    ends_on = data.ends_on or plan.ends_on
    problems: list[FieldProblem] = []
    check_duration(plan.starts_on, ends_on, problems)
    partners = await _check_content(db, data, plan.starts_on, ends_on, problems)
    if problems:
        raise InputError("invalid_input", problems=problems)
    number = plan.current_version + 1
    await _add_version(db, plan, number, data, partners, data.reason)
    fields = ["current_version", "goals", "services"]
    plan.current_version = number
    if ends_on != plan.ends_on:
        plan.ends_on = ends_on
        await db.session.flush()
        await _schedule_reviews(db, plan)
        fields += ["ends_on", "reviews"]
    return await _saved(db, plan, fields)


async def record_review(
    db: TenantSession, plan_id: UUID, review_id: UUID, data: ReviewRecord
) -> PlanRead:
    """Record a review's outcome ('end': the coordinator then closes the plan)."""
    plan = await _load(db, plan_id, for_update=True)
    review = await db.session.scalar(
        select(PlanReview).where(PlanReview.id == review_id, PlanReview.plan_id == plan.id)
    )
    if review is None:
        raise NotFoundError("not_found")
    _require_status(plan, PlanStatus.APPROVED)
    if review.done_on is not None:
        raise ConflictError("plan.review_done")
    if review.kind == ReviewKind.CLOSING.value:
        raise ConflictError("plan.close_instead")
    _check_done_on(plan, data.done_on, "done_on")
    review.done_on = data.done_on
    review.outcome = data.outcome.value
    review.notes = data.notes
    review.recorded_by = db.tenant.principal.user_id
    review.recorded_at = clock.now()
    return await _saved(db, plan, ["reviews"])


async def close_plan(db: TenantSession, plan_id: UUID, data: PlanClose) -> PlanRead:
    """Record the closing summary and close the plan; reviews due after it are dropped."""
    plan = await _load(db, plan_id, for_update=True)
    _require_status(plan, PlanStatus.APPROVED)
    _check_done_on(plan, data.done_on, "done_on")
    await db.session.execute(
        delete(PlanReview).where(
            PlanReview.plan_id == plan.id,
            PlanReview.done_on.is_(None),
            PlanReview.kind != ReviewKind.CLOSING.value,
            PlanReview.due_on > data.done_on,
        )
    )
    closing = await db.session.scalar(
        select(PlanReview).where(
            PlanReview.plan_id == plan.id,
            PlanReview.kind == ReviewKind.CLOSING.value,
            PlanReview.done_on.is_(None),
        )
    )
    if closing is None:  # an approved plan always has one; kept safe for old data
        closing = PlanReview(plan_id=plan.id, kind=ReviewKind.CLOSING.value, due_on=plan.ends_on)
        db.session.add(closing)
    closing.done_on = data.done_on
    closing.outcome = ReviewOutcome.END.value
    closing.notes = data.summary
    closing.recorded_by = db.tenant.principal.user_id
    closing.recorded_at = clock.now()
    plan.status = PlanStatus.CLOSED.value
    plan.closed_at = clock.now()
    return await _saved(db, plan, ["status", "closed_at", "reviews"])


# --- reading ------------------------------------------------------------------------------


async def read_plan(
    db: TenantSession, plan_id: UUID, *, details: dict[str, str] | None = None
) -> PlanRead:
    """A plan with its current version, reviews and versions; audited (the resident's name
    and date of birth it shows too)."""
    plan = await _load(db, plan_id)
    await record_access(db, AuditAction.READ, ENTITY, [plan.id], details)
    await record_access(
        db,
        AuditAction.READ,
        "resident",
        [plan.resident_id],
        {"fields": ["given_name", "family_name", "birth_date"], "via": ENTITY},
    )
    return await _plan_read(db, plan)


async def read_version(db: TenantSession, plan_id: UUID, number: int) -> PlanVersionRead:
    """One version of a plan (old versions stay readable); audited."""
    plan = await _load(db, plan_id)
    version = await _version(db, plan.id, number)
    await record_access(db, AuditAction.READ, ENTITY, [plan.id], {"version": number})
    return PlanVersionRead(
        plan_id=plan.id, number=plan.number, version=await _version_read(db, version)
    )


def _summary(plan: IndividualPlan) -> PlanSummary:
    return PlanSummary(
        id=plan.id,
        number=plan.number,
        resident_id=plan.resident_id,
        coordinator_id=plan.coordinator_id,
        status=PlanStatus(plan.status),
        starts_on=plan.starts_on,
        ends_on=plan.ends_on,
        current_version=plan.current_version,
    )


async def list_plans(
    db: TenantSession,
    *,
    resident_id: UUID | None = None,
    coordinator_id: UUID | None = None,
    status: PlanStatus | None = None,
    limit: int,
    offset: int,
) -> tuple[list[PlanSummary], int]:
    """Plans, newest start first, filtered; every listed plan is audited."""
    conditions = []
    if resident_id is not None:
        conditions.append(IndividualPlan.resident_id == resident_id)
    if coordinator_id is not None:
        conditions.append(IndividualPlan.coordinator_id == coordinator_id)
    if status is not None:
        conditions.append(IndividualPlan.status == status.value)
    total = await db.session.scalar(select(func.count(IndividualPlan.id)).where(*conditions))
    rows = list(
        await db.session.scalars(
            select(IndividualPlan)
            .where(*conditions)
            .order_by(IndividualPlan.starts_on.desc(), IndividualPlan.number)
            .limit(limit)
            .offset(offset)
        )
    )
    if rows:
        await record_access(db, AuditAction.LIST, ENTITY, [p.id for p in rows])
    return [_summary(p) for p in rows], int(total or 0)


async def plans_of(db: TenantSession, resident_id: UUID) -> list[PlanSummary]:
    """A resident's plans, newest first (the resident's timeline); audited."""
    rows, _ = await list_plans(db, resident_id=resident_id, limit=100, offset=0)
    return rows


def due_status(due_on: date, today: date) -> DueStatus:
    """Overdue before today, due soon within two weeks, later otherwise."""
    if due_on < today:
        return DueStatus.OVERDUE
    if due_on <= today + timedelta(days=DUE_SOON_DAYS):
        return DueStatus.DUE_SOON
    return DueStatus.LATER


async def _due(
    db: TenantSession, coordinator_id: UUID | None, *, limit: int | None
) -> list[DueReview]:
    query = (
        select(PlanReview, IndividualPlan, Resident.given_name, Resident.family_name)
        .join(IndividualPlan, IndividualPlan.id == PlanReview.plan_id)
        .join(Resident, Resident.id == IndividualPlan.resident_id)
        .where(
            PlanReview.done_on.is_(None),
            IndividualPlan.status == PlanStatus.APPROVED.value,
        )
        .order_by(PlanReview.due_on, IndividualPlan.number)
    )
    if coordinator_id is not None:
        query = query.where(IndividualPlan.coordinator_id == coordinator_id)
    if limit is not None:
        query = query.limit(limit)
    today = clock.today()
    found = [
        DueReview(
            review_id=review.id,
            plan_id=plan.id,
            plan_number=plan.number,
            resident_id=plan.resident_id,
            resident_name=f"{given} {family}",
            coordinator_id=plan.coordinator_id,
            kind=ReviewKind(review.kind),
            due_on=review.due_on,
            status=due_status(review.due_on, today),
        )
        for review, plan, given, family in await db.session.execute(query)
    ]
    if found:
        await record_access(db, AuditAction.LIST, ENTITY, list({d.plan_id: 0 for d in found}))
        await record_access(
            db,
            AuditAction.LIST,
            "resident",
            list({d.resident_id: 0 for d in found}),
            {"fields": ["given_name", "family_name"], "via": ENTITY},
        )
    # Ordered by date, overdue reviews already come first.
    return found


async def due_list(db: TenantSession, *, everyone: bool) -> list[DueReview]:
    """Undone reviews of the caller's plans (or of all plans, for the director or an OUS)."""
    if everyone and not db.tenant.roles & {Role.DIRECTOR, Role.OUS}:
        raise PermissionDeniedError("auth.forbidden")
    return await _due(db, None if everyone else db.tenant.principal.user_id, limit=None)


async def due_reviews(db: TenantSession, coordinator_id: UUID, *, limit: int) -> list[DueReview]:
    """The coordinator's undone reviews, most urgent first (the KIPUS desk panel); audited."""
    return await _due(db, coordinator_id, limit=limit)


# --- who may approve ----------------------------------------------------------------------


async def grant_approver(db: TenantSession, user_id: UUID) -> ApproverRead:
    """Authorise an OUS to approve plans (the director's decision); idempotent."""
    approver = await db.session.get(PlanApprover, user_id)
    if approver is None:
        approver = PlanApprover(
            user_id=user_id, granted_by=db.tenant.principal.user_id, granted_at=clock.now()
        )
        db.session.add(approver)
        await db.session.flush()
        await record_access(db, AuditAction.CREATE, "plan_approver", [user_id])
    return ApproverRead(
        user_id=approver.user_id, granted_by=approver.granted_by, granted_at=approver.granted_at
    )


async def revoke_approver(db: TenantSession, user_id: UUID) -> None:
    """Withdraw an authorisation (404 when there was none)."""
    result = await db.session.execute(delete(PlanApprover).where(PlanApprover.user_id == user_id))
    if not result.rowcount:  # type: ignore[attr-defined]
        raise NotFoundError("not_found")
    await record_access(db, AuditAction.UPDATE, "plan_approver", [user_id], {"fields": ["revoked"]})


# --- what the pages show besides a plan -------------------------------------------------------


async def active_plans(db: TenantSession, coordinator_id: UUID | None) -> list[CaseloadPlan]:
    """Draft and approved plans (of one coordinator, or all) with the resident's name, ending
    soonest first (the caseload); audited."""
    query = (
        select(IndividualPlan, Resident.given_name, Resident.family_name)
        .join(Resident, Resident.id == IndividualPlan.resident_id)
        .where(IndividualPlan.status != PlanStatus.CLOSED.value)
        .order_by(IndividualPlan.ends_on, IndividualPlan.number)
        .limit(200)
    )
    if coordinator_id is not None:
        query = query.where(IndividualPlan.coordinator_id == coordinator_id)
    found = [
        CaseloadPlan(**_summary(plan).model_dump(), resident_name=f"{given} {family}")
        for plan, given, family in await db.session.execute(query)
    ]
    if found:
        await record_access(db, AuditAction.LIST, ENTITY, [p.id for p in found])
        await record_access(
            db,
            AuditAction.LIST,
            "resident",
            list({p.resident_id: 0 for p in found}),
            {"fields": ["given_name", "family_name"], "via": ENTITY},
        )
    return found


async def resident_for_plan(db: TenantSession, resident_id: UUID) -> PlanResident:
    """Who a new plan is for (the form shows the name); 404 outside this gmina; audited."""
    resident = await db.session.scalar(select(Resident).where(Resident.id == resident_id))
    if resident is None:
        raise NotFoundError("not_found")
    await record_access(
        db,
        AuditAction.READ,
        "resident",
        [resident.id],
        {"fields": ["given_name", "family_name", "birth_date"], "via": ENTITY},
    )
    return PlanResident(
        id=resident.id,
        given_name=resident.given_name,
        family_name=resident.family_name,
        birth_date=resident.birth_date,
    )
