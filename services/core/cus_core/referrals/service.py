"""Referrals (skierowania) of granted services to a provider: the contract must cover the
service, the gmina and the whole period, a partner needs the resident's consent, and the
contract's monthly capacity is reserved; then the status moves pending → accepted →
in delivery → completed (or declined, cancelled, expired), each change recorded with who,
when and why, and every read and write audited in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from cus_core.applications.models import RequestedService
from cus_core.audit.service import AuditAction, record_access
from cus_core.numbering import DocumentKind, next_number
from cus_core.offer import service as offer
from cus_core.plans.models import IndividualPlan
from cus_core.referrals.consents import active_consent
from cus_core.referrals.models import REFERRAL_STATUSES, Delivery, Referral, ReferralEvent
from cus_core.referrals.schemas import (
    DeliveryRead,
    EventRead,
    ReferralCreate,
    ReferralRead,
    ReferralSummary,
)
from cus_core.residents.models import Resident
from cus_shared import clock
from cus_shared.errors import ConflictError, InputError, NotFoundError

if TYPE_CHECKING:
    from collections.abc import Sequence
    from uuid import UUID

    from cus_shared.tenancy import TenantSession

ENTITY = "referral"
#: Statuses in which a referral still holds capacity and may change.
OPEN_STATUSES = ("pending", "accepted", "in_delivery")
#: A pending referral not accepted this long after its start expires.
EXPIRY_AFTER = timedelta(days=14)


@dataclass(frozen=True, slots=True)
class Transition:
    """A status change: from which statuses, and whether it needs a reason."""

    to: str
    sources: tuple[str, ...]
    needs_reason: bool = False


ACCEPT = Transition("accepted", ("pending",))
DECLINE = Transition("declined", ("pending",), needs_reason=True)
START = Transition("in_delivery", ("accepted",))
CANCEL = Transition("cancelled", OPEN_STATUSES, needs_reason=True)
COMPLETE = Transition("completed", ("in_delivery",))
EXPIRE = Transition("expired", ("pending",))
#: Ending a referral gives back the capacity of the months not yet started.
_RELEASING = frozenset({"declined", "cancelled", "expired", "completed"})


def actor_kind(db: TenantSession) -> str:
    """Who acts: the partner's staff or the CUS."""
    return "partner" if db.tenant.is_partner else "cus"


async def load(db: TenantSession, referral_id: UUID, *, lock: bool = False) -> Referral:
    """A referral of this gmina; partner staff reach only their organisations' (else 404)."""
    query = select(Referral).where(Referral.id == referral_id)
    if db.tenant.is_partner:
        query = query.where(Referral.partner_id.in_(db.tenant.partner_ids))
    if lock:
        query = query.with_for_update()
    referral: Referral | None = await db.session.scalar(query)
    if referral is None:
        raise NotFoundError("not_found")
    return referral


def _event(db: TenantSession, referral: Referral, status: str, reason: str | None) -> None:
    kind = "system" if status == "expired" else actor_kind(db)
    db.session.add(
        ReferralEvent(
            referral_id=referral.id,
            status=status,
            reason=reason,
            actor_id=None if kind == "system" else db.tenant.principal.user_id,
            actor_kind=kind,
            occurred_at=clock.now(),
        )
    )


# --- creating a referral ----------------------------------------------------------------------


async def _granted(db: TenantSession, requested_service_id: UUID) -> RequestedService:
    requested: RequestedService | None = await db.session.scalar(
        select(RequestedService).where(RequestedService.id == requested_service_id)
    )
    if requested is None:
        raise NotFoundError("not_found")
    if requested.status != "granted":
        raise ConflictError("referral.not_granted", field="requested_service_id")
    return requested


async def create_referral(db: TenantSession, data: ReferralCreate) -> ReferralRead:
    """Refer a granted service under a contract; refused with nothing written when the
    contract does not cover it, consent is missing or the capacity would be exceeded."""
    requested = await _granted(db, data.requested_service_id)
    if data.ends_on < data.starts_on:
        raise InputError("referral.period_order", field="ends_on")
    if data.plan_id is not None:
        plan = await db.session.scalar(
            select(IndividualPlan.id).where(
                IndividualPlan.id == data.plan_id,
                IndividualPlan.resident_id == requested.resident_id,
            )
        )
        if plan is None:
            raise InputError("referral.plan_unknown", field="plan_id")
    contract = await offer.contract(db, data.contract_id)
    if contract is None or not contract.covers(requested.service_id, data.starts_on, data.ends_on):
        raise InputError("referral.outside_contract", field="contract_id")
    consent_id: UUID | None = None
    if contract.partner_id is not None:
        consent = await active_consent(db, requested.resident_id, contract.partner_id)
        if consent is None:
            raise InputError("referral.consent_required", field="contract_id")
        consent_id = consent.id
    duplicate = await db.session.scalar(
        select(Referral.id).where(
            Referral.requested_service_id == requested.id, Referral.status.in_(OPEN_STATUSES)
        )
    )
    if duplicate is not None:
        raise ConflictError("referral.duplicate", field="requested_service_id")
    # A savepoint: a refusal of the capacity (checked last) leaves nothing behind.
    async with db.session.begin_nested():
        referral = Referral(
            number=await next_number(db, DocumentKind.REFERRAL),
            resident_id=requested.resident_id,
            requested_service_id=requested.id,
            plan_id=data.plan_id,
            service_id=requested.service_id,
            contract_id=contract.contract_id,
            partner_id=contract.partner_id,
            consent_id=consent_id,
            starts_on=data.starts_on,
            ends_on=data.ends_on,
            volume_per_month=data.volume_per_month,
            status="pending",
            created_by=db.tenant.principal.user_id,
        )
        db.session.add(referral)
        await db.session.flush()
        _event(db, referral, "pending", None)
        await record_access(db, AuditAction.CREATE, ENTITY, [referral.id])
        await offer.reserve_capacity(
            db, contract, offer.months_of(data.starts_on, data.ends_on), data.volume_per_month
        )
    return await _to_read(db, referral)


# --- status changes ---------------------------------------------------------------------------


async def change_status(
    db: TenantSession, referral: Referral, transition: Transition, reason: str | None = None
) -> None:
    """Move a referral to another status (409 from a status that does not allow it); the
    change is recorded as an event and audited; ending gives back unused capacity."""
    if referral.status not in transition.sources:
        raise ConflictError(
            "referral.invalid_transition", params={"from": referral.status, "to": transition.to}
        )
    if transition.needs_reason and not (reason and reason.strip()):
        raise InputError("field.required", field="reason")
    referral.status = transition.to
    referral.status_reason = reason.strip() if reason else None
    _event(db, referral, transition.to, referral.status_reason)
    await db.session.flush()
    await record_access(
        db, AuditAction.UPDATE, ENTITY, [referral.id], {"fields": ["status", "status_reason"]}
    )
    if transition.to in _RELEASING:
        today = clock.today()
        unstarted = [m for m in offer.months_of(referral.starts_on, referral.ends_on) if m > today]
        await offer.release_capacity(db, referral.contract_id, unstarted, referral.volume_per_month)


def _ensure_decider(db: TenantSession, referral: Referral) -> None:
    """A partner's referral is accepted or declined by the partner; an in-house one by the CUS."""
    if referral.partner_id is not None and not db.tenant.is_partner:
        raise ConflictError("referral.partner_decides")


async def accept(db: TenantSession, referral_id: UUID) -> Referral:
    """The provider takes the referral on."""
    referral = await load(db, referral_id, lock=True)
    _ensure_decider(db, referral)
    await change_status(db, referral, ACCEPT)
    return referral


async def decline(db: TenantSession, referral_id: UUID, reason: str) -> Referral:
    """The provider refuses the referral, saying why."""
    referral = await load(db, referral_id, lock=True)
    _ensure_decider(db, referral)
    await change_status(db, referral, DECLINE, reason)
    return referral


async def start(db: TenantSession, referral_id: UUID) -> Referral:
    """Delivery begins (the partner or the CUS says so, or the first delivery record)."""
    referral = await load(db, referral_id, lock=True)
    await change_status(db, referral, START)
    return referral


async def cancel(db: TenantSession, referral_id: UUID, reason: str) -> Referral:
    """The CUS withdraws the referral, saying why."""
    referral = await load(db, referral_id, lock=True)
    await change_status(db, referral, CANCEL, reason)
    return referral


async def complete(db: TenantSession, referral_id: UUID) -> Referral:
    """The CUS closes a delivered referral."""
    referral = await load(db, referral_id, lock=True)
    await change_status(db, referral, COMPLETE)
    return referral


async def expire_overdue(db: TenantSession) -> int:
    """Expire pending referrals not accepted within 14 days of their start; how many."""
    limit = clock.today() - EXPIRY_AFTER
    query = select(Referral).where(Referral.status == "pending", Referral.starts_on < limit)
    if db.tenant.is_partner:
        query = query.where(Referral.partner_id.in_(db.tenant.partner_ids))
    overdue = list(await db.session.scalars(query.with_for_update(skip_locked=True)))
    for referral in overdue:
        await change_status(db, referral, EXPIRE)
    return len(overdue)


# --- reading ----------------------------------------------------------------------------------


async def deliveries_of(db: TenantSession, referral_id: UUID) -> list[DeliveryRead]:
    """The monthly delivery records of a referral, oldest first (no audit: the caller's)."""
    rows = await db.session.scalars(
        select(Delivery).where(Delivery.referral_id == referral_id).order_by(Delivery.month)
    )
    return [
        DeliveryRead(
            month=d.month,
            sessions=d.sessions,
            hours=d.hours,
            note=d.note,
            recorded_by_kind=d.recorded_by_kind,
            recorded_at=d.recorded_at,
        )
        for d in rows
    ]


async def _events_of(db: TenantSession, referral_id: UUID) -> list[EventRead]:
    rows = await db.session.scalars(
        select(ReferralEvent)
        .where(ReferralEvent.referral_id == referral_id)
        .order_by(ReferralEvent.occurred_at, ReferralEvent.id)
    )
    return [
        EventRead(
            status=e.status,
            reason=e.reason,
            actor_id=e.actor_id,
            actor_kind=e.actor_kind,
            occurred_at=e.occurred_at,
        )
        for e in rows
    ]


async def _to_read(db: TenantSession, referral: Referral) -> ReferralRead:
    names = await offer.service_names(db, [referral.service_id])
    contract = await offer.contract(db, referral.contract_id)
    partners = await offer.partner_names(db, [referral.partner_id] if referral.partner_id else [])
    return ReferralRead(
        id=referral.id,
        number=referral.number,
        resident_id=referral.resident_id,
        requested_service_id=referral.requested_service_id,
        plan_id=referral.plan_id,
        service_id=referral.service_id,
        service_name=names.get(referral.service_id, ""),
        contract_id=referral.contract_id,
        contract_number=contract.number if contract else None,
        capacity_unit=contract.capacity_unit if contract else None,
        partner_id=referral.partner_id,
        partner_name=partners.get(referral.partner_id) if referral.partner_id else None,
        consent_id=referral.consent_id,
        starts_on=referral.starts_on,
        ends_on=referral.ends_on,
        volume_per_month=referral.volume_per_month,
        status=referral.status,
        status_reason=referral.status_reason,
        created_at=referral.created_at,
        events=await _events_of(db, referral.id),
        deliveries=await deliveries_of(db, referral.id),
    )


async def read_referral(db: TenantSession, referral_id: UUID) -> ReferralRead:
    """One referral with its history and deliveries (audited)."""
    referral = await load(db, referral_id)
    await record_access(db, AuditAction.READ, ENTITY, [referral.id])
    return await _to_read(db, referral)


async def read_after_change(db: TenantSession, referral: Referral) -> ReferralRead:
    """A referral just changed, as the answer to the change (already audited)."""
    return await _to_read(db, referral)


def check_status(status: str | None) -> None:
    """422 for a status filter that is not a referral status."""
    if status is not None and status not in REFERRAL_STATUSES:
        raise InputError("referral.status_unknown", field="status")


async def list_referrals(
    db: TenantSession, *, status: str | None, limit: int, offset: int
) -> tuple[list[ReferralSummary], int]:
    """The gmina's referrals (optionally of one status), newest first; overdue ones are
    expired first; every row shown is audited."""
    check_status(status)
    await expire_overdue(db)
    conditions = [Referral.status == status] if status else []
    total = await db.session.scalar(select(func.count(Referral.id)).where(*conditions))
    rows = (
        await db.session.execute(
            select(Referral, Resident.given_name, Resident.family_name)
            .join(Resident, Resident.id == Referral.resident_id)
            .where(*conditions)
            .order_by(Referral.created_at.desc(), Referral.id)
            .limit(limit)
            .offset(offset)
        )
    ).all()
    referrals = [r[0] for r in rows]
    if referrals:
        await record_access(db, AuditAction.LIST, ENTITY, [r.id for r in referrals])
    names = await offer.service_names(db, [r.service_id for r in referrals])
    partners = await offer.partner_names(db, [r.partner_id for r in referrals if r.partner_id])
    return [
        ReferralSummary(
            id=r.id,
            number=r.number,
            resident_id=r.resident_id,
            resident_name=f"{given} {family}",
            service_name=names.get(r.service_id, ""),
            partner_name=partners.get(r.partner_id) if r.partner_id else None,
            starts_on=r.starts_on,
            ends_on=r.ends_on,
            status=r.status,
        )
        for r, given, family in rows
    ], int(total or 0)


async def referrals_of(db: TenantSession, resident_id: UUID) -> list[ReferralRead]:
    """A resident's referrals with their history and deliveries, for the resident's
    timeline, oldest first (audited)."""
    rows: Sequence[Referral] = list(
        await db.session.scalars(
            select(Referral)
            .where(Referral.resident_id == resident_id)
            .order_by(Referral.starts_on, Referral.created_at)
        )
    )
    if rows:
        await record_access(db, AuditAction.LIST, ENTITY, [r.id for r in rows])
    return [await _to_read(db, r) for r in rows]


async def granted_service(db: TenantSession, requested_service_id: UUID) -> RequestedService:
    """A granted requested service of this gmina (404 unknown, 409 not granted)."""
    return await _granted(db, requested_service_id)
