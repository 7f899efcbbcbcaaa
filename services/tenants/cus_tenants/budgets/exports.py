"""A budget exported as Polish Excel expects it: CSV in UTF-8 with a BOM, ';' between fields
and a decimal comma; XLSX with amounts as numbers in złoty, a sheet for all sources and one
per funding source. Headers in the reader's language; files named after the budget. The
file formats themselves (CSV dialect, money cells, sheet names, file names) are
:mod:`cus_shared.exports`."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from openpyxl import Workbook

from cus_shared.exports import (
    BOLD,
    CSV_MEDIA_TYPE,
    HEADING,
    XLSX_MEDIA_TYPE,
    column_widths,
    content_disposition,
    csv_bytes,
    header_row,
    money_cell,
    percent_cell,
    sheet_title,
)
from cus_shared.exports import filename as _filename
from cus_shared.exports import spreadsheet_text as _text
from cus_shared.i18n.amounts import plain_amount, plain_percent
from cus_shared.i18n.language import N_
from cus_shared.i18n.language import gettext as _
from cus_tenants.budgets.figures import Amounts
from cus_tenants.budgets.views import warning_message

if TYPE_CHECKING:
    from collections.abc import Iterator
    from uuid import UUID

    from openpyxl.worksheet.worksheet import Worksheet

    from cus_tenants.budgets.figures import Table
    from cus_tenants.budgets.service import BudgetReport

__all__ = [
    "CSV_MEDIA_TYPE",
    "SOURCE_LABELS",
    "XLSX_MEDIA_TYPE",
    "content_disposition",
    "filename",
    "to_csv",
    "to_xlsx",
]

#: Funding sources as people name them.
SOURCE_LABELS: dict[str, str] = {
    "eu_project": N_("EU project"),
    "gmina": N_("Gmina's own funds"),
    "state_budget": N_("State budget"),
    "co_payment": N_("Residents' co-payment"),
}


def filename(title: str, extension: str) -> str:
    """An ASCII file name after the budget's title ("Budżet CUS – Kramsk" →
    "budzet-cus-kramsk.csv")."""
    return _filename(title, extension, fallback="budget")


def _rows(report: BudgetReport, table: Table[UUID]) -> Iterator[tuple[str, list[int]]]:
    """The rows of a services × periods table (planned amounts): a row per period, then
    the total, each ending with the row's total."""
    figures = report.figures
    for period in report.periods:
        yield (
            period.label,
            [table.cell(period.id, s).planned for s in figures.services]
            + [table.by_period.get(period.id, Amounts()).planned],
        )
    yield (
        _("Total"),
        [table.by_service.get(s, Amounts()).planned for s in figures.services]
        + [table.total.planned],
    )


def _executed_rows(report: BudgetReport, table: Table[UUID]) -> Iterator[tuple[str, list[int]]]:
    figures = report.figures
    for period in report.periods:
        yield (
            period.label,
            [table.cell(period.id, s).executed for s in figures.services]
            + [table.by_period.get(period.id, Amounts()).executed],
        )
    yield (
        _("Total"),
        [table.by_service.get(s, Amounts()).executed for s in figures.services]
        + [table.total.executed],
    )


def _header(report: BudgetReport) -> list[str]:
    return [_("Period"), *(_text(s.name) for s in report.services), _("Total")]


def to_csv(report: BudgetReport) -> bytes:
    """The budget as CSV: planned amounts (periods × services), shares and contracted,
    executed amounts, funding sources. UTF-8 with a BOM and ';', as Polish Excel opens it."""
    figures = report.figures
    rows: list[list[str]] = [_header(report)]
    for label, amounts in _rows(report, figures.table):
        rows.append([_text(label), *(plain_amount(a) for a in amounts)])
    rows.append([])
    rows.append(
        [_("Service"), _("Share of the planned total (%)"), _("Contracted to the social sector")]
    )
    for option in report.services:
        rows.append(
            [
                _text(option.name),
                plain_percent(figures.shares[option.id]),
                plain_amount(figures.contracted[option.id]),
            ]
        )
    rows.append(
        [_("Total"), plain_percent(figures.share_total), plain_amount(figures.contracted_total)]
    )
    rows.append([])
    rows.append([_("Executed amounts"), *([""] * (len(report.services) + 1))])
    rows.append(_header(report))
    for label, amounts in _executed_rows(report, figures.table):
        rows.append([_text(label), *(plain_amount(a) for a in amounts)])
    rows.append([])
    rows.append([_("Funding source"), _("Planned"), _("Executed")])
    for source, table in figures.by_source.items():
        rows.append(
            [
                _(SOURCE_LABELS[source]),
                plain_amount(table.total.planned),
                plain_amount(table.total.executed),
            ]
        )
    if figures.project_value or figures.direct_costs:
        rows.append([])
        if figures.project_value:
            rows.append([_("Project value"), plain_amount(figures.project_value)])
        if figures.direct_costs:
            rows.append([_("Direct costs of the project"), plain_amount(figures.direct_costs)])
    for warning in figures.warnings:
        rows.append([_("Warning"), _text(warning_message(warning))])
    return csv_bytes(rows)


def _table(
    sheet: Worksheet,
    start: int,
    caption: str,
    header: list[str],
    rows: Iterator[tuple[str, list[int]]],
) -> int:
    """A captioned table of amounts from row ``start``; returns the next free row."""
    sheet.cell(row=start, column=1, value=caption).font = BOLD
    header_row(sheet, start + 1, header)
    row = start + 2
    for label, amounts in rows:
        sheet.cell(row=row, column=1, value=_text(label)).font = BOLD
        for column, grosze in enumerate(amounts, start=2):
            money_cell(sheet, row, column, grosze)
        row += 1
    return row + 1


def to_xlsx(report: BudgetReport) -> bytes:
    """The budget as an Excel workbook: a sheet with every source together (planned and
    executed amounts, shares, contracted, the funding rules) and a sheet per source."""
    figures = report.figures
    workbook = Workbook()
    taken: set[str] = set()
    sheet = workbook.active
    sheet.title = sheet_title(_("Budget"), taken)
    sheet.cell(row=1, column=1, value=_text(report.budget.title)).font = HEADING
    sheet.cell(row=2, column=1, value=_text(f"{report.programme.title} ({report.gmina_name})"))
    header = _header(report)
    row = _table(
        sheet, 4, _("Planned amounts, all funding sources"), header, _rows(report, figures.table)
    )
    for column, text in enumerate(
        [_("Service"), _("Share of the planned total"), _("Contracted to the social sector")],
        start=1,
    ):
        sheet.cell(row=row, column=column, value=text).font = BOLD
    row += 1
    for option in report.services:
        sheet.cell(row=row, column=1, value=_text(option.name))
        percent_cell(sheet, row, 2, figures.shares[option.id])
        money_cell(sheet, row, 3, figures.contracted[option.id])
        row += 1
    sheet.cell(row=row, column=1, value=_("Total")).font = BOLD
    percent_cell(sheet, row, 2, figures.share_total)
    money_cell(sheet, row, 3, figures.contracted_total)
    row += 2
    row = _table(
        sheet,
        row,
        _("Executed amounts, all funding sources"),
        header,
        _executed_rows(report, figures.table),
    )
    facts: list[tuple[str, int | None]] = [
        (_("Project value"), figures.project_value),
        (_("Direct costs of the project"), figures.direct_costs),
    ]
    for label, grosze in facts:
        if grosze:
            sheet.cell(row=row, column=1, value=label).font = BOLD
            money_cell(sheet, row, 2, grosze)
            row += 1
    for warning in figures.warnings:
        sheet.cell(row=row, column=1, value=_("Warning")).font = BOLD
        sheet.cell(row=row, column=2, value=_text(warning_message(warning)))
        row += 1
    column_widths(sheet, len(header))
    for source, table in figures.by_source.items():
        extra = workbook.create_sheet(sheet_title(_(SOURCE_LABELS[source]), taken))
        extra.cell(row=1, column=1, value=_text(report.budget.title)).font = HEADING
        extra.cell(row=2, column=1, value=_(SOURCE_LABELS[source]))
        after = _table(extra, 4, _("Planned amounts"), header, _rows(report, table))
        _table(extra, after, _("Executed amounts"), header, _executed_rows(report, table))
        column_widths(extra, len(header))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
