"""Problems in delivery (the resident did not open the door, their health got worse, a
safety concern…) that the partner reports to the CUS without delay, and the CUS's
acknowledgement with what it did. Every read and write is audited in the same transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from cus_core.audit.service import AuditAction, record_access
from cus_core.offer import service as offer
from cus_core.referrals.models import DeliveryProblem, Referral
from cus_core.referrals.problem_schemas import AcknowledgeIn, ProblemIn, ProblemRead
from cus_core.referrals.service import load
from cus_shared import clock
from cus_shared.errors import ConflictError, NotFoundError

if TYPE_CHECKING:
    from uuid import UUID

    from cus_shared.tenancy import TenantSession

ENTITY = "delivery_problem"
#: A problem can be reported while the provider works on the referral.
_REPORTABLE = ("accepted", "in_delivery")


async def _reads(
    db: TenantSession, rows: list[tuple[DeliveryProblem, Referral]]
) -> list[ProblemRead]:
    services = await offer.service_names(db, [r.service_id for _p, r in rows])
    partners = await offer.partner_names(db, [p.partner_id for p, _r in rows])
    return [
        ProblemRead(
            id=p.id,
            referral_id=r.id,
            referral_number=r.number,
            service_name=services.get(r.service_id, ""),
            partner_id=p.partner_id,
            partner_name=partners.get(p.partner_id),
            category=p.category,
            urgent=p.urgent,
            description=p.description,
            reported_at=p.reported_at,
            acknowledged_at=p.acknowledged_at,
            response=p.response,
        )
        for p, r in rows
    ]


def _with_referral() -> Any:
    return select(DeliveryProblem, Referral).join(
        Referral, Referral.id == DeliveryProblem.referral_id
    )


async def report_problem(db: TenantSession, referral_id: UUID, data: ProblemIn) -> ProblemRead:
    """The partner reports a problem in delivering one of its referrals (another's: 404;
    a referral not accepted or in delivery: 409)."""
    referral = await load(db, referral_id)
    if referral.partner_id is None or not db.tenant.is_partner:
        raise NotFoundError("not_found")
    if referral.status not in _REPORTABLE:
        raise ConflictError("problem.referral_not_active", params={"status": referral.status})
    problem = DeliveryProblem(
        referral_id=referral.id,
        partner_id=referral.partner_id,
        category=data.category,
        urgent=data.urgent,
        description=data.description,
        reported_by=db.tenant.principal.user_id,
        reported_at=clock.now(),
    )
    db.session.add(problem)
    await db.session.flush()
    await record_access(
        db, AuditAction.CREATE, ENTITY, [problem.id], {"referral": str(referral.id)}
    )
    return (await _reads(db, [(problem, referral)]))[0]


async def problems_of(db: TenantSession, referral_id: UUID) -> list[ProblemRead]:
    """The problems reported on one referral, newest first (partners: their referral only)."""
    referral = await load(db, referral_id)
    rows = [
        (p, referral)
        for p in await db.session.scalars(
            select(DeliveryProblem)
            .where(DeliveryProblem.referral_id == referral.id)
            .order_by(DeliveryProblem.reported_at.desc())
        )
    ]
    if rows:
        await record_access(db, AuditAction.LIST, ENTITY, [p.id for p, _r in rows])
    return await _reads(db, rows)


async def open_problems(db: TenantSession, *, limit: int) -> list[ProblemRead]:
    """Problems the CUS has not acknowledged yet, urgent ones first, then the oldest first
    (for the desk and the problems list); audited."""
    rows = [
        (p, r)
        for p, r in (
            await db.session.execute(
                _with_referral()
                .where(DeliveryProblem.acknowledged_at.is_(None))
                .order_by(DeliveryProblem.urgent.desc(), DeliveryProblem.reported_at)
                .limit(limit)
            )
        ).all()
    ]
    if rows:
        await record_access(db, AuditAction.LIST, ENTITY, [p.id for p, _r in rows])
    return await _reads(db, rows)


async def acknowledge(db: TenantSession, problem_id: UUID, data: AcknowledgeIn) -> ProblemRead:
    """The CUS acknowledges a problem and says what it did (409 when already acknowledged)."""
    found = (
        await db.session.execute(
            _with_referral().where(DeliveryProblem.id == problem_id).with_for_update()
        )
    ).first()
    if found is None:
        raise NotFoundError("not_found")
    problem, referral = found
    if problem.acknowledged_at is not None:
        raise ConflictError("problem.already_acknowledged")
    problem.acknowledged_at = clock.now()
    problem.acknowledged_by = db.tenant.principal.user_id
    problem.response = data.response
    await db.session.flush()
    await record_access(
        db, AuditAction.UPDATE, ENTITY, [problem.id], {"fields": ["acknowledged_at", "response"]}
    )
    return (await _reads(db, [(problem, referral)]))[0]
