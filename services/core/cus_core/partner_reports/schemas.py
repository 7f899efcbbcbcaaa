"""API shapes of partners' quarterly reports (sprawozdania kwartalne). The figures hold
counts, sessions and hours only: no name or id of any resident."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

#: Free text of a report (may be empty while drafting).
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=10_000)]


class ReportCreate(BaseModel):
    """Which report to prepare: a contract of the caller's organisation and a quarter."""

    model_config = ConfigDict(extra="forbid")

    contract_id: UUID
    year: int = Field(ge=2000, le=2100)
    quarter: int = Field(ge=1, le=4)


class ReportEdit(BaseModel):
    """The partner's words added to the figures, with the version they were read at."""

    model_config = ConfigDict(extra="forbid")

    narrative: LongText | None = None
    problems: LongText | None = None
    version: int


class ReturnIn(BaseModel):
    """Why the CUS returns a report to the partner (checked for emptiness by the service, so
    the message names the rule)."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(default="", max_length=2000)


class MonthFigures(BaseModel):
    """Sessions and hours delivered in one month of the quarter."""

    month: str  # YYYY-MM
    sessions: int
    hours: Decimal


class ServiceFigures(BaseModel):
    """One service's figures in the quarter."""

    service_id: UUID
    service_name: str
    referrals_active: int
    residents_served: int
    sessions: int
    hours: Decimal
    months: list[MonthFigures]
    #: Referrals by their status at the quarter's end.
    by_status: dict[str, int]


class TotalFigures(BaseModel):
    """All services together (a resident served in two services counts once)."""

    referrals_active: int
    residents_served: int
    sessions: int
    hours: Decimal
    months: list[MonthFigures]


class FiguresRead(BaseModel):
    """The generated figures, with the services named in the reader's language."""

    generated_at: datetime
    services: list[ServiceFigures]
    totals: TotalFigures


class ReportSummary(BaseModel):
    """A row of a list of reports."""

    id: UUID
    partner_id: UUID
    partner_name: str | None
    contract_id: UUID
    contract_number: str | None
    year: int
    quarter: int
    due_on: date
    status: str
    overdue: bool
    submitted_at: datetime | None


class ReportRead(ReportSummary):
    """One report with its figures and words."""

    period_start: date
    period_end: date
    figures: FiguresRead
    narrative: str | None
    problems: str | None
    submitted_by: UUID | None
    decided_at: datetime | None
    decided_by: UUID | None
    return_reason: str | None
    version: int


class MissingReport(BaseModel):
    """A contract of a partner serving the gmina in a quarter, with no report for it."""

    partner_id: UUID
    partner_name: str | None
    contract_id: UUID
    contract_number: str
    year: int
    quarter: int
    due_on: date
    overdue: bool


class ReportList(BaseModel):
    """The CUS's list: reports (filtered by status) and the reports missing for the last
    ended quarter once it is past due."""

    items: list[ReportSummary]
    missing: list[MissingReport]
