"""A gmina's programmes of social services (PUS): their facts, the catalogue services they
take in (one version each) with the gmina's conditions, estimates and indicators, and the
warning about a diagnosis of needs older than 5 years.

Nothing is written when anything is wrong: every problem of an input is collected first.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING
from uuid import UUID

from sqlalchemy import select

from cus_shared.errors import ConflictError, FieldProblem, InputError, NotFoundError
from cus_shared.i18n.formatting import POLAND
from cus_shared.i18n.language import current_language
from cus_shared.identity.roles import CUS_STAFF_ROLES, Role
from cus_shared.messages import translate
from cus_tenants.agreements.access import readable_agreements
from cus_tenants.agreements.models import AgreementMember
from cus_tenants.catalogue import service as catalogue
from cus_tenants.gminy.models import Gmina
from cus_tenants.programmes.models import (
    Programme,
    ProgrammeEstimate,
    ProgrammeIndicator,
    ProgrammeService,
)
from cus_tenants.programmes.schemas import (
    EstimateRead,
    IndicatorRead,
    ProgrammeIn,
    ProgrammePatch,
    ProgrammeRead,
    ProgrammeServiceIn,
    ProgrammeServiceRead,
    ProgrammeSummary,
    ProgrammeWarning,
)

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from cus_shared.identity.principal import Principal
    from cus_tenants.catalogue.models import CatalogueService, ServiceVersion

#: A diagnosis of needs and potential is made at least once every 5 years.
DIAGNOSIS_YEARS = 5
#: Bounds of numbers people type (the columns are 32-bit integers).
MAX_RECIPIENTS = 1_000_000
MAX_TARGET = 1_000_000_000

_FACTS = (
    "title",
    "resolution_number",
    "resolution_date",
    "period_start",
    "period_end",
    "diagnosis_date",
)


def today() -> date:
    """Today in Poland."""
    return datetime.now(POLAND).date()


def years_before(day: date, years: int) -> date:
    """The same calendar day some years earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def diagnosis_reference_day(period_start: date, period_end: date, on: date) -> date:
    """The day the diagnosis must be at most 5 years old on: the programme's start, or
    today while the programme runs (its end once it is over)."""
    return min(max(period_start, on), period_end)


def diagnosis_is_old(period_start: date, period_end: date, diagnosis: date, on: date) -> bool:
    """Whether the diagnosis is more than 5 years older than the reference day (exactly 5
    years is still fine)."""
    reference = diagnosis_reference_day(period_start, period_end, on)
    return diagnosis < years_before(reference, DIAGNOSIS_YEARS)


def warnings_of(programme: Programme, on: date | None = None) -> list[ProgrammeWarning]:
    """What to attend to, in the request's language."""
    found: list[ProgrammeWarning] = []
    day = on or today()
    if diagnosis_is_old(
        programme.period_start, programme.period_end, programme.diagnosis_date, day
    ):
        key = "programme.diagnosis_old"
        found.append(
            ProgrammeWarning(
                code=key,
                message=translate(key, current_language(), {"years": DIAGNOSIS_YEARS}),
            )
        )
    return found


async def get_gmina(session: AsyncSession, teryt: str) -> Gmina:
    """A registered gmina (404 when unknown)."""
    gmina = await session.get(Gmina, teryt) if teryt.isdigit() and len(teryt) == 7 else None
    if gmina is None:
        raise NotFoundError("not_found")
    return gmina


async def list_programmes(session: AsyncSession, teryt: str) -> list[Programme]:
    """A gmina's programmes, the latest period first."""
    rows = await session.scalars(
        select(Programme)
        .where(Programme.teryt == teryt)
        .order_by(Programme.period_start.desc(), Programme.title)
    )
    return list(rows)


def _period_problems(start: date, end: date) -> list[FieldProblem]:
    if end < start:
        return [FieldProblem(field="period_end", key="programme.period_order")]
    return []


async def create_programme(session: AsyncSession, teryt: str, data: ProgrammeIn) -> Programme:
    """Record a gmina's programme (the period must not end before it starts)."""
    gmina = await get_gmina(session, teryt)
    problems = _period_problems(data.period_start, data.period_end)
    if problems:
        raise InputError("invalid_input", problems=problems)
    programme = Programme(teryt=gmina.teryt, **data.model_dump())
    session.add(programme)
    await session.flush()
    await session.refresh(programme, ["services"])
    return programme


async def get_programme(session: AsyncSession, programme_id: UUID | str) -> Programme:
    """A programme (404 when unknown)."""
    try:
        key = programme_id if isinstance(programme_id, UUID) else UUID(str(programme_id))
    except ValueError:
        raise NotFoundError("not_found") from None
    programme = await session.get(Programme, key)
    if programme is None:
        raise NotFoundError("not_found")
    return programme


async def update_programme(
    session: AsyncSession, programme: Programme, patch: ProgrammePatch
) -> Programme:
    """Change a programme's facts; estimates already entered must stay within its period."""
    given = patch.model_dump(exclude_unset=True)
    problems = [
        FieldProblem(field=name, key="field.required")
        for name, value in given.items()
        if value is None
    ]
    merged = {name: getattr(programme, name) for name in _FACTS}
    merged.update({k: v for k, v in given.items() if v is not None})
    start, end = merged["period_start"], merged["period_end"]
    problems += _period_problems(start, end)
    if not problems:
        years = [e.year for s in programme.services for e in s.estimates]
        if any(year < start.year for year in years):
            problems.append(
                FieldProblem(field="period_start", key="programme.estimates_outside_period")
            )
        if any(year > end.year for year in years):
            problems.append(
                FieldProblem(field="period_end", key="programme.estimates_outside_period")
            )
    if problems:
        raise InputError("invalid_input", problems=problems)
    for name, value in merged.items():
        setattr(programme, name, value)
    await session.flush()
    await session.refresh(programme)
    return programme


async def agreements_of(session: AsyncSession, programme: Programme) -> list[UUID]:
    """The agreements whose catalogues the programme may take services from: those the gmina
    belongs to during the programme's period or today."""
    day = today()
    rows = await session.scalars(
        select(AgreementMember.agreement_id)
        .where(
            AgreementMember.teryt == programme.teryt,
            AgreementMember.covering(programme.period_start, programme.period_end)
            | AgreementMember.covering(day),
        )
        .distinct()
    )
    return list(rows)


async def available_versions(
    session: AsyncSession, programme: Programme
) -> list[tuple[ServiceVersion, CatalogueService]]:
    """Versions of the services of the gmina's agreements, which the programme may take in."""
    return await catalogue.versions_of_agreements(session, await agreements_of(session, programme))


def _estimate_problems(programme: Programme, data: ProgrammeServiceIn) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    first, last = programme.period_start.year, programme.period_end.year
    seen: set[int] = set()
    for index, estimate in enumerate(data.estimates):
        if not first <= estimate.year <= last:
            problems.append(
                FieldProblem(
                    field=f"estimates[{index}].year",
                    key="programme.estimate_year",
                    params={"first": first, "last": last},
                )
            )
        elif estimate.year in seen:
            problems.append(
                FieldProblem(field=f"estimates[{index}].year", key="programme.estimate_repeated")
            )
        seen.add(estimate.year)
        if not 0 <= estimate.recipients <= MAX_RECIPIENTS:
            problems.append(
                FieldProblem(
                    field=f"estimates[{index}].recipients",
                    key="programme.recipients_range",
                    params={"max": MAX_RECIPIENTS},
                )
            )
    for index, indicator in enumerate(data.indicators):
        if indicator.target is not None and not 0 <= indicator.target <= MAX_TARGET:
            problems.append(
                FieldProblem(
                    field=f"indicators[{index}].target",
                    key="programme.target_range",
                    params={"max": MAX_TARGET},
                )
            )
    return problems


async def add_service(
    session: AsyncSession, programme: Programme, data: ProgrammeServiceIn
) -> ProgrammeService:
    """Take a catalogue service (one version of it) of the gmina's agreements into the
    programme, with the gmina's conditions, estimates per year and indicators."""
    problems = _estimate_problems(programme, data)
    found = await catalogue.versions_with_services(session, [data.service_version_id])
    allowed = set(await agreements_of(session, programme))
    pair = found.get(data.service_version_id)
    if pair is None or pair[1].agreement_id not in allowed:
        # An unknown version and another agreement's look the same (nothing leaks).
        problems.append(
            FieldProblem(field="service_version_id", key="programme.service_outside_agreement")
        )
    if problems or pair is None:
        raise InputError("invalid_input", problems=problems)
    version, owner = pair
    included = await catalogue.versions_with_services(
        session, [s.service_version_id for s in programme.services]
    )
    if any(other.id == owner.id for _, other in included.values()):
        raise ConflictError("programme.service_duplicate", field="service_version_id")
    entry = ProgrammeService(
        programme_id=programme.id,
        service_version_id=version.id,
        conditions=data.conditions,
        estimates=[
            ProgrammeEstimate(year=e.year, recipients=e.recipients)
            for e in sorted(data.estimates, key=lambda e: e.year)
        ],
        indicators=[
            ProgrammeIndicator(name=i.name, unit=i.unit, target=i.target) for i in data.indicators
        ],
    )
    session.add(entry)
    await session.flush()
    await session.refresh(programme, ["services"])
    return entry


async def remove_service(session: AsyncSession, programme: Programme, entry_id: UUID | str) -> None:
    """Take a service out of the programme (with its estimates and indicators)."""
    try:
        key = entry_id if isinstance(entry_id, UUID) else UUID(str(entry_id))
    except ValueError:
        raise NotFoundError("not_found") from None
    entry = next((s for s in programme.services if s.id == key), None)
    if entry is None:
        raise NotFoundError("not_found")
    programme.services.remove(entry)
    await session.flush()


def summary_of(programme: Programme, on: date | None = None) -> ProgrammeSummary:
    """The API's view of a programme's facts, with its warnings."""
    return ProgrammeSummary(
        id=programme.id,
        teryt=programme.teryt,
        warnings=warnings_of(programme, on),
        **{name: getattr(programme, name) for name in _FACTS},
    )


async def service_entries(
    session: AsyncSession, programme: Programme
) -> list[tuple[ProgrammeService, ServiceVersion, CatalogueService]]:
    """The programme's services with their catalogue versions, by area and name."""
    found = await catalogue.versions_with_services(
        session, [s.service_version_id for s in programme.services]
    )
    entries = [(s, *found[s.service_version_id]) for s in programme.services]
    entries.sort(key=lambda e: (e[1].area_code, e[1].name.casefold()))
    return entries


def entry_of(
    entry: ProgrammeService, version: ServiceVersion, owner: CatalogueService
) -> ProgrammeServiceRead:
    """The API's view of a service in a programme."""
    return ProgrammeServiceRead(
        id=entry.id,
        service_id=owner.id,
        service_version_id=version.id,
        version=version.version,
        code=owner.code,
        name=version.name,
        area_code=version.area_code,
        unit=version.unit,
        conditions=entry.conditions,
        estimates=[EstimateRead.model_validate(e) for e in entry.estimates],
        indicators=[IndicatorRead.model_validate(i) for i in entry.indicators],
    )


async def read_of(session: AsyncSession, programme: Programme) -> ProgrammeRead:
    """The API's view of a programme with its services."""
    entries = await service_entries(session, programme)
    return ProgrammeRead(
        **summary_of(programme).model_dump(),
        services=[entry_of(*e) for e in entries],
    )


async def readable_gminy(session: AsyncSession, principal: Principal) -> list[Gmina]:
    """The gminy whose programmes the person may read, by name: every gmina for operators;
    for CUS staff their own gminy and the other gminy of their agreements today."""
    query = select(Gmina).order_by(Gmina.name, Gmina.teryt)
    if not principal.has_role(Role.OPERATOR):
        codes = {t for t, roles in principal.tenant_roles.items() if roles & CUS_STAFF_ROLES}
        agreements = await readable_agreements(session, principal)
        day = today()
        for agreement in agreements:
            codes.update(m.teryt for m in agreement.members if m.active_on(day))
        query = query.where(Gmina.teryt.in_(codes))
    return list(await session.scalars(query))
