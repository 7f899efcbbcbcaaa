"""API shapes of contracts."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from cus_tenants.catalogue.vocabulary import DeliveryMode

#: A bound far above any contract (10 billion złoty), well within the column's range.
MAX_GROSZE = 1_000_000_000_000


class CapacityUnit(StrEnum):
    """What a contract's monthly capacity counts."""

    HOURS = "hours_per_month"
    SESSIONS = "sessions_per_month"
    PLACES = "places_per_month"
    ITEMS = "items_per_month"


class ContractCreate(BaseModel):
    """A contract: with a partner, or in-house (the CUS or the gmina office, no partner)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    partner_id: UUID | None = None
    number: str = Field(min_length=1, max_length=60)
    mode: DeliveryMode
    services: list[UUID] = Field(default_factory=list, max_length=200)
    gminy: list[str] = Field(default_factory=list, max_length=200)
    starts_on: date
    ends_on: date
    #: Value of the contract in grosze (12 500,00 zł is 1250000).
    value_grosze: int = Field(le=MAX_GROSZE)
    capacity: Decimal = Field(max_digits=10, decimal_places=2)
    capacity_unit: CapacityUnit
    minimum_standard: str | None = Field(default=None, max_length=8000)


class ContractUpdate(BaseModel):
    """Changes to a contract: only the fields sent are changed; the contract as a whole must
    still keep every rule (services, gminy, no overlap)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    partner_id: UUID | None = None
    number: str | None = Field(default=None, min_length=1, max_length=60)
    mode: DeliveryMode | None = None
    services: list[UUID] | None = Field(default=None, max_length=200)
    gminy: list[str] | None = Field(default=None, max_length=200)
    starts_on: date | None = None
    ends_on: date | None = None
    value_grosze: int | None = Field(default=None, le=MAX_GROSZE)
    capacity: Decimal | None = Field(default=None, max_digits=10, decimal_places=2)
    capacity_unit: CapacityUnit | None = None
    minimum_standard: str | None = Field(default=None, max_length=8000)


class ContractRead(BaseModel):
    """A contract as stored."""

    id: UUID
    agreement_id: UUID
    partner_id: UUID | None
    number: str
    mode: DeliveryMode
    services: list[UUID]
    gminy: list[str]
    starts_on: date
    ends_on: date
    value_grosze: int
    capacity: Decimal
    capacity_unit: CapacityUnit
    minimum_standard: str | None
    created_at: datetime
    updated_at: datetime
