"""Each agreement's budget figures for a quarter, read from ``shared`` under the tenants
service's role (``cus_svc_tenants``): budgets hold no personal data and belong to programmes of
the gminy, so they are aggregated per agreement, not inside a tenant.

The definitions are those of the budget context (``cus_tenants.budgets.figures``), restated in
SQL because services do not import each other:

- **planned / executed** (``budget_planned``, ``budget_executed``): the lines' amounts, in
  grosze, by funding source (the category), in total and by service (its code) and catalogue
  area (of the service's newest version). Budgets are planned by year or by stage, not by
  quarter: a period's amount is spread over its days and the quarter takes the days it shares
  with the period. Rounding is cumulative (what is allocated up to a day, rounded half up, less
  what was allocated up to the day before the quarter), so the quarters of a period add up to
  its amount to the grosz and a stage that is exactly a quarter keeps its amount.
- **the 30 % rule** (``share_social_sector``): value contracted to the social sector (the sum of
  the budget's services' ``contracted_social_grosze``) over the project's direct costs, for
  budgets with direct costs;
- **the 80 % rule** (``share_on_services``): services planned from the EU project source
  (``eu_project``, all periods) over the project's value, for budgets with a project value.

A budget counts for an agreement in a quarter when its programme's gmina is a member of the
agreement on some day of the quarter and one of its periods meets the quarter. Ratios are
published as numerator (``value``) and ``denominator``, summed over those budgets, so that a
region's share is the share of its sums.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING
from uuid import UUID

from sqlalchemy import text

from cus_reporting.snapshots.figures import Figure

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection

    from cus_reporting.indicators.quarters import Quarter


def _allocated(amount: str, days: str) -> str:
    """Of ``amount`` spread over the period's days, what falls on its first ``days`` days,
    rounded half up to the grosz (numeric: no overflow for any amount)."""
    length = "(bp.ends_on - bp.starts_on + 1)"
    return f"div(2 * CAST({amount} AS numeric) * ({days}) + {length}, 2 * {length})"


_UNTIL_QUARTER_END = "(least(CAST(:last AS date), bp.ends_on) - bp.starts_on + 1)"
_BEFORE_QUARTER = "greatest(CAST(:first AS date) - bp.starts_on, 0)"


def _in_quarter(amount: str) -> str:
    return f"{_allocated(amount, _UNTIL_QUARTER_END)} - {_allocated(amount, _BEFORE_QUARTER)}"


BUDGET_SQL = text(
    f"""
WITH member AS (
    SELECT DISTINCT agreement_id, teryt FROM shared.agreement_member
    WHERE joined_on <= :last AND (left_on IS NULL OR left_on >= :first)
), budget_in AS (
    SELECT m.agreement_id, b.id AS budget_id, b.project_value_grosze, b.direct_costs_grosze
    FROM shared.budget b
    JOIN shared.programme p ON p.id = b.programme_id
    JOIN member m ON m.teryt = p.teryt
    WHERE EXISTS (
        SELECT 1 FROM shared.budget_period bp
        WHERE bp.budget_id = b.id AND bp.starts_on <= :last AND bp.ends_on >= :first)
), service_info AS (
    SELECT DISTINCT ON (v.service_id) v.service_id, cs.code,
           CAST(v.area_code AS text) AS area
    FROM shared.service_version v JOIN shared.catalogue_service cs ON cs.id = v.service_id
    ORDER BY v.service_id, v.version DESC
), line_in AS (
    SELECT bi.agreement_id, l.funding_source, si.code AS service, si.area AS catalogue_area,
           {_in_quarter("l.planned_grosze")} AS planned,
           {_in_quarter("l.executed_grosze")} AS executed
    FROM budget_in bi
    JOIN shared.budget_service bs ON bs.budget_id = bi.budget_id
    JOIN shared.budget_line l ON l.budget_service_id = bs.id
    JOIN shared.budget_period bp ON bp.id = l.period_id
    JOIN service_info si ON si.service_id = bs.service_id
    WHERE bp.starts_on <= :last AND bp.ends_on >= :first
), amounts AS (
    SELECT agreement_id, funding_source,
           CASE WHEN grouping(service) = 0 THEN 'service'
                WHEN grouping(catalogue_area) = 0 THEN 'catalogue_area' ELSE '' END
               AS breakdown,
           coalesce(service, catalogue_area, '') AS member,
           sum(planned) AS planned, sum(executed) AS executed
    FROM line_in
    GROUP BY GROUPING SETS ((agreement_id, funding_source),
                            (agreement_id, funding_source, service),
                            (agreement_id, funding_source, catalogue_area))
), budget_rule AS (
    SELECT bi.agreement_id, bi.direct_costs_grosze, bi.project_value_grosze,
           (SELECT coalesce(sum(bs.contracted_social_grosze), 0) FROM shared.budget_service bs
            WHERE bs.budget_id = bi.budget_id) AS contracted,
           (SELECT coalesce(sum(l.planned_grosze), 0)
            FROM shared.budget_service bs JOIN shared.budget_line l ON l.budget_service_id = bs.id
            WHERE bs.budget_id = bi.budget_id AND l.funding_source = 'eu_project')
               AS project_services
    FROM budget_in bi
)
SELECT a.agreement_id, v.indicator, a.breakdown, a.member, a.funding_source AS category,
       v.value, CAST(NULL AS numeric) AS denominator
FROM amounts a
CROSS JOIN LATERAL (VALUES ('budget_planned', a.planned), ('budget_executed', a.executed))
    v(indicator, value)
UNION ALL
SELECT agreement_id, 'share_social_sector', '', '', '', sum(contracted), sum(direct_costs_grosze)
FROM budget_rule WHERE direct_costs_grosze > 0 GROUP BY agreement_id
UNION ALL
SELECT agreement_id, 'share_on_services', '', '', '', sum(project_services),
       sum(project_value_grosze)
FROM budget_rule WHERE project_value_grosze > 0 GROUP BY agreement_id
"""
)


async def agreement_budget_figures(
    conn: AsyncConnection, quarter: Quarter
) -> dict[UUID, list[Figure]]:
    """The four budget indicators of the quarter for every agreement with a budget in it
    (the open transaction runs as the tenants service, search_path ``shared``)."""
    rows = await conn.execute(BUDGET_SQL, {"first": quarter.first_day, "last": quarter.last_day})
    figures: dict[UUID, list[Figure]] = defaultdict(list)
    for agreement_id, indicator, breakdown, member, category, value, denominator in rows:
        if denominator is None and not value:
            continue  # absent = 0
        figures[agreement_id].append(
            Figure(
                indicator=indicator,
                value=Decimal(value),
                breakdown=breakdown,
                member=member,
                category=category,
                denominator=None if denominator is None else Decimal(denominator),
            )
        )
    for found in figures.values():
        found.sort(key=lambda f: (f.indicator, f.breakdown, f.member, f.category))
    return dict(figures)
