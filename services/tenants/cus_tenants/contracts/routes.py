"""HTTP API of contracts. Staff of the agreement's gminy read; its director and OUS (and
operators) record and change; anyone else gets 404."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from cus_shared.identity.guards import principal_of
from cus_tenants.agreements.access import agreement_access
from cus_tenants.contracts import service
from cus_tenants.contracts.schemas import ContractCreate, ContractRead, ContractUpdate
from cus_tenants.dependencies import provide_shared_session

AnyRequest = Request[Any, Any, Any]


class ContractController(Controller):
    """Contracts (umowy) of an agreement: with partners, or in-house."""

    path = "/"
    tags = ["contracts"]
    dependencies = {"session": Provide(provide_shared_session)}

    @get("/agreements/{agreement_id:uuid}/contracts")
    async def list_contracts(
        self,
        request: AnyRequest,
        session: NamedDependency[AsyncSession],
        agreement_id: FromPath[UUID],
        partner_id: FromQuery[UUID | None] = None,
    ) -> list[ContractRead]:
        """The agreement's contracts (optionally one partner's), the latest first."""
        access = await agreement_access(session, principal_of(request), agreement_id, change=False)
        rows = await service.list_contracts(session, access.agreement.id, partner_id=partner_id)
        return [service.contract_read(c) for c in rows]

    @post("/agreements/{agreement_id:uuid}/contracts", status_code=201)
    async def create(
        self,
        request: AnyRequest,
        session: NamedDependency[AsyncSession],
        agreement_id: FromPath[UUID],
        data: JSONBody[ContractCreate],
    ) -> ContractRead:
        """Record a contract; 409 ``contract.overlap`` when the same partner (or in-house mode)
        already covers one of its services in one of its gminy during its period."""
        access = await agreement_access(session, principal_of(request), agreement_id, change=True)
        contract = await service.create_contract(
            session, access.agreement.id, access.members_today, data
        )
        return service.contract_read(contract)

    @get("/contracts/{contract_id:uuid}")
    async def show(
        self,
        request: AnyRequest,
        session: NamedDependency[AsyncSession],
        contract_id: FromPath[UUID],
    ) -> ContractRead:
        """One contract."""
        contract = await service.get_contract(session, contract_id)
        await agreement_access(session, principal_of(request), contract.agreement_id, change=False)
        return service.contract_read(contract)

    @patch("/contracts/{contract_id:uuid}")
    async def update(
        self,
        request: AnyRequest,
        session: NamedDependency[AsyncSession],
        contract_id: FromPath[UUID],
        data: JSONBody[ContractUpdate],
    ) -> ContractRead:
        """Change a contract (only the fields sent); checked again as a whole."""
        contract = await service.get_contract(session, contract_id)
        access = await agreement_access(
            session, principal_of(request), contract.agreement_id, change=True
        )
        contract = await service.update_contract(session, contract, access.members_today, data)
        return service.contract_read(contract)


#: Controllers and handlers mounted under /api/tenants.
ROUTES: list[Any] = [ContractController]
