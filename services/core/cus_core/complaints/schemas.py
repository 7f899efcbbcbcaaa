"""API shapes of complaints (skargi). Field rules here; the time limit and the order of the
steps in the service."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, StringConstraints

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]


class Channel(StrEnum):
    """How the complaint reached the CUS."""

    IN_PERSON = "in_person"
    LETTER = "letter"
    EMAIL = "email"
    E_DELIVERY = "e_delivery"
    PHONE = "phone"


class Outcome(StrEnum):
    """What the CUS decided about the complaint."""

    UPHELD = "upheld"
    PARTLY_UPHELD = "partly_upheld"
    NOT_UPHELD = "not_upheld"


#: Warnings about the statutory time limit of an open complaint.
Warning = Literal["overdue", "due_soon"]


class ComplaintCreate(BaseModel):
    """A complaint received from a resident (about a referral, a service or a partner)."""

    model_config = ConfigDict(extra="forbid")

    resident_id: UUID
    referral_id: UUID | None = None
    service_id: UUID | None = None
    partner_id: UUID | None = None
    channel: Channel
    received_on: date | None = None
    summary: Text


class ExplanationIn(BaseModel):
    """The partner's explanation, as received."""

    model_config = ConfigDict(extra="forbid")

    explanation: Text


class DecisionIn(BaseModel):
    """How the complaint was decided and why."""

    model_config = ConfigDict(extra="forbid")

    outcome: Outcome
    decision: Text


class CorrectiveActionIn(BaseModel):
    """What was done to put things right."""

    model_config = ConfigDict(extra="forbid")

    corrective_action: Text


class InformIn(BaseModel):
    """When the resident was told how the complaint was decided."""

    model_config = ConfigDict(extra="forbid")

    informed_on: date


class ComplaintSummary(BaseModel):
    """A row of the complaint list, with the time limit's state."""

    id: UUID
    number: str
    resident_id: UUID
    resident_name: str
    status: str
    channel: str
    received_on: date
    due_on: date
    days_left: int | None
    warning: Warning | None
    late: bool


class ComplaintRead(ComplaintSummary):
    """A complaint with every step recorded so far."""

    referral_id: UUID | None
    service_id: UUID | None
    service_name: str | None
    partner_id: UUID | None
    partner_name: str | None
    summary: str
    forwarded_at: datetime | None
    explanation: str | None
    explained_at: datetime | None
    outcome: str | None
    decision: str | None
    decided_by: UUID | None
    decided_at: datetime | None
    corrective_action: str | None
    resident_informed_on: date | None
    version: int
    created_at: datetime


class ComplaintPage(BaseModel):
    """One page of complaints, open ones first by due date."""

    items: list[ComplaintSummary]
    total: int
    limit: int
    offset: int
