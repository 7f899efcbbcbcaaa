"""HTTP API of login and users."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, get, post
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
    dependencies = {"session": Provide(provide_shared_session)}

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
