"""A partner organisation's administrator (Role.PARTNER_ADMIN, held in the partner's scope)
manages their own organisation's staff: creates accounts with the partner_staff role in their
partner, disables and enables them. Anyone else's account is 404 to them: a user is theirs
when every role the user holds is held in one of the administrator's partners."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from sqlalchemy import select

from cus_shared.errors import FieldProblem, InputError, NotFoundError
from cus_shared.identity.roles import Role, Scope
from cus_tenants.identity import service
from cus_tenants.identity.models import Membership, User
from cus_tenants.identity.schemas import MembershipIn, UserCreate

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from cus_shared.identity.principal import Principal
    from cus_tenants.identity.schemas import PartnerStaffCreate


def administered_partners(principal: Principal) -> list[str]:
    """The partners whose staff the person manages."""
    return sorted(
        {
            m.scope_id
            for m in principal.memberships
            if m.role is Role.PARTNER_ADMIN and m.scope is Scope.PARTNER
        }
    )


def _is_theirs(user: User, partners: list[str]) -> bool:
    return bool(user.memberships) and all(
        m.scope == Scope.PARTNER.value and m.scope_id in partners for m in user.memberships
    )


async def staff_of(session: AsyncSession, principal: Principal) -> list[User]:
    """The accounts of the administrator's organisations, by name."""
    partners = administered_partners(principal)
    ids = await session.scalars(
        select(Membership.user_id).where(
            Membership.scope == Scope.PARTNER.value, Membership.scope_id.in_(partners)
        )
    )
    users = [await service.get_user(session, i) for i in set(ids)]
    return sorted(
        (u for u in users if _is_theirs(u, partners)), key=lambda u: (u.display_name, u.email)
    )


async def staff_member(session: AsyncSession, principal: Principal, user_id: UUID) -> User:
    """One of the administrator's staff (404 for anyone else)."""
    user = await session.get(User, user_id)
    if user is None or not _is_theirs(user, administered_partners(principal)):
        raise NotFoundError("not_found")
    return user


async def create_staff(
    session: AsyncSession, principal: Principal, data: PartnerStaffCreate
) -> User:
    """An account with the partner_staff role in the administrator's partner (the one named,
    or their only one)."""
    partners = administered_partners(principal)
    partner_id = data.partner_id or (partners[0] if len(partners) == 1 else "")
    if partner_id not in partners:
        raise InputError(
            "invalid_input", problems=[FieldProblem("partner_id", "membership.unknown_scope")]
        )
    return await service.create_user(
        session,
        UserCreate(
            email=data.email,
            display_name=data.display_name,
            password=data.password,
            memberships=[
                MembershipIn(scope=Scope.PARTNER, scope_id=partner_id, role=Role.PARTNER_STAFF)
            ],
        ),
    )


async def disable_staff(session: AsyncSession, principal: Principal, user_id: UUID) -> User:
    """Disable one of the administrator's staff (their sessions end at once)."""
    user = await staff_member(session, principal, user_id)
    return await service.disable_user(session, user.id, actor=principal.user_id)


async def enable_staff(session: AsyncSession, principal: Principal, user_id: UUID) -> User:
    """Enable one of the administrator's staff again."""
    user = await staff_member(session, principal, user_id)
    return await service.enable_user(session, user.id)
