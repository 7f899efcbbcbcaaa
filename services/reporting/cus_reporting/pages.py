"""The reporting service's pages: the regional dashboard (ROPS, the Forum, directors) with
charts, tables with hidden figures marked and exports, and the job's status for operators."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from litestar import Request, Response, Router, get
from litestar.params import PathParameter, QueryParameter
from litestar.response import Template

from cus_reporting.access import MAX_QUARTERS, read_report
from cus_reporting.audiences import audiences_of
from cus_reporting.indicators.definitions import INDICATORS
from cus_reporting.publication import exports
from cus_reporting.publication.cells import table_text
from cus_reporting.publication.charts import budget_share_charts, comparison_chart, trend_chart
from cus_reporting.routes import READERS, database
from cus_reporting.status import latest_runs
from cus_shared.exports import (
    CSV_MEDIA_TYPE,
    PDF_MEDIA_TYPE,
    XLSX_MEDIA_TYPE,
    content_disposition,
)
from cus_shared.i18n.language import LANGUAGES, current_language, use_language
from cus_shared.i18n.language import gettext as _
from cus_shared.identity.guards import principal_of, require_roles
from cus_shared.identity.roles import Role
from cus_shared.web.navigation import NavLink
from cus_shared.web.pages import render

if TYPE_CHECKING:
    from cus_shared.identity.principal import Principal
    from cus_shared.web.navigation import PageContext

AudienceKey = Annotated[str, PathParameter(max_length=20)]
IndicatorId = Annotated[str, PathParameter(max_length=40)]
QuarterLabel = Annotated[str | None, QueryParameter(max_length=10)]
QuarterCount = Annotated[int, QueryParameter(ge=1, le=MAX_QUARTERS)]
_FORMATS = {
    "csv": (exports.to_csv, CSV_MEDIA_TYPE),
    "xlsx": (exports.to_xlsx, XLSX_MEDIA_TYPE),
    "pdf": (exports.to_pdf, PDF_MEDIA_TYPE),
}


@get(
    "/reports",
    guards=[require_roles(*READERS, Role.OPERATOR)],
    name="reports",
)
async def regional_reports(request: Request[Any, Any, Any]) -> Template:
    """The views the person may open, and every indicator to open them with."""
    principal = principal_of(request)
    language = current_language()
    return render(
        request,
        "reporting/reports.html",
        title=_("Regional reports"),
        audiences=audiences_of(principal),
        indicators=[(i.id, i.name(language), i.description(language)) for i in INDICATORS],
        operator=principal.has_role(Role.OPERATOR),
    )


@get(
    "/reports/{audience:str}/{indicator:str}",
    guards=[require_roles(*READERS)],
    name="report",
)
async def report_page(
    request: Request[Any, Any, Any],
    audience: AudienceKey,
    indicator: IndicatorId,
    quarter: QuarterLabel = None,
    quarters: QuarterCount = 8,
) -> Template:
    """One indicator for one view: charts, comparison, trend and breakdowns, exports."""
    report = await read_report(
        database(request).sessions,
        principal_of(request),
        audience,
        indicator,
        quarter=quarter,
        quarters=quarters,
        language=current_language(),
    )
    language = current_language()
    return render(
        request,
        "reporting/report.html",
        title=f"{report.indicator.name(language)} · {report.audience_label}",
        report=report,
        audience_key=audience,
        comparison=table_text(report.comparison),
        trend=table_text(report.trend),
        breakdowns=[table_text(t) for t in report.breakdowns.values()],
        trend_chart=trend_chart(report),
        comparison_chart=comparison_chart(report),
        share_charts=budget_share_charts(report),
        indicators=[(i.id, i.name(language)) for i in INDICATORS],
        languages=LANGUAGES,
        quarters=quarters,
    )


@get(
    "/reports/{audience:str}/{indicator:str}/export/{kind:str}",
    guards=[require_roles(*READERS)],
    name="report-export",
)
async def report_export(
    request: Request[Any, Any, Any],
    audience: AudienceKey,
    indicator: IndicatorId,
    kind: Annotated[str, PathParameter(max_length=4)],
    quarter: QuarterLabel = None,
    quarters: QuarterCount = 8,
    lang: Annotated[str | None, QueryParameter(max_length=2)] = None,
) -> Response[bytes]:
    """The report as CSV, XLSX or PDF in Polish, English or Ukrainian: the same published
    figures as the page (disclosure control applied before the file is written)."""
    from cus_shared.errors import NotFoundError

    if kind not in _FORMATS:
        raise NotFoundError("not_found")
    language = lang if lang in LANGUAGES else current_language()
    with use_language(language):
        report = await read_report(
            database(request).sessions,
            principal_of(request),
            audience,
            indicator,
            quarter=quarter,
            quarters=quarters,
            language=language,
        )
        write, media_type = _FORMATS[kind]
        content = write(report)
        name = exports.export_filename(report, kind)
    return Response(
        content=content,
        media_type=media_type,
        headers={"Content-Disposition": content_disposition(name)},
    )


@get("/reports/runs", guards=[require_roles(Role.OPERATOR)], name="report-runs")
async def runs_page(request: Request[Any, Any, Any]) -> Template:
    """The snapshot job's runs, newest first, with failures named per gmina."""
    runs = await latest_runs(database(request).sessions, limit=20)
    return render(request, "reporting/runs.html", title=_("Indicator snapshots"), runs=runs)


def build_pages() -> Router:
    """All pages of the reporting service."""
    return Router(
        path="/", route_handlers=[regional_reports, runs_page, report_page, report_export]
    )


def navigation(context: PageContext) -> list[NavLink]:
    """Regional reports for those who read figures; the job's status for operators."""
    links = []
    if context.principal.has_role(*READERS) and audiences_of(context.principal):
        links.append(NavLink("Regional reports", "/reports"))
    if context.principal.has_role(Role.OPERATOR):
        links.append(NavLink("Indicator snapshots", "/reports/runs"))
    return links


def start_page(principal: Principal) -> str | None:
    """ROPS supervisors and Forum members start at their reports."""
    if principal.has_role(Role.ROPS_SUPERVISOR, Role.FORUM_MEMBER):
        return "/reports"
    return None
