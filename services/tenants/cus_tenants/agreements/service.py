"""Agreements: validation of members and periods, lookups by gmina and date."""

from __future__ import annotations

import itertools
from datetime import date
from typing import TYPE_CHECKING
from uuid import UUID

from sqlalchemy import select

from cus_shared.errors import FieldProblem, InputError, NotFoundError
from cus_shared.identifiers.teryt import TerytError, parse_teryt
from cus_tenants.agreements.models import Agreement, AgreementMember
from cus_tenants.gminy.models import Gmina

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sqlalchemy.ext.asyncio import AsyncSession

    from cus_tenants.agreements.schemas import AgreementCreate


async def create_agreement(session: AsyncSession, data: AgreementCreate) -> Agreement:
    """Validate and store an agreement with its membership periods."""
    problems: list[FieldProblem] = []
    codes: list[str] = []
    for index, member in enumerate(data.members):
        try:
            codes.append(parse_teryt(member.teryt))
        except TerytError as exc:
            problems.append(FieldProblem(field=f"members[{index}].teryt", key=exc.key))
            codes.append("")
        if member.left_on is not None and member.left_on < member.joined_on:
            problems.append(FieldProblem(field=f"members[{index}].left_on", key="agreement.dates"))
    try:
        lead = parse_teryt(data.lead_teryt)
    except TerytError as exc:
        problems.append(FieldProblem(field="lead_teryt", key=exc.key))
        lead = None
    if lead is not None and lead not in codes:
        problems.append(FieldProblem(field="lead_teryt", key="agreement.lead_not_member"))
    if _overlapping(data):
        problems.append(FieldProblem(field="members", key="agreement.duplicate_member"))
    known = set(
        await session.scalars(select(Gmina.teryt).where(Gmina.teryt.in_([c for c in codes if c])))
    )
    for index, code in enumerate(codes):
        if code and code not in known:
            problems.append(
                FieldProblem(
                    field=f"members[{index}].teryt",
                    key="agreement.unknown_gmina",
                    params={"teryt": code},
                )
            )
    if problems:
        raise InputError("invalid_input", problems=problems)
    agreement = Agreement(
        name=data.name,
        lead_teryt=lead,
        signed_on=data.signed_on,
        members=[
            AgreementMember(teryt=code, joined_on=m.joined_on, left_on=m.left_on)
            for code, m in zip(codes, data.members, strict=True)
        ],
    )
    session.add(agreement)
    await session.flush()
    return agreement


def _overlapping(data: AgreementCreate) -> bool:
    periods: dict[str, list[tuple[date, date]]] = {}
    for m in data.members:
        periods.setdefault(m.teryt, []).append((m.joined_on, m.left_on or date.max))
    for spans in periods.values():
        spans.sort()
        for (_, end), (start, _) in itertools.pairwise(spans):
            if start <= end:
                return True
    return False


async def get_agreement(session: AsyncSession, agreement_id: UUID) -> Agreement:
    """One agreement (404 when unknown)."""
    agreement = await session.get(Agreement, agreement_id)
    if agreement is None:
        raise NotFoundError("not_found")
    return agreement


async def list_agreements(session: AsyncSession) -> list[Agreement]:
    """All agreements by name."""
    return list(await session.scalars(select(Agreement).order_by(Agreement.name)))


async def members_on(
    session: AsyncSession, agreement_ids: Iterable[UUID], day: date
) -> dict[UUID, list[str]]:
    """The gminy of each agreement on a day."""
    ids = list(agreement_ids)
    if not ids:
        return {}
    rows = await session.execute(
        select(AgreementMember.agreement_id, AgreementMember.teryt).where(
            AgreementMember.agreement_id.in_(ids),
            AgreementMember.covering(day),
        )
    )
    found: dict[UUID, list[str]] = {}
    for agreement_id, teryt in rows:
        found.setdefault(agreement_id, []).append(teryt)
    return found


async def memberships_of_gmina(
    session: AsyncSession, teryt: str
) -> list[tuple[Agreement, AgreementMember]]:
    """Every membership period of a gmina, with its agreement, oldest first."""
    rows = await session.execute(
        select(Agreement, AgreementMember)
        .join(AgreementMember, AgreementMember.agreement_id == Agreement.id)
        .where(AgreementMember.teryt == teryt)
        .order_by(AgreementMember.joined_on, Agreement.name)
    )
    return list(rows.tuples().all())


async def agreement_names(session: AsyncSession, agreement_ids: Iterable[UUID]) -> dict[UUID, str]:
    """Names of agreements by id (unknown ids are left out)."""
    ids = list(set(agreement_ids))
    if not ids:
        return {}
    rows = await session.execute(select(Agreement.id, Agreement.name).where(Agreement.id.in_(ids)))
    return dict(rows.tuples().all())
