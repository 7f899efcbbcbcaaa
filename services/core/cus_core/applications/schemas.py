"""API shapes of applications (wnioski), needs interviews and qualification decisions.

Field rules here; the rules that need the database (the programme, the household, open
applications, the order of decisions) are in the service.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]


class Channel(StrEnum):
    """How the application reached the CUS."""

    IN_PERSON = "in_person"
    LETTER = "letter"
    EMAIL = "email"
    E_DELIVERY = "e_delivery"  # e-Doręczenia / ePUAP


class Outcome(StrEnum):
    """The team's decision on one requested service."""

    GRANTED = "granted"
    REFUSED = "refused"
    WAITING = "waiting"  # waiting list: the contracted capacity is full


class SupportForm(StrEnum):
    """How a granted service is given: once, or as part of an IPUS (support over 3 months)."""

    SINGLE = "single"
    IPUS = "ipus"


class ApplicationCreate(BaseModel):
    """A new application; ``applicant_id`` when a household member applies for the resident."""

    model_config = ConfigDict(extra="forbid")

    resident_id: UUID
    applicant_id: UUID | None = None
    channel: Channel
    registered_on: date | None = Field(default=None, description="Default: today")
    declaration_signed: bool = Field(
        description="The applicant declares that the conditions of the services are met"
    )
    services: list[UUID] = Field(max_length=20, description="At least one")


class NeedIn(BaseModel):
    """A need found in the interview, in one of the 14 catalogue areas."""

    model_config = ConfigDict(extra="forbid")

    area_code: int = Field(ge=1, le=14)
    description: Text


class InterviewIn(BaseModel):
    """The needs interview; ``version`` (the one last read) is required to replace one."""

    model_config = ConfigDict(extra="forbid")

    held_on: date
    goals: Text
    risks: Text | None = None
    needs: list[NeedIn] = Field(max_length=14, description="At least one")
    version: int | None = Field(default=None, ge=1)


class DecisionIn(BaseModel):
    """The team's decision on one requested service."""

    model_config = ConfigDict(extra="forbid")

    outcome: Outcome
    support_form: SupportForm | None = None
    reason: Text | None = Field(default=None, description="Required when refused; shown to them")
    kipus_id: UUID | None = Field(default=None, description="The KIPUS of the deciding team")


class NeedRead(BaseModel):
    """A need as recorded."""

    area_code: int
    description: str


class InterviewRead(BaseModel):
    """The needs interview of an application."""

    id: UUID
    held_on: date
    goals: str
    risks: str | None
    needs: list[NeedRead]
    version: int
    created_by: UUID
    created_at: datetime


class DecisionRead(BaseModel):
    """A recorded decision: what, who and when."""

    id: UUID
    outcome: str
    support_form: str | None
    reason: str | None
    decided_by: UUID
    decided_by_roles: str
    kipus_id: UUID | None
    decided_at: datetime


class RequestedServiceRead(BaseModel):
    """One service asked for, where its qualification stands, and its decisions (oldest first)."""

    id: UUID
    service_id: UUID
    service_name: str
    status: str
    support_form: str | None
    waiting_since: datetime | None
    decisions: list[DecisionRead]


class ApplicationRead(BaseModel):
    """An application with its services, decisions and interview."""

    id: UUID
    number: str
    resident_id: UUID
    applicant_id: UUID | None
    channel: str
    registered_on: date
    declaration_signed: bool
    plan_due_on: date
    overdue: bool = Field(
        description="Past the day the plan was due with a service undecided, or granted "
        "without its IPUS or referral"
    )
    closed_at: datetime | None
    created_at: datetime
    services: list[RequestedServiceRead]
    interview: InterviewRead | None


class QueuedService(BaseModel):
    """A service of a queued application still waiting for a decision."""

    requested_service_id: UUID
    service_id: UUID
    service_name: str
    status: str
    waiting_since: datetime | None


class QueueEntry(BaseModel):
    """A row of the OUS desk: an application (or, on the waiting list, one service of it)."""

    application_id: UUID
    number: str
    resident_id: UUID
    given_name: str
    family_name: str
    registered_on: date
    plan_due_on: date
    overdue: bool
    has_interview: bool
    services: list[QueuedService]


class ApplicationQueue(BaseModel):
    """Applications to qualify (plan due first) and the waiting list (longest waiting first)."""

    pending: list[QueueEntry]
    waiting: list[QueueEntry]
