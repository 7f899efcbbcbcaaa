"""Contracts: who delivers which catalogue services in which gminy of an agreement, in which
mode, for how long, for how much and with what monthly capacity.

Rules, all checked before anything is written:
- a partner's contract names a partner of the agreement; an in-house one (gmina office, the
  CUS itself) names none;
- each service is in the agreement's catalogue, its current version allows the mode, and the
  partner offers it;
- each gmina is a member of the agreement today and the partner serves it;
- the period is in order, the value is not negative, the capacity is positive;
- the same partner (or, in-house, the same mode) never has two contracts covering the same
  service in the same gmina on the same day (409 ``contract.overlap`` naming the other).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

from sqlalchemy import func, select, text

from cus_shared.errors import ConflictError, FieldProblem, InputError, NotFoundError
from cus_tenants.catalogue.models import CatalogueService
from cus_tenants.catalogue.vocabulary import IN_HOUSE_MODES, DeliveryMode
from cus_tenants.contracts.models import Contract, ContractGmina, ContractService
from cus_tenants.contracts.schemas import ContractCreate, ContractRead, ContractUpdate
from cus_tenants.partners.models import Partner

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True)
class Terms:
    """What a contract says, whole (a new one, or a stored one with changes applied)."""

    partner_id: UUID | None
    number: str
    mode: DeliveryMode
    services: list[UUID]
    gminy: list[str]
    starts_on: date
    ends_on: date
    value_grosze: int
    capacity: Decimal
    capacity_unit: str
    minimum_standard: str | None


def _terms_of(contract: Contract) -> Terms:
    return Terms(
        partner_id=contract.partner_id,
        number=contract.number,
        mode=DeliveryMode(contract.mode),
        services=[s.service_id for s in contract.services],
        gminy=[g.teryt for g in contract.gminy],
        starts_on=contract.starts_on,
        ends_on=contract.ends_on,
        value_grosze=contract.value_grosze,
        capacity=contract.capacity,
        capacity_unit=contract.capacity_unit,
        minimum_standard=contract.minimum_standard,
    )


def contract_read(contract: Contract) -> ContractRead:
    """The API's view of a contract."""
    return ContractRead.model_validate(
        {
            **{f.name: getattr(_terms_of(contract), f.name) for f in fields(Terms)},
            "id": contract.id,
            "agreement_id": contract.agreement_id,
            "created_at": contract.created_at,
            "updated_at": contract.updated_at,
        }
    )


# --- reading -------------------------------------------------------------------------------


async def list_contracts(
    session: AsyncSession, agreement_id: UUID, *, partner_id: UUID | None = None
) -> list[Contract]:
    """An agreement's contracts (or one partner's), the latest first."""
    query = select(Contract).where(Contract.agreement_id == agreement_id)
    if partner_id is not None:
        query = query.where(Contract.partner_id == partner_id)
    return list(await session.scalars(query.order_by(Contract.starts_on.desc(), Contract.number)))


async def get_contract(session: AsyncSession, contract_id: UUID | str) -> Contract:
    """One contract (404 when unknown or not an id at all)."""
    try:
        key = contract_id if isinstance(contract_id, UUID) else UUID(str(contract_id))
    except ValueError:
        raise NotFoundError("not_found") from None
    contract = await session.get(Contract, key)
    if contract is None:
        raise NotFoundError("not_found")
    return contract


async def contracts_covering(
    session: AsyncSession, *, service_id: UUID, teryt: str, on: date
) -> list[Contract]:
    """Contracts under which a service can be delivered to a gmina's residents on a day (for
    referrals: who delivers, with what capacity), earliest ending first."""
    query = (
        select(Contract)
        .join(ContractService, ContractService.contract_id == Contract.id)
        .join(ContractGmina, ContractGmina.contract_id == Contract.id)
        .where(
            ContractService.service_id == service_id,
            ContractGmina.teryt == teryt,
            Contract.starts_on <= on,
            Contract.ends_on >= on,
        )
        .order_by(Contract.ends_on, Contract.number)
    )
    return list(await session.scalars(query))


#: A partner keeps reaching a gmina's referrals this long after its contract there ended:
#: the last month's deliveries and the quarter's report are recorded afterwards.
AFTER_CONTRACT = timedelta(days=92)


async def gminy_served(
    session: AsyncSession, partner_ids: Sequence[UUID], *, on: date
) -> dict[UUID, list[str]]:
    """The gminy each partner serves under a contract in force on a day (or ended recently),
    for the token of its staff: where they may open referrals addressed to them."""
    if not partner_ids:
        return {}
    rows = await session.execute(
        select(Contract.partner_id, ContractGmina.teryt)
        .join(ContractGmina, ContractGmina.contract_id == Contract.id)
        .where(
            Contract.partner_id.in_(list(partner_ids)),
            Contract.starts_on <= on,
            Contract.ends_on >= on - AFTER_CONTRACT,
        )
        .distinct()
    )
    served: dict[UUID, list[str]] = {}
    for partner_id, teryt in rows:
        served.setdefault(partner_id, []).append(teryt)
    return {p: sorted(g) for p, g in served.items()}


# --- validation ----------------------------------------------------------------------------


async def input_problems(
    session: AsyncSession, agreement_id: UUID, members: Sequence[str], terms: Terms
) -> list[FieldProblem]:
    """What is wrong with a contract's terms (conflicts with other contracts aside)."""
    problems: list[FieldProblem] = []
    partner: Partner | None = None
    if terms.mode in IN_HOUSE_MODES:
        if terms.partner_id is not None:
            problems.append(FieldProblem(field="partner_id", key="contract.partner_not_allowed"))
    elif terms.partner_id is None:
        problems.append(FieldProblem(field="partner_id", key="contract.partner_required"))
    else:
        partner = await session.get(Partner, terms.partner_id)
        if partner is None or partner.agreement_id != agreement_id:
            partner = None
            problems.append(FieldProblem(field="partner_id", key="contract.unknown_partner"))
    if not terms.services:
        problems.append(FieldProblem(field="services", key="contract.services_required"))
    catalogue = {
        s.id: s
        for s in await session.scalars(
            select(CatalogueService).where(
                CatalogueService.agreement_id == agreement_id,
                CatalogueService.id.in_(terms.services),
            )
        )
        if s.versions
    }
    offered = {s.service_id for s in partner.services} if partner else set()
    for service_id in terms.services:
        service = catalogue.get(service_id)
        if service is None:
            problems.append(
                FieldProblem(
                    field="services",
                    key="contract.unknown_service",
                    params={"service": str(service_id)},
                )
            )
            continue
        name = service.current.name
        if terms.mode.value not in service.current.delivery_modes:
            problems.append(
                FieldProblem(
                    field="services", key="contract.mode_not_allowed", params={"service": name}
                )
            )
        if partner is not None and service_id not in offered:
            problems.append(
                FieldProblem(
                    field="services", key="contract.service_not_offered", params={"service": name}
                )
            )
    if not terms.gminy:
        problems.append(FieldProblem(field="gminy", key="contract.gminy_required"))
    served = {g.teryt for g in partner.gminy} if partner else set()
    for teryt in terms.gminy:
        if teryt not in members:
            problems.append(
                FieldProblem(field="gminy", key="contract.unknown_gmina", params={"teryt": teryt})
            )
        elif partner is not None and teryt not in served:
            problems.append(
                FieldProblem(
                    field="gminy", key="contract.gmina_not_served", params={"teryt": teryt}
                )
            )
    if terms.ends_on < terms.starts_on:
        problems.append(FieldProblem(field="ends_on", key="contract.period_order"))
    if terms.value_grosze < 0:
        problems.append(FieldProblem(field="value_grosze", key="contract.value_negative"))
    if terms.capacity <= 0:
        problems.append(FieldProblem(field="capacity", key="contract.capacity_positive"))
    return problems


async def _conflicts(
    session: AsyncSession, agreement_id: UUID, terms: Terms, *, other_than: UUID | None
) -> None:
    """409 when the number is taken or another contract covers the same ground."""
    # Contracts of one partner (or one in-house mode) are checked one at a time: two people
    # recording overlapping contracts at the same moment cannot both succeed.
    owner = str(terms.partner_id) if terms.partner_id else terms.mode.value
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
        {"key": f"cus.contract:{agreement_id}:{owner}"},
    )
    same_number = select(Contract.id).where(
        Contract.agreement_id == agreement_id,
        func.lower(Contract.number) == terms.number.lower(),
    )
    if other_than is not None:
        same_number = same_number.where(Contract.id != other_than)
    if await session.scalar(same_number.limit(1)) is not None:
        raise ConflictError("contract.number_taken", field="number")
    same_owner = (
        Contract.partner_id == terms.partner_id
        if terms.partner_id is not None
        else (Contract.partner_id.is_(None) & (Contract.mode == terms.mode.value))
    )
    overlapping = (
        select(Contract.number)
        .join(ContractService, ContractService.contract_id == Contract.id)
        .join(ContractGmina, ContractGmina.contract_id == Contract.id)
        .where(
            Contract.agreement_id == agreement_id,
            same_owner,
            ContractService.service_id.in_(terms.services),
            ContractGmina.teryt.in_(terms.gminy),
            Contract.starts_on <= terms.ends_on,
            Contract.ends_on >= terms.starts_on,
        )
        .order_by(Contract.starts_on, Contract.number)
        .limit(1)
    )
    if other_than is not None:
        overlapping = overlapping.where(Contract.id != other_than)
    other = await session.scalar(overlapping)
    if other is not None:
        raise ConflictError("contract.overlap", field="starts_on", params={"number": other})


async def _check(
    session: AsyncSession,
    agreement_id: UUID,
    members: Sequence[str],
    terms: Terms,
    *,
    other_than: UUID | None = None,
) -> None:
    problems = await input_problems(session, agreement_id, members, terms)
    if problems:
        raise InputError("invalid_input", problems=problems)
    await _conflicts(session, agreement_id, terms, other_than=other_than)


# --- writing -------------------------------------------------------------------------------


def _minimum_standard(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


def terms_of(data: ContractCreate) -> Terms:
    """The terms of a new contract (each service and gmina once)."""
    return Terms(
        partner_id=data.partner_id,
        number=data.number,
        mode=data.mode,
        services=list(dict.fromkeys(data.services)),
        gminy=list(dict.fromkeys(data.gminy)),
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        value_grosze=data.value_grosze,
        capacity=data.capacity,
        capacity_unit=data.capacity_unit.value,
        minimum_standard=_minimum_standard(data.minimum_standard),
    )


def _changed(
    contract: Contract, members: Sequence[str], data: ContractUpdate
) -> tuple[Terms, list[str], list[FieldProblem]]:
    """The contract's terms with the changes sent, the gminy it may name (today's members,
    and those it names already: a gmina that has left the agreement since may stay), and the
    required fields sent empty."""
    sent = data.model_fields_set
    missing = sorted(
        (
            FieldProblem(field=name, key="field.required")
            for name in sent - {"partner_id", "minimum_standard"}
            if getattr(data, name) is None
        ),
        key=lambda p: p.field,
    )
    changes: dict[str, Any] = {name: getattr(data, name) for name in sent}
    for name in [p.field for p in missing]:
        del changes[name]
    if "services" in changes:
        changes["services"] = list(dict.fromkeys(changes["services"]))
    if "gminy" in changes:
        changes["gminy"] = list(dict.fromkeys(changes["gminy"]))
    if "capacity_unit" in changes:
        changes["capacity_unit"] = changes["capacity_unit"].value
    if "minimum_standard" in changes:
        changes["minimum_standard"] = _minimum_standard(changes["minimum_standard"])
    before = _terms_of(contract)
    return replace(before, **changes), [*members, *before.gminy], missing


async def change_problems(
    session: AsyncSession, contract: Contract, members: Sequence[str], data: ContractUpdate
) -> list[FieldProblem]:
    """What is wrong with a contract changed as sent (conflicts aside); nothing is written."""
    terms, allowed, missing = _changed(contract, members, data)
    return missing + await input_problems(session, contract.agreement_id, allowed, terms)


async def create_contract(
    session: AsyncSession, agreement_id: UUID, members: Sequence[str], data: ContractCreate
) -> Contract:
    """Record a contract of an agreement whose member gminy today are ``members``."""
    terms = terms_of(data)
    await _check(session, agreement_id, members, terms)
    contract = Contract(
        agreement_id=agreement_id,
        partner_id=terms.partner_id,
        number=terms.number,
        mode=terms.mode.value,
        starts_on=terms.starts_on,
        ends_on=terms.ends_on,
        value_grosze=terms.value_grosze,
        capacity=terms.capacity,
        capacity_unit=terms.capacity_unit,
        minimum_standard=terms.minimum_standard,
        services=[ContractService(service_id=s) for s in terms.services],
        gminy=[ContractGmina(teryt=t) for t in terms.gminy],
    )
    session.add(contract)
    await session.flush()
    await session.refresh(contract)
    return contract


async def update_contract(
    session: AsyncSession, contract: Contract, members: Sequence[str], data: ContractUpdate
) -> Contract:
    """Change the fields sent; the whole contract is checked again as if new."""
    before = _terms_of(contract)
    terms, allowed, missing = _changed(contract, members, data)
    problems = missing + await input_problems(session, contract.agreement_id, allowed, terms)
    if problems:
        raise InputError("invalid_input", problems=problems)
    await _conflicts(session, contract.agreement_id, terms, other_than=contract.id)
    for name in ("partner_id", "number", "starts_on", "ends_on", "value_grosze", "capacity"):
        setattr(contract, name, getattr(terms, name))
    contract.mode = terms.mode.value
    contract.capacity_unit = terms.capacity_unit
    contract.minimum_standard = terms.minimum_standard
    if terms.services != before.services:
        kept = {s.service_id: s for s in contract.services}
        contract.services = [kept.get(s) or ContractService(service_id=s) for s in terms.services]
    if terms.gminy != before.gminy:
        kept_gminy = {g.teryt: g for g in contract.gminy}
        contract.gminy = [kept_gminy.get(t) or ContractGmina(teryt=t) for t in terms.gminy]
    await session.flush()
    await session.refresh(contract)
    return contract
