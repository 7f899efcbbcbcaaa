"""HTTP API of agreements."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from cus_shared.identity.guards import require_roles
from cus_shared.identity.roles import Role
from cus_tenants.agreements import service
from cus_tenants.agreements.schemas import AgreementCreate, AgreementRead
from cus_tenants.dependencies import provide_shared_session


class AgreementController(Controller):
    """Inter-municipal agreements (porozumienia gmin)."""

    path = "/agreements"
    tags = ["agreements"]
    dependencies = {"session": Provide(provide_shared_session)}

    @post("/", guards=[require_roles(Role.OPERATOR)], status_code=201)
    async def create(
        self, session: NamedDependency[AsyncSession], data: JSONBody[AgreementCreate]
    ) -> AgreementRead:
        """Record an agreement with its lead gmina and membership periods."""
        agreement = await service.create_agreement(session, data)
        await session.refresh(agreement, ["members"])
        return AgreementRead.model_validate(agreement)

    @get("/")
    async def list_agreements(self, session: NamedDependency[AsyncSession]) -> list[AgreementRead]:
        """All agreements."""
        return [AgreementRead.model_validate(a) for a in await service.list_agreements(session)]

    @get("/{agreement_id:uuid}")
    async def show(
        self, session: NamedDependency[AsyncSession], agreement_id: FromPath[UUID]
    ) -> AgreementRead:
        """One agreement."""
        return AgreementRead.model_validate(await service.get_agreement(session, agreement_id))
