"""Users, memberships, login: Argon2id passwords, memberships resolved to gminy at token
issue (gmina memberships directly, agreement memberships through today's members)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
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
from cus_shared.identity import revocation
from cus_shared.identity.audit import AuthEventKind, email_hash, record
from cus_shared.identity.passwords import (
    hash_password,
    needs_rehash,
    password_problems,
    verify_password,
)
from cus_shared.identity.principal import Membership as MembershipClaim
from cus_shared.identity.roles import (
    ALLOWED_SCOPES,
    CUS_STAFF_ROLES,
    PERSONAL_DATA_ROLES,
    Role,
    Scope,
)
from cus_shared.identity.tokens import issue_token
from cus_shared.settings import Settings, get_settings
from cus_tenants.agreements.models import Agreement
from cus_tenants.agreements.service import members_on
from cus_tenants.contracts.service import gminy_served
from cus_tenants.gminy.models import Gmina
from cus_tenants.identity import mfa, throttle
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
    problems.extend(password_problems(data.password, data.email))
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
    await end_sessions(session, user.id, reason="role_removed")
    return user


async def end_sessions(
    session: AsyncSession, user_id: UUID, *, reason: str, session_id: str | None = None
) -> None:
    """End the user's sessions begun until now (or the one named) in every service, within
    the services' revocation refresh (about 2 s), and record it in the audit."""
    settings = get_settings()
    until = datetime.now(UTC) + timedelta(hours=settings.web.absolute_hours)
    await revocation.revoke(
        session, user_id=user_id, reason=reason, until=until, session_id=session_id
    )
    kind = AuthEventKind.LOGOUT if reason == "logout" else AuthEventKind.REVOKED
    await record(session, kind, user_id=user_id)


async def disable_user(session: AsyncSession, user_id: UUID, *, actor: UUID) -> User:
    """Disable an account: the person can no longer log in. Nobody disables their own
    account (``user.disable_self``), nor the last active operator's
    (``membership.last_operator``).

    The person's open sessions end at once in every service (see ``end_sessions``).
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
    await end_sessions(session, user.id, reason="disabled")
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


def must_use_mfa(user: User) -> bool:
    """Whether the person's roles reach personal data (they must log in with a second
    factor when ``CUS_AUTH_MFA_REQUIRED`` is on)."""
    return any(Role(m.role) in PERSONAL_DATA_ROLES for m in user.memberships)


async def authenticate(
    session: AsyncSession,
    email: str,
    password: str,
    *,
    security: AsyncSession | None = None,
    address: str = "",
) -> User:
    """Check e-mail and password, with throttling: the same answer and timing for unknown
    users; a waiting account or address gets 429 without its password being checked.
    Failures are counted in ``security`` (its own transaction, committed even though the
    request fails) when given, else in ``session``."""
    settings = get_settings().auth
    counter = security or session
    digest = email_hash(settings.secret.get_secret_value(), email)
    keys = (throttle.account_key(digest), throttle.address_key(address or "-"))
    wait = await throttle.seconds_to_wait(counter, list(keys))
    if wait:
        await record(counter, AuthEventKind.LOCKOUT, email_digest=digest, address=address)
        raise throttle.LoginThrottledError(wait)
    user = await session.scalar(select(User).where(func.lower(User.email) == email.lower()))
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.is_active:
        await _failed(counter, keys, digest, address, user, AuthEventKind.FAILURE)
        raise AuthenticationError("auth.invalid_credentials")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


async def _failed(
    counter: AsyncSession,
    keys: tuple[str, str],
    digest: str,
    address: str,
    user: User | None,
    kind: AuthEventKind,
) -> None:
    locked = await throttle.record_failure(
        counter, get_settings().auth, account=keys[0], address=keys[1]
    )
    user_id = user.id if user is not None and user.is_active else None
    await record(counter, kind, user_id=user_id, email_digest=digest, address=address)
    if locked:
        await record(counter, AuthEventKind.LOCKOUT, email_digest=digest, address=address)


async def second_factor(
    session: AsyncSession,
    user: User,
    *,
    totp: str | None,
    recovery_code: str | None,
    security: AsyncSession | None = None,
    address: str = "",
    settings: Settings | None = None,
) -> list[str]:
    """After the password: the authentication methods used (``pwd``, ``otp``), or 401 with
    ``auth.mfa_required`` (enrolled, no code given), ``auth.mfa_invalid`` (wrong or replayed
    code; counted as a failed login) or ``auth.mfa_enrolment_required`` (must enrol first)."""
    settings = settings or get_settings()
    if not mfa.is_enrolled(user):
        if settings.auth.mfa_required and must_use_mfa(user):
            raise AuthenticationError("auth.mfa_enrolment_required")
        return ["pwd"]
    if not totp and not recovery_code:
        raise AuthenticationError("auth.mfa_required")
    if totp and mfa.check_code(settings.auth, user, totp):
        return ["pwd", "otp"]
    if recovery_code and await mfa.use_recovery_code(session, user, recovery_code):
        await record(session, AuthEventKind.RECOVERY_CODE_USED, user_id=user.id, address=address)
        return ["pwd", "otp"]
    counter = security or session
    digest = email_hash(settings.auth.secret.get_secret_value(), user.email)
    keys = (throttle.account_key(digest), throttle.address_key(address or "-"))
    await _failed(counter, keys, digest, address, user, AuthEventKind.MFA_FAILURE)
    raise AuthenticationError("auth.mfa_invalid")


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


async def sign_in(
    session: AsyncSession,
    email: str,
    password: str,
    *,
    totp: str | None = None,
    recovery_code: str | None = None,
    security: AsyncSession | None = None,
    address: str = "",
    settings: Settings | None = None,
) -> tuple[str, datetime]:
    """Check the credentials (throttled) and the second factor, and sign a token; the token
    and its expiry. ``settings``: the app's (whether MFA is enforced), else the process's."""
    user = await authenticate(session, email, password, security=security, address=address)
    methods = await second_factor(
        session,
        user,
        totp=totp,
        recovery_code=recovery_code,
        security=security,
        address=address,
        settings=settings,
    )
    return await issue_session(session, user, methods=methods, address=address)


async def issue_session(
    session: AsyncSession, user: User, *, methods: list[str], address: str = ""
) -> tuple[str, datetime]:
    """Sign a token with the person's memberships, the gminy they act in today, and the names
    of those gminy and of their partner organisations (all checks done); the token and its
    expiry. The login is recorded and the account's failure count ended."""
    settings = get_settings()
    digest = email_hash(settings.auth.secret.get_secret_value(), user.email)
    await throttle.record_success(session, account=throttle.account_key(digest))
    user.last_login_at = datetime.now(UTC)
    await record(session, AuthEventKind.LOGIN, user_id=user.id, address=address)
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
        settings.auth,
        methods=methods,
        user_id=user.id,
        memberships=memberships,
        tenant_roles=tenant_roles,
        display_name=user.display_name,
        gmina_names=names,
        partner_names=partners,
        partner_gminy=served,
    )


async def change_password(session: AsyncSession, user_id: UUID, current: str, new: str) -> User:
    """Change one's own password: the current one must be right, the new one must follow the
    rules (``password_problems``); every session of the person ends (the caller gives the
    current one a new token)."""
    user = await get_user(session, user_id)
    if not verify_password(user.password_hash, current):
        raise InputError("password.current_wrong", field="current_password")
    problems = password_problems(new, user.email, field="new_password")
    if problems:
        raise InputError("invalid_input", problems=problems)
    user.password_hash = hash_password(new)
    await session.flush()
    await end_sessions(session, user.id, reason="password_changed")
    await record(session, AuthEventKind.PASSWORD_CHANGED, user_id=user.id)
    return user
