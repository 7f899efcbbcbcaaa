"""API shapes of the partner inbox: referrals from every gmina the partner serves, and a
month's deliveries recorded for many referrals at once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

#: Why a referral stands where it does in the inbox, the most urgent first.
Urgency = Literal["pending", "missing_delivery", "other"]


class InboxItem(BaseModel):
    """A referral addressed to one of the caller's organisations, with its gmina named; the
    person's name only while a consent covering it is in force."""

    teryt: str
    gmina_name: str
    id: UUID
    number: str
    service_id: UUID
    service_name: str
    partner_id: UUID
    partner_name: str
    starts_on: date
    ends_on: date
    volume_per_month: Decimal
    status: str
    urgency: Urgency
    #: When a pending referral expires unless accepted (14 days after its start).
    expires_on: date | None = None
    #: The month whose delivery record is missing (in delivery only).
    missing_month: date | None = None
    person_name: str | None = None


class InboxGmina(BaseModel):
    """A gmina the caller's organisations serve."""

    teryt: str
    name: str


class InboxRead(BaseModel):
    """The inbox: referrals sorted by urgency, the gminy served, and those that could not be
    read now (suspended, or the contract ended since login)."""

    items: list[InboxItem]
    gminy: list[InboxGmina]
    unavailable: list[str]
    total: int


class BulkDeliveryRow(BaseModel):
    """What was delivered under one referral in the month."""

    model_config = ConfigDict(extra="forbid")

    teryt: str = Field(min_length=6, max_length=7)
    referral_id: UUID
    sessions: int = Field(ge=0, le=10_000)
    hours: Decimal = Field(ge=0, le=Decimal("9999"), decimal_places=2)
    note: str | None = Field(default=None, max_length=1000)


class BulkDeliveriesIn(BaseModel):
    """A month's deliveries for many referrals in many gminy."""

    model_config = ConfigDict(extra="forbid")

    month: str = Field(max_length=7)
    rows: list[BulkDeliveryRow] = Field(min_length=1, max_length=500)


class RowOutcome(BaseModel):
    """What became of one row: saved, or refused with the reason (key and message)."""

    teryt: str
    referral_id: UUID
    saved: bool
    reason_key: str | None = None
    reason: str | None = None


class BulkDeliveriesRead(BaseModel):
    """Every row's outcome, in the order sent."""

    month: date
    saved: int
    refused: int
    rows: list[RowOutcome]
