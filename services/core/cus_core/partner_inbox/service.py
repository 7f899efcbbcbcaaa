"""The partner inbox's rules: every referral addressed to the caller's organisations from
every gmina they serve, sorted by urgency, and a month's deliveries recorded in many gminy
at once. Each gmina is read and written in its own transaction under its own role, through
the referrals context's partner functions (which audit every read and write there)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING
from uuid import UUID

from sqlalchemy import and_, select

from cus_core.audit.service import AuditAction, record_access
from cus_core.partner_inbox.access import PartnerGminy, Unavailable
from cus_core.partner_inbox.schemas import (
    BulkDeliveriesIn,
    BulkDeliveriesRead,
    BulkDeliveryRow,
    InboxGmina,
    InboxItem,
    InboxRead,
    RowOutcome,
    Urgency,
)
from cus_core.referrals import deliveries, partner_view
from cus_core.referrals.models import Consent, Delivery, Referral
from cus_core.referrals.schemas import DeliveryIn
from cus_core.referrals.service import EXPIRY_AFTER, check_status
from cus_core.residents.models import Resident
from cus_shared import clock
from cus_shared.errors import DomainError, FieldProblem, InputError, NotFoundError
from cus_shared.i18n.language import current_language
from cus_shared.messages import translate

if TYPE_CHECKING:
    from cus_core.referrals.schemas import PartnerReferralSummary
    from cus_shared.tenancy import TenantSession

_URGENCY_RANK = {"pending": 0, "missing_delivery": 1, "other": 2}
#: Among the rest, referrals still being worked on come before those that ended.
_OPEN_RANK = {"accepted": 0, "in_delivery": 0}


@dataclass(frozen=True, slots=True)
class InboxFilters:
    """What the inbox shows: one gmina, one status, one service (none: everything)."""

    gmina: str | None = None
    status: str | None = None
    service_id: UUID | None = None


@dataclass(frozen=True, slots=True)
class _Extra:
    service_id: UUID
    partner_id: UUID
    person_name: str | None
    missing: bool


def last_month(today: date) -> date:
    """The first day of the month before ``today``'s."""
    return clock.add_months(clock.first_of_month(today), -1)


async def _extras(db: TenantSession, ids: list[UUID], month: date) -> dict[UUID, _Extra]:
    """Per referral: its service and partner, the person's name while a consent covering
    names is in force (the read audited), and whether last month's delivery is missing."""
    if not ids:
        return {}
    rows = (
        await db.session.execute(
            select(
                Referral.id,
                Referral.service_id,
                Referral.partner_id,
                Referral.status,
                Referral.starts_on,
                Referral.ends_on,
                Referral.resident_id,
                Consent.scope,
                Resident.given_name,
                Resident.family_name,
                Delivery.id,
            )
            .outerjoin(
                Consent,
                and_(Consent.id == Referral.consent_id, Consent.withdrawn_at.is_(None)),
            )
            .outerjoin(Resident, and_(Resident.id == Referral.resident_id, Consent.id.is_not(None)))
            .outerjoin(Delivery, and_(Delivery.referral_id == Referral.id, Delivery.month == month))
            .where(Referral.id.in_(ids), Referral.partner_id.in_(db.tenant.partner_ids))
        )
    ).all()
    extras: dict[UUID, _Extra] = {}
    named: list[UUID] = []
    for row in rows:
        (rid, service_id, partner_id, status, starts, ends, resident_id, scope, given, family,
         delivered) = row  # fmt: skip
        name = None
        if scope is not None and "identity" in scope and given is not None:
            name = f"{given} {family}"
            named.append(resident_id)
        due = clock.first_of_month(starts) <= month <= clock.first_of_month(ends)
        extras[rid] = _Extra(
            service_id=service_id,
            partner_id=partner_id,
            person_name=name,
            missing=status == "in_delivery" and due and delivered is None,
        )
    if named:
        await record_access(
            db,
            AuditAction.READ,
            "resident",
            list(dict.fromkeys(named)),
            {"fields": ["given_name", "family_name"], "view": "partner_inbox"},
        )
    return extras


def _item(
    teryt: str, gmina: str, row: PartnerReferralSummary, extra: _Extra, partners: dict[str, str]
) -> InboxItem:
    urgency: Urgency = "other"
    if row.status == "pending":
        urgency = "pending"
    elif extra.missing:
        urgency = "missing_delivery"
    return InboxItem(
        teryt=teryt,
        gmina_name=gmina,
        id=row.id,
        number=row.number,
        service_id=extra.service_id,
        service_name=row.service_name,
        partner_id=extra.partner_id,
        partner_name=partners.get(str(extra.partner_id), ""),
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        volume_per_month=row.volume_per_month,
        status=row.status,
        urgency=urgency,
        expires_on=row.starts_on + EXPIRY_AFTER if row.status == "pending" else None,
        missing_month=last_month(clock.today()) if urgency == "missing_delivery" else None,
        person_name=extra.person_name,
    )


def urgency_key(item: InboxItem) -> tuple[int, int, int, str, str]:
    """Pending ones first by how soon they expire, then those missing last month's record,
    then the rest (open ones first, the latest start first)."""
    rank = _URGENCY_RANK[item.urgency]
    day = item.starts_on.toordinal()
    if rank == 2:
        return rank, _OPEN_RANK.get(item.status, 1), -day, item.gmina_name, item.number
    return rank, 0, day, item.gmina_name, item.number


async def read_inbox(gminy: PartnerGminy, filters: InboxFilters) -> InboxRead:
    """The inbox across the served gminy (404 for a gmina filter the partner does not serve,
    422 for an unknown status); gminy that cannot be opened now are listed, not fatal."""
    check_status(filters.status)
    scope = gminy.scope
    served = scope.teryts
    if filters.gmina is not None and filters.gmina not in served:
        raise NotFoundError("not_found")
    teryts = [filters.gmina] if filters.gmina else served
    month = last_month(clock.today())
    partners = dict(scope.principal.partner_names)

    async def read(db: TenantSession) -> list[InboxItem]:
        rows = await partner_view.partner_referrals(db, status=filters.status)
        extras = await _extras(db, [r.id for r in rows], month)
        if filters.service_id is not None:
            extras = {k: e for k, e in extras.items() if e.service_id == filters.service_id}
        teryt = db.tenant.teryt
        name = scope.gmina_name(teryt)
        return [_item(teryt, name, r, extras[r.id], partners) for r in rows if r.id in extras]

    results = await gminy.each(teryts, read)
    items = [i for found in results.values() if not isinstance(found, Unavailable) for i in found]
    items.sort(key=urgency_key)
    return InboxRead(
        items=items,
        gminy=sorted(
            (InboxGmina(teryt=t, name=scope.gmina_name(t)) for t in served),
            key=lambda g: g.name,
        ),
        unavailable=sorted(t for t, found in results.items() if isinstance(found, Unavailable)),
        total=len(items),
    )


# Bulk deliveries.


def _refused(row: BulkDeliveryRow, error: DomainError) -> RowOutcome:
    problem = error.problems[0] if error.problems else None
    key, params = (problem.key, problem.params) if problem else (error.key, error.params)
    return RowOutcome(
        teryt=row.teryt,
        referral_id=row.referral_id,
        saved=False,
        reason_key=key,
        reason=translate(key, current_language(), params),
    )


def _check_rows(data: BulkDeliveriesIn) -> None:
    """422 for a row sent twice (the month of one referral has one record)."""
    seen: set[tuple[str, UUID]] = set()
    problems: list[FieldProblem] = []
    for index, row in enumerate(data.rows):
        key = (row.teryt, row.referral_id)
        if key in seen:
            problems.append(FieldProblem(field=f"rows.{index}", key="partner_inbox.duplicate_row"))
        seen.add(key)
    if problems:
        raise InputError("invalid_input", problems=problems)


async def record_bulk_deliveries(gminy: PartnerGminy, data: BulkDeliveriesIn) -> BulkDeliveriesRead:
    """Record the month for every row: each gmina's rows in that gmina's own transaction,
    each row in a savepoint so a refused row writes nothing and the others are kept; the
    outcome of every row is reported (a malformed month refuses everything, 422)."""
    month = deliveries.parse_month(data.month)
    _check_rows(data)
    by_gmina: dict[str, list[BulkDeliveryRow]] = {}
    for row in data.rows:
        by_gmina.setdefault(row.teryt, []).append(row)

    async def record(db: TenantSession) -> dict[tuple[str, UUID], RowOutcome]:
        done: dict[tuple[str, UUID], RowOutcome] = {}
        for row in by_gmina[db.tenant.teryt]:
            delivered = DeliveryIn(sessions=row.sessions, hours=row.hours, note=row.note)
            try:
                async with db.session.begin_nested():
                    await deliveries.record_delivery(db, row.referral_id, data.month, delivered)
            except DomainError as exc:
                done[(row.teryt, row.referral_id)] = _refused(row, exc)
                continue
            done[(row.teryt, row.referral_id)] = RowOutcome(
                teryt=row.teryt, referral_id=row.referral_id, saved=True
            )
        return done

    results = await gminy.each(by_gmina, record)
    outcomes: list[RowOutcome] = []
    for row in data.rows:
        found = results[row.teryt]
        if isinstance(found, Unavailable):
            outcomes.append(_refused(row, NotFoundError(found.key)))
        else:
            outcomes.append(found[(row.teryt, row.referral_id)])
    saved = sum(1 for o in outcomes if o.saved)
    return BulkDeliveriesRead(
        month=month, saved=saved, refused=len(outcomes) - saved, rows=outcomes
    )


__all__ = ["InboxFilters", "last_month", "read_inbox", "record_bulk_deliveries", "urgency_key"]
