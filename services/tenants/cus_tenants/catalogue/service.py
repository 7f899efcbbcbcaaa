"""The catalogue of an agreement: services and their versions.

A version is never changed once written: a change of what a service is becomes a new version
(valid from a date not before the previous one's), and whatever a programme or a grant points
at keeps pointing at the version it was made under.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from cus_shared.errors import ConflictError, FieldProblem, InputError, NotFoundError
from cus_shared.i18n.formatting import format_date
from cus_tenants.catalogue.models import CatalogueService, ServiceVersion
from cus_tenants.catalogue.schemas import (
    ServiceCreate,
    ServiceRead,
    ServiceSummary,
    ServiceVersionIn,
    ServiceVersionRead,
)
from cus_tenants.catalogue.vocabulary import AREA_CODES, AREAS, Area, DeliveryMode, ServiceUnit

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sqlalchemy.ext.asyncio import AsyncSession

#: A service's code: lowercase letters a–z, digits and single dashes (e.g. "opieka-domowa").
_CODE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

_UNITS = frozenset(u.value for u in ServiceUnit)
_MODES = frozenset(m.value for m in DeliveryMode)
_AREAS_BY_CODE = {a.code: a for a in AREAS}


def area(code: int) -> Area:
    """The statutory area with a code (KeyError outside the closed list)."""
    return _AREAS_BY_CODE[code]


def _version_problems(data: ServiceVersionIn) -> list[FieldProblem]:
    """Closed lists: area 1–14, unit, at least one known delivery mode."""
    problems: list[FieldProblem] = []
    if data.area_code not in AREA_CODES:
        problems.append(FieldProblem(field="area_code", key="catalogue.area_unknown"))
    if data.unit not in _UNITS:
        problems.append(FieldProblem(field="unit", key="catalogue.unit_unknown"))
    if not data.delivery_modes:
        problems.append(FieldProblem(field="delivery_modes", key="catalogue.modes_required"))
    elif any(mode not in _MODES for mode in data.delivery_modes):
        problems.append(FieldProblem(field="delivery_modes", key="catalogue.mode_unknown"))
    return problems


def _modes_in_order(modes: Iterable[str]) -> list[str]:
    """Each mode once, in the order of the vocabulary (art. 7)."""
    chosen = set(modes)
    return [m.value for m in DeliveryMode if m.value in chosen]


def _new_version(
    service: CatalogueService, number: int, data: ServiceVersionIn, author: UUID | None
) -> ServiceVersion:
    return ServiceVersion(
        service_id=service.id,
        version=number,
        area_code=data.area_code,
        name=data.name,
        name_en=data.name_en,
        name_uk=data.name_uk,
        description=data.description,
        description_en=data.description_en,
        description_uk=data.description_uk,
        target_group=data.target_group,
        eligibility=data.eligibility,
        unit=data.unit,
        delivery_modes=_modes_in_order(data.delivery_modes),
        valid_from=data.valid_from,
        created_by=author,
    )


async def list_services(session: AsyncSession, agreement_id: UUID) -> list[CatalogueService]:
    """The agreement's services by area and name of their current version."""
    services = list(
        await session.scalars(
            select(CatalogueService).where(CatalogueService.agreement_id == agreement_id)
        )
    )
    services = [s for s in services if s.versions]
    services.sort(key=lambda s: (s.current.area_code, s.current.name.casefold(), s.code))
    return services


async def get_service(
    session: AsyncSession, agreement_id: UUID, service_id: UUID | str
) -> CatalogueService:
    """A service of the agreement (404 when unknown or of another agreement)."""
    try:
        key = service_id if isinstance(service_id, UUID) else UUID(str(service_id))
    except ValueError:
        raise NotFoundError("not_found") from None
    service = await session.get(CatalogueService, key)
    if service is None or service.agreement_id != agreement_id or not service.versions:
        raise NotFoundError("not_found")
    return service


async def create_service(
    session: AsyncSession, agreement_id: UUID, data: ServiceCreate, *, author: UUID | None
) -> CatalogueService:
    """A new service with its version 1 (nothing is written when anything is wrong)."""
    problems = _version_problems(data)
    code = data.code.strip().lower()
    if not _CODE.fullmatch(code):
        problems.append(FieldProblem(field="code", key="catalogue.code_format"))
    if problems:
        raise InputError("invalid_input", problems=problems)
    taken = await session.scalar(
        select(func.count())
        .select_from(CatalogueService)
        .where(CatalogueService.agreement_id == agreement_id, CatalogueService.code == code)
    )
    if taken:
        raise ConflictError("catalogue.code_taken", field="code")
    service = CatalogueService(agreement_id=agreement_id, code=code)
    try:
        async with session.begin_nested():
            session.add(service)
            await session.flush()
            session.add(_new_version(service, 1, data, author))
            await session.flush()
    except IntegrityError:
        # Somebody took the code in the meantime.
        raise ConflictError("catalogue.code_taken", field="code") from None
    await session.refresh(service, ["versions"])
    return service


async def add_version(
    session: AsyncSession,
    agreement_id: UUID,
    service_id: UUID | str,
    data: ServiceVersionIn,
    *,
    author: UUID | None,
) -> CatalogueService:
    """A new version of a service; the older ones stay as they were."""
    service = await get_service(session, agreement_id, service_id)
    # One new version at a time per service: the number is the newest plus one.
    await session.execute(
        select(CatalogueService.id).where(CatalogueService.id == service.id).with_for_update()
    )
    await session.refresh(service, ["versions"])
    previous = service.current
    problems = _version_problems(data)
    if data.valid_from < previous.valid_from:
        problems.append(
            FieldProblem(
                field="valid_from",
                key="catalogue.valid_from_before_previous",
                params={"date": format_date(previous.valid_from), "version": previous.version},
            )
        )
    if problems:
        raise InputError("invalid_input", problems=problems)
    session.add(_new_version(service, previous.version + 1, data, author))
    await session.flush()
    await session.refresh(service, ["versions"])
    return service


async def versions_with_services(
    session: AsyncSession, version_ids: Iterable[UUID]
) -> dict[UUID, tuple[ServiceVersion, CatalogueService]]:
    """Versions by id with their services (unknown ids are left out)."""
    ids = list(set(version_ids))
    if not ids:
        return {}
    rows = await session.execute(
        select(ServiceVersion, CatalogueService)
        .join(CatalogueService, CatalogueService.id == ServiceVersion.service_id)
        .where(ServiceVersion.id.in_(ids))
    )
    return {version.id: (version, owner) for version, owner in rows.tuples()}


async def versions_of_agreements(
    session: AsyncSession, agreement_ids: Iterable[UUID]
) -> list[tuple[ServiceVersion, CatalogueService]]:
    """Every version of every service of the agreements, by name, newest version first."""
    ids = list(set(agreement_ids))
    if not ids:
        return []
    rows = await session.execute(
        select(ServiceVersion, CatalogueService)
        .join(CatalogueService, CatalogueService.id == ServiceVersion.service_id)
        .where(CatalogueService.agreement_id.in_(ids))
    )
    found = list(rows.tuples())
    newest: dict[UUID, ServiceVersion] = {}
    for version, owner in found:
        if owner.id not in newest or newest[owner.id].version < version.version:
            newest[owner.id] = version
    found.sort(
        key=lambda pair: (
            newest[pair[1].id].name.casefold(),
            pair[1].code,
            -pair[0].version,
        )
    )
    return found


def summary_of(service: CatalogueService) -> ServiceSummary:
    """The API's view of a service with its current version."""
    return ServiceSummary(
        id=service.id,
        agreement_id=service.agreement_id,
        code=service.code,
        version_count=len(service.versions),
        current=ServiceVersionRead.model_validate(service.current),
    )


def read_of(service: CatalogueService) -> ServiceRead:
    """The API's view of a service with all its versions."""
    return ServiceRead(
        **summary_of(service).model_dump(),
        versions=[ServiceVersionRead.model_validate(v) for v in service.versions],
    )
