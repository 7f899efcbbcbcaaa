"""The figures of a quarterly report, generated from the recorded deliveries of the
referrals a partner received under one contract. Only counts, sessions and hours are kept:
no name or id of a resident ever enters the figures."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select

from cus_core.partner_reports.quarters import (
    months_of_quarter,
    quarter_closes_at,
    quarter_end,
    quarter_start,
)
from cus_core.referrals.models import Delivery, Referral, ReferralEvent
from cus_shared import clock

if TYPE_CHECKING:
    from datetime import date
    from uuid import UUID

    from cus_shared.tenancy import TenantSession

#: Statuses in which a referral is being delivered (or was, until it ended in the quarter).
_ACTIVE = frozenset({"accepted", "in_delivery", "completed"})


def _hours(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'))}"


def _months(months: list[date], per_month: dict[date, list[Any]]) -> list[dict[str, Any]]:
    return [
        {
            "month": m.strftime("%Y-%m"),
            "sessions": int(per_month[m][0]),
            "hours": _hours(per_month[m][1]),
        }
        for m in months
    ]


async def generate(
    db: TenantSession, *, contract_id: UUID, partner_id: UUID, year: int, quarter: int
) -> dict[str, Any]:
    """Figures per service and in total: referrals active in the quarter, residents served,
    sessions and hours per month and in total, and referrals by status at the quarter's end.

    A referral counts when its period overlaps the quarter and it existed by the quarter's
    end (or something was delivered under it in the quarter); its status at the end is the
    last change recorded before then."""
    start, end = quarter_start(year, quarter), quarter_end(year, quarter)
    closes = quarter_closes_at(year, quarter)
    months = months_of_quarter(year, quarter)
    delivered = (
        select(Delivery.referral_id)
        .where(Delivery.month >= start, Delivery.month <= end)
        .scalar_subquery()
    )
    referrals = list(
        (
            await db.session.execute(
                select(Referral.id, Referral.service_id, Referral.resident_id, Referral.status)
                .where(
                    Referral.contract_id == contract_id,
                    Referral.partner_id == partner_id,
                    Referral.starts_on <= end,
                    Referral.ends_on >= start,
                    or_(Referral.created_at < closes, Referral.id.in_(delivered)),
                )
                .order_by(Referral.id)
            )
        ).all()
    )
    ids = [r.id for r in referrals]
    status_at_end = {r.id: r.status for r in referrals}
    if ids:
        events = await db.session.execute(
            select(ReferralEvent.referral_id, ReferralEvent.status)
            .where(ReferralEvent.referral_id.in_(ids), ReferralEvent.occurred_at < closes)
            .order_by(ReferralEvent.occurred_at)
        )
        for event in events:
            status_at_end[event.referral_id] = event.status
    deliveries = (
        list(
            await db.session.execute(
                select(
                    Delivery.referral_id, Delivery.month, Delivery.sessions, Delivery.hours
                ).where(
                    Delivery.referral_id.in_(ids), Delivery.month >= start, Delivery.month <= end
                )
            )
        )
        if ids
        else []
    )
    by_referral = {r.id: r for r in referrals}
    served: dict[UUID, set[UUID]] = defaultdict(set)
    with_delivery: set[UUID] = set()
    per_month: dict[UUID, dict[date, list[Any]]] = defaultdict(
        lambda: defaultdict(lambda: [0, Decimal(0)])
    )
    for d in deliveries:
        referral = by_referral[d.referral_id]
        cell = per_month[referral.service_id][d.month]
        cell[0] += d.sessions
        cell[1] += Decimal(d.hours)
        if d.sessions > 0 or d.hours > 0:
            served[referral.service_id].add(referral.resident_id)
            with_delivery.add(referral.id)
    services: dict[UUID, list[Any]] = defaultdict(list)
    for r in referrals:
        services[r.service_id].append(r)
    rows = []
    for service_id, group in sorted(services.items(), key=lambda s: str(s[0])):
        statuses: dict[str, int] = defaultdict(int)
        for r in group:
            statuses[status_at_end[r.id]] += 1
        cells = per_month[service_id]
        rows.append(
            {
                "service_id": str(service_id),
                "referrals_active": sum(
                    1 for r in group if status_at_end[r.id] in _ACTIVE or r.id in with_delivery
                ),
                "residents_served": len(served[service_id]),
                "sessions": sum(int(cells[m][0]) for m in months),
                "hours": _hours(sum((cells[m][1] for m in months), Decimal(0))),
                "months": _months(months, cells),
                "by_status": dict(sorted(statuses.items())),
            }
        )
    total_cells: dict[date, list[Any]] = defaultdict(lambda: [0, Decimal(0)])
    for cells in per_month.values():
        for m, (sessions, hours) in cells.items():
            total_cells[m][0] += sessions
            total_cells[m][1] += hours
    return {
        "generated_at": clock.now().isoformat(),
        "services": rows,
        "totals": {
            "referrals_active": sum(row["referrals_active"] for row in rows),
            "residents_served": len(set().union(*served.values())) if served else 0,
            "sessions": sum(int(total_cells[m][0]) for m in months),
            "hours": _hours(sum((total_cells[m][1] for m in months), Decimal(0))),
            "months": _months(months, total_cells),
        },
    }
