"""Registry operations on gminy."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from cus_shared.database.naming import SHARED_SCHEMA, TENANTS_SERVICE_ROLE
from cus_shared.errors import ConflictError, NotFoundError
from cus_shared.identifiers.teryt import Teryt, TerytError, parse_teryt
from cus_shared.plugins import migration_tree
from cus_shared.tenancy import open_service_session
from cus_tenants.gminy.models import Gmina, GminaStatus
from cus_tenants.provisioning.tenant import provision_tenant

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sqlalchemy.ext.asyncio import AsyncSession

    from cus_shared.database.runtime import Database


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
    _refuse_archived(gmina)
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


async def gmina_names(session: AsyncSession, teryts: Iterable[str]) -> dict[str, str]:
    """Names of registered gminy by TERYT (codes not in the registry are left out)."""
    codes = sorted(set(teryts))
    if not codes:
        return {}
    rows = await session.execute(select(Gmina.teryt, Gmina.name).where(Gmina.teryt.in_(codes)))
    return dict(rows.tuples().all())


async def all_gminy(session: AsyncSession) -> list[Gmina]:
    """Every registered gmina by name (for choosing gminy in forms)."""
    return list(await session.scalars(select(Gmina).order_by(Gmina.name, Gmina.teryt)))


async def register_and_provision(db: Database, teryt: str, name: str) -> Gmina:
    """Register a gmina and provision its role, schema and tables; the gmina as it is then.

    The registry row is committed first (status "provisioning"), so a provisioning failure
    leaves a gmina that ``provision_registered`` (or ``cus tenants migrate``) finishes.
    """
    async with open_service_session(
        db.sessions, db_role=TENANTS_SERVICE_ROLE, schema=SHARED_SCHEMA
    ) as session:
        code = (await register_gmina(session, teryt, name)).teryt
    return await _provision_and_read(db, code)


async def provision_registered(db: Database, teryt: str) -> Gmina:
    """Provision a registered gmina again, or bring its schema to the head of the tenant tree
    (404 for codes not in the registry); the gmina as it is then."""
    async with open_service_session(
        db.sessions, db_role=TENANTS_SERVICE_ROLE, schema=SHARED_SCHEMA
    ) as session:
        gmina = await get_gmina(session, teryt)
        _refuse_archived(gmina)
        code = gmina.teryt
    return await _provision_and_read(db, code)


def _refuse_archived(gmina: Gmina) -> None:
    """An archived gmina's data left the platform: only a restore brings it back (a
    suspension or a migration would leave, or make, an empty schema in service)."""
    if gmina.status == GminaStatus.ARCHIVED.value:
        raise ConflictError("gmina.archived")


async def _provision_and_read(db: Database, teryt: str) -> Gmina:
    await provision_tenant(
        db.admin_engine,
        migration_tree("tenant"),
        parse_teryt(teryt),
        app_role=db.settings.database.app_role,
        lock_timeout_ms=db.settings.database.lock_timeout_ms,
    )
    async with open_service_session(
        db.sessions, db_role=TENANTS_SERVICE_ROLE, schema=SHARED_SCHEMA
    ) as session:
        return await get_gmina(session, teryt)
