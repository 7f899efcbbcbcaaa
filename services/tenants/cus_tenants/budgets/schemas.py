"""API shapes of budgets. Amounts are whole grosze (integers); percentages are decimal
strings with two places ("47.98"), exact, as the seeds print them."""

from __future__ import annotations

from datetime import date
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

PeriodKind = Literal["year", "stage"]
FundingSource = Literal["eu_project", "gmina", "state_budget", "co_payment"]

#: Limits of one budget (a programme of a few years, a catalogue of services).
MAX_PERIODS = 40
MAX_SERVICES = 100
MAX_LINES = 4 * MAX_PERIODS * MAX_SERVICES


class PeriodIn(BaseModel):
    """A year or a stage of the budget."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    label: str = Field(min_length=1, max_length=60)
    starts_on: date
    ends_on: date


class PeriodChange(PeriodIn):
    """A period in a change of the budget: with the id of a stored period to change it (its
    amounts stay), without one to add a period."""

    id: UUID | None = None


class BudgetCreate(BaseModel):
    """A new budget of a programme. Periods in order, without overlaps, within the
    programme's period; a budget by year with no periods gets one per calendar year of the
    programme."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=3, max_length=250)
    period_kind: PeriodKind
    periods: list[PeriodIn] = Field(default_factory=list, max_length=MAX_PERIODS)
    #: For an EU project: its whole value and its direct costs (for the funding rules).
    project_value_grosze: int | None = None
    direct_costs_grosze: int | None = None


class BudgetUpdate(BaseModel):
    """Changes to a budget; what is left out stays. ``periods``, when given, is the whole new
    list in order: stored periods named by id are changed (their amounts stay), periods
    without an id are added, stored periods left out are removed with their amounts.
    ``null`` clears the project's value or direct costs."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str | None = Field(default=None, min_length=3, max_length=250)
    period_kind: PeriodKind | None = None
    periods: list[PeriodChange] | None = Field(default=None, min_length=1, max_length=MAX_PERIODS)
    project_value_grosze: int | None = None
    direct_costs_grosze: int | None = None


class BudgetServiceIn(BaseModel):
    """A catalogue service in the budget, with the value contracted to the social sector."""

    model_config = ConfigDict(extra="forbid")

    service_id: UUID
    contracted_social_grosze: int = 0


class BudgetServicesIn(BaseModel):
    """The budget's services in the order its tables show them (replaces the list)."""

    model_config = ConfigDict(extra="forbid")

    services: list[BudgetServiceIn] = Field(max_length=MAX_SERVICES)


class BudgetLineIn(BaseModel):
    """Planned and executed amounts of a service in a period from one source."""

    model_config = ConfigDict(extra="forbid")

    service_id: UUID
    period_id: UUID
    funding_source: FundingSource
    planned_grosze: int
    executed_grosze: int = 0


class BudgetLinesIn(BaseModel):
    """Every line of the budget (replaces all of them at once)."""

    model_config = ConfigDict(extra="forbid")

    lines: list[BudgetLineIn] = Field(max_length=MAX_LINES)


class PeriodRead(BaseModel):
    """A period of a budget."""

    id: UUID
    ordinal: int
    label: str
    starts_on: date
    ends_on: date


class ServiceRead(BaseModel):
    """A service of a budget: the catalogue's service (by its current name)."""

    service_id: UUID
    code: str
    name: str
    ordinal: int
    contracted_social_grosze: int


class LineRead(BaseModel):
    """A stored line."""

    service_id: UUID
    period_id: UUID
    funding_source: FundingSource
    planned_grosze: int
    executed_grosze: int


class CellRead(BaseModel):
    """A service's amounts in one period."""

    period_id: UUID
    service_id: UUID
    planned_grosze: int
    executed_grosze: int


class PeriodTotal(BaseModel):
    """A period's amounts over all services."""

    period_id: UUID
    planned_grosze: int
    executed_grosze: int


class ServiceTotal(BaseModel):
    """A service's amounts over all periods, its share and what is contracted."""

    service_id: UUID
    planned_grosze: int
    executed_grosze: int
    share_percent: str | None
    contracted_social_grosze: int


class SourceTotal(BaseModel):
    """A funding source's amounts."""

    funding_source: FundingSource
    planned_grosze: int
    executed_grosze: int


class FiguresRead(BaseModel):
    """What the budget adds up to (all sources together, unless by source)."""

    cells: list[CellRead]
    by_period: list[PeriodTotal]
    by_service: list[ServiceTotal]
    by_source: list[SourceTotal]
    total_planned_grosze: int
    total_executed_grosze: int
    share_total_percent: str | None
    contracted_social_grosze: int
    project_services_grosze: int
    services_share_of_project_percent: str | None
    contracted_share_of_direct_costs_percent: str | None


class WarningRead(BaseModel):
    """A funding rule the plan does not meet (yet): a warning, not an error."""

    code: str
    message: str
    amount_grosze: int
    base_grosze: int
    share_percent: str
    required_percent: int
    required_grosze: int
    shortfall_grosze: int


class BudgetSummary(BaseModel):
    """A budget in a programme's list."""

    id: UUID
    programme_id: UUID
    title: str
    period_kind: PeriodKind
    periods: int
    services: int
    total_planned_grosze: int
    warnings: int


class BudgetRead(BaseModel):
    """A budget with its figures and the funding rules' warnings."""

    id: UUID
    programme_id: UUID
    teryt: str
    title: str
    period_kind: PeriodKind
    project_value_grosze: int | None
    direct_costs_grosze: int | None
    periods: list[PeriodRead]
    services: list[ServiceRead]
    lines: list[LineRead]
    figures: FiguresRead
    warnings: list[WarningRead]
    can_change: bool
