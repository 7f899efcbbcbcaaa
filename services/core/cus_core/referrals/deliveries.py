"""Delivery records (sessions and hours per referral and month), by the partner for its
referrals or by the CUS for in-house ones, and each contract's capacity use per month."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select

from cus_core.audit.service import AuditAction, record_access
from cus_core.offer import service as offer
from cus_core.referrals.models import Delivery
from cus_core.referrals.schemas import CapacityMonth, CapacityRead, DeliveryIn, DeliveryRead
from cus_core.referrals.service import ENTITY, START, change_status, deliveries_of, load
from cus_shared import clock
from cus_shared.errors import ConflictError, InputError, NotFoundError

if TYPE_CHECKING:
    from uuid import UUID

    from cus_shared.tenancy import TenantSession

_MONTH = re.compile(r"(\d{4})-(\d{2})")
#: Deliveries are recorded only while the provider works on the referral.
_RECORDING = ("accepted", "in_delivery")


def parse_month(raw: str) -> date:
    """``2026-03`` as the first day of the month (422 for anything else)."""
    found = _MONTH.fullmatch(raw)
    if found and 1 <= int(found.group(2)) <= 12:
        return date(int(found.group(1)), int(found.group(2)), 1)
    raise InputError("delivery.month_format", field="month")


def _volume(unit: str | None, data: DeliveryIn) -> Decimal:
    """What counts against the contract: hours, or sessions when the contract counts them."""
    if unit is not None and unit.startswith("hours"):
        return data.hours
    return Decimal(data.sessions)


async def record_delivery(
    db: TenantSession, referral_id: UUID, raw_month: str, data: DeliveryIn
) -> DeliveryRead:
    """Record (or correct) what was delivered in a month; the first record of an accepted
    referral starts its delivery; the contract's delivered volume follows the change."""
    referral = await load(db, referral_id, lock=True)
    month = parse_month(raw_month)
    if referral.partner_id is not None and not db.tenant.is_partner:
        raise ConflictError("delivery.partner_records")
    if referral.status not in _RECORDING:
        raise ConflictError("delivery.not_active", params={"status": referral.status})
    first, last = clock.first_of_month(referral.starts_on), clock.first_of_month(referral.ends_on)
    if not first <= month <= last:
        raise InputError("delivery.month_outside", field="month")
    if month > clock.first_of_month(clock.today()):
        raise InputError("delivery.month_future", field="month")
    if referral.status == "accepted":
        await change_status(db, referral, START)
    contract = await offer.contract(db, referral.contract_id)
    unit = contract.capacity_unit if contract else None
    existing: Delivery | None = await db.session.scalar(
        select(Delivery).where(Delivery.referral_id == referral.id, Delivery.month == month)
    )
    before = Decimal(0)
    if existing is None:
        existing = Delivery(referral_id=referral.id, month=month)
        db.session.add(existing)
    else:
        before = existing.hours if unit and unit.startswith("hours") else Decimal(existing.sessions)
    existing.sessions = data.sessions
    existing.hours = data.hours
    existing.note = data.note
    existing.recorded_by = db.tenant.principal.user_id
    existing.recorded_by_kind = "partner" if db.tenant.is_partner else "cus"
    existing.recorded_at = clock.now()
    await db.session.flush()
    change = _volume(unit, data) - before
    if change:
        await offer.record_delivered(db, referral.contract_id, month, change)
    await record_access(db, AuditAction.UPDATE, ENTITY, [referral.id], {"fields": ["deliveries"]})
    return DeliveryRead(
        month=existing.month,
        sessions=existing.sessions,
        hours=existing.hours,
        note=existing.note,
        recorded_by_kind=existing.recorded_by_kind,
        recorded_at=existing.recorded_at,
    )


async def list_deliveries(db: TenantSession, referral_id: UUID) -> list[DeliveryRead]:
    """A referral's delivery records (audited as a read of the referral)."""
    referral = await load(db, referral_id)
    await record_access(db, AuditAction.READ, ENTITY, [referral.id], {"fields": ["deliveries"]})
    return await deliveries_of(db, referral.id)


async def contract_capacity(db: TenantSession, contract_id: UUID, year: int) -> CapacityRead:
    """A contract's months of a year: planned in all gminy, planned and delivered here
    (404 when the contract does not cover this gmina)."""
    contract = await offer.contract(db, contract_id)
    if contract is None:
        raise NotFoundError("not_found")
    months = offer.months_of(date(year, 1, 1), date(year, 12, 31))
    loads = await offer.capacity_use(db, contract_id, months)
    return CapacityRead(
        contract_id=contract.contract_id,
        number=contract.number,
        capacity=contract.capacity,
        capacity_unit=contract.capacity_unit,
        months=[
            CapacityMonth(
                month=m.month,
                planned_all=m.planned_all,
                planned_here=m.planned_here,
                delivered_here=m.delivered_here,
            )
            for m in loads
        ],
    )
