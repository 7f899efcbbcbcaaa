"""HTTP API of login and users."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, delete, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from cus_shared.identity.guards import require_roles
from cus_shared.identity.principal import Principal
from cus_shared.identity.roles import Role
from cus_tenants.dependencies import provide_principal, provide_shared_session
from cus_tenants.identity import service
from cus_tenants.identity.schemas import (
    LoginRequest,
    MembershipIn,
    MembershipRead,
    MeRead,
    TokenResponse,
    UserCreate,
    UserRead,
)


class AuthController(Controller):
    """Password login and the caller's own view."""

    path = "/auth"
    tags = ["auth"]
    dependencies = {
        "session": Provide(provide_shared_session),
        "principal": Provide(provide_principal),
    }

    @post("/login", status_code=200, exclude_from_auth=True)
    async def login(
        self, session: NamedDependency[AsyncSession], data: JSONBody[LoginRequest]
    ) -> TokenResponse:
        """Exchange e-mail and password for a short-lived access token."""
        token, expires = await service.sign_in(session, data.email, data.password)
        return TokenResponse(access_token=token, expires_at=expires)

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

        Tokens already issued stay valid until they expire (at most ``CUS_AUTH_TOKEN_MINUTES``;
        a page session renews its token while in use, up to ``CUS_WEB_ABSOLUTE_HOURS``);
        revocation arrives with the identity-hardening issue.
        """
        user = await service.disable_user(session, user_id, actor=principal.user_id)
        return UserRead.model_validate(user)

    @post("/{user_id:uuid}/enable", status_code=200)
    async def enable(
        self, session: NamedDependency[AsyncSession], user_id: FromPath[UUID]
    ) -> UserRead:
        """Enable the account again: the person can log in with their password."""
        return UserRead.model_validate(await service.enable_user(session, user_id))
