"""API shapes of individual plans (IPUS). Field rules here; the plan's rules (3 to 12 months,
services of the programme, covering contracts) in the service."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Schedule = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class PlanStatus(StrEnum):
    """Where a plan stands: drafted, approved (in force), closed."""

    DRAFT = "draft"
    APPROVED = "approved"
    CLOSED = "closed"


class ReviewKind(StrEnum):
    """A review every 3 months, a summary every 6, the closing summary at the end."""

    REVIEW = "review"
    SUMMARY = "summary"
    CLOSING = "closing"


class ReviewOutcome(StrEnum):
    """What a review decided: carry on, change the plan, or end it."""

    CONTINUE = "continue"
    CHANGE = "change"
    END = "end"


class DueStatus(StrEnum):
    """How urgent an undone review is."""

    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    LATER = "later"


class GoalIn(BaseModel):
    """A goal of the plan and how its achievement will be seen."""

    model_config = ConfigDict(extra="forbid")

    description: Text
    measure: Text | None = None


class ServiceIn(BaseModel):
    """A service of the plan: under which contract (None: the CUS itself), how often."""

    model_config = ConfigDict(extra="forbid")

    service_id: UUID
    contract_id: UUID | None = None
    schedule: Schedule
    volume_per_month: Decimal | None = Field(default=None, gt=0, max_digits=8, decimal_places=2)
    starts_on: date
    ends_on: date


class PlanContent(BaseModel):
    """Goals and services: what a version of a plan holds."""

    model_config = ConfigDict(extra="forbid")

    goals: list[GoalIn] = Field(min_length=1, max_length=20)
    services: list[ServiceIn] = Field(min_length=1, max_length=20)


class PlanCreate(PlanContent):
    """A new draft plan; ``coordinator_id`` is needed when an OUS or the director drafts it
    (a KIPUS drafting a plan coordinates it)."""

    resident_id: UUID
    application_id: UUID | None = None
    coordinator_id: UUID | None = None
    starts_on: date
    ends_on: date


class PlanAmend(PlanContent):
    """An amendment: the new goals and services, why, and possibly a new end."""

    reason: Text
    ends_on: date | None = None


class ReviewRecord(BaseModel):
    """The outcome of a review or summary."""

    model_config = ConfigDict(extra="forbid")

    done_on: date
    outcome: ReviewOutcome
    notes: Text | None = None


class PlanClose(BaseModel):
    """The closing summary."""

    model_config = ConfigDict(extra="forbid")

    done_on: date
    summary: Text


class GoalRead(BaseModel):
    """A goal of a version."""

    position: int
    description: str
    measure: str | None


class ServiceRead(BaseModel):
    """A service of a version, with names to show."""

    service_id: UUID
    service_name: str
    contract_id: UUID | None
    partner_id: UUID | None
    #: None when the CUS provides the service itself.
    partner_name: str | None
    schedule: str
    volume_per_month: Decimal | None
    starts_on: date
    ends_on: date


class VersionSummary(BaseModel):
    """A version in the list of versions."""

    number: int
    reason: str | None
    created_at: datetime


class VersionRead(VersionSummary):
    """A version's content."""

    goals: list[GoalRead]
    services: list[ServiceRead]


class ReviewRead(BaseModel):
    """A scheduled or recorded review."""

    id: UUID
    kind: ReviewKind
    due_on: date
    done_on: date | None
    outcome: ReviewOutcome | None
    notes: str | None


class PlanResident(BaseModel):
    """Who the plan is for (what the plan and its printout show)."""

    id: UUID
    given_name: str
    family_name: str
    birth_date: date


class PlanRead(BaseModel):
    """A plan with its current version, reviews and list of versions."""

    id: UUID
    number: str
    resident: PlanResident
    application_id: UUID | None
    coordinator_id: UUID
    status: PlanStatus
    starts_on: date
    ends_on: date
    current_version: int
    version: VersionRead
    versions: list[VersionSummary]
    reviews: list[ReviewRead]
    approved_by: UUID | None
    approved_at: datetime | None
    closed_at: datetime | None
    #: Always false: using an IPUS does not make the person a social-assistance client.
    social_assistance_client: bool


class PlanVersionRead(BaseModel):
    """An old (or current) version of a plan."""

    plan_id: UUID
    number: str
    version: VersionRead


class PlanSummary(BaseModel):
    """A plan in a list."""

    id: UUID
    number: str
    resident_id: UUID
    coordinator_id: UUID
    status: PlanStatus
    starts_on: date
    ends_on: date
    current_version: int


class CaseloadPlan(PlanSummary):
    """A plan in a coordinator's caseload, with whom it is for."""

    resident_name: str


class PlanPage(BaseModel):
    """One page of plans."""

    items: list[PlanSummary]
    total: int
    limit: int
    offset: int


class DueReview(BaseModel):
    """An undone review of an approved plan, with how urgent it is."""

    review_id: UUID
    plan_id: UUID
    plan_number: str
    resident_id: UUID
    resident_name: str
    coordinator_id: UUID
    kind: ReviewKind
    due_on: date
    status: DueStatus


class ApproverRead(BaseModel):
    """An OUS authorised to approve plans."""

    user_id: UUID
    granted_by: UUID
    granted_at: datetime
