"""Consents (zgody) of residents to share listed data with one partner: recorded only for a
partner serving the gmina under a contract, withdrawable; a withdrawn consent stops sharing
at once (the partner's views read the consent on every request)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from cus_core.audit.service import AuditAction, record_access
from cus_core.offer import service as offer
from cus_core.offer.views import contract_offer
from cus_core.referrals.models import Consent
from cus_core.referrals.schemas import ConsentCreate, ConsentRead
from cus_core.residents.models import Resident
from cus_shared import clock
from cus_shared.errors import ConflictError, FieldProblem, InputError, NotFoundError

if TYPE_CHECKING:
    from datetime import date
    from uuid import UUID

    from cus_shared.tenancy import TenantSession

ENTITY = "consent"


def _to_read(consent: Consent, names: dict[UUID, str]) -> ConsentRead:
    return ConsentRead(
        id=consent.id,
        resident_id=consent.resident_id,
        partner_id=consent.partner_id,
        partner_name=names.get(consent.partner_id),
        scope=list(consent.scope),
        purpose=consent.purpose,
        given_on=consent.given_on,
        withdrawn_at=consent.withdrawn_at,
        withdrawn_by=consent.withdrawn_by,
        active=consent.withdrawn_at is None,
        created_at=consent.created_at,
    )


async def _ensure_resident(db: TenantSession, resident_id: UUID) -> None:
    if await db.session.scalar(select(Resident.id).where(Resident.id == resident_id)) is None:
        raise NotFoundError("not_found")


async def give_consent(db: TenantSession, resident_id: UUID, data: ConsentCreate) -> ConsentRead:
    """Record a resident's consent to share data with a partner serving this gmina."""
    await _ensure_resident(db, resident_id)
    problems: list[FieldProblem] = []
    if data.given_on > clock.today():
        problems.append(FieldProblem(field="given_on", key="consent.given_on_future"))
    if not await offer.contracts_of_partners(db, [data.partner_id]):
        problems.append(FieldProblem(field="partner_id", key="consent.partner_unknown"))
    if problems:
        raise InputError("invalid_input", problems=problems)
    consent = Consent(
        resident_id=resident_id,
        partner_id=data.partner_id,
        scope=sorted({s.value for s in data.scope}),
        purpose=data.purpose,
        given_on=data.given_on,
        created_by=db.tenant.principal.user_id,
    )
    db.session.add(consent)
    await db.session.flush()
    await record_access(db, AuditAction.CREATE, ENTITY, [consent.id], {"fields": consent.scope})
    return _to_read(consent, await offer.partner_names(db, [consent.partner_id]))


async def consents_of(db: TenantSession, resident_id: UUID) -> list[ConsentRead]:
    """A resident's consents, newest first (audited as a list)."""
    await _ensure_resident(db, resident_id)
    rows = list(
        await db.session.scalars(
            select(Consent)
            .where(Consent.resident_id == resident_id)
            .order_by(Consent.given_on.desc(), Consent.created_at.desc())
        )
    )
    if rows:
        await record_access(db, AuditAction.LIST, ENTITY, [c.id for c in rows])
    names = await offer.partner_names(db, [c.partner_id for c in rows])
    return [_to_read(c, names) for c in rows]


async def withdraw_consent(db: TenantSession, resident_id: UUID, consent_id: UUID) -> ConsentRead:
    """Withdraw a consent: from now on nothing of the person is shared under it."""
    consent = await db.session.scalar(
        select(Consent)
        .where(Consent.id == consent_id, Consent.resident_id == resident_id)
        .with_for_update()
    )
    if consent is None:
        raise NotFoundError("not_found")
    if consent.withdrawn_at is not None:
        raise ConflictError("consent.already_withdrawn")
    consent.withdrawn_at = clock.now()
    consent.withdrawn_by = db.tenant.principal.user_id
    await db.session.flush()
    await record_access(
        db, AuditAction.UPDATE, ENTITY, [consent.id], {"fields": ["withdrawn_at", "withdrawn_by"]}
    )
    return _to_read(consent, await offer.partner_names(db, [consent.partner_id]))


async def active_consent(db: TenantSession, resident_id: UUID, partner_id: UUID) -> Consent | None:
    """The resident's most recent consent for a partner that has not been withdrawn."""
    found: Consent | None = await db.session.scalar(
        select(Consent)
        .where(
            Consent.resident_id == resident_id,
            Consent.partner_id == partner_id,
            Consent.withdrawn_at.is_(None),
        )
        .order_by(Consent.given_on.desc(), Consent.created_at.desc())
        .limit(1)
    )
    return found


async def partners_serving(db: TenantSession, on: date) -> dict[UUID, str]:
    """Partners with a contract covering this gmina in force on a day (for a consent form)."""
    rows = await db.session.execute(
        select(contract_offer.c.partner_id, contract_offer.c.partner_name)
        .where(
            contract_offer.c.partner_id.is_not(None),
            contract_offer.c.starts_on <= on,
            contract_offer.c.ends_on >= on,
        )
        .distinct()
    )
    return {r.partner_id: r.partner_name for r in rows}
