"""What a partner sees of the referrals addressed to it: the service, period, volume and
status, and of the person only what the linked consent lists, and only while the consent
has not been withdrawn."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from cus_core.applications.models import InterviewNeed, NeedsInterview, RequestedService
from cus_core.audit.service import AuditAction, record_access
from cus_core.offer import service as offer
from cus_core.referrals.models import Consent, Referral
from cus_core.referrals.schemas import (
    PartnerReferralRead,
    PartnerReferralSummary,
    SharedAddress,
    SharedNeed,
    SharedPerson,
)
from cus_core.referrals.service import ENTITY, deliveries_of, expire_overdue, load
from cus_core.residents.models import Resident

if TYPE_CHECKING:
    from uuid import UUID

    from cus_shared.tenancy import TenantSession


async def partner_referrals(
    db: TenantSession, *, status: str | None = None
) -> list[PartnerReferralSummary]:
    """Referrals addressed to the caller's organisations in this gmina, newest first (no
    personal data in the list)."""
    await expire_overdue(db)
    query = select(Referral).where(Referral.partner_id.in_(db.tenant.partner_ids))
    if status:
        query = query.where(Referral.status == status)
    rows = list(await db.session.scalars(query.order_by(Referral.created_at.desc())))
    if rows:
        await record_access(db, AuditAction.LIST, ENTITY, [r.id for r in rows])
    names = await offer.service_names(db, [r.service_id for r in rows])
    return [
        PartnerReferralSummary(
            id=r.id,
            number=r.number,
            service_name=names.get(r.service_id, ""),
            starts_on=r.starts_on,
            ends_on=r.ends_on,
            volume_per_month=r.volume_per_month,
            status=r.status,
        )
        for r in rows
    ]


async def _needs(db: TenantSession, requested_service_id: UUID) -> list[SharedNeed]:
    rows = await db.session.execute(
        select(InterviewNeed.area_code, InterviewNeed.description)
        .join(NeedsInterview, NeedsInterview.id == InterviewNeed.interview_id)
        .join(RequestedService, RequestedService.application_id == NeedsInterview.application_id)
        .where(RequestedService.id == requested_service_id)
        .order_by(InterviewNeed.area_code)
    )
    return [SharedNeed(area_code=r.area_code, description=r.description) for r in rows]


async def _shared_person(db: TenantSession, referral: Referral) -> SharedPerson | None:
    """The person as the consent allows (None without an active consent); audited."""
    if referral.consent_id is None:
        return None
    consent: Consent | None = await db.session.scalar(
        select(Consent).where(Consent.id == referral.consent_id, Consent.withdrawn_at.is_(None))
    )
    if consent is None:
        return None
    scope = sorted(consent.scope)
    person = SharedPerson(scope=scope)
    resident = await db.session.scalar(select(Resident).where(Resident.id == referral.resident_id))
    if resident is None:
        return None
    fields: list[str] = []
    if "identity" in scope:
        person.given_name, person.family_name = resident.given_name, resident.family_name
        fields += ["given_name", "family_name"]
    if "contact" in scope:
        person.address = SharedAddress(
            street=resident.street,
            building_no=resident.building_no,
            apartment_no=resident.apartment_no,
            postal_code=resident.postal_code,
            city=resident.city,
        )
        fields.append("address")
    if "needs" in scope:
        person.needs = await _needs(db, referral.requested_service_id)
        fields.append("needs")
    await record_access(
        db,
        AuditAction.READ,
        "resident",
        [resident.id],
        {"fields": fields, "consent": str(consent.id)},
    )
    return person


async def partner_referral(db: TenantSession, referral_id: UUID) -> PartnerReferralRead:
    """One referral addressed to the caller's organisation (another's answers 404)."""
    referral = await load(db, referral_id)
    await record_access(db, AuditAction.READ, ENTITY, [referral.id])
    names = await offer.service_names(db, [referral.service_id])
    contract = await offer.contract(db, referral.contract_id)
    return PartnerReferralRead(
        id=referral.id,
        number=referral.number,
        service_name=names.get(referral.service_id, ""),
        starts_on=referral.starts_on,
        ends_on=referral.ends_on,
        volume_per_month=referral.volume_per_month,
        capacity_unit=contract.capacity_unit if contract else None,
        status=referral.status,
        status_reason=referral.status_reason,
        person=await _shared_person(db, referral),
        deliveries=await deliveries_of(db, referral.id),
    )
