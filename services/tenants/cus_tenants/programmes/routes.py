"""HTTP API of the programmes of social services (PUS) of each gmina.

Read by the staff of every gmina of the gmina's agreements, changed by the gmina's director
or OUS (and operators): :func:`cus_tenants.agreements.access.gmina_planning_access`."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, delete, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from cus_shared.identity.guards import principal_of
from cus_tenants.agreements.access import gmina_planning_access
from cus_tenants.dependencies import provide_shared_session
from cus_tenants.programmes import service
from cus_tenants.programmes.schemas import (
    ProgrammeIn,
    ProgrammePatch,
    ProgrammeRead,
    ProgrammeServiceIn,
    ProgrammeServiceRead,
    ProgrammeSummary,
)


class ProgrammeController(Controller):
    """Programy usług społecznych: adopted by a gmina council for a period."""

    path = "/"
    tags = ["programmes"]
    dependencies = {"session": Provide(provide_shared_session)}

    @get("/gminy/{teryt:str}/programmes")
    async def list_programmes(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        teryt: FromPath[str],
    ) -> list[ProgrammeSummary]:
        """A gmina's programmes, the latest period first, with their warnings."""
        await gmina_planning_access(session, principal_of(request), teryt, change=False)
        gmina = await service.get_gmina(session, teryt)
        day = service.today()
        return [
            service.summary_of(p, day) for p in await service.list_programmes(session, gmina.teryt)
        ]

    @post("/gminy/{teryt:str}/programmes", status_code=201)
    async def create_programme(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        teryt: FromPath[str],
        data: JSONBody[ProgrammeIn],
    ) -> ProgrammeRead:
        """Record a programme: resolution, period and the diagnosis it rests on. A diagnosis
        older than 5 years is a warning in the answer (``programme.diagnosis_old``)."""
        await gmina_planning_access(session, principal_of(request), teryt, change=True)
        programme = await service.create_programme(session, teryt, data)
        return await service.read_of(session, programme)

    @get("/programmes/{programme_id:uuid}")
    async def show_programme(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        programme_id: FromPath[UUID],
    ) -> ProgrammeRead:
        """A programme with its services, estimates and indicators."""
        programme = await service.get_programme(session, programme_id)
        await gmina_planning_access(session, principal_of(request), programme.teryt, change=False)
        return await service.read_of(session, programme)

    @patch("/programmes/{programme_id:uuid}")
    async def change_programme(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        programme_id: FromPath[UUID],
        data: JSONBody[ProgrammePatch],
    ) -> ProgrammeRead:
        """Change a programme's facts (the fields sent)."""
        programme = await service.get_programme(session, programme_id)
        await gmina_planning_access(session, principal_of(request), programme.teryt, change=True)
        programme = await service.update_programme(session, programme, data)
        return await service.read_of(session, programme)

    @post("/programmes/{programme_id:uuid}/services", status_code=201)
    async def add_service(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        programme_id: FromPath[UUID],
        data: JSONBody[ProgrammeServiceIn],
    ) -> ProgrammeServiceRead:
        """Take a catalogue service version of the gmina's agreement(s) into the programme."""
        programme = await service.get_programme(session, programme_id)
        await gmina_planning_access(session, principal_of(request), programme.teryt, change=True)
        entry = await service.add_service(session, programme, data)
        found = {e[0].id: e for e in await service.service_entries(session, programme)}
        return service.entry_of(*found[entry.id])

    @delete("/programmes/{programme_id:uuid}/services/{entry_id:uuid}", status_code=204)
    async def remove_service(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        programme_id: FromPath[UUID],
        entry_id: FromPath[UUID],
    ) -> None:
        """Take a service out of the programme."""
        programme = await service.get_programme(session, programme_id)
        await gmina_planning_access(session, principal_of(request), programme.teryt, change=True)
        await service.remove_service(session, programme, entry_id)


#: Controllers and handlers mounted under /api/tenants.
ROUTES: list[Any] = [ProgrammeController]
