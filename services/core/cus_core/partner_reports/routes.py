"""HTTP API of partners' quarterly reports, under /api/core (see cus_core.routes): the
partner's side of one gmina (/api/core/partner/gminy/{teryt}/reports, with the partner
tenancy dependencies of referrals) and the CUS's side (/api/core/gminy/{teryt}/partner-reports)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

from litestar import Controller, Response, Router, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from cus_core.partner_reports import service
from cus_core.partner_reports.schemas import (
    ReportCreate,
    ReportEdit,
    ReportList,
    ReportRead,
    ReportSummary,
    ReturnIn,
)
from cus_core.referrals.routes import PARTNER_DEPENDENCIES
from cus_shared.identity.guards import require_roles, require_tenant_roles
from cus_shared.identity.roles import Role
from cus_shared.tenancy import TenantSession

if TYPE_CHECKING:
    from litestar.types import ControllerRouterHandler

PARTNERS = require_roles(Role.PARTNER_STAFF)
#: Who reads partners' reports in the CUS: the director, OUS and KIPUS.
REVIEW_READERS = require_tenant_roles(Role.DIRECTOR, Role.OUS, Role.KIPUS)
#: Who accepts or returns them: the director and OUS (who runs the contracts).
REVIEWERS = require_tenant_roles(Role.DIRECTOR, Role.OUS)
TENANT_OPT = {"tenant_scoped": True, "audited": True}

#: A report status (not personal data, so it may travel in the URL).
StatusFilter = Annotated[str | None, QueryParameter(max_length=10)]


class PartnerReportController(Controller):
    """The reports a partner prepares for one gmina."""

    path = "/"
    tags = ["partner reports", "partners"]
    opt = TENANT_OPT

    @get("/", guards=[PARTNERS])
    async def list_reports(self, db: NamedDependency[TenantSession]) -> list[ReportSummary]:
        """The caller's organisations' reports in this gmina, newest quarter first."""
        return await service.partner_reports(db)

    @post("/", guards=[PARTNERS])
    async def generate(
        self, db: NamedDependency[TenantSession], data: JSONBody[ReportCreate]
    ) -> Response[Any]:
        """Prepare the report on a contract for a quarter (201), or refresh the figures of a
        draft or returned one (200)."""
        report, created = await service.generate(db, data)
        return Response(report, status_code=201 if created else 200)

    @get("/{report_id:uuid}", guards=[PARTNERS])
    async def show(
        self, db: NamedDependency[TenantSession], report_id: FromPath[UUID]
    ) -> ReportRead:
        """One report of the caller's organisations."""
        return await service.read_report(db, report_id)

    @patch("/{report_id:uuid}", guards=[PARTNERS])
    async def edit(
        self,
        db: NamedDependency[TenantSession],
        report_id: FromPath[UUID],
        data: JSONBody[ReportEdit],
    ) -> ReportRead:
        """Change the narrative and problems of a draft or returned report."""
        return await service.edit(db, report_id, data)

    @post("/{report_id:uuid}/submit", guards=[PARTNERS], status_code=200)
    async def submit(
        self, db: NamedDependency[TenantSession], report_id: FromPath[UUID]
    ) -> ReportRead:
        """Hand the report to the CUS (it needs a narrative)."""
        return await service.submit(db, report_id)


class ReportReviewController(Controller):
    """Partners' reports as the CUS of the gmina reviews them."""

    path = "/gminy/{teryt:str}/partner-reports"
    tags = ["partner reports"]
    opt = TENANT_OPT

    @get("/", guards=[REVIEW_READERS])
    async def list_reports(
        self, db: NamedDependency[TenantSession], status: StatusFilter = None
    ) -> ReportList:
        """Reports (optionally of one status) and those missing for the last quarter."""
        return await service.cus_reports(db, status=status)

    @get("/{report_id:uuid}", guards=[REVIEW_READERS])
    async def show(
        self, db: NamedDependency[TenantSession], report_id: FromPath[UUID]
    ) -> ReportRead:
        """One report."""
        return await service.read_report(db, report_id)

    @post("/{report_id:uuid}/accept", guards=[REVIEWERS], status_code=200)
    async def accept(
        self, db: NamedDependency[TenantSession], report_id: FromPath[UUID]
    ) -> ReportRead:
        """Accept a submitted report."""
        return await service.accept(db, report_id)

    @post("/{report_id:uuid}/return", guards=[REVIEWERS], status_code=200)
    async def return_report(
        self,
        db: NamedDependency[TenantSession],
        report_id: FromPath[UUID],
        data: JSONBody[ReturnIn],
    ) -> ReportRead:
        """Return a submitted report to the partner, saying why."""
        return await service.return_report(db, report_id, data.reason)


partner_router = Router(
    path="/partner/gminy/{teryt:str}/reports",
    route_handlers=[PartnerReportController],
    dependencies=PARTNER_DEPENDENCIES,
    opt=TENANT_OPT,
    guards=[PARTNERS],
)

#: Controllers and routers of this context, mounted by cus_core.routes.
ROUTES: list[ControllerRouterHandler] = [ReportReviewController, partner_router]
