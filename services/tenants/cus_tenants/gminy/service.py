"""Registry operations on gminy."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from cus_shared.errors import ConflictError, NotFoundError
from cus_shared.identifiers.teryt import Teryt, TerytError, parse_teryt
from cus_tenants.gminy.models import Gmina, GminaStatus

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession


async def register_gmina(session: AsyncSession, teryt: str, name: str) -> Gmina:
    """Add a gmina to the registry in the provisioning state."""
    code = parse_teryt(teryt)
    if await session.get(Gmina, code) is not None:
        raise ConflictError("gmina.duplicate", field="teryt")
    gmina = Gmina(teryt=code, name=name, status=GminaStatus.PROVISIONING.value)
    session.add(gmina)
    try:
        await session.flush()
    except IntegrityError:
        raise ConflictError("gmina.duplicate", field="teryt") from None
    return gmina


async def get_gmina(session: AsyncSession, teryt: str) -> Gmina:
    """One gmina (404 for malformed or unknown codes)."""
    try:
        code: Teryt = parse_teryt(teryt)
    except TerytError:
        raise NotFoundError("not_found") from None
    gmina = await session.get(Gmina, code)
    if gmina is None:
        raise NotFoundError("not_found")
    return gmina


async def list_gminy(
    session: AsyncSession, *, limit: int, offset: int, voivodeship: str | None = None
) -> tuple[list[Gmina], int]:
    """A page of gminy ordered by TERYT, with the total count."""
    query = select(Gmina)
    if voivodeship:
        query = query.where(Gmina.teryt.startswith(voivodeship))
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    rows = await session.scalars(query.order_by(Gmina.teryt).limit(limit).offset(offset))
    return list(rows), int(total or 0)


async def suspend_gmina(session: AsyncSession, teryt: str) -> Gmina:
    """Suspend a gmina: its staff's requests are refused until it is resumed."""
    gmina = await get_gmina(session, teryt)
    gmina.status = GminaStatus.SUSPENDED.value
    gmina.suspended_at = datetime.now(UTC)
    await session.flush()
    return gmina


async def resume_gmina(session: AsyncSession, teryt: str) -> Gmina:
    """Lift a suspension."""
    gmina = await get_gmina(session, teryt)
    if gmina.status == GminaStatus.SUSPENDED.value:
        gmina.status = GminaStatus.ACTIVE.value
        gmina.suspended_at = None
        await session.flush()
    return gmina
