"""The partner registry: validation of who a partner is (NIP / REGON / KRS with their check
digits), what it offers (areas, catalogue services of its agreement), where it works (gminy
of its agreement), whom to call (at least two named contact persons) and its documents.

Every rule is checked before anything is written: a request with a problem writes nothing.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import TYPE_CHECKING
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from cus_shared.errors import ConflictError, FieldProblem, InputError, NotFoundError
from cus_shared.i18n.formatting import POLAND, format_date
from cus_shared.i18n.language import current_language
from cus_shared.identifiers.organisations import (
    OrganisationIdError,
    parse_krs,
    parse_nip,
    parse_regon,
)
from cus_shared.messages import translate
from cus_tenants.catalogue.models import CatalogueService
from cus_tenants.catalogue.vocabulary import AREA_CODES
from cus_tenants.contracts.models import Contract, ContractGmina, ContractService
from cus_tenants.partners.models import (
    Partner,
    PartnerContact,
    PartnerDocument,
    PartnerGmina,
    PartnerService,
)
from cus_tenants.partners.schemas import (
    EXPIRY_WARNING_DAYS,
    MIN_CONTACTS,
    ContactIn,
    ContactRead,
    DocumentIn,
    DocumentRead,
    PartnerCategory,
    PartnerCreate,
    PartnerRead,
    PartnerUpdate,
    PartnerWarning,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from sqlalchemy.ext.asyncio import AsyncSession

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ()-]+$")


def today() -> date:
    """Today in Poland (documents expire by Polish dates)."""
    return datetime.now(POLAND).date()


# --- reading -------------------------------------------------------------------------------


async def list_partners(session: AsyncSession, agreement_id: UUID) -> list[Partner]:
    """The partners of an agreement, by name."""
    return list(
        await session.scalars(
            select(Partner).where(Partner.agreement_id == agreement_id).order_by(Partner.name)
        )
    )


async def get_partner(session: AsyncSession, partner_id: UUID | str) -> Partner:
    """One partner (404 when unknown or not an id at all)."""
    try:
        key = partner_id if isinstance(partner_id, UUID) else UUID(str(partner_id))
    except ValueError:
        raise NotFoundError("not_found") from None
    partner = await session.get(Partner, key)
    if partner is None:
        raise NotFoundError("not_found")
    return partner


async def partner_exists(session: AsyncSession, partner_id: str) -> bool:
    """Whether a text is the id of a registered partner (a membership's partner scope)."""
    try:
        return await session.get(Partner, UUID(partner_id)) is not None
    except ValueError:
        return False


async def partner_names(session: AsyncSession, partner_ids: Iterable[UUID]) -> dict[UUID, str]:
    """Names of partners by id (unknown ids are left out)."""
    ids = list(set(partner_ids))
    if not ids:
        return {}
    rows = await session.execute(select(Partner.id, Partner.name).where(Partner.id.in_(ids)))
    return dict(rows.tuples().all())


async def catalogue_of(session: AsyncSession, agreement_id: UUID) -> list[CatalogueService]:
    """The catalogue services of an agreement (with their versions), by current name."""
    found = list(
        await session.scalars(
            select(CatalogueService).where(CatalogueService.agreement_id == agreement_id)
        )
    )
    return sorted((s for s in found if s.versions), key=lambda s: s.current.name.lower())


def warnings_of(
    documents: Sequence[PartnerDocument], *, on: date | None = None
) -> list[PartnerWarning]:
    """Documents expired, or expiring within 30 days, in the current language."""
    day = on or today()
    language = current_language()
    found: list[PartnerWarning] = []
    for document in documents:
        if document.valid_until is None:
            continue
        left = (document.valid_until - day).days
        if left > EXPIRY_WARNING_DAYS:
            continue
        key = "partner.document_expired" if left < 0 else "partner.document_expiring"
        params: dict[str, str | int] = {
            "title": document.title,
            "valid_until": format_date(document.valid_until),
            "days": max(left, 0),
        }
        found.append(
            PartnerWarning(
                code=key,
                message=translate(key, language, params),
                document_id=document.id,
                params=params,
            )
        )
    return found


def partner_read(partner: Partner, *, on: date | None = None) -> PartnerRead:
    """The API's view of a partner, with the warnings of the day."""
    return PartnerRead(
        id=partner.id,
        agreement_id=partner.agreement_id,
        name=partner.name,
        category=PartnerCategory(partner.category),
        nip=partner.nip,
        regon=partner.regon,
        krs=partner.krs,
        description=partner.description,
        areas=sorted(partner.areas),
        services=[s.service_id for s in partner.services],
        gminy=sorted(g.teryt for g in partner.gminy),
        contacts=[ContactRead.model_validate(c) for c in partner.contacts],
        documents=[DocumentRead.model_validate(d) for d in partner.documents],
        warnings=warnings_of(partner.documents, on=on),
        created_at=partner.created_at,
        updated_at=partner.updated_at,
    )


# --- validation ----------------------------------------------------------------------------


def _blank(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


def _identifiers(
    nip: str | None, regon: str | None, krs: str | None, problems: list[FieldProblem]
) -> tuple[str | None, str | None, str | None]:
    """NIP, REGON and KRS as stored digits, their problems collected; NIP or REGON required."""
    parsed: list[str | None] = []
    for value, parse in ((nip, parse_nip), (regon, parse_regon), (krs, parse_krs)):
        text = _blank(value)
        if text is None:
            parsed.append(None)
            continue
        try:
            parsed.append(parse(text))
        except OrganisationIdError as exc:
            problems.extend(exc.problems)
            parsed.append("")  # given, but wrong: not "missing"
    if parsed[0] is None and parsed[1] is None:
        problems.append(FieldProblem(field="nip", key="partner.identifier_required"))
    return parsed[0] or None, parsed[1] or None, parsed[2] or None


def contact_problems(contact: ContactIn, prefix: str) -> list[FieldProblem]:
    """What is wrong with a contact person: reachable by e-mail or phone, both well formed."""
    problems: list[FieldProblem] = []
    email, phone = _blank(contact.email), _blank(contact.phone)
    if email is None and phone is None:
        problems.append(FieldProblem(field=f"{prefix}.email", key="partner.contact_reach"))
    if email is not None and not _EMAIL.fullmatch(email):
        problems.append(FieldProblem(field=f"{prefix}.email", key="partner.contact_email"))
    if phone is not None and (
        not _PHONE.fullmatch(phone) or not 7 <= sum(c.isdigit() for c in phone) <= 15
    ):
        problems.append(FieldProblem(field=f"{prefix}.phone", key="partner.contact_phone"))
    return problems


def _contact(contact: ContactIn) -> PartnerContact:
    return PartnerContact(
        name=contact.name,
        position=_blank(contact.position),
        email=_blank(contact.email),
        phone=_blank(contact.phone),
    )


async def _offer_problems(
    session: AsyncSession,
    agreement_id: UUID,
    members: Sequence[str],
    *,
    areas: list[int] | None,
    services: list[UUID] | None,
    gminy: list[str] | None,
) -> list[FieldProblem]:
    """Areas of the closed list, services of this agreement's catalogue, gminy that are
    members of the agreement today (None: not being changed)."""
    problems: list[FieldProblem] = []
    if areas is not None:
        if not areas:
            problems.append(FieldProblem(field="areas", key="partner.areas_required"))
        for code in dict.fromkeys(areas):
            if code not in AREA_CODES:
                problems.append(
                    FieldProblem(field="areas", key="partner.unknown_area", params={"area": code})
                )
    if services:
        known = set(
            await session.scalars(
                select(CatalogueService.id).where(
                    CatalogueService.agreement_id == agreement_id,
                    CatalogueService.id.in_(services),
                )
            )
        )
        for service_id in dict.fromkeys(services):
            if service_id not in known:
                problems.append(
                    FieldProblem(
                        field="services",
                        key="partner.unknown_service",
                        params={"service": str(service_id)},
                    )
                )
    if gminy is not None:
        if not gminy:
            problems.append(FieldProblem(field="gminy", key="partner.gminy_required"))
        for teryt in dict.fromkeys(gminy):
            if teryt not in members:
                problems.append(
                    FieldProblem(
                        field="gminy", key="partner.unknown_gmina", params={"teryt": teryt}
                    )
                )
    return problems


async def _nip_taken(
    session: AsyncSession, agreement_id: UUID, nip: str | None, *, other_than: UUID | None = None
) -> bool:
    if nip is None:
        return False
    query = select(Partner.id).where(Partner.agreement_id == agreement_id, Partner.nip == nip)
    if other_than is not None:
        query = query.where(Partner.id != other_than)
    return await session.scalar(query.limit(1)) is not None


async def _flush(session: AsyncSession) -> None:
    """Write, turning a NIP registered at the same moment by someone else into a conflict."""
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:
        raise ConflictError("partner.nip_taken", field="nip") from None


# --- writing -------------------------------------------------------------------------------


async def registration_problems(
    session: AsyncSession,
    agreement_id: UUID,
    members: Sequence[str],
    *,
    nip: str | None,
    regon: str | None,
    krs: str | None,
    areas: list[int],
    services: list[UUID],
    gminy: list[str],
    contacts: Sequence[ContactIn | None],
) -> tuple[list[FieldProblem], tuple[str | None, str | None, str | None]]:
    """What breaks the registry's rules in a new partner (a contact that is None was sent but
    is malformed: it counts, its own problems are the caller's), and the NIP, REGON and KRS
    as stored."""
    problems: list[FieldProblem] = []
    identifiers = _identifiers(nip, regon, krs, problems)
    problems += await _offer_problems(
        session, agreement_id, members, areas=areas, services=services, gminy=gminy
    )
    for index, contact in enumerate(contacts):
        if contact is not None:
            problems += contact_problems(contact, f"contacts[{index}]")
    if len(contacts) < MIN_CONTACTS:
        problems.append(
            FieldProblem(field="contacts", key="partner.contacts_min", params={"min": MIN_CONTACTS})
        )
    return problems, identifiers


async def create_partner(
    session: AsyncSession, agreement_id: UUID, members: Sequence[str], data: PartnerCreate
) -> Partner:
    """Register a partner of an agreement whose member gminy today are ``members``."""
    problems, (nip, regon, krs) = await registration_problems(
        session,
        agreement_id,
        members,
        nip=data.nip,
        regon=data.regon,
        krs=data.krs,
        areas=data.areas,
        services=data.services,
        gminy=data.gminy,
        contacts=data.contacts,
    )
    if problems:
        raise InputError("invalid_input", problems=problems)
    if await _nip_taken(session, agreement_id, nip):
        raise ConflictError("partner.nip_taken", field="nip")
    partner = Partner(
        agreement_id=agreement_id,
        name=data.name,
        category=data.category.value,
        nip=nip,
        regon=regon,
        krs=krs,
        description=_blank(data.description),
        areas=sorted(set(data.areas)),
        services=[PartnerService(service_id=s) for s in dict.fromkeys(data.services)],
        gminy=[PartnerGmina(teryt=t) for t in dict.fromkeys(data.gminy)],
        contacts=[_contact(c) for c in data.contacts],
        documents=[
            PartnerDocument(title=d.title, valid_until=d.valid_until) for d in data.documents
        ],
    )
    session.add(partner)
    await _flush(session)
    await session.refresh(partner)
    return partner


async def _still_contracted(
    session: AsyncSession, partner: Partner, services: list[UUID] | None, gminy: list[str] | None
) -> None:
    """A service or gmina is not taken off a partner while a contract that has not ended yet
    covers it (409 naming the contract)."""
    running = select(Contract.id).where(
        Contract.partner_id == partner.id, Contract.ends_on >= today()
    )
    if services is not None:
        row = (
            await session.execute(
                select(Contract.number)
                .join(ContractService, ContractService.contract_id == Contract.id)
                .where(
                    Contract.id.in_(running),
                    ContractService.service_id.not_in(services),
                )
                .limit(1)
            )
        ).first()
        if row is not None:
            raise ConflictError(
                "partner.service_contracted", field="services", params={"number": row[0]}
            )
    if gminy is not None:
        row = (
            await session.execute(
                select(Contract.number)
                .join(ContractGmina, ContractGmina.contract_id == Contract.id)
                .where(Contract.id.in_(running), ContractGmina.teryt.not_in(gminy))
                .limit(1)
            )
        ).first()
        if row is not None:
            raise ConflictError(
                "partner.gmina_contracted", field="gminy", params={"number": row[0]}
            )


async def update_partner(
    session: AsyncSession, partner: Partner, members: Sequence[str], data: PartnerUpdate
) -> Partner:
    """Change the fields sent; the partner as a whole must still keep every rule."""
    sent = data.model_fields_set
    problems: list[FieldProblem] = []
    for required in ("name", "category"):
        if required in sent and getattr(data, required) is None:
            problems.append(FieldProblem(field=required, key="field.required"))
    nip, regon, krs = _identifiers(
        data.nip if "nip" in sent else partner.nip,
        data.regon if "regon" in sent else partner.regon,
        data.krs if "krs" in sent else partner.krs,
        problems,
    )
    # A list sent is the whole new list (null is an empty one); a list not sent stays.
    areas = sorted(set(data.areas or [])) if "areas" in sent else None
    services = list(dict.fromkeys(data.services or [])) if "services" in sent else None
    gminy = list(dict.fromkeys(data.gminy or [])) if "gminy" in sent else None
    # A gmina already served may stay even if it has left the agreement since.
    allowed = [*members, *(g.teryt for g in partner.gminy)]
    problems += await _offer_problems(
        session, partner.agreement_id, allowed, areas=areas, services=services, gminy=gminy
    )
    if problems:
        raise InputError("invalid_input", problems=problems)
    if await _nip_taken(session, partner.agreement_id, nip, other_than=partner.id):
        raise ConflictError("partner.nip_taken", field="nip")
    await _still_contracted(session, partner, services, gminy)
    if data.name is not None:
        partner.name = data.name
    if data.category is not None:
        partner.category = data.category.value
    partner.nip, partner.regon, partner.krs = nip, regon, krs
    if "description" in sent:
        partner.description = _blank(data.description)
    if areas is not None:
        partner.areas = areas
    if services is not None:
        kept = {s.service_id: s for s in partner.services}
        partner.services = [kept.get(s) or PartnerService(service_id=s) for s in services]
    if gminy is not None:
        kept_gminy = {g.teryt: g for g in partner.gminy}
        partner.gminy = [kept_gminy.get(t) or PartnerGmina(teryt=t) for t in gminy]
    await _flush(session)
    await session.refresh(partner)
    return partner


async def _locked(session: AsyncSession, partner: Partner) -> int:
    """Lock the partner's row for this transaction (two removals at the same moment cannot
    both leave too few contacts) and count its contact persons."""
    await session.execute(select(Partner.id).where(Partner.id == partner.id).with_for_update())
    count = await session.scalar(
        select(func.count())
        .select_from(PartnerContact)
        .where(PartnerContact.partner_id == partner.id)
    )
    return int(count or 0)


async def add_contact(session: AsyncSession, partner: Partner, data: ContactIn) -> PartnerContact:
    """Name one more contact person."""
    problems = contact_problems(data, "contact")
    if problems:
        raise InputError(
            "invalid_input",
            problems=[
                FieldProblem(field=p.field.removeprefix("contact."), key=p.key, params=p.params)
                for p in problems
            ],
        )
    contact = _contact(data)
    partner.contacts.append(contact)
    await session.flush()
    await session.refresh(partner)
    return contact


async def remove_contact(session: AsyncSession, partner: Partner, contact_id: UUID) -> None:
    """Remove a contact person, unless fewer than two would be left (409)."""
    contact = next((c for c in partner.contacts if c.id == contact_id), None)
    if contact is None:
        raise NotFoundError("not_found")
    if await _locked(session, partner) - 1 < MIN_CONTACTS:
        raise ConflictError("partner.contacts_min", params={"min": MIN_CONTACTS})
    partner.contacts.remove(contact)
    await session.flush()
    await session.refresh(partner)


async def add_document(
    session: AsyncSession, partner: Partner, data: DocumentIn
) -> PartnerDocument:
    """Record a document of the partner and its expiry date."""
    document = PartnerDocument(title=data.title, valid_until=data.valid_until)
    partner.documents.append(document)
    await session.flush()
    await session.refresh(partner)
    return document


async def remove_document(session: AsyncSession, partner: Partner, document_id: UUID) -> None:
    """Remove a document (404 when it is not this partner's)."""
    document = next((d for d in partner.documents if d.id == document_id), None)
    if document is None:
        raise NotFoundError("not_found")
    partner.documents.remove(document)
    await session.flush()
    await session.refresh(partner)
