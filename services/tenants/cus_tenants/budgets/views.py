"""A budget as the API answers it, and the funding rules' warnings in the reader's language
(the same texts on the pages)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from cus_shared.i18n.amounts import plain_percent
from cus_shared.i18n.formatting import format_money
from cus_shared.i18n.language import current_language
from cus_shared.messages import translate
from cus_tenants.budgets.figures import FUNDING_SOURCES, RuleWarning
from cus_tenants.budgets.schemas import (
    BudgetRead,
    BudgetSummary,
    CellRead,
    FiguresRead,
    LineRead,
    PeriodRead,
    PeriodTotal,
    ServiceRead,
    ServiceTotal,
    SourceTotal,
    WarningRead,
)

if TYPE_CHECKING:
    from decimal import Decimal

    from cus_tenants.budgets.models import Budget
    from cus_tenants.budgets.service import BudgetReport


def _percent(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def warning_message(warning: RuleWarning) -> str:
    """The warning explained with its figures ("… 75,00% … 1 219 492,00 zł …")."""
    params: dict[str, str | int] = {
        "share": plain_percent(warning.share),
        "amount": format_money(warning.amount, grosze=True),
        "base": format_money(warning.base, grosze=True),
        "required_percent": warning.required_percent,
        "required": format_money(warning.required, grosze=True),
        "shortfall": format_money(warning.shortfall, grosze=True),
    }
    return translate(warning.key, current_language(), params)


def warning_read(warning: RuleWarning) -> WarningRead:
    """A warning with its message and figures."""
    return WarningRead(
        code=warning.key,
        message=warning_message(warning),
        amount_grosze=warning.amount,
        base_grosze=warning.base,
        share_percent=f"{warning.share:.2f}",
        required_percent=warning.required_percent,
        required_grosze=warning.required,
        shortfall_grosze=warning.shortfall,
    )


def budget_read(report: BudgetReport) -> BudgetRead:
    """The API's view of a budget."""
    budget, figures = report.budget, report.figures
    table = figures.table
    return BudgetRead(
        id=budget.id,
        programme_id=budget.programme_id,
        teryt=report.programme.teryt,
        title=budget.title,
        period_kind=cast("Any", budget.period_kind),
        project_value_grosze=budget.project_value_grosze,
        direct_costs_grosze=budget.direct_costs_grosze,
        periods=[
            PeriodRead(
                id=p.id, ordinal=p.ordinal, label=p.label, starts_on=p.starts_on, ends_on=p.ends_on
            )
            for p in report.periods
        ],
        services=[
            ServiceRead(
                service_id=option.id,
                code=option.code,
                name=option.name,
                ordinal=stored.ordinal,
                contracted_social_grosze=stored.contracted_social_grosze,
            )
            for option, stored in zip(report.services, budget.services, strict=True)
        ],
        lines=sorted(
            (
                LineRead(
                    service_id=stored.service_id,
                    period_id=line.period_id,
                    funding_source=cast("Any", line.funding_source),
                    planned_grosze=line.planned_grosze,
                    executed_grosze=line.executed_grosze,
                )
                for stored in budget.services
                for line in stored.lines
            ),
            key=lambda r: (
                str(r.service_id),
                str(r.period_id),
                FUNDING_SOURCES.index(r.funding_source),
            ),
        ),
        figures=FiguresRead(
            cells=[
                CellRead(
                    period_id=period,
                    service_id=service,
                    planned_grosze=table.cell(period, service).planned,
                    executed_grosze=table.cell(period, service).executed,
                )
                for period in figures.periods
                for service in figures.services
            ],
            by_period=[
                PeriodTotal(
                    period_id=period,
                    planned_grosze=table.by_period[period].planned,
                    executed_grosze=table.by_period[period].executed,
                )
                for period in figures.periods
            ],
            by_service=[
                ServiceTotal(
                    service_id=service,
                    planned_grosze=table.by_service[service].planned,
                    executed_grosze=table.by_service[service].executed,
                    share_percent=_percent(figures.shares[service]),
                    contracted_social_grosze=figures.contracted[service],
                )
                for service in figures.services
            ],
            by_source=[
                SourceTotal(
                    funding_source=cast("Any", source),
                    planned_grosze=sub.total.planned,
                    executed_grosze=sub.total.executed,
                )
                for source, sub in figures.by_source.items()
            ],
            total_planned_grosze=table.total.planned,
            total_executed_grosze=table.total.executed,
            share_total_percent=_percent(figures.share_total),
            contracted_social_grosze=figures.contracted_total,
            project_services_grosze=figures.project_services,
            services_share_of_project_percent=_percent(figures.services_share_of_project),
            contracted_share_of_direct_costs_percent=_percent(
                figures.contracted_share_of_direct_costs
            ),
        ),
        warnings=[warning_read(w) for w in figures.warnings],
        can_change=report.can_change,
    )


def budget_summary(budget: Budget) -> BudgetSummary:
    """A budget in a list."""
    from cus_tenants.budgets.service import figures_of

    figures = figures_of(budget)
    return BudgetSummary(
        id=budget.id,
        programme_id=budget.programme_id,
        title=budget.title,
        period_kind=cast("Any", budget.period_kind),
        periods=len(budget.periods),
        services=len(budget.services),
        total_planned_grosze=figures.table.total.planned,
        warnings=len(figures.warnings),
    )
