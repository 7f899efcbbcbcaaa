"""Pages of partners' quarterly reports: the partner's list and "prepare the report for a
quarter" form, a report's figures with the narrative and problems and the submit button; the
CUS's list (overdue and missing reports said in words) and a report with accept / return.

Every read and write goes through the service, audited there. A refused form or action
writes nothing (its work runs in a savepoint rolled back) and explains why on the page."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from pydantic import ValidationError

from cus_core.offer import service as offer
from cus_core.partner_reports import service
from cus_core.partner_reports.models import REPORT_STATUSES
from cus_core.partner_reports.quarters import quarter_of
from cus_core.partner_reports.routes import PARTNERS, REVIEW_READERS, REVIEWERS, TENANT_OPT
from cus_core.partner_reports.schemas import ReportCreate, ReportEdit, ReturnIn
from cus_core.referrals.pages import status_labels as referral_status_labels
from cus_core.referrals.routes import PARTNER_DEPENDENCIES
from cus_shared import clock
from cus_shared.errors import DomainError, NotFoundError
from cus_shared.i18n.language import gettext as _
from cus_shared.tenancy import TenantSession
from cus_shared.web.forms import FormErrors, error_status, form_errors, parse_form, read_form
from cus_shared.web.pages import act_and_return, notify, render


def report_status_labels() -> dict[str, str]:
    """Statuses of a report, in the request's language."""
    return {
        "draft": _("Draft"),
        "submitted": _("Submitted"),
        "accepted": _("Accepted"),
        "returned": _("Returned for correction"),
    }


def _partner_path(db: TenantSession) -> str:
    return f"/partner/gminy/{db.tenant.teryt}/reports"


def _cus_path(db: TenantSession) -> str:
    return f"/gminy/{db.tenant.teryt}/partner-reports"


class PartnerReportPages(Controller):
    """A partner's quarterly reports to one gmina, as pages."""

    path = "/"
    opt = TENANT_OPT

    async def _list(
        self,
        request: Request[Any, Any, Any],
        db: TenantSession,
        *,
        values: dict[str, str],
        errors: FormErrors | None = None,
        status_code: int = 200,
    ) -> Template:
        contracts = await offer.contracts_of_partners(db, db.tenant.partner_ids)
        return render(
            request,
            "core/partner_reports/partner_list.html",
            title=_("Quarterly reports"),
            errors=errors,
            status_code=status_code,
            values=values,
            reports=await service.partner_reports(db),
            contracts=[(str(c.contract_id), c.number) for c in contracts],
            quarters=[(str(q), str(q)) for q in range(1, 5)],
            statuses=report_status_labels(),
            path=_partner_path(db),
        )

    @get("/", guards=[PARTNERS])
    async def list_page(
        self, request: Request[Any, Any, Any], db: NamedDependency[TenantSession]
    ) -> Template:
        """The organisation's reports and the form to prepare one (last ended quarter)."""
        year, quarter = quarter_of(clock.today())
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
        return await self._list(request, db, values={"year": str(year), "quarter": str(quarter)})

    @post("/", guards=[PARTNERS])
    async def generate(
        self, request: Request[Any, Any, Any], db: NamedDependency[TenantSession]
    ) -> Response[Any]:
        """Prepare (or refresh) a report; mistakes are shown on the form, nothing written."""
        form = await read_form(request)
        try:
            data = parse_form(ReportCreate, form)
            async with db.session.begin_nested():
                report, _created = await service.generate(db, data)
        except (ValidationError, DomainError) as exc:
            if isinstance(exc, NotFoundError):
                raise
            return await self._list(
                request, db, values=form, errors=form_errors(exc), status_code=error_status(exc)
            )
        notify(request, _("The figures were generated from the recorded deliveries."))
        return Redirect(path=f"{_partner_path(db)}/{report.id}", status_code=303)

    @get("/{report_id:uuid}", guards=[PARTNERS])
    async def detail(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[TenantSession],
        report_id: FromPath[UUID],
    ) -> Template:
        """The report's figures, its narrative and problems, and the submit button."""
        report = await service.read_report(db, report_id)
        return render(
            request,
            "core/partner_reports/partner_detail.html",
            title=_(
                "Report for quarter %(quarter)s of %(year)s",
                quarter=report.quarter,
                year=report.year,
            ),
            report=report,
            editable=report.status in service.EDITABLE,
            statuses=report_status_labels(),
            referral_statuses=referral_status_labels(),
            list_path=_partner_path(db),
            path=f"{_partner_path(db)}/{report.id}",
        )

    @post("/{report_id:uuid}", guards=[PARTNERS])
    async def edit(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[TenantSession],
        report_id: FromPath[UUID],
    ) -> Response[Any]:
        """Save the narrative and problems."""
        form = await read_form(request)

        async def action() -> None:
            await service.edit(db, report_id, parse_form(ReportEdit, form))

        return await act_and_return(request, db.session, f"{_partner_path(db)}/{report_id}", action)

    @post("/{report_id:uuid}/submit", guards=[PARTNERS])
    async def submit(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[TenantSession],
        report_id: FromPath[UUID],
    ) -> Response[Any]:
        """Hand the report to the CUS."""

        async def action() -> None:
            await service.submit(db, report_id)

        return await act_and_return(request, db.session, f"{_partner_path(db)}/{report_id}", action)


class ReportReviewPages(Controller):
    """Partners' reports as the CUS of one gmina reviews them, as pages."""

    path = "/gminy/{teryt:str}/partner-reports"
    opt = TENANT_OPT

    @get("/", guards=[REVIEW_READERS])
    async def list_page(
        self, request: Request[Any, Any, Any], db: NamedDependency[TenantSession]
    ) -> Template:
        """Reports by status (no personal data in the URL), and the missing ones."""
        status = request.query_params.get("status") or None
        if status not in (None, *REPORT_STATUSES):
            status = None
        found = await service.cus_reports(db, status=status)
        return render(
            request,
            "core/partner_reports/list.html",
            title=_("Partners' quarterly reports"),
            teryt=db.tenant.teryt,
            reports=found.items,
            missing=found.missing,
            status=status or "",
            statuses=report_status_labels(),
            path=_cus_path(db),
        )

    @get("/{report_id:uuid}", guards=[REVIEW_READERS])
    async def detail(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[TenantSession],
        report_id: FromPath[UUID],
    ) -> Template:
        """The report's figures and words, with accept / return for a submitted one."""
        report = await service.read_report(db, report_id)
        return render(
            request,
            "core/partner_reports/detail.html",
            title=_(
                "Report for quarter %(quarter)s of %(year)s",
                quarter=report.quarter,
                year=report.year,
            ),
            teryt=db.tenant.teryt,
            report=report,
            statuses=report_status_labels(),
            referral_statuses=referral_status_labels(),
            list_path=_cus_path(db),
            path=f"{_cus_path(db)}/{report.id}",
        )

    @post("/{report_id:uuid}/accept", guards=[REVIEWERS])
    async def accept(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[TenantSession],
        report_id: FromPath[UUID],
    ) -> Response[Any]:
        """Accept a submitted report."""

        async def action() -> None:
            await service.accept(db, report_id)

        return await act_and_return(request, db.session, f"{_cus_path(db)}/{report_id}", action)

    @post("/{report_id:uuid}/return", guards=[REVIEWERS])
    async def return_report(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[TenantSession],
        report_id: FromPath[UUID],
    ) -> Response[Any]:
        """Return a submitted report with the reason."""
        form = await read_form(request)

        async def action() -> None:
            await service.return_report(db, report_id, parse_form(ReturnIn, form).reason)

        return await act_and_return(request, db.session, f"{_cus_path(db)}/{report_id}", action)


partner_pages = Router(
    path="/partner/gminy/{teryt:str}/reports",
    route_handlers=[PartnerReportPages],
    dependencies=PARTNER_DEPENDENCIES,
    opt=TENANT_OPT,
    guards=[PARTNERS],
)

#: Page controllers of this context, mounted by cus_core.pages.
PAGES: list[Any] = [ReportReviewPages, partner_pages]
