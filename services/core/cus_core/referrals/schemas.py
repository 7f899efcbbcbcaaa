"""API shapes of referrals (skierowania), consents (zgody) and deliveries. Field rules here;
the rules of the contract, consent and capacity in the services."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]


class ConsentScope(StrEnum):
    """What a consent lets the CUS share with the partner."""

    IDENTITY = "identity"  # given and family name
    CONTACT = "contact"  # address
    NEEDS = "needs"  # the needs found in the interview


class ConsentCreate(BaseModel):
    """A consent (zgoda) the resident gave to share listed data with one partner."""

    model_config = ConfigDict(extra="forbid")

    partner_id: UUID
    scope: list[ConsentScope] = Field(min_length=1, max_length=3)
    purpose: Text
    given_on: date


class ConsentRead(BaseModel):
    """A consent as recorded, with whether it still allows sharing."""

    id: UUID
    resident_id: UUID
    partner_id: UUID
    partner_name: str | None
    scope: list[str]
    purpose: str
    given_on: date
    withdrawn_at: datetime | None
    withdrawn_by: UUID | None
    active: bool
    created_at: datetime


class ReferralCreate(BaseModel):
    """A granted service sent to a provider under a contract for a period."""

    model_config = ConfigDict(extra="forbid")

    requested_service_id: UUID
    plan_id: UUID | None = None
    contract_id: UUID
    starts_on: date
    ends_on: date
    volume_per_month: Decimal = Field(gt=0, le=Decimal("9999"), decimal_places=2)


class ReasonIn(BaseModel):
    """Why a referral is declined or cancelled (no personal data expected)."""

    model_config = ConfigDict(extra="forbid")

    reason: Text


class DeliveryIn(BaseModel):
    """Sessions and hours delivered in one month."""

    model_config = ConfigDict(extra="forbid")

    sessions: int = Field(ge=0, le=10_000)
    hours: Decimal = Field(ge=0, le=Decimal("9999"), decimal_places=2)
    note: str | None = Field(default=None, max_length=1000)


class DeliveryRead(BaseModel):
    """What was delivered in one month, and who recorded it."""

    month: date
    sessions: int
    hours: Decimal
    note: str | None
    recorded_by_kind: str
    recorded_at: datetime


class EventRead(BaseModel):
    """One change of a referral's status."""

    status: str
    reason: str | None
    actor_id: UUID | None
    actor_kind: str
    occurred_at: datetime


class ReferralSummary(BaseModel):
    """A row of the CUS's list of referrals."""

    id: UUID
    number: str
    resident_id: UUID
    resident_name: str
    service_name: str
    partner_name: str | None
    starts_on: date
    ends_on: date
    status: str


class ReferralPage(BaseModel):
    """One page of referrals."""

    items: list[ReferralSummary]
    total: int
    limit: int
    offset: int


class ReferralRead(BaseModel):
    """A referral with its history and deliveries, as the CUS sees it."""

    id: UUID
    number: str
    resident_id: UUID
    requested_service_id: UUID
    plan_id: UUID | None
    service_id: UUID
    service_name: str
    contract_id: UUID
    contract_number: str | None
    capacity_unit: str | None
    partner_id: UUID | None
    partner_name: str | None
    consent_id: UUID | None
    starts_on: date
    ends_on: date
    volume_per_month: Decimal
    status: str
    status_reason: str | None
    created_at: datetime
    events: list[EventRead]
    deliveries: list[DeliveryRead]


class CapacityMonth(BaseModel):
    """A contract's month: planned in all gminy, planned and delivered in this one."""

    month: date
    planned_all: Decimal
    planned_here: Decimal
    delivered_here: Decimal


class CapacityRead(BaseModel):
    """Capacity use of a contract over a year (no person in these figures)."""

    contract_id: UUID
    number: str
    capacity: Decimal
    capacity_unit: str
    months: list[CapacityMonth]


class SharedNeed(BaseModel):
    """A need from the interview, shared with the partner under a "needs" consent."""

    area_code: int
    description: str


class SharedAddress(BaseModel):
    """The address, shared under a "contact" consent."""

    street: str | None
    building_no: str | None
    apartment_no: str | None
    postal_code: str | None
    city: str | None


class SharedPerson(BaseModel):
    """What the partner may know of the person: only what the active consent lists."""

    scope: list[str]
    given_name: str | None = None
    family_name: str | None = None
    address: SharedAddress | None = None
    needs: list[SharedNeed] | None = None


class PartnerReferralSummary(BaseModel):
    """A referral in the partner's list: no personal data."""

    id: UUID
    number: str
    service_name: str
    starts_on: date
    ends_on: date
    volume_per_month: Decimal
    status: str


class PartnerReferralRead(BaseModel):
    """A referral as the partner sees it: the minimum it needs to deliver the service."""

    id: UUID
    number: str
    service_name: str
    starts_on: date
    ends_on: date
    volume_per_month: Decimal
    capacity_unit: str | None
    status: str
    status_reason: str | None
    person: SharedPerson | None
    deliveries: list[DeliveryRead]
