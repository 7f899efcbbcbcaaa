"""API shapes of delivery problems the partner reports to the CUS."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, StringConstraints

ProblemText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)
]
#: absence (nobody at home), health (it got worse), safety (a concern), refusal (the person
#: refuses the service), other.
Category = Literal["absence", "health", "safety", "refusal", "other"]
CATEGORIES: tuple[str, ...] = ("absence", "health", "safety", "refusal", "other")


class ProblemIn(BaseModel):
    """A problem in delivery, as the partner reports it."""

    model_config = ConfigDict(extra="forbid")

    category: Category
    urgent: bool = False
    description: ProblemText


class AcknowledgeIn(BaseModel):
    """What the CUS did about a reported problem."""

    model_config = ConfigDict(extra="forbid")

    response: ProblemText


class ProblemRead(BaseModel):
    """A reported problem with the referral it concerns (number and service, no person)."""

    id: UUID
    referral_id: UUID
    referral_number: str
    service_name: str
    partner_id: UUID
    partner_name: str | None
    category: str
    urgent: bool
    description: str
    reported_at: datetime
    acknowledged_at: datetime | None
    response: str | None
