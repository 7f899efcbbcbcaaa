"""Partners' quarterly reports (sprawozdania kwartalne) in one gmina: the partner generates
the figures from its recorded deliveries, adds a narrative and the problems met, and submits
the report; the CUS accepts it or returns it with a reason, after which the partner may edit
and resubmit. A report not submitted by its due day is overdue; a contract with no report
for the last ended quarter past its due day is listed as missing. Every read and write is
audited (entity ``partner_report``) in the same transaction.

Other contexts call :func:`reports_overdue`, :func:`reports_to_review` (the CUS's desk) and
:func:`partner_reports_due` (the partner's inbox)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from cus_core.audit.service import AuditAction, record_access
from cus_core.offer import service as offer
from cus_core.offer.views import contract_offer
from cus_core.partner_reports import figures as report_figures
from cus_core.partner_reports.models import REPORT_STATUSES, PartnerReport
from cus_core.partner_reports.quarters import (
    due_on,
    previous,
    quarter_end,
    quarter_of,
    quarter_start,
)
from cus_core.partner_reports.schemas import (
    FiguresRead,
    MissingReport,
    MonthFigures,
    ReportCreate,
    ReportEdit,
    ReportList,
    ReportRead,
    ReportSummary,
    ServiceFigures,
    TotalFigures,
)
from cus_shared import clock
from cus_shared.errors import ConflictError, InputError, NotFoundError

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from uuid import UUID

    from cus_core.offer.service import CoveringContract
    from cus_shared.tenancy import TenantSession

ENTITY = "partner_report"
#: Statuses in which the partner may still change the report.
EDITABLE = ("draft", "returned")
#: Statuses in which the report is with the partner (overdue once past its due day).
OPEN = EDITABLE


def check_status(status: str | None) -> None:
    """Refuse an unknown status filter."""
    if status is not None and status not in REPORT_STATUSES:
        raise InputError("field.choice", field="status")


def is_overdue(report: PartnerReport, today: date) -> bool:
    """Not yet submitted (or returned and not resubmitted) after its due day."""
    return report.status in OPEN and today > report.due_on


# --- loading and shaping ----------------------------------------------------------------------


async def _load(db: TenantSession, report_id: UUID, *, lock: bool = False) -> PartnerReport:
    """A report of this gmina; partner staff reach only their organisations' (else 404)."""
    query = select(PartnerReport).where(PartnerReport.id == report_id)
    if db.tenant.is_partner:
        query = query.where(PartnerReport.partner_id.in_(db.tenant.partner_ids))
    if lock:
        query = query.with_for_update()
    report: PartnerReport | None = await db.session.scalar(query)
    if report is None:
        raise NotFoundError("not_found")
    return report


async def _contracts(
    db: TenantSession, partner_ids: Iterable[UUID]
) -> dict[UUID, CoveringContract]:
    found = await offer.contracts_of_partners(db, set(partner_ids))
    return {c.contract_id: c for c in found}


def _summary(
    report: PartnerReport, contracts: dict[UUID, CoveringContract], today: date
) -> ReportSummary:
    contract = contracts.get(report.contract_id)
    return ReportSummary(
        id=report.id,
        partner_id=report.partner_id,
        partner_name=contract.partner_name if contract else None,
        contract_id=report.contract_id,
        contract_number=contract.number if contract else None,
        year=report.year,
        quarter=report.quarter,
        due_on=report.due_on,
        status=report.status,
        overdue=is_overdue(report, today),
        submitted_at=report.submitted_at,
    )


async def _figures(db: TenantSession, stored: dict[str, Any]) -> FiguresRead:
    names = await offer.service_names(db, [uuid.UUID(s["service_id"]) for s in stored["services"]])

    def months(rows: list[dict[str, Any]]) -> list[MonthFigures]:
        return [
            MonthFigures(month=m["month"], sessions=m["sessions"], hours=Decimal(m["hours"]))
            for m in rows
        ]

    totals = stored["totals"]
    return FiguresRead(
        generated_at=datetime.fromisoformat(stored["generated_at"]),
        services=[
            ServiceFigures(
                service_id=uuid.UUID(s["service_id"]),
                service_name=names.get(uuid.UUID(s["service_id"]), ""),
                referrals_active=s["referrals_active"],
                residents_served=s["residents_served"],
                sessions=s["sessions"],
                hours=Decimal(s["hours"]),
                months=months(s["months"]),
                by_status=s["by_status"],
            )
            for s in sorted(
                stored["services"],
                key=lambda s: names.get(uuid.UUID(s["service_id"]), "").casefold(),
            )
        ],
        totals=TotalFigures(
            referrals_active=totals["referrals_active"],
            residents_served=totals["residents_served"],
            sessions=totals["sessions"],
            hours=Decimal(totals["hours"]),
            months=months(totals["months"]),
        ),
    )


async def _to_read(db: TenantSession, report: PartnerReport) -> ReportRead:
    contracts = await _contracts(db, [report.partner_id])
    summary = _summary(report, contracts, clock.today())
    return ReportRead(
        **summary.model_dump(),
        period_start=quarter_start(report.year, report.quarter),
        period_end=quarter_end(report.year, report.quarter),
        figures=await _figures(db, report.figures),
        narrative=report.narrative,
        problems=report.problems,
        submitted_by=report.submitted_by,
        decided_at=report.decided_at,
        decided_by=report.decided_by,
        return_reason=report.return_reason,
        version=report.version,
    )


async def _summaries(db: TenantSession, reports: Sequence[PartnerReport]) -> list[ReportSummary]:
    if not reports:
        return []
    await record_access(db, AuditAction.LIST, ENTITY, [r.id for r in reports])
    contracts = await _contracts(db, {r.partner_id for r in reports})
    today = clock.today()
    return [_summary(r, contracts, today) for r in reports]


_ORDER = (PartnerReport.year.desc(), PartnerReport.quarter.desc(), PartnerReport.created_at)


# --- the partner's side -----------------------------------------------------------------------


async def generate(db: TenantSession, data: ReportCreate) -> tuple[ReportRead, bool]:
    """Prepare (or refresh) the report on a contract of the caller's organisation for a
    quarter that has ended or is under way; refused with nothing written for another
    contract, a future quarter, a quarter outside the contract, or a report already submitted
    or accepted. Returns the report and whether it was created."""
    contract = await offer.contract(db, data.contract_id)
    if contract is None or contract.partner_id not in db.tenant.partner_ids:
        raise InputError("partner_report.contract_unknown", field="contract_id")
    start, end = quarter_start(data.year, data.quarter), quarter_end(data.year, data.quarter)
    if (data.year, data.quarter) > quarter_of(clock.today()):
        raise InputError("partner_report.future_quarter", field="quarter")
    if contract.starts_on > end or contract.ends_on < start:
        raise InputError("partner_report.outside_contract", field="quarter")
    partner_id = contract.partner_id
    assert partner_id is not None  # checked above: it is one of the caller's organisations
    report: PartnerReport | None = await db.session.scalar(
        select(PartnerReport)
        .where(
            PartnerReport.partner_id == partner_id,
            PartnerReport.contract_id == contract.contract_id,
            PartnerReport.year == data.year,
            PartnerReport.quarter == data.quarter,
        )
        .with_for_update()
    )
    if report is not None and report.status not in EDITABLE:
        raise ConflictError("partner_report.already_submitted")
    figures = await report_figures.generate(
        db,
        contract_id=contract.contract_id,
        partner_id=partner_id,
        year=data.year,
        quarter=data.quarter,
    )
    created = report is None
    if report is None:
        report = PartnerReport(
            partner_id=partner_id,
            contract_id=contract.contract_id,
            year=data.year,
            quarter=data.quarter,
            due_on=due_on(data.year, data.quarter),
            figures=figures,
            status="draft",
            created_by=db.tenant.principal.user_id,
        )
        db.session.add(report)
        await db.session.flush()
        await record_access(db, AuditAction.CREATE, ENTITY, [report.id])
    else:
        report.figures = figures
        await db.session.flush()
        await record_access(db, AuditAction.UPDATE, ENTITY, [report.id], {"fields": ["figures"]})
    return await _to_read(db, report), created


async def partner_reports(db: TenantSession) -> list[ReportSummary]:
    """The reports of the caller's organisations in this gmina, newest quarter first."""
    rows = await db.session.scalars(
        select(PartnerReport)
        .where(PartnerReport.partner_id.in_(db.tenant.partner_ids))
        .order_by(*_ORDER)
    )
    return await _summaries(db, list(rows))


async def edit(db: TenantSession, report_id: UUID, data: ReportEdit) -> ReportRead:
    """Change the narrative and problems of a draft or returned report (409 otherwise, or
    when someone changed it since it was read)."""
    report = await _load(db, report_id, lock=True)
    if report.status not in EDITABLE:
        raise ConflictError("partner_report.already_submitted")
    if report.version != data.version:
        raise ConflictError("partner_report.stale", field="version")
    changed = sorted(k for k in data.model_fields_set - {"version"})
    for key in changed:
        setattr(report, key, getattr(data, key) or None)
    try:
        await db.session.flush()
    except StaleDataError:
        raise ConflictError("partner_report.stale", field="version") from None
    await record_access(db, AuditAction.UPDATE, ENTITY, [report.id], {"fields": changed})
    return await _to_read(db, report)


async def submit(db: TenantSession, report_id: UUID) -> ReportRead:
    """Hand a draft or returned report to the CUS; it needs a narrative."""
    report = await _load(db, report_id, lock=True)
    if report.status not in EDITABLE:
        raise ConflictError("partner_report.already_submitted")
    if not (report.narrative and report.narrative.strip()):
        raise InputError("partner_report.narrative_required", field="narrative")
    report.status = "submitted"
    report.submitted_at = clock.now()
    report.submitted_by = db.tenant.principal.user_id
    await db.session.flush()
    await record_access(
        db, AuditAction.UPDATE, ENTITY, [report.id], {"fields": ["status", "submitted_at"]}
    )
    return await _to_read(db, report)


# --- both sides -------------------------------------------------------------------------------


async def read_report(db: TenantSession, report_id: UUID) -> ReportRead:
    """One report (partner staff: only their organisations')."""
    report = await _load(db, report_id)
    await record_access(db, AuditAction.READ, ENTITY, [report.id])
    return await _to_read(db, report)


# --- the CUS's side ---------------------------------------------------------------------------


async def _missing(
    db: TenantSession, *, partner_ids: Iterable[UUID] | None, only_past_due: bool
) -> list[MissingReport]:
    """Partner contracts covering the gmina in the last ended quarter with no report for it
    (for the CUS only once the report is past due; partners see them at once)."""
    today = clock.today()
    year, quarter = previous(*quarter_of(today))
    due = due_on(year, quarter)
    if only_past_due and today <= due:
        return []
    start, end = quarter_start(year, quarter), quarter_end(year, quarter)
    query = (
        select(
            contract_offer.c.contract_id,
            contract_offer.c.number,
            contract_offer.c.partner_id,
            contract_offer.c.partner_name,
        )
        .where(
            contract_offer.c.partner_id.is_not(None),
            contract_offer.c.starts_on <= end,
            contract_offer.c.ends_on >= start,
        )
        .distinct()
    )
    if partner_ids is not None:
        query = query.where(contract_offer.c.partner_id.in_(list(partner_ids)))
    contracts = list(await db.session.execute(query))
    reported = set(
        (
            await db.session.execute(
                select(PartnerReport.partner_id, PartnerReport.contract_id).where(
                    PartnerReport.year == year, PartnerReport.quarter == quarter
                )
            )
        ).tuples()
    )
    return sorted(
        (
            MissingReport(
                partner_id=c.partner_id,
                partner_name=c.partner_name,
                contract_id=c.contract_id,
                contract_number=c.number,
                year=year,
                quarter=quarter,
                due_on=due,
                overdue=today > due,
            )
            for c in contracts
            if (c.partner_id, c.contract_id) not in reported
        ),
        key=lambda m: (m.partner_name or "", m.contract_number),
    )


async def cus_reports(db: TenantSession, *, status: str | None = None) -> ReportList:
    """The partners' reports of this gmina (newest quarter first), and the missing ones."""
    check_status(status)
    query = select(PartnerReport).order_by(*_ORDER)
    if status:
        query = query.where(PartnerReport.status == status)
    items = await _summaries(db, list(await db.session.scalars(query)))
    return ReportList(items=items, missing=await _missing(db, partner_ids=None, only_past_due=True))


async def accept(db: TenantSession, report_id: UUID) -> ReportRead:
    """Accept a submitted report (409 in any other status)."""
    report = await _load(db, report_id, lock=True)
    if report.status != "submitted":
        raise ConflictError("partner_report.not_submitted")
    report.status = "accepted"
    report.decided_at = clock.now()
    report.decided_by = db.tenant.principal.user_id
    await db.session.flush()
    await record_access(
        db, AuditAction.UPDATE, ENTITY, [report.id], {"fields": ["status", "decided_at"]}
    )
    return await _to_read(db, report)


async def return_report(db: TenantSession, report_id: UUID, reason: str) -> ReportRead:
    """Return a submitted report to the partner, saying why (the partner may then edit it
    and submit it again)."""
    report = await _load(db, report_id, lock=True)
    if report.status != "submitted":
        raise ConflictError("partner_report.not_submitted")
    if not reason.strip():
        raise InputError("partner_report.reason_required", field="reason")
    report.status = "returned"
    report.return_reason = reason.strip()
    report.decided_at = clock.now()
    report.decided_by = db.tenant.principal.user_id
    await db.session.flush()
    await record_access(
        db,
        AuditAction.UPDATE,
        ENTITY,
        [report.id],
        {"fields": ["status", "return_reason", "decided_at"]},
    )
    return await _to_read(db, report)


# --- for other contexts -----------------------------------------------------------------------


async def reports_overdue(db: TenantSession) -> list[ReportSummary | MissingReport]:
    """For the CUS's desk: reports past their due day and not submitted (or returned and not
    resubmitted), then the reports missing for the last ended quarter past due."""
    today = clock.today()
    rows = await db.session.scalars(
        select(PartnerReport)
        .where(PartnerReport.status.in_(OPEN), PartnerReport.due_on < today)
        .order_by(PartnerReport.due_on, PartnerReport.created_at)
    )
    overdue: list[ReportSummary | MissingReport] = list(await _summaries(db, list(rows)))
    overdue.extend(await _missing(db, partner_ids=None, only_past_due=True))
    return overdue


async def reports_to_review(db: TenantSession) -> list[ReportSummary]:
    """For the CUS's desk: submitted reports waiting for acceptance or return, oldest first."""
    rows = await db.session.scalars(
        select(PartnerReport)
        .where(PartnerReport.status == "submitted")
        .order_by(PartnerReport.submitted_at)
    )
    return await _summaries(db, list(rows))


async def partner_reports_due(db: TenantSession) -> list[ReportSummary | MissingReport]:
    """For the partner's inbox (a partner session of one gmina): the caller's organisations'
    drafts and returned reports, then their contracts with no report yet for the last ended
    quarter (shown at once, before the report falls due)."""
    rows = await db.session.scalars(
        select(PartnerReport)
        .where(
            PartnerReport.partner_id.in_(db.tenant.partner_ids),
            PartnerReport.status.in_(OPEN),
        )
        .order_by(PartnerReport.due_on, PartnerReport.created_at)
    )
    due: list[ReportSummary | MissingReport] = list(await _summaries(db, list(rows)))
    due.extend(await _missing(db, partner_ids=db.tenant.partner_ids, only_past_due=False))
    return due
