"""API shapes of the resident register. Field rules here; identifier rules in the service."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10)]


class Language(StrEnum):
    """Language the resident prefers to be served in."""

    PL = "pl"
    EN = "en"
    UK = "uk"
    RU = "ru"
    BE = "be"
    DE = "de"


class HouseholdRole(StrEnum):
    """Place in the household."""

    HEAD = "head"
    SPOUSE = "spouse"
    PARTNER = "partner"
    CHILD = "child"
    PARENT = "parent"
    SIBLING = "sibling"
    OTHER = "other"


class Address(BaseModel):
    """Where the resident lives."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    street: str | None = Field(default=None, max_length=120)
    building_no: str | None = Field(default=None, max_length=10)
    apartment_no: str | None = Field(default=None, max_length=10)
    postal_code: str | None = Field(default=None, max_length=6)
    city: str | None = Field(default=None, max_length=80)


class ResidentCreate(BaseModel):
    """A new resident; the date of birth may be left out when a PESEL is given."""

    model_config = ConfigDict(extra="forbid")

    given_name: Name
    family_name: Name
    pesel: str | None = Field(default=None, max_length=11)
    birth_date: date | None = None
    sex: str | None = Field(default=None, pattern=r"^[FM]$")
    address: Address = Field(default_factory=Address)
    preferred_language: Language = Language.PL
    household_of: UUID | None = Field(
        default=None, description="Put the resident in the household of this resident"
    )
    household_role: HouseholdRole | None = None


class ResidentUpdate(BaseModel):
    """Changes to a resident; ``version`` must be the one last read (optimistic locking)."""

    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1)
    given_name: Name | None = None
    family_name: Name | None = None
    pesel: str | None = Field(default=None, max_length=11)
    birth_date: date | None = None
    sex: str | None = Field(default=None, pattern=r"^[FM]$")
    address: Address | None = None
    preferred_language: Language | None = None
    household_role: HouseholdRole | None = None


class ResidentSearch(BaseModel):
    """Search criteria, sent in the body so that they never appear in URLs or access logs."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str | None = Field(default=None, min_length=2, max_length=100)
    pesel: str | None = Field(default=None, max_length=11)
    birth_date: date | None = None
    limit: int = Field(default=20, ge=1, le=100)
    offset: int = Field(default=0, ge=0)


class HouseholdMember(BaseModel):
    """Another member of the resident's household."""

    id: UUID
    given_name: str
    family_name: str
    household_role: str | None


class ResidentRead(BaseModel):
    """A resident as the register holds them."""

    model_config = ConfigDict(from_attributes=True)

    id: UUID
    given_name: str
    family_name: str
    pesel: str | None
    birth_date: date
    sex: str | None
    address: Address
    preferred_language: str
    household_id: UUID | None
    household_role: str | None
    household: list[HouseholdMember] = Field(default_factory=list)
    version: int
    created_at: datetime
    updated_at: datetime


class ResidentSummary(BaseModel):
    """A row of the register list."""

    id: UUID
    given_name: str
    family_name: str
    birth_date: date
    city: str | None


class ResidentPage(BaseModel):
    """One page of residents."""

    items: list[ResidentSummary]
    total: int
    limit: int
    offset: int


class AuditRead(BaseModel):
    """One access to a record."""

    model_config = ConfigDict(from_attributes=True)

    occurred_at: datetime
    actor_id: UUID
    actor_roles: str
    action: str
    request_id: str


class AuditPage(BaseModel):
    """One page of the audit trail."""

    items: list[AuditRead]
    total: int
    limit: int
    offset: int
