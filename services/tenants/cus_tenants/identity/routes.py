"""HTTP API of login and users."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, delete, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cus_shared.database.naming import SHARED_SCHEMA, TENANTS_SERVICE_ROLE
from cus_shared.database.runtime import Database
from cus_shared.errors import AuthenticationError
from cus_shared.identity.guards import require_roles
from cus_shared.identity.principal import Principal
from cus_shared.identity.roles import Role
from cus_shared.tenancy import open_service_session
from cus_shared.web.problems import domain_error_handler
from cus_tenants.dependencies import provide_principal, provide_shared_session
from cus_tenants.identity import partner_staff, service, throttle
from cus_tenants.identity.models import AuthEvent
from cus_tenants.identity.schemas import (
    AuthEventRead,
    LoginRequest,
    MembershipIn,
    MembershipRead,
    MeRead,
    PartnerStaffCreate,
    PasswordChange,
    TokenResponse,
    UserCreate,
    UserRead,
)


def client_address(request: Request[Any, Any, Any]) -> str:
    """The client's address as the server sees it (behind a proxy: the proxy's, unless the
    server is told to trust forwarded headers)."""
    return request.client.host if request.client else ""


@asynccontextmanager
async def security_session(request: Request[Any, Any, Any]) -> AsyncIterator[AsyncSession]:
    """A transaction of its own for failure counts and the audit of logins: committed even
    when the login is refused (the request's own transaction is then rolled back)."""
    db: Database = request.app.state.db
    async with open_service_session(
        db.sessions, db_role=TENANTS_SERVICE_ROLE, schema=SHARED_SCHEMA
    ) as security:
        try:
            yield security
        except (throttle.LoginThrottledError, AuthenticationError) as exc:
            refused = exc
        else:
            return
    raise refused


_PARTNER_ADMIN = require_roles(Role.PARTNER_ADMIN)


class AuthController(Controller):
    """Login (password, second factor), logout, one's own password and view; the audit of
    authentication (operators) and a partner administrator's staff accounts."""

    path = "/auth"
    tags = ["auth"]
    dependencies = {
        "session": Provide(provide_shared_session),
        "principal": Provide(provide_principal),
    }

    @post("/login", status_code=200, exclude_from_auth=True)
    async def login(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        data: JSONBody[LoginRequest],
    ) -> Response[Any]:
        """Exchange e-mail and password (and, for people with a second factor, ``totp`` or
        ``recovery_code``) for a short-lived access token. 401 ``auth.invalid_credentials``,
        ``auth.mfa_required`` (send ``totp``), ``auth.mfa_invalid``,
        ``auth.mfa_enrolment_required`` (enrol on the pages first); 429 ``auth.throttled``
        with Retry-After after repeated failures."""
        try:
            async with security_session(request) as security:
                token, expires = await service.sign_in(
                    session,
                    data.email,
                    data.password,
                    totp=data.totp,
                    recovery_code=data.recovery_code,
                    security=security,
                    address=client_address(request),
                    settings=request.app.state.settings,
                )
        except throttle.LoginThrottledError as exc:
            answer = domain_error_handler(request, exc)
            answer.headers["Retry-After"] = str(exc.retry_after)
            return answer
        return Response(TokenResponse(access_token=token, expires_at=expires))

    @post("/logout", status_code=204)
    async def logout(
        self, session: NamedDependency[AsyncSession], principal: NamedDependency[Principal]
    ) -> None:
        """End this session (its token is refused from now on by every service)."""
        await service.end_sessions(
            session, principal.user_id, reason="logout", session_id=principal.session_id
        )

    @post("/password", status_code=204)
    async def change_password(
        self,
        session: NamedDependency[AsyncSession],
        principal: NamedDependency[Principal],
        data: JSONBody[PasswordChange],
    ) -> None:
        """Change one's own password (at least 12 characters, not a common one, not built on
        the e-mail address); every session of the person ends, this one included."""
        await service.change_password(
            session, principal.user_id, data.current_password, data.new_password
        )

    @get("/events", guards=[require_roles(Role.OPERATOR)])
    async def recent_events(
        self, session: NamedDependency[AsyncSession], limit: FromQuery[int] = 100
    ) -> list[AuthEventRead]:
        """The audit of authentication, newest first (at most 500; operators)."""
        rows = await session.scalars(
            select(AuthEvent).order_by(AuthEvent.occurred_at.desc()).limit(min(max(limit, 1), 500))
        )
        return [AuthEventRead.model_validate(r) for r in rows]

    @get("/staff", guards=[_PARTNER_ADMIN])
    async def list_staff(
        self, session: NamedDependency[AsyncSession], principal: NamedDependency[Principal]
    ) -> list[UserRead]:
        """A partner administrator's organisation's accounts (partner_admin only; other
        partners' accounts are 404 to them)."""
        return [
            UserRead.model_validate(u) for u in await partner_staff.staff_of(session, principal)
        ]

    @post("/staff", status_code=201, guards=[_PARTNER_ADMIN])
    async def create_staff(
        self,
        session: NamedDependency[AsyncSession],
        principal: NamedDependency[Principal],
        data: JSONBody[PartnerStaffCreate],
    ) -> UserRead:
        """A staff account with the partner_staff role in the administrator's partner."""
        user = await partner_staff.create_staff(session, principal, data)
        await session.refresh(user, ["memberships"])
        return UserRead.model_validate(user)

    @post("/staff/{user_id:uuid}/disable", status_code=200, guards=[_PARTNER_ADMIN])
    async def disable_staff(
        self,
        session: NamedDependency[AsyncSession],
        principal: NamedDependency[Principal],
        user_id: FromPath[UUID],
    ) -> UserRead:
        """Disable a staff account: its sessions end at once."""
        return UserRead.model_validate(
            await partner_staff.disable_staff(session, principal, user_id)
        )

    @post("/staff/{user_id:uuid}/enable", status_code=200, guards=[_PARTNER_ADMIN])
    async def enable_staff(
        self,
        session: NamedDependency[AsyncSession],
        principal: NamedDependency[Principal],
        user_id: FromPath[UUID],
    ) -> UserRead:
        """Enable a staff account again."""
        return UserRead.model_validate(
            await partner_staff.enable_staff(session, principal, user_id)
        )

    @get("/me")
    async def me(self, principal: NamedDependency[Principal]) -> MeRead:
        """Who the token says the caller is, and their gminy."""
        return MeRead(
            user_id=principal.user_id,
            memberships=[
                MembershipRead(scope=m.scope.value, scope_id=m.scope_id, role=m.role.value)
                for m in principal.memberships
            ],
            gminy={
                t: sorted(r.value for r in roles) for t, roles in principal.tenant_roles.items()
            },
        )


class UserController(Controller):
    """Users and their memberships (operators)."""

    path = "/users"
    tags = ["users"]
    guards = [require_roles(Role.OPERATOR)]
    dependencies = {
        "session": Provide(provide_shared_session),
        "principal": Provide(provide_principal),
    }

    @post("/", status_code=201)
    async def create(
        self, session: NamedDependency[AsyncSession], data: JSONBody[UserCreate]
    ) -> UserRead:
        """Create a user with memberships."""
        user = await service.create_user(session, data)
        await session.refresh(user, ["memberships"])
        return UserRead.model_validate(user)

    @get("/")
    async def list_users(self, session: NamedDependency[AsyncSession]) -> list[UserRead]:
        """All users."""
        return [UserRead.model_validate(u) for u in await service.list_users(session)]

    @get("/{user_id:uuid}")
    async def show(
        self, session: NamedDependency[AsyncSession], user_id: FromPath[UUID]
    ) -> UserRead:
        """One user."""
        return UserRead.model_validate(await service.get_user(session, user_id))

    @post("/{user_id:uuid}/memberships", status_code=201)
    async def add_membership(
        self,
        session: NamedDependency[AsyncSession],
        user_id: FromPath[UUID],
        data: JSONBody[MembershipIn],
    ) -> UserRead:
        """Grant the user one more role in a scope (same rules as at creation; a role already
        held in that scope is a conflict, ``membership.duplicate``)."""
        user = await service.add_membership(session, user_id, data)
        return UserRead.model_validate(user)

    @delete("/{user_id:uuid}/memberships/{membership_id:uuid}", status_code=200)
    async def remove_membership(
        self,
        session: NamedDependency[AsyncSession],
        user_id: FromPath[UUID],
        membership_id: FromPath[UUID],
    ) -> UserRead:
        """Take one role from the user (404 when it is not this user's). The last active
        operator keeps the operator role (``membership.last_operator``)."""
        user = await service.remove_membership(session, user_id, membership_id)
        return UserRead.model_validate(user)

    @post("/{user_id:uuid}/disable", status_code=200)
    async def disable(
        self,
        session: NamedDependency[AsyncSession],
        principal: NamedDependency[Principal],
        user_id: FromPath[UUID],
    ) -> UserRead:
        """Disable the account: logging in is refused from now on. Not one's own account
        (``user.disable_self``), nor the last active operator's (``membership.last_operator``).

        The person's sessions end at once in every service (within about 2 seconds).
        """
        user = await service.disable_user(session, user_id, actor=principal.user_id)
        return UserRead.model_validate(user)

    @post("/{user_id:uuid}/enable", status_code=200)
    async def enable(
        self, session: NamedDependency[AsyncSession], user_id: FromPath[UUID]
    ) -> UserRead:
        """Enable the account again: the person can log in with their password."""
        return UserRead.model_validate(await service.enable_user(session, user_id))
