"""The partner's side of complaints: the complaints the CUS forwarded to the partner about
its services, with the resident's words about the service (what the partner must answer)
and nothing else of the person; and the partner's explanation, which moves the complaint
from forwarded to explained through the complaints service's own step."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING
from uuid import UUID

from pydantic import BaseModel
from sqlalchemy import ColumnElement, select

from cus_core.audit.service import AuditAction, record_access
from cus_core.complaints import service
from cus_core.complaints.models import Complaint
from cus_core.complaints.schemas import ExplanationIn
from cus_core.offer import service as offer
from cus_core.referrals.models import Referral
from cus_shared.errors import NotFoundError

if TYPE_CHECKING:
    from cus_shared.tenancy import TenantSession

#: What the partner sees: complaints once forwarded to it (never one still being registered).
_VISIBLE = ("forwarded", "explained", "decided", "closed")


class PartnerComplaint(BaseModel):
    """A complaint forwarded to the partner: minimal data, the resident's words included."""

    id: UUID
    number: str
    referral_number: str | None
    service_name: str | None
    status: str
    received_on: date
    due_on: date
    summary: str
    forwarded_at: datetime | None
    explanation: str | None
    explained_at: datetime | None


def _mine(db: TenantSession) -> list[ColumnElement[bool]]:
    return [
        Complaint.partner_id.in_(db.tenant.partner_ids),
        Complaint.status.in_(_VISIBLE),
    ]


async def _reads(
    db: TenantSession, rows: list[tuple[Complaint, str | None]]
) -> list[PartnerComplaint]:
    names = await offer.service_names(db, [c.service_id for c, _n in rows if c.service_id])
    return [
        PartnerComplaint(
            id=c.id,
            number=c.number,
            referral_number=number,
            service_name=names.get(c.service_id) if c.service_id else None,
            status=c.status,
            received_on=c.received_on,
            due_on=c.due_on,
            summary=c.summary,
            forwarded_at=c.forwarded_at,
            explanation=c.explanation,
            explained_at=c.explained_at,
        )
        for c, number in rows
    ]


async def partner_complaints(db: TenantSession) -> list[PartnerComplaint]:
    """Complaints forwarded to the caller's organisations in this gmina: those awaiting an
    answer first by due date, then the rest, newest first; audited."""
    query = select(Complaint, Referral.number).outerjoin(
        Referral, Referral.id == Complaint.referral_id
    )
    rows = [
        (c, n)
        for c, n in (
            await db.session.execute(
                query.where(*_mine(db)).order_by(
                    (Complaint.status != "forwarded"), Complaint.due_on, Complaint.number
                )
            )
        ).all()
    ]
    if rows:
        await record_access(
            db, AuditAction.LIST, service.ENTITY, [c.id for c, _n in rows], {"fields": ["summary"]}
        )
    return await _reads(db, rows)


async def _load(db: TenantSession, complaint_id: UUID) -> Complaint:
    complaint: Complaint | None = await db.session.scalar(
        select(Complaint).where(Complaint.id == complaint_id, *_mine(db))
    )
    if complaint is None:
        raise NotFoundError("not_found")
    return complaint


async def answer(db: TenantSession, complaint_id: UUID, data: ExplanationIn) -> PartnerComplaint:
    """The partner's explanation of a complaint forwarded to it (another partner's: 404; not
    awaiting an answer: 409); audited as the partner's update."""
    complaint = await _load(db, complaint_id)
    await service.record_explanation(db, complaint.id, data)
    number = None
    if complaint.referral_id is not None:
        number = await db.session.scalar(
            select(Referral.number).where(Referral.id == complaint.referral_id)
        )
    return (await _reads(db, [(complaint, number)]))[0]
