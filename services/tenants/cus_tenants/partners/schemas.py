"""API shapes of the partner registry."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from cus_shared.providers import PartnerCategory as PartnerCategory  # the API names it

#: At least this many named contact persons (the CUS's organisational rules).
MIN_CONTACTS = 2
#: Documents expiring within this many days are announced.
EXPIRY_WARNING_DAYS = 30


class ContactIn(BaseModel):
    """A named contact person: an e-mail address or a phone number is required."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=2, max_length=200)
    position: str | None = Field(default=None, max_length=120)
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=30)


class DocumentIn(BaseModel):
    """A document of the partner (statute, insurance policy, entry in a register)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=2, max_length=200)
    valid_until: date | None = None


class PartnerCreate(BaseModel):
    """A partner registered for an agreement.

    NIP or REGON is required (every entity has at least one of them); KRS is optional (not
    every NGO is in the National Court Register). Each given number is checked with its
    check digit.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=2, max_length=250)
    category: PartnerCategory
    nip: str | None = Field(default=None, max_length=20)
    regon: str | None = Field(default=None, max_length=20)
    krs: str | None = Field(default=None, max_length=20)
    description: str | None = Field(default=None, max_length=4000)
    areas: list[int] = Field(default_factory=list, max_length=14)
    services: list[UUID] = Field(default_factory=list, max_length=200)
    gminy: list[str] = Field(default_factory=list, max_length=200)
    contacts: list[ContactIn] = Field(default_factory=list, max_length=20)
    documents: list[DocumentIn] = Field(default_factory=list, max_length=50)


class PartnerUpdate(BaseModel):
    """Changes to a partner: only the fields sent are changed (null clears an optional one).
    Contact persons and documents have their own endpoints."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str | None = Field(default=None, min_length=2, max_length=250)
    category: PartnerCategory | None = None
    nip: str | None = Field(default=None, max_length=20)
    regon: str | None = Field(default=None, max_length=20)
    krs: str | None = Field(default=None, max_length=20)
    description: str | None = Field(default=None, max_length=4000)
    areas: list[int] | None = Field(default=None, max_length=14)
    services: list[UUID] | None = Field(default=None, max_length=200)
    gminy: list[str] | None = Field(default=None, max_length=200)


class ContactRead(BaseModel):
    """A contact person."""

    model_config = ConfigDict(from_attributes=True)

    id: UUID
    name: str
    position: str | None
    email: str | None
    phone: str | None


class DocumentRead(BaseModel):
    """A document and its expiry."""

    model_config = ConfigDict(from_attributes=True)

    id: UUID
    title: str
    valid_until: date | None


class PartnerWarning(BaseModel):
    """Something to act on soon (a document expiring or expired), in the caller's language."""

    code: str
    message: str
    document_id: UUID | None = None
    params: dict[str, str | int] = Field(default_factory=dict)


class PartnerRead(BaseModel):
    """A partner with what it offers, where, whom to call, its documents and warnings."""

    id: UUID
    agreement_id: UUID
    name: str
    category: PartnerCategory
    nip: str | None
    regon: str | None
    krs: str | None
    description: str | None
    areas: list[int]
    services: list[UUID]
    gminy: list[str]
    contacts: list[ContactRead]
    documents: list[DocumentRead]
    warnings: list[PartnerWarning]
    created_at: datetime
    updated_at: datetime
