"""The resident register's rules: identifiers checked, duplicates refused, every read and
write audited in the same transaction."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from advanced_alchemy.filters import LimitOffset, OrderBy
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm.exc import StaleDataError

from cus_core.audit.service import AuditAction, record_access
from cus_core.residents.models import Household, Resident
from cus_core.residents.repository import households, residents
from cus_core.residents.schemas import (
    Address,
    HouseholdMember,
    ResidentCreate,
    ResidentRead,
    ResidentSearch,
    ResidentSummary,
    ResidentUpdate,
)
from cus_shared.errors import ConflictError, FieldProblem, InputError, NotFoundError
from cus_shared.identifiers.pesel import PeselError, parse_pesel

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date
    from uuid import UUID

    from cus_shared.tenancy import TenantSession

ENTITY = "resident"
_POSTAL = re.compile(r"\d{2}-\d{3}")
_ADDRESS_FIELDS = ("street", "building_no", "apartment_no", "postal_code", "city")


def _check_identity(
    pesel: str | None, birth_date: date | None, sex: str | None, problems: list[FieldProblem]
) -> tuple[str | None, date | None, str | None]:
    """Validate PESEL against the date of birth and sex; fill them from the PESEL."""
    if pesel:
        try:
            code, facts = parse_pesel(pesel)
        except PeselError as exc:
            problems.append(FieldProblem(field="pesel", key=exc.key))
            return None, birth_date, sex
        if birth_date is not None and birth_date != facts.birth_date:
            problems.append(FieldProblem(field="birth_date", key="pesel.birth_date_mismatch"))
        return code, facts.birth_date, sex or facts.sex
    if birth_date is not None and birth_date > datetime.now(UTC).date():
        problems.append(FieldProblem(field="birth_date", key="resident.birth_date_future"))
    return None, birth_date, sex


def _check_address(address: Address, problems: list[FieldProblem]) -> None:
    if address.postal_code and not _POSTAL.fullmatch(address.postal_code):
        problems.append(FieldProblem(field="address.postal_code", key="postal_code.format"))


async def _pesel_taken(db: TenantSession, pesel: str, *, other_than: UUID | None = None) -> bool:
    query = select(Resident.id).where(Resident.pesel == pesel)
    if other_than is not None:
        query = query.where(Resident.id != other_than)
    return (await db.session.scalar(query)) is not None


async def _household_members(db: TenantSession, resident: Resident) -> list[HouseholdMember]:
    if resident.household_id is None:
        return []
    rows = await db.session.execute(
        select(Resident.id, Resident.given_name, Resident.family_name, Resident.household_role)
        .where(Resident.household_id == resident.household_id, Resident.id != resident.id)
        .order_by(Resident.family_name, Resident.given_name)
    )
    return [
        HouseholdMember(id=r[0], given_name=r[1], family_name=r[2], household_role=r[3])
        for r in rows
    ]


def _to_read(resident: Resident, members: list[HouseholdMember]) -> ResidentRead:
    return ResidentRead(
        id=resident.id,
        given_name=resident.given_name,
        family_name=resident.family_name,
        pesel=resident.pesel,
        birth_date=resident.birth_date,
        sex=resident.sex,
        address=Address(**{f: getattr(resident, f) for f in _ADDRESS_FIELDS}),
        preferred_language=resident.preferred_language,
        household_id=resident.household_id,
        household_role=resident.household_role,
        household=members,
        version=resident.version,
        created_at=resident.created_at,
        updated_at=resident.updated_at,
    )


async def _load(db: TenantSession, resident_id: UUID) -> Resident:
    resident = await residents(db).get_one_or_none(id=resident_id)
    if resident is None:
        raise NotFoundError("not_found")
    return resident


async def create_resident(db: TenantSession, data: ResidentCreate) -> ResidentRead:
    """Register a resident (optionally in another resident's household)."""
    problems: list[FieldProblem] = []
    pesel, birth_date, sex = _check_identity(data.pesel, data.birth_date, data.sex, problems)
    if birth_date is None and not any(p.field in ("pesel", "birth_date") for p in problems):
        problems.append(FieldProblem(field="birth_date", key="field.required"))
    _check_address(data.address, problems)
    household_id: UUID | None = None
    if data.household_of is not None:
        anchor = await residents(db).get_one_or_none(id=data.household_of)
        if anchor is None:
            problems.append(FieldProblem(field="household_of", key="resident.household_missing"))
        else:
            if anchor.household_id is None:
                household = await households(db).add(Household())
                anchor.household_id = household.id
            household_id = anchor.household_id
    if problems:
        raise InputError("invalid_input", problems=problems)
    if pesel and await _pesel_taken(db, pesel):
        raise ConflictError("pesel.duplicate", field="pesel")
    assert birth_date is not None
    resident = await residents(db).add(
        Resident(
            given_name=data.given_name,
            family_name=data.family_name,
            pesel=pesel,
            birth_date=birth_date,
            sex=sex,
            preferred_language=data.preferred_language.value,
            household_id=household_id,
            household_role=data.household_role.value if data.household_role else None,
            **data.address.model_dump(),
        )
    )
    await record_access(db, AuditAction.CREATE, ENTITY, [resident.id])
    return _to_read(resident, await _household_members(db, resident))


async def read_resident(db: TenantSession, resident_id: UUID) -> ResidentRead:
    """One resident with their household; the read is audited (household members too)."""
    resident = await _load(db, resident_id)
    members = await _household_members(db, resident)
    await record_access(db, AuditAction.READ, ENTITY, [resident.id, *(m.id for m in members)])
    return _to_read(resident, members)


async def read_for_edit(db: TenantSession, resident_id: UUID) -> ResidentRead:
    """One resident without their household (an edit form shows no one else); audited."""
    resident = await _load(db, resident_id)
    await record_access(db, AuditAction.READ, ENTITY, [resident.id])
    return _to_read(resident, [])


async def update_resident(
    db: TenantSession, resident_id: UUID, data: ResidentUpdate
) -> ResidentRead:
    """Change a resident; refuses a stale version; audits which fields changed (not values)."""
    resident = await _load(db, resident_id)
    if resident.version != data.version:
        raise ConflictError("resident.stale", field="version")
    changes: dict[str, Any] = data.model_dump(exclude_unset=True, exclude={"version", "address"})
    problems: list[FieldProblem] = []
    if "pesel" in changes or "birth_date" in changes:
        pesel, birth_date, sex = _check_identity(
            changes.get("pesel", resident.pesel),
            changes.get("birth_date", resident.birth_date if "pesel" not in changes else None),
            changes.get("sex", resident.sex),
            problems,
        )
        changes.update(pesel=pesel, birth_date=birth_date or resident.birth_date, sex=sex)
    if data.address is not None:
        _check_address(data.address, problems)
        changes.update(data.address.model_dump(exclude_unset=True))
    if problems:
        raise InputError("invalid_input", problems=problems)
    if changes.get("pesel") and await _pesel_taken(db, changes["pesel"], other_than=resident.id):
        raise ConflictError("pesel.duplicate", field="pesel")
    changed = sorted(k for k, v in changes.items() if getattr(resident, k) != _plain(v))
    for key in changed:
        setattr(resident, key, _plain(changes[key]))
    try:
        await db.session.flush()
    except StaleDataError:
        raise ConflictError("resident.stale", field="version") from None
    await record_access(db, AuditAction.UPDATE, ENTITY, [resident.id], {"fields": changed})
    return _to_read(resident, await _household_members(db, resident))


def _plain(value: Any) -> Any:
    return value.value if hasattr(value, "value") else value


def _summaries(rows: list[Resident]) -> list[ResidentSummary]:
    return [
        ResidentSummary(
            id=r.id,
            given_name=r.given_name,
            family_name=r.family_name,
            birth_date=r.birth_date,
            city=r.city,
        )
        for r in rows
    ]


_ORDER = [OrderBy("family_name", "asc"), OrderBy("given_name", "asc"), OrderBy("id", "asc")]


async def list_residents(
    db: TenantSession, *, limit: int, offset: int
) -> tuple[list[ResidentSummary], int]:
    """A page of the register by family name; every listed resident is audited."""
    rows, total = await residents(db).get_many_and_count(LimitOffset(limit, offset), *_ORDER)
    await record_access(db, AuditAction.LIST, ENTITY, [r.id for r in rows])
    return _summaries(list(rows)), total


async def search_residents(
    db: TenantSession, criteria: ResidentSearch
) -> tuple[list[ResidentSummary], int]:
    """Search by name prefix, exact PESEL or date of birth; results are audited."""
    conditions: list[ColumnElement[bool]] = []
    if criteria.name:
        words = criteria.name.lower().split()
        for word in words:
            pattern = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            conditions.append(
                func.lower(Resident.family_name).like(pattern, escape="\\")
                | func.lower(Resident.given_name).like(pattern, escape="\\")
            )
    if criteria.pesel:
        try:
            code, _ = parse_pesel(criteria.pesel)
        except PeselError as exc:
            raise InputError(exc.key, field="pesel") from None
        conditions.append(Resident.pesel == code)
    if criteria.birth_date:
        conditions.append(Resident.birth_date == criteria.birth_date)
    if not conditions:
        raise InputError("search.empty")
    rows, total = await residents(db).get_many_and_count(
        *conditions, LimitOffset(criteria.limit, criteria.offset), *_ORDER
    )
    await record_access(db, AuditAction.SEARCH, ENTITY, [r.id for r in rows])
    return _summaries(list(rows)), total


async def ensure_exists(db: TenantSession, resident_id: UUID) -> None:
    """404 unless the resident is in this tenant."""
    exists = await db.session.scalar(select(Resident.id).where(Resident.id == resident_id))
    if exists is None:
        raise NotFoundError("not_found")


async def summaries_of(db: TenantSession, ids: Sequence[UUID]) -> list[ResidentSummary]:
    """Rows for the given residents in the given order (unknown ids left out); every row
    shown is audited as a list access."""
    if not ids:
        return []
    rows = {r.id: r for r in await db.session.scalars(select(Resident).where(Resident.id.in_(ids)))}
    found = [rows[i] for i in ids if i in rows]
    if found:
        await record_access(db, AuditAction.LIST, ENTITY, [r.id for r in found])
    return _summaries(found)


async def register_totals(db: TenantSession, *, since: datetime) -> tuple[int, int]:
    """How many residents the register holds, and how many were registered since a moment
    (counts only: no personal data, nothing to audit)."""
    row = (
        await db.session.execute(
            select(func.count(), func.count().filter(Resident.created_at >= since)).select_from(
                Resident
            )
        )
    ).one()
    return int(row[0]), int(row[1])


async def recently_registered(db: TenantSession, *, limit: int) -> list[ResidentSummary]:
    """The residents registered last, newest first; audited as a list access."""
    rows = list(
        await db.session.scalars(
            select(Resident).order_by(Resident.created_at.desc(), Resident.id).limit(limit)
        )
    )
    if rows:
        await record_access(db, AuditAction.LIST, ENTITY, [r.id for r in rows])
    return _summaries(rows)
