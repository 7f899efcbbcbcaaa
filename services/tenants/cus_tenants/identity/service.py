"""Users, memberships, login: Argon2id passwords, memberships resolved to gminy at token
issue (gmina memberships directly, agreement memberships through today's members)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from cus_shared import clock
from cus_shared.errors import (
    AuthenticationError,
    ConflictError,
    FieldProblem,
    InputError,
    NotFoundError,
)
from cus_shared.identifiers.teryt import VOIVODESHIPS, TerytError, parse_teryt
from cus_shared.identity.passwords import (
    MIN_PASSWORD_LENGTH,
    hash_password,
    needs_rehash,
    verify_password,
)
from cus_shared.identity.principal import Membership as MembershipClaim
from cus_shared.identity.roles import ALLOWED_SCOPES, CUS_STAFF_ROLES, Role, Scope
from cus_shared.identity.tokens import issue_token
from cus_shared.settings import get_settings
from cus_tenants.agreements.models import Agreement
from cus_tenants.agreements.service import members_on
from cus_tenants.contracts.service import gminy_served
from cus_tenants.gminy.models import Gmina
from cus_tenants.identity.models import Membership, User
from cus_tenants.partners.service import partner_exists, partner_names

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from cus_tenants.identity.schemas import MembershipIn, UserCreate


async def _scope_exists(session: AsyncSession, scope: Scope, scope_id: str) -> bool:
    if scope is Scope.GMINA:
        try:
            return await session.get(Gmina, parse_teryt(scope_id)) is not None
        except TerytError:
            return False
    if scope is Scope.AGREEMENT:
        try:
            return await session.get(Agreement, UUID(scope_id)) is not None
        except ValueError:
            return False
    if scope is Scope.REGION:
        return scope_id in VOIVODESHIPS
    if scope is Scope.PLATFORM:
        return scope_id == "*"
    if scope is Scope.PARTNER:
        return await partner_exists(session, scope_id)
    return False


async def validate_memberships(
    session: AsyncSession, memberships: list[MembershipIn]
) -> list[FieldProblem]:
    """Problems with requested memberships (role not allowed in scope, unknown scope)."""
    problems: list[FieldProblem] = []
    for index, m in enumerate(memberships):
        if m.scope not in ALLOWED_SCOPES[m.role]:
            problems.append(
                FieldProblem(
                    field=f"memberships[{index}]",
                    key="membership.scope_role",
                    params={"role": m.role.value, "scope": m.scope.value},
                )
            )
        elif not await _scope_exists(session, m.scope, m.scope_id):
            problems.append(
                FieldProblem(field=f"memberships[{index}].scope_id", key="membership.unknown_scope")
            )
    return problems


async def create_user(session: AsyncSession, data: UserCreate) -> User:
    """Create a user with an Argon2id password hash and their memberships."""
    problems = await validate_memberships(session, data.memberships)
    if len(data.password) < MIN_PASSWORD_LENGTH:
        problems.append(
            FieldProblem(
                field="password", key="password.too_short", params={"min": MIN_PASSWORD_LENGTH}
            )
        )
    if problems:
        raise InputError("invalid_input", problems=problems)
    taken = await session.scalar(
        select(User.id).where(func.lower(User.email) == data.email.lower())
    )
    if taken is not None:
        raise ConflictError("user.duplicate", field="email")
    user = User(
        email=data.email,
        display_name=data.display_name,
        password_hash=hash_password(data.password),
        is_active=True,
        memberships=[
            Membership(scope=m.scope.value, scope_id=m.scope_id, role=m.role.value)
            for m in data.memberships
        ],
    )
    session.add(user)
    try:
        await session.flush()
    except IntegrityError:
        raise ConflictError("user.duplicate", field="email") from None
    return user


def _one_membership_problem(problem: FieldProblem) -> FieldProblem:
    """A problem of ``validate_memberships`` about the one membership of a request body: its
    ``memberships[0].scope_id`` is the body's ``scope_id``; a role not allowed in a scope is
    reported at ``scope``."""
    field = problem.field.removeprefix("memberships[0]").removeprefix(".") or "scope"
    return FieldProblem(field=field, key=problem.key, params=problem.params)


async def add_membership(session: AsyncSession, user_id: UUID, data: MembershipIn) -> User:
    """Grant a user one more role in a scope, by the rules of ``validate_memberships``; a
    role already held in that scope is a conflict (``membership.duplicate``)."""
    user = await get_user(session, user_id)
    problems = [_one_membership_problem(p) for p in await validate_memberships(session, [data])]
    if problems:
        raise InputError("invalid_input", problems=problems)
    wanted = (data.scope.value, data.scope_id, data.role.value)
    if any((m.scope, m.scope_id, m.role) == wanted for m in user.memberships):
        raise ConflictError("membership.duplicate", field="role")
    membership = Membership(scope=data.scope.value, scope_id=data.scope_id, role=data.role.value)
    user.memberships.append(membership)
    try:
        await session.flush()
    except IntegrityError:  # granted at the same moment by someone else
        raise ConflictError("membership.duplicate", field="role") from None
    await session.refresh(membership, ["granted_at"])
    return user


async def _other_active_operators(session: AsyncSession, user_id: UUID) -> int:
    """How many active users other than this one hold the operator role. The operators'
    membership and user rows stay locked until the transaction ends, so two operators
    taking each other's role (or account) at the same moment cannot both succeed."""
    holders = await session.scalars(
        select(Membership.user_id)
        .join(User, User.id == Membership.user_id)
        .where(Membership.role == Role.OPERATOR.value, User.is_active.is_(True))
        .with_for_update()
    )
    return len(set(holders) - {user_id})


async def remove_membership(session: AsyncSession, user_id: UUID, membership_id: UUID) -> User:
    """Take one role from a user (404 when the membership is not this user's). The operator
    role is kept while no other active user holds it (``membership.last_operator``), so the
    operators cannot lock themselves out of the platform."""
    user = await get_user(session, user_id)
    membership = next((m for m in user.memberships if m.id == membership_id), None)
    if membership is None:
        raise NotFoundError("not_found")
    if (
        membership.role == Role.OPERATOR.value
        and await _other_active_operators(session, user.id) == 0
    ):
        raise ConflictError("membership.last_operator")
    user.memberships.remove(membership)
    await session.flush()
    return user


async def disable_user(session: AsyncSession, user_id: UUID, *, actor: UUID) -> User:
    """Disable an account: the person can no longer log in. Nobody disables their own
    account (``user.disable_self``), nor the last active operator's
    (``membership.last_operator``).

    Tokens already issued stay valid until they expire (at most ``CUS_AUTH_TOKEN_MINUTES``;
    a page session renews its token while it is in use, up to ``CUS_WEB_ABSOLUTE_HOURS``).
    Revoking them arrives with the identity-hardening issue.
    """
    user = await get_user(session, user_id)
    if user.id == actor:
        raise ConflictError("user.disable_self")
    if not user.is_active:
        return user
    if (
        any(m.role == Role.OPERATOR.value for m in user.memberships)
        and await _other_active_operators(session, user.id) == 0
    ):
        raise ConflictError("membership.last_operator")
    user.is_active = False
    await session.flush()
    return user


async def enable_user(session: AsyncSession, user_id: UUID) -> User:
    """Enable an account again: the person can log in with their password."""
    user = await get_user(session, user_id)
    user.is_active = True
    await session.flush()
    return user


async def list_users(session: AsyncSession) -> list[User]:
    """All users by e-mail."""
    return list(await session.scalars(select(User).order_by(User.email)))


async def members_of_scope(
    session: AsyncSession, scope: Scope, scope_id: str
) -> list[tuple[User, Membership]]:
    """The users holding a role in one scope (e.g. a gmina), with the membership, by name."""
    rows = await session.execute(
        select(User, Membership)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.scope == scope.value, Membership.scope_id == scope_id)
        .order_by(User.display_name, User.email, Membership.role)
    )
    return list(rows.tuples().all())


async def get_user(session: AsyncSession, user_id: UUID) -> User:
    """One user (404 when unknown)."""
    user = await session.get(User, user_id)
    if user is None:
        raise NotFoundError("not_found")
    return user


async def authenticate(session: AsyncSession, email: str, password: str) -> User:
    """Check e-mail and password; the same answer and timing for unknown users."""
    user = await session.scalar(select(User).where(func.lower(User.email) == email.lower()))
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.is_active:
        raise AuthenticationError("auth.invalid_credentials")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = datetime.now(UTC)
    return user


async def resolve_claims(
    session: AsyncSession, user: User, *, day: date | None = None
) -> tuple[list[MembershipClaim], dict[str, frozenset[Role]]]:
    """Memberships as claims, and the gminy they give CUS roles in today."""
    today = day or datetime.now(UTC).date()
    claims = [
        MembershipClaim(scope=Scope(m.scope), scope_id=m.scope_id, role=Role(m.role))
        for m in user.memberships
    ]
    tenant_roles: dict[str, set[Role]] = {}
    agreement_roles: dict[UUID, set[Role]] = {}
    for claim in claims:
        if claim.role not in CUS_STAFF_ROLES:
            continue
        if claim.scope is Scope.GMINA:
            tenant_roles.setdefault(claim.scope_id, set()).add(claim.role)
        elif claim.scope is Scope.AGREEMENT:
            agreement_roles.setdefault(UUID(claim.scope_id), set()).add(claim.role)
    for agreement_id, gminy in (await members_on(session, agreement_roles, today)).items():
        for teryt in gminy:
            tenant_roles.setdefault(teryt, set()).update(agreement_roles[agreement_id])
    return claims, {t: frozenset(r) for t, r in tenant_roles.items()}


async def sign_in(session: AsyncSession, email: str, password: str) -> tuple[str, datetime]:
    """Check the credentials and sign a token with the person's memberships, the gminy they
    act in today, and the names of those gminy and of their partner organisations; the token
    and its expiry."""
    user = await authenticate(session, email, password)
    memberships, tenant_roles = await resolve_claims(session, user)
    partner_ids = [UUID(m.scope_id) for m in memberships if m.scope is Scope.PARTNER]
    partners = {str(k): v for k, v in (await partner_names(session, partner_ids)).items()}
    served = {
        str(p): g for p, g in (await gminy_served(session, partner_ids, on=clock.today())).items()
    }
    named = set(tenant_roles) | {t for gminy in served.values() for t in gminy}
    rows = await session.execute(select(Gmina.teryt, Gmina.name).where(Gmina.teryt.in_(named)))
    names = dict(rows.tuples().all())
    return issue_token(
        get_settings().auth,
        user_id=user.id,
        memberships=memberships,
        tenant_roles=tenant_roles,
        display_name=user.display_name,
        gmina_names=names,
        partner_names=partners,
        partner_gminy=served,
    )
