"""API shapes of users, memberships and login."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from cus_shared.identity.roles import Role, Scope


class MembershipIn(BaseModel):
    """A role to grant in a scope."""

    model_config = ConfigDict(extra="forbid")

    scope: Scope
    scope_id: str = Field(min_length=1, max_length=64)
    role: Role


class MembershipRead(BaseModel):
    """A granted role."""

    model_config = ConfigDict(from_attributes=True)

    scope: str
    scope_id: str
    role: str


class UserMembershipRead(MembershipRead):
    """A role a user holds, with the id that removes it."""

    id: UUID
    granted_at: datetime


class UserCreate(BaseModel):
    """A new user with their memberships."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    email: str = Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    display_name: str = Field(min_length=2, max_length=200)
    password: str = Field(min_length=1, max_length=256)
    memberships: list[MembershipIn] = Field(default_factory=list, max_length=100)


class UserRead(BaseModel):
    """A user (never the password hash)."""

    model_config = ConfigDict(from_attributes=True)

    id: UUID
    email: str
    display_name: str
    is_active: bool
    created_at: datetime
    memberships: list[UserMembershipRead]


class LoginRequest(BaseModel):
    """E-mail and password, and the second factor when the person has one: a code of their
    authenticator app (``totp``) or one of their recovery codes."""

    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=1, max_length=254)
    password: str = Field(min_length=1, max_length=256)
    totp: str | None = Field(default=None, max_length=16)
    recovery_code: str | None = Field(default=None, max_length=32)


class PasswordChange(BaseModel):
    """One's own password: the current one and the new one."""

    model_config = ConfigDict(extra="forbid")

    current_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=1, max_length=256)


class PartnerStaffCreate(BaseModel):
    """A staff account a partner's administrator creates in their organisation."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    email: str = Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    display_name: str = Field(min_length=2, max_length=200)
    password: str = Field(min_length=1, max_length=256)
    #: Which of the administrator's organisations (may be left out when they have one).
    partner_id: str | None = Field(default=None, max_length=64)


class AuthEventRead(BaseModel):
    """One event of the audit of authentication."""

    model_config = ConfigDict(from_attributes=True)

    occurred_at: datetime
    kind: str
    user_id: UUID | None
    email_hash: str | None
    address: str | None
    route: str | None
    status: int | None


class TokenResponse(BaseModel):
    """A signed, short-lived access token."""

    access_token: str
    token_type: str = "Bearer"  # noqa: S105 - the scheme name, not a secret
    expires_at: datetime


class MeRead(BaseModel):
    """The caller as the token describes them."""

    user_id: UUID
    memberships: list[MembershipRead]
    gminy: dict[str, list[str]]
