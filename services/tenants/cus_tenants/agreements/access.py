"""Who may read and change what an agreement shares (catalogue, partners, contracts) and what
a gmina plans (its programme and budgets). The only place these rules are written.

- Operators: everything.
- CUS staff read what their agreement shares: any agreement with a member gmina (today) in
  which they hold a CUS role. The director and the OUS of such a gmina may change it.
- A gmina's programme and budgets: read by the staff of every gmina of its agreements,
  changed by the director or OUS of that gmina.
Anything else answers 404 (existence does not leak), except a reader trying to change,
who gets 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING
from uuid import UUID

from sqlalchemy import select

from cus_shared.errors import NotFoundError, PermissionDeniedError
from cus_shared.identity.roles import CUS_STAFF_ROLES, Role
from cus_tenants.agreements.models import Agreement, AgreementMember

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from cus_shared.identity.principal import Principal

#: Roles that may change what an agreement shares and what a gmina plans.
PLANNERS = frozenset({Role.DIRECTOR, Role.OUS})


@dataclass(frozen=True, slots=True)
class AgreementAccess:
    """An agreement the caller may read, and whether they may change what it shares."""

    agreement: Agreement
    members_today: tuple[str, ...]
    can_change: bool


def _today() -> date:
    return datetime.now(UTC).date()


def _staff_gminy(principal: Principal) -> set[str]:
    return {t for t, roles in principal.tenant_roles.items() if roles & CUS_STAFF_ROLES}


def _planner_gminy(principal: Principal) -> set[str]:
    return {t for t, roles in principal.tenant_roles.items() if roles & PLANNERS}


async def readable_agreements(session: AsyncSession, principal: Principal) -> list[Agreement]:
    """Agreements whose shared data the caller may read, by name."""
    query = select(Agreement).order_by(Agreement.name)
    if not principal.has_role(Role.OPERATOR):
        today = _today()
        query = query.where(
            Agreement.id.in_(
                select(AgreementMember.agreement_id).where(
                    AgreementMember.teryt.in_(_staff_gminy(principal)),
                    AgreementMember.covering(today),
                )
            )
        )
    return list(await session.scalars(query))


async def agreement_access(
    session: AsyncSession, principal: Principal, agreement_id: UUID | str, *, change: bool
) -> AgreementAccess:
    """The agreement if the caller may read it (and change it, when ``change``); else 404
    (or 403 for a reader who may not change)."""
    try:
        key = agreement_id if isinstance(agreement_id, UUID) else UUID(str(agreement_id))
    except ValueError:
        raise NotFoundError("not_found") from None
    agreement = await session.get(Agreement, key)
    if agreement is None:
        raise NotFoundError("not_found")
    today = _today()
    members = tuple(m.teryt for m in agreement.members if m.active_on(today))
    if principal.has_role(Role.OPERATOR):
        return AgreementAccess(agreement, members, can_change=True)
    if not _staff_gminy(principal) & set(members):
        raise NotFoundError("not_found")
    can_change = bool(_planner_gminy(principal) & set(members))
    if change and not can_change:
        raise PermissionDeniedError("auth.forbidden")
    return AgreementAccess(agreement, members, can_change=can_change)


async def gmina_planning_access(
    session: AsyncSession, principal: Principal, teryt: str, *, change: bool
) -> bool:
    """Whether the caller may read a gmina's programmes and budgets (404 when not), and
    whether they may change them (403 when ``change`` and they may not)."""
    if principal.has_role(Role.OPERATOR):
        return True
    can_change = teryt in _planner_gminy(principal)
    if teryt not in _staff_gminy(principal):
        # Staff of another gmina of the same agreement may read it.
        today = _today()
        peers = select(AgreementMember.agreement_id).where(
            AgreementMember.teryt == teryt,
            AgreementMember.covering(today),
        )
        shared = await session.scalar(
            select(AgreementMember.id)
            .where(
                AgreementMember.agreement_id.in_(peers),
                AgreementMember.teryt.in_(_staff_gminy(principal)),
                AgreementMember.covering(today),
            )
            .limit(1)
        )
        if shared is None:
            raise NotFoundError("not_found")
    if change and not can_change:
        raise PermissionDeniedError("auth.forbidden")
    return can_change
