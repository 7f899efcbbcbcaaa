"""HTTP API of budgets: a programme's budgets, a budget with its figures and the funding
rules' warnings, its services and lines, and its exports (CSV and XLSX)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, Response, get, patch, post, put
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from cus_shared.identity.guards import principal_of
from cus_tenants.budgets import exports, service
from cus_tenants.budgets.schemas import (
    BudgetCreate,
    BudgetLinesIn,
    BudgetRead,
    BudgetServicesIn,
    BudgetSummary,
    BudgetUpdate,
)
from cus_tenants.budgets.views import budget_read, budget_summary
from cus_tenants.dependencies import provide_shared_session


async def _report(
    session: AsyncSession, request: Request[Any, Any, Any], budget_id: UUID
) -> service.BudgetReport:
    budget, programme, can_change = await service.budget_access(
        session, principal_of(request), budget_id, change=False
    )
    return await service.report_of(session, budget, programme, can_change=can_change)


def export_response(report: service.BudgetReport, kind: str) -> Response[bytes]:
    """The budget as a CSV or XLSX download (shared with the pages)."""
    if kind == "csv":
        content, media_type = exports.to_csv(report), exports.CSV_MEDIA_TYPE
    else:
        content, media_type = exports.to_xlsx(report), exports.XLSX_MEDIA_TYPE
    name = exports.filename(report.budget.title, kind)
    return Response(
        content=content,
        media_type=media_type,
        headers={"Content-Disposition": exports.content_disposition(name)},
    )


class ProgrammeBudgetController(Controller):
    """The budgets of a programme of social services."""

    path = "/programmes/{programme_id:uuid}/budgets"
    tags = ["budgets"]
    dependencies = {"session": Provide(provide_shared_session)}

    @get("/")
    async def list_budgets(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        programme_id: FromPath[UUID],
    ) -> list[BudgetSummary]:
        """The programme's budgets by title, with their planned totals."""
        programme, _ = await service.programme_access(
            session, principal_of(request), programme_id, change=False
        )
        return [budget_summary(b) for b in await service.list_budgets(session, programme)]

    @post("/", status_code=201)
    async def create(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        programme_id: FromPath[UUID],
        data: JSONBody[BudgetCreate],
    ) -> BudgetRead:
        """A new budget by year or by stage, with its periods (the director or OUS of the
        programme's gmina)."""
        programme, can_change = await service.programme_access(
            session, principal_of(request), programme_id, change=True
        )
        budget = await service.create_budget(session, programme, data)
        report = await service.report_of(session, budget, programme, can_change=can_change)
        return budget_read(report)


class BudgetController(Controller):
    """One budget."""

    path = "/budgets/{budget_id:uuid}"
    tags = ["budgets"]
    dependencies = {"session": Provide(provide_shared_session)}

    @get("/")
    async def show(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        budget_id: FromPath[UUID],
    ) -> BudgetRead:
        """The budget with its figures (totals per period, service and source, shares,
        contracted to the social sector) and the funding rules' warnings."""
        return budget_read(await _report(session, request, budget_id))

    @patch("/")
    async def update(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        budget_id: FromPath[UUID],
        data: JSONBody[BudgetUpdate],
    ) -> BudgetRead:
        """Change the title, the kind, the periods or the project's value and direct costs."""
        budget, programme, can_change = await service.budget_access(
            session, principal_of(request), budget_id, change=True
        )
        budget = await service.update_budget(session, budget, programme, data)
        return budget_read(
            await service.report_of(session, budget, programme, can_change=can_change)
        )

    @put("/services")
    async def put_services(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        budget_id: FromPath[UUID],
        data: JSONBody[BudgetServicesIn],
    ) -> BudgetRead:
        """Set the budget's services (from the catalogue of the programme's agreement) and
        the value of each contracted to the social sector."""
        budget, programme, can_change = await service.budget_access(
            session, principal_of(request), budget_id, change=True
        )
        budget = await service.replace_services(session, budget, programme, data)
        return budget_read(
            await service.report_of(session, budget, programme, can_change=can_change)
        )

    @put("/lines")
    async def put_lines(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        budget_id: FromPath[UUID],
        data: JSONBody[BudgetLinesIn],
    ) -> BudgetRead:
        """Replace every line (service, period, funding source, planned and executed) at
        once; nothing changes when any line is wrong."""
        budget, programme, can_change = await service.budget_access(
            session, principal_of(request), budget_id, change=True
        )
        budget = await service.replace_lines(session, budget, data)
        return budget_read(
            await service.report_of(session, budget, programme, can_change=can_change)
        )

    @get("/export.csv", media_type=exports.CSV_MEDIA_TYPE)
    async def export_csv(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        budget_id: FromPath[UUID],
    ) -> Response[bytes]:
        """The budget as CSV for Polish Excel (UTF-8 with BOM, ';', decimal comma)."""
        return export_response(await _report(session, request, budget_id), "csv")

    @get("/export.xlsx", media_type=exports.XLSX_MEDIA_TYPE)
    async def export_xlsx(
        self,
        request: Request[Any, Any, Any],
        session: NamedDependency[AsyncSession],
        budget_id: FromPath[UUID],
    ) -> Response[bytes]:
        """The budget as an Excel workbook (a sheet per funding source)."""
        return export_response(await _report(session, request, budget_id), "xlsx")


#: Controllers and handlers mounted under /api/tenants.
ROUTES: list[Any] = [ProgrammeBudgetController, BudgetController]
