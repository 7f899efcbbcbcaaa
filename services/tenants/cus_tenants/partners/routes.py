"""HTTP API of the partner registry: partners of an agreement, their contact persons and
documents. Staff of the agreement's gminy read; its director and OUS (and operators) change;
anyone else gets 404."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, delete, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from cus_shared.identity.guards import principal_of
from cus_tenants.agreements.access import agreement_access
from cus_tenants.dependencies import provide_shared_session
from cus_tenants.partners import service
from cus_tenants.partners.models import Partner
from cus_tenants.partners.schemas import (
    ContactIn,
    DocumentIn,
    PartnerCreate,
    PartnerRead,
    PartnerUpdate,
)

AnyRequest = Request[Any, Any, Any]


async def _partner(
    request: AnyRequest, session: AsyncSession, partner_id: UUID, *, change: bool
) -> tuple[Partner, tuple[str, ...]]:
    """The partner if the caller may read (or change) its agreement's registry, with the
    agreement's member gminy today."""
    partner = await service.get_partner(session, partner_id)
    access = await agreement_access(
        session, principal_of(request), partner.agreement_id, change=change
    )
    return partner, access.members_today


class PartnerController(Controller):
    """The registry of partners (rejestr partnerów) of an agreement."""

    path = "/"
    tags = ["partners"]
    dependencies = {"session": Provide(provide_shared_session)}

    @get("/agreements/{agreement_id:uuid}/partners")
    async def list_partners(
        self,
        request: AnyRequest,
        session: NamedDependency[AsyncSession],
        agreement_id: FromPath[UUID],
    ) -> list[PartnerRead]:
        """The agreement's partners by name, with warnings about their documents."""
        access = await agreement_access(session, principal_of(request), agreement_id, change=False)
        today = service.today()
        return [
            service.partner_read(p, on=today)
            for p in await service.list_partners(session, access.agreement.id)
        ]

    @post("/agreements/{agreement_id:uuid}/partners", status_code=201)
    async def create(
        self,
        request: AnyRequest,
        session: NamedDependency[AsyncSession],
        agreement_id: FromPath[UUID],
        data: JSONBody[PartnerCreate],
    ) -> PartnerRead:
        """Register a partner: NIP or REGON (checked), areas, services of the agreement's
        catalogue, gminy of the agreement, at least two contact persons."""
        access = await agreement_access(session, principal_of(request), agreement_id, change=True)
        partner = await service.create_partner(
            session, access.agreement.id, access.members_today, data
        )
        return service.partner_read(partner)

    @get("/partners/{partner_id:uuid}")
    async def show(
        self,
        request: AnyRequest,
        session: NamedDependency[AsyncSession],
        partner_id: FromPath[UUID],
    ) -> PartnerRead:
        """One partner."""
        partner, _ = await _partner(request, session, partner_id, change=False)
        return service.partner_read(partner)

    @patch("/partners/{partner_id:uuid}")
    async def update(
        self,
        request: AnyRequest,
        session: NamedDependency[AsyncSession],
        partner_id: FromPath[UUID],
        data: JSONBody[PartnerUpdate],
    ) -> PartnerRead:
        """Change a partner's facts, areas, services or gminy (only the fields sent)."""
        partner, members = await _partner(request, session, partner_id, change=True)
        return service.partner_read(await service.update_partner(session, partner, members, data))

    @post("/partners/{partner_id:uuid}/contacts", status_code=201)
    async def add_contact(
        self,
        request: AnyRequest,
        session: NamedDependency[AsyncSession],
        partner_id: FromPath[UUID],
        data: JSONBody[ContactIn],
    ) -> PartnerRead:
        """Name one more contact person (an e-mail address or a phone number required)."""
        partner, _ = await _partner(request, session, partner_id, change=True)
        await service.add_contact(session, partner, data)
        return service.partner_read(partner)

    @delete("/partners/{partner_id:uuid}/contacts/{contact_id:uuid}", status_code=204)
    async def remove_contact(
        self,
        request: AnyRequest,
        session: NamedDependency[AsyncSession],
        partner_id: FromPath[UUID],
        contact_id: FromPath[UUID],
    ) -> None:
        """Remove a contact person; refused (409) when fewer than two would be left."""
        partner, _ = await _partner(request, session, partner_id, change=True)
        await service.remove_contact(session, partner, contact_id)

    @post("/partners/{partner_id:uuid}/documents", status_code=201)
    async def add_document(
        self,
        request: AnyRequest,
        session: NamedDependency[AsyncSession],
        partner_id: FromPath[UUID],
        data: JSONBody[DocumentIn],
    ) -> PartnerRead:
        """Record a document and its expiry date (warnings start 30 days before)."""
        partner, _ = await _partner(request, session, partner_id, change=True)
        await service.add_document(session, partner, data)
        return service.partner_read(partner)

    @delete("/partners/{partner_id:uuid}/documents/{document_id:uuid}", status_code=204)
    async def remove_document(
        self,
        request: AnyRequest,
        session: NamedDependency[AsyncSession],
        partner_id: FromPath[UUID],
        document_id: FromPath[UUID],
    ) -> None:
        """Remove a document."""
        partner, _ = await _partner(request, session, partner_id, change=True)
        await service.remove_document(session, partner, document_id)


#: Controllers and handlers mounted under /api/tenants.
ROUTES: list[Any] = [PartnerController]
