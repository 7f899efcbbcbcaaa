"""Reading the gmina's offer and keeping referrals within the contracts' capacity."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import func, select, text
from sqlalchemy.dialects.postgresql import insert

from cus_core.offer.views import contract_load, contract_offer, service_offer
from cus_shared.clock import add_months, first_of_month
from cus_shared.errors import FieldProblem, InputError
from cus_shared.i18n.language import current_language

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from datetime import date
    from uuid import UUID

    from sqlalchemy import Row

    from cus_shared.tenancy import TenantSession


@dataclass(frozen=True, slots=True)
class OfferedService:
    """A service of the gmina's programme in force on a day."""

    service_id: UUID
    service_version_id: UUID
    code: str
    area_code: int
    name: str
    unit: str
    conditions: str | None


@dataclass(frozen=True, slots=True)
class CoveringContract:
    """A contract under which a service can be delivered to the gmina's residents."""

    contract_id: UUID
    number: str
    mode: str
    partner_id: UUID | None
    partner_name: str | None
    partner_category: str | None
    starts_on: date
    ends_on: date
    capacity: Decimal
    capacity_unit: str
    service_ids: tuple[UUID, ...]

    @property
    def in_house(self) -> bool:
        """Whether the CUS delivers the service itself (no partner)."""
        return self.partner_id is None

    def covers(self, service_id: UUID, starts_on: date, ends_on: date) -> bool:
        """Whether the contract covers the service over the whole period."""
        return (
            service_id in self.service_ids
            and self.starts_on <= starts_on
            and ends_on <= self.ends_on
        )


def _localised(row: Row[tuple[object, ...]]) -> str:
    language = current_language()
    name = {"en": row.name_en, "uk": row.name_uk}.get(language)
    return str(name or row.name)


def _offered(row: Row[tuple[object, ...]]) -> OfferedService:
    return OfferedService(
        service_id=row.service_id,
        service_version_id=row.service_version_id,
        code=row.code,
        area_code=row.area_code,
        name=_localised(row),
        unit=row.unit,
        conditions=row.conditions,
    )


async def services_offered(db: TenantSession, on: date) -> list[OfferedService]:
    """The services of the gmina's programme in force on a day, by name."""
    rows = await db.session.execute(
        select(service_offer).where(
            service_offer.c.period_start <= on, service_offer.c.period_end >= on
        )
    )
    return sorted((_offered(r) for r in rows), key=lambda s: s.name.casefold())


async def offered_service(db: TenantSession, service_id: UUID, on: date) -> OfferedService | None:
    """One service if the gmina's programme offers it on the day."""
    row = (
        await db.session.execute(
            select(service_offer)
            .where(
                service_offer.c.service_id == service_id,
                service_offer.c.period_start <= on,
                service_offer.c.period_end >= on,
            )
            .limit(1)
        )
    ).first()
    return _offered(row) if row is not None else None


async def service_names(db: TenantSession, service_ids: Iterable[UUID]) -> dict[UUID, str]:
    """Names of services (any programme period of the gmina), in the reader's language."""
    ids = list(set(service_ids))
    if not ids:
        return {}
    rows = await db.session.execute(
        select(service_offer)
        .where(service_offer.c.service_id.in_(ids))
        .order_by(service_offer.c.service_id, service_offer.c.version.desc())
        .distinct(service_offer.c.service_id)
    )
    return {r.service_id: _localised(r) for r in rows}


def _contracts(rows: Iterable[Row[tuple[object, ...]]]) -> list[CoveringContract]:
    grouped: dict[UUID, list[Row[tuple[object, ...]]]] = {}
    for row in rows:
        grouped.setdefault(row.contract_id, []).append(row)
    found = []
    for group in grouped.values():
        first = group[0]
        found.append(
            CoveringContract(
                contract_id=first.contract_id,
                number=first.number,
                mode=first.mode,
                partner_id=first.partner_id,
                partner_name=first.partner_name,
                partner_category=first.partner_category,
                starts_on=first.starts_on,
                ends_on=first.ends_on,
                capacity=Decimal(first.capacity),
                capacity_unit=first.capacity_unit,
                service_ids=tuple(sorted(r.service_id for r in group)),
            )
        )
    return sorted(found, key=lambda c: (c.ends_on, c.number))


async def contracts_covering(
    db: TenantSession, service_id: UUID, starts_on: date, ends_on: date | None = None
) -> list[CoveringContract]:
    """Contracts covering the service in this gmina over a period (or on a day)."""
    ends_on = ends_on or starts_on
    matching = select(contract_offer.c.contract_id).where(
        contract_offer.c.service_id == service_id,
        contract_offer.c.starts_on <= starts_on,
        contract_offer.c.ends_on >= ends_on,
    )
    rows = await db.session.execute(
        select(contract_offer).where(contract_offer.c.contract_id.in_(matching))
    )
    return _contracts(rows)


async def contract(db: TenantSession, contract_id: UUID) -> CoveringContract | None:
    """A contract covering this gmina (None for any other contract)."""
    rows = await db.session.execute(
        select(contract_offer).where(contract_offer.c.contract_id == contract_id)
    )
    found = _contracts(rows)
    return found[0] if found else None


async def contracts_of_partners(
    db: TenantSession, partner_ids: Iterable[UUID]
) -> list[CoveringContract]:
    """The contracts under which the given partners serve this gmina (any dates)."""
    rows = await db.session.execute(
        select(contract_offer).where(contract_offer.c.partner_id.in_(list(partner_ids)))
    )
    return _contracts(rows)


async def partner_names(db: TenantSession, partner_ids: Iterable[UUID]) -> dict[UUID, str]:
    """Names of partners with a contract covering this gmina."""
    ids = [p for p in set(partner_ids) if p is not None]
    if not ids:
        return {}
    rows = await db.session.execute(
        select(contract_offer.c.partner_id, contract_offer.c.partner_name)
        .where(contract_offer.c.partner_id.in_(ids))
        .distinct()
    )
    return {r.partner_id: r.partner_name for r in rows}


# --- capacity --------------------------------------------------------------------------------


def months_of(starts_on: date, ends_on: date) -> list[date]:
    """First days of the months a period touches."""
    months, month = [], first_of_month(starts_on)
    while month <= ends_on:
        months.append(month)
        month = add_months(month, 1)
    return months


async def _lock(db: TenantSession, contract_id: UUID) -> None:
    # Gminy reserve the same contract concurrently from different schemas: one transaction
    # at a time per contract, released at commit.
    await db.session.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
        {"key": f"contract-load:{contract_id}"},
    )


async def reserve_capacity(
    db: TenantSession, offered: CoveringContract, months: Sequence[date], volume: Decimal
) -> None:
    """Reserve a monthly volume under a contract, or refuse (nothing written) when a month
    would exceed the contract's capacity across all the gminy it covers."""
    await _lock(db, offered.contract_id)
    for month in months:
        used = Decimal(
            await db.session.scalar(
                select(func.shared.contract_load_total(offered.contract_id, month))
            )
            or 0
        )
        if used + volume > offered.capacity:
            raise InputError(
                "referral.capacity_exceeded",
                problems=[
                    FieldProblem(
                        field="volume_per_month",
                        key="referral.capacity_exceeded",
                        params={
                            "month": month.strftime("%m.%Y"),
                            "free": f"{max(offered.capacity - used, Decimal(0)):n}",
                            "unit": offered.capacity_unit,
                        },
                    )
                ],
            )
    await _add_load(db, offered.contract_id, months, planned=volume)


async def release_capacity(
    db: TenantSession, contract_id: UUID, months: Sequence[date], volume: Decimal
) -> None:
    """Give back a reservation (referral declined, cancelled, expired or ended early)."""
    if months:
        await _lock(db, contract_id)
        await _add_load(db, contract_id, months, planned=-volume)


async def record_delivered(
    db: TenantSession, contract_id: UUID, month: date, change: Decimal
) -> None:
    """Add delivered volume (may be negative when a record is corrected)."""
    await _add_load(db, contract_id, [month], delivered=change)


async def _add_load(
    db: TenantSession,
    contract_id: UUID,
    months: Sequence[date],
    *,
    planned: Decimal = Decimal(0),
    delivered: Decimal = Decimal(0),
) -> None:
    rows = [
        {
            "contract_id": contract_id,
            "teryt": db.tenant.teryt,
            "month": m,
            "planned": planned,
            "delivered": delivered,
        }
        for m in months
    ]
    statement = insert(contract_load).values(rows)
    await db.session.execute(
        statement.on_conflict_do_update(
            index_elements=["contract_id", "teryt", "month"],
            set_={
                "planned": contract_load.c.planned + statement.excluded.planned,
                "delivered": contract_load.c.delivered + statement.excluded.delivered,
            },
        )
    )


@dataclass(frozen=True, slots=True)
class MonthLoad:
    """A contract's month: volume planned in all gminy, and planned/delivered in this one."""

    month: date
    planned_all: Decimal
    planned_here: Decimal
    delivered_here: Decimal


async def capacity_use(
    db: TenantSession, contract_id: UUID, months: Sequence[date]
) -> list[MonthLoad]:
    """Capacity use of a contract per month (no person in these figures)."""
    own = {
        r.month: r
        for r in await db.session.execute(
            select(contract_load).where(
                contract_load.c.contract_id == contract_id, contract_load.c.month.in_(months)
            )
        )
    }
    result = []
    for month in months:
        total = await db.session.scalar(select(func.shared.contract_load_total(contract_id, month)))
        row = own.get(month)
        result.append(
            MonthLoad(
                month=month,
                planned_all=Decimal(total or 0),
                planned_here=Decimal(row.planned) if row else Decimal(0),
                delivered_here=Decimal(row.delivered) if row else Decimal(0),
            )
        )
    return result
