"""One gmina's figures for a quarter, computed inside the tenant under the gmina's own role.

The snapshot job opens a transaction per gmina, enters the gmina's role and schema
(``cus_shared.tenancy.enter_role``) and calls :func:`gmina_figures`, which reads the tenant's
tables by their unqualified names (one SQL text for every gmina, so asyncpg's statement cache
holds one plan for thousands of tenants) and the two ``shared`` views the tenant role may read
(the gmina's offer of services and contracts). Only aggregates leave: counts, sums and the
histograms of medians; never a resident's identifier, birth date or name.

Everything is one statement: each family of facts (deliveries, plans, applications and
decisions, the waiting list, referrals, complaints, community work) is a CTE grouped by
``GROUPING SETS`` (the total and one set per published breakdown), unpivoted into rows of
``(indicator, breakdown, member, category, value, days)``. A second statement writes the one
audit entry. Python only turns the rows into :class:`Figure` objects and the histograms into
medians.

Members of breakdowns:

- ``age_band``: :class:`AgeBand` on the quarter's last day (birth-date cut-offs computed
  here from :func:`age_band`, so SQL bands agree with it to the day, 29 February included);
- ``sex``: ``F``, ``M``, or ``unknown`` when not recorded;
- ``catalogue_area``: the area number "1".."14" and ``service``: the service's code, both of
  the newest version of the service in the gmina's programmes (``unknown`` when the service
  is not in the gmina's offer any more, ``none`` for a complaint about no particular service);
- ``delivery_mode``: the mode of the referral's contract and ``partner_category``: its
  partner's category, ``none`` when the CUS delivers itself (no partner), ``unknown`` when the
  contract no longer covers the gmina.

Every counted case falls in exactly one member of each breakdown (residual members included),
so a breakdown of a case count adds up to its total; counts of distinct persons or households
may add up to more, because one person may have several services.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING
from uuid import UUID

from sqlalchemy import text

from cus_reporting.indicators.definitions import (
    REGISTRY,
    AgeBand,
    Breakdown,
    Kind,
    age_band,
    age_on,
)
from cus_reporting.snapshots.figures import Figure
from cus_shared import clock

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from sqlalchemy.ext.asyncio import AsyncConnection

    from cus_reporting.indicators.quarters import Quarter

#: Computed from the agreements' budgets in ``shared`` (``budget_figures``), not in a tenant.
BUDGET_INDICATORS = frozenset(
    {"budget_planned", "budget_executed", "share_social_sector", "share_on_services"}
)
#: Every indicator this module computes, in the registry's order.
TENANT_INDICATORS: tuple[str, ...] = tuple(i for i in REGISTRY if i not in BUDGET_INDICATORS)

#: The audit log needs an actor: the nil UUID stands for the platform itself (a job).
SYSTEM_ACTOR = UUID(int=0)
AUDIT_ACTION = "aggregate"
AUDIT_ENTITY = "reporting"
AUDIT_ROLES = "system"

B = Breakdown


# --- age bands ---------------------------------------------------------------------------


def _band_floors() -> tuple[tuple[int, AgeBand], ...]:
    """Each band's lowest completed age, oldest first, read off :func:`age_band` itself."""
    born = date(2000, 1, 1)
    floors: dict[AgeBand, int] = {}
    for years in range(0, 130):
        floors.setdefault(age_band(born, date(2000 + years, 1, 1)), years)
    return tuple(sorted(((y, b) for b, y in floors.items()), reverse=True))


_FLOORS = _band_floors()


def born_by(years: int, day: date) -> date:
    """The latest birth date of a person at least ``years`` old on ``day`` (as
    :func:`age_on` counts, 29 February included)."""
    try:
        candidate = day.replace(year=day.year - years)
    except ValueError:  # 29 February in a common year
        candidate = date(day.year - years, 2, 28)
    candidate = min(candidate + timedelta(days=2), day)
    while age_on(candidate, day) < years:
        candidate -= timedelta(days=1)
    return candidate


def _age_band_sql(column: str) -> str:
    """A CASE over birth-date cut-offs (``:born_<years>``) giving the band's value."""
    whens = " ".join(
        f"WHEN {column} <= :born_{years} THEN '{band.value}'" for years, band in _FLOORS if years
    )
    youngest = next(band for years, band in _FLOORS if years == 0)
    return f"CASE {whens} ELSE '{youngest.value}' END"


def _age_params(day: date) -> dict[str, date]:
    return {f"born_{years}": born_by(years, day) for years, _ in _FLOORS if years}


# --- the statement -----------------------------------------------------------------------


def _warsaw_day(column: str) -> str:
    """A timestamp's Polish calendar day (a decision at 00:30 on 1 April is in Q2)."""
    return f"CAST(timezone('Europe/Warsaw', {column}) AS date)"


def _grouped(
    source: str,
    *,
    dimensions: Sequence[Breakdown],
    values: Mapping[str, str],
    category: str | None = None,
    days: str | None = None,
    where: str = "",
) -> str:
    """Aggregate a CTE by the total and one grouping set per breakdown, then unpivot the
    aggregates (one per indicator) into the statement's uniform rows."""
    fixed = [c for c in (category, days) if c]
    sets = [fixed, *([*fixed, d.value] for d in dimensions)]
    grouping_sets = ", ".join(f"({', '.join(s)})" for s in sets)
    if dimensions:
        whens = " ".join(f"WHEN grouping({d.value}) = 0 THEN '{d.value}'" for d in dimensions)
        breakdown = f"CASE {whens} ELSE '' END"
        member = f"coalesce({', '.join(d.value for d in dimensions)}, '')"
    else:
        breakdown = member = "''"
    aggregates = ", ".join(
        f"CAST({sql} AS numeric) AS v{i}" for i, sql in enumerate(values.values())
    )
    unpivot = ", ".join(f"('{indicator}', g.v{i})" for i, indicator in enumerate(values))
    day_column = f"CAST({days} AS integer)" if days else "NULL::integer"
    return f"""
    SELECT v.indicator, g.breakdown, g.member, g.category, v.value, g.days
    FROM (
        SELECT {breakdown} AS breakdown, {member} AS member,
               {category or "''"} AS category, {day_column} AS days,
               {aggregates}
        FROM {source} {f"WHERE {where}" if where else ""}
        GROUP BY GROUPING SETS ({grouping_sets})
    ) g CROSS JOIN LATERAL (VALUES {unpivot}) v(indicator, value)"""


_RESIDENT = f"{_age_band_sql('r.birth_date')} AS age_band, coalesce(r.sex, 'unknown') AS sex"
_SERVICE = "coalesce(s.area, 'unknown') AS catalogue_area, coalesce(s.code, 'unknown') AS service"
_CONTRACT = (
    "coalesce(c.mode, 'unknown') AS delivery_mode, "
    "CASE WHEN c.contract_id IS NULL THEN 'unknown' WHEN c.partner_id IS NULL THEN 'none' "
    "ELSE c.partner_category END AS partner_category"
)
_WHO = (B.AGE_BAND, B.SEX)
_WHAT = (B.CATALOGUE_AREA, B.SERVICE)
_HOW = (B.DELIVERY_MODE, B.PARTNER_CATEGORY)

_FACTS = f"""
WITH offered_service AS (
    SELECT DISTINCT ON (service_id) service_id, code, CAST(area_code AS text) AS area
    FROM shared.gmina_service_offer ORDER BY service_id, version DESC
), offered_contract AS (
    SELECT DISTINCT ON (contract_id) contract_id, mode, partner_id, partner_category
    FROM shared.gmina_contract_offer ORDER BY contract_id
), offered_partner AS (
    SELECT DISTINCT ON (partner_id) partner_id, partner_category
    FROM offered_contract WHERE partner_id IS NOT NULL ORDER BY partner_id
), served AS (
    SELECT f.resident_id, coalesce(r.household_id, r.id) AS household_key,
           d.hours, d.sessions, (d.hours > 0 OR d.sessions > 0) AS delivered,
           {_RESIDENT}, {_SERVICE}, {_CONTRACT}
    FROM delivery d
    JOIN referral f ON f.id = d.referral_id
    JOIN resident r ON r.id = f.resident_id
    LEFT JOIN offered_service s ON s.service_id = f.service_id
    LEFT JOIN offered_contract c ON c.contract_id = f.contract_id
    WHERE d.month BETWEEN :first AND :last
), plan_fact AS (
    SELECT {_RESIDENT},
           {_warsaw_day("p.approved_at")} >= :first AS is_new,
           (p.starts_on <= :last AND p.ends_on >= :first
            AND (p.closed_at IS NULL OR {_warsaw_day("p.closed_at")} >= :first)) AS is_active
    FROM individual_plan p JOIN resident r ON r.id = p.resident_id
    WHERE p.approved_at IS NOT NULL AND {_warsaw_day("p.approved_at")} <= :last
), application_fact AS (
    SELECT {_RESIDENT}
    FROM application a JOIN resident r ON r.id = a.resident_id
    WHERE a.registered_on BETWEEN :first AND :last
), decision_fact AS (
    SELECT q.outcome, {_warsaw_day("q.decided_at")} - a.registered_on AS days,
           {_RESIDENT}, {_SERVICE}
    FROM qualification_decision q
    JOIN requested_service rs ON rs.id = q.requested_service_id
    JOIN application a ON a.id = rs.application_id
    JOIN resident r ON r.id = rs.resident_id
    LEFT JOIN offered_service s ON s.service_id = rs.service_id
    WHERE {_warsaw_day("q.decided_at")} BETWEEN :first AND :last
), last_decision AS (
    SELECT DISTINCT ON (q.requested_service_id) q.requested_service_id, q.outcome,
           {_warsaw_day("q.decided_at")} AS since
    FROM qualification_decision q
    WHERE {_warsaw_day("q.decided_at")} <= :last
    ORDER BY q.requested_service_id, q.decided_at DESC
), waiting_fact AS (
    SELECT rs.resident_id, greatest(CAST(:as_of AS date) - l.since, 0) AS days,
           {_RESIDENT}, {_SERVICE}
    FROM last_decision l
    JOIN requested_service rs ON rs.id = l.requested_service_id
    JOIN resident r ON r.id = rs.resident_id
    LEFT JOIN offered_service s ON s.service_id = rs.service_id
    WHERE l.outcome = 'waiting' AND rs.status <> 'withdrawn'
), referral_status AS (
    SELECT DISTINCT ON (e.referral_id) e.referral_id, e.status
    FROM referral_event e
    WHERE {_warsaw_day("e.occurred_at")} <= :last
    ORDER BY e.referral_id, e.occurred_at DESC
), referral_fact AS (
    SELECT t.status, {_SERVICE}, {_CONTRACT}
    FROM referral_status t
    JOIN referral f ON f.id = t.referral_id
    LEFT JOIN offered_service s ON s.service_id = f.service_id
    LEFT JOIN offered_contract c ON c.contract_id = f.contract_id
), complaint_fact AS (
    SELECT CASE WHEN k.status = 'closed' AND k.resident_informed_on > k.due_on THEN 'late'
                WHEN k.status = 'closed' THEN 'on_time'
                WHEN k.due_on < :today THEN 'open_overdue' END AS timeliness,
           CASE WHEN k.service_id IS NULL THEN 'none' ELSE coalesce(s.area, 'unknown') END
               AS catalogue_area,
           CASE WHEN k.service_id IS NULL THEN 'none' ELSE coalesce(s.code, 'unknown') END
               AS service,
           CASE WHEN k.partner_id IS NULL THEN 'none'
                ELSE coalesce(p.partner_category, 'unknown') END AS partner_category
    FROM complaint k
    LEFT JOIN offered_service s ON s.service_id = k.service_id
    LEFT JOIN offered_partner p ON p.partner_id = k.partner_id
    WHERE k.due_on BETWEEN :first AND :last
), support_fact AS (
    SELECT n.resident_id, {_RESIDENT}
    FROM neighbour_support n JOIN resident r ON r.id = n.resident_id
    WHERE n.started_on <= :last AND (n.ended_on IS NULL OR n.ended_on >= :first)
), group_fact AS (
    SELECT members FROM self_help_group
    WHERE started_on <= :last AND (ended_on IS NULL OR ended_on >= :first)
)
"""

_PARTS = (
    _grouped(
        "served",
        dimensions=(*_WHO, *_WHAT, *_HOW),
        values={
            "residents_served": "count(DISTINCT resident_id) FILTER (WHERE delivered)",
            "households_served": "count(DISTINCT household_key) FILTER (WHERE delivered)",
            "delivered_hours": "coalesce(sum(hours), 0)",
            "delivered_sessions": "coalesce(sum(sessions), 0)",
        },
    ),
    _grouped(
        "plan_fact",
        dimensions=_WHO,
        values={
            "ipus_new": "count(*) FILTER (WHERE is_new)",
            "ipus_active": "count(*) FILTER (WHERE is_active)",
        },
    ),
    _grouped("application_fact", dimensions=_WHO, values={"applications": "count(*)"}),
    _grouped(
        "decision_fact",
        dimensions=(*_WHO, *_WHAT),
        category="outcome",
        values={"decisions_by_outcome": "count(*)"},
    ),
    _grouped(
        "decision_fact", dimensions=_WHAT, days="days", values={"days_to_decision": "count(*)"}
    ),
    _grouped(
        "waiting_fact",
        dimensions=(*_WHO, *_WHAT),
        values={"waiting_list": "count(DISTINCT resident_id)"},
    ),
    _grouped("waiting_fact", dimensions=_WHAT, days="days", values={"waiting_days": "count(*)"}),
    _grouped(
        "referral_fact",
        dimensions=(*_WHAT, *_HOW),
        category="status",
        values={"referrals_by_status": "count(*)"},
    ),
    _grouped(
        "complaint_fact",
        dimensions=(*_WHAT, B.PARTNER_CATEGORY),
        category="timeliness",
        values={"complaints": "count(*)"},
        where="timeliness IS NOT NULL",
    ),
    _grouped(
        "support_fact", dimensions=_WHO, values={"neighbour_support": "count(DISTINCT resident_id)"}
    ),
    _grouped(
        "group_fact",
        dimensions=(),
        values={
            "self_help_groups": "count(*)",
            "self_help_group_members": "coalesce(sum(members), 0)",
        },
    ),
    """
    SELECT v.indicator, '', '', '', CAST(v.value AS numeric), NULL::integer
    FROM (VALUES
        ('ipus_reviews_done', (
            SELECT count(*) FROM plan_review w JOIN individual_plan p ON p.id = w.plan_id
            WHERE w.due_on BETWEEN :first AND :last AND w.done_on <= w.due_on
              AND p.approved_at IS NOT NULL)),
        ('volunteers_active', (
            SELECT count(*) FROM volunteer
            WHERE active_since <= :last AND (active_until IS NULL OR active_until >= :first))),
        ('community_events', (
            SELECT count(*) FROM community_event WHERE held_on BETWEEN :first AND :last)),
        ('event_participants', (
            SELECT coalesce(sum(participants), 0) FROM community_event
            WHERE held_on BETWEEN :first AND :last))
    ) v(indicator, value)""",
)

#: The one read of a gmina's figures: the same text for every gmina and quarter.
FIGURES_SQL = text(_FACTS + "\nUNION ALL\n".join(_PARTS))

_AUDIT_SQL = text(
    "INSERT INTO audit_log (actor_id, actor_roles, action, entity, entity_id, request_id, "
    "details) VALUES (:actor_id, :roles, :action, :entity, NULL, :request_id, "
    "CAST(:details AS jsonb))"
)


# --- the function ------------------------------------------------------------------------


async def gmina_figures(
    conn: AsyncConnection,
    quarter: Quarter,
    *,
    actor_id: UUID | None = None,
    request_id: str | None = None,
) -> list[Figure]:
    """Every tenant-computed indicator of the quarter for the gmina whose role and schema
    the open transaction is in, and one audit entry saying the records were aggregated.

    ``actor_id`` is the person who started the job (None: the platform's schedule, recorded
    as the nil UUID); ``request_id`` ties the entry to the job run.
    """
    today = clock.today()
    params: dict[str, object] = {
        "first": quarter.first_day,
        "last": quarter.last_day,
        # Stock figures "at the end of the quarter" of a quarter still running: as of today.
        "as_of": min(quarter.last_day, today),
        "today": today,
        **_age_params(quarter.last_day),
    }
    rows = (await conn.execute(FIGURES_SQL, params)).tuples().all()
    figures = figures_from_rows(rows)
    await conn.execute(
        _AUDIT_SQL,
        {
            "actor_id": actor_id or SYSTEM_ACTOR,
            "roles": AUDIT_ROLES,
            "action": AUDIT_ACTION,
            "entity": AUDIT_ENTITY,
            "request_id": (request_id or f"reporting:{quarter.label}")[:64],
            # What was done and how much came out: no record ids, no personal data.
            "details": json.dumps(
                {"purpose": "indicator_snapshot", "quarter": quarter.label, "figures": len(figures)}
            ),
        },
    )
    return figures


def figures_from_rows(
    rows: Iterable[tuple[str, str, str, str, Decimal, int | None]],
) -> list[Figure]:
    """Turn the statement's rows into figures: zero counts and sums left out, breakdowns an
    indicator does not allow dropped, histograms of medians folded into their medians."""
    figures: list[Figure] = []
    histograms: dict[tuple[str, str, str], dict[int, int]] = defaultdict(dict)
    for indicator_id, breakdown, member, category, value, days in rows:
        indicator = REGISTRY[indicator_id]
        if breakdown and Breakdown(breakdown) not in indicator.breakdowns:
            continue
        if indicator.kind is Kind.MEDIAN:
            if days is not None and value:
                histograms[(indicator_id, breakdown, member)][int(days)] = int(value)
            continue
        if value:
            figures.append(
                Figure(
                    indicator=indicator_id,
                    value=Decimal(value),
                    breakdown=breakdown,
                    member=member,
                    category=category,
                )
            )
    for (indicator_id, breakdown, member), histogram in histograms.items():
        figures.append(
            Figure(
                indicator=indicator_id,
                value=median_of(histogram),
                breakdown=breakdown,
                member=member,
                histogram=dict(sorted(histogram.items())),
            )
        )
    order = {indicator_id: index for index, indicator_id in enumerate(REGISTRY)}
    figures.sort(key=lambda f: (order[f.indicator], f.breakdown, f.member, f.category))
    return figures


def median_of(histogram: Mapping[int, int]) -> Decimal:
    """The median of days given as {days: cases}: the middle case, or the mean of the two
    middle ones (so x.5 is possible)."""
    total = sum(histogram.values())
    if total <= 0:
        raise ValueError("a median needs at least one case")
    middle = [(total - 1) // 2, total // 2]
    found: list[int] = []
    seen = 0
    for days, cases in sorted(histogram.items()):
        while middle and middle[0] < seen + cases:
            found.append(days)
            middle.pop(0)
        seen += cases
    return (Decimal(found[0]) + Decimal(found[1])) / 2
