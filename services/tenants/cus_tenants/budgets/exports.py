"""A budget exported as Polish Excel expects it: CSV in UTF-8 with a BOM, ';' between fields
and a decimal comma; XLSX with amounts as numbers in złoty, a sheet for all sources and one
per funding source. Headers in the reader's language; files named after the budget."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from decimal import Decimal
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from cus_shared.i18n.amounts import as_decimal, plain_amount, plain_percent
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

#: Funding sources as people name them.
SOURCE_LABELS: dict[str, str] = {
    "eu_project": N_("EU project"),
    "gmina": N_("Gmina's own funds"),
    "state_budget": N_("State budget"),
    "co_payment": N_("Residents' co-payment"),
}

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: Excel's format codes are written with "," grouping and "." decimals whatever the locale;
#: Polish Excel shows this one as "1 234,56 zł".
MONEY_FORMAT = '#,##0.00\\ "zł"'
PERCENT_FORMAT = "0.00%"

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def filename(title: str, extension: str) -> str:
    """An ASCII file name after the budget's title ("Budżet CUS – Kramsk" →
    "budzet-cus-kramsk.csv")."""
    text = unicodedata.normalize("NFKD", title.replace("ł", "l").replace("Ł", "L"))
    letters = "".join(c for c in text if not unicodedata.combining(c)).lower()
    # Whatever is not an ASCII letter or digit (spaces, dashes, other scripts) separates.
    slug = re.sub(r"[^a-z0-9]+", "-", letters).strip("-")[:80].strip("-")
    return f"{slug or 'budget'}.{extension}"


def content_disposition(name: str) -> str:
    """The header that makes a browser save the file under its name."""
    return f'attachment; filename="{name}"'


def _text(value: str) -> str:
    """A text cell that a spreadsheet will not run as a formula (CSV injection)."""
    return f"'{value}" if value.startswith(_FORMULA_START) else value


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
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    figures = report.figures
    writer.writerow(_header(report))
    for label, amounts in _rows(report, figures.table):
        writer.writerow([_text(label), *(plain_amount(a) for a in amounts)])
    writer.writerow([])
    writer.writerow(
        [_("Service"), _("Share of the planned total (%)"), _("Contracted to the social sector")]
    )
    for option in report.services:
        writer.writerow(
            [
                _text(option.name),
                plain_percent(figures.shares[option.id]),
                plain_amount(figures.contracted[option.id]),
            ]
        )
    writer.writerow(
        [_("Total"), plain_percent(figures.share_total), plain_amount(figures.contracted_total)]
    )
    writer.writerow([])
    writer.writerow([_("Executed amounts"), *([""] * (len(report.services) + 1))])
    writer.writerow(_header(report))
    for label, amounts in _executed_rows(report, figures.table):
        writer.writerow([_text(label), *(plain_amount(a) for a in amounts)])
    writer.writerow([])
    writer.writerow([_("Funding source"), _("Planned"), _("Executed")])
    for source, table in figures.by_source.items():
        writer.writerow(
            [
                _(SOURCE_LABELS[source]),
                plain_amount(table.total.planned),
                plain_amount(table.total.executed),
            ]
        )
    if figures.project_value or figures.direct_costs:
        writer.writerow([])
        if figures.project_value:
            writer.writerow([_("Project value"), plain_amount(figures.project_value)])
        if figures.direct_costs:
            writer.writerow([_("Direct costs of the project"), plain_amount(figures.direct_costs)])
    for warning in figures.warnings:
        writer.writerow([_("Warning"), _text(warning_message(warning))])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def _sheet_title(text: str, taken: set[str]) -> str:
    title = _SHEET_FORBIDDEN.sub("-", text).strip("'")[:31] or "-"
    candidate, number = title, 2
    while candidate.lower() in taken:
        suffix = f" ({number})"
        candidate, number = title[: 31 - len(suffix)] + suffix, number + 1
    taken.add(candidate.lower())
    return candidate


def _money_cell(sheet: Worksheet, row: int, column: int, grosze: int) -> None:
    cell = sheet.cell(row=row, column=column, value=as_decimal(grosze))
    cell.number_format = MONEY_FORMAT


def _table(
    sheet: Worksheet,
    start: int,
    caption: str,
    header: list[str],
    rows: Iterator[tuple[str, list[int]]],
) -> int:
    """A captioned table of amounts from row ``start``; returns the next free row."""
    bold = Font(bold=True)
    sheet.cell(row=start, column=1, value=caption).font = bold
    for column, text in enumerate(header, start=1):
        cell = sheet.cell(row=start + 1, column=column, value=text)
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    row = start + 2
    for label, amounts in rows:
        sheet.cell(row=row, column=1, value=_text(label)).font = bold
        for column, grosze in enumerate(amounts, start=2):
            _money_cell(sheet, row, column, grosze)
        row += 1
    return row + 1


def to_xlsx(report: BudgetReport) -> bytes:
    """The budget as an Excel workbook: a sheet with every source together (planned and
    executed amounts, shares, contracted, the funding rules) and a sheet per source."""
    figures = report.figures
    workbook = Workbook()
    taken: set[str] = set()
    sheet = workbook.active
    sheet.title = _sheet_title(_("Budget"), taken)
    bold = Font(bold=True)
    sheet.cell(row=1, column=1, value=_text(report.budget.title)).font = Font(bold=True, size=14)
    sheet.cell(row=2, column=1, value=_text(f"{report.programme.title} ({report.gmina_name})"))
    header = _header(report)
    row = _table(
        sheet, 4, _("Planned amounts, all funding sources"), header, _rows(report, figures.table)
    )
    for column, text in enumerate(
        [_("Service"), _("Share of the planned total"), _("Contracted to the social sector")],
        start=1,
    ):
        sheet.cell(row=row, column=column, value=text).font = bold
    row += 1
    for option in report.services:
        sheet.cell(row=row, column=1, value=_text(option.name))
        _percent_cell(sheet, row, 2, figures.shares[option.id])
        _money_cell(sheet, row, 3, figures.contracted[option.id])
        row += 1
    sheet.cell(row=row, column=1, value=_("Total")).font = bold
    _percent_cell(sheet, row, 2, figures.share_total)
    _money_cell(sheet, row, 3, figures.contracted_total)
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
            sheet.cell(row=row, column=1, value=label).font = bold
            _money_cell(sheet, row, 2, grosze)
            row += 1
    for warning in figures.warnings:
        sheet.cell(row=row, column=1, value=_("Warning")).font = bold
        sheet.cell(row=row, column=2, value=_text(warning_message(warning)))
        row += 1
    _widths(sheet, len(header))
    for source, table in figures.by_source.items():
        extra = workbook.create_sheet(_sheet_title(_(SOURCE_LABELS[source]), taken))
        extra.cell(row=1, column=1, value=_text(report.budget.title)).font = Font(
            bold=True, size=14
        )
        extra.cell(row=2, column=1, value=_(SOURCE_LABELS[source]))
        after = _table(extra, 4, _("Planned amounts"), header, _rows(report, table))
        _table(extra, after, _("Executed amounts"), header, _executed_rows(report, table))
        _widths(extra, len(header))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _percent_cell(sheet: Worksheet, row: int, column: int, value: Decimal | None) -> None:
    if value is None:
        return
    cell = sheet.cell(row=row, column=column, value=value / Decimal(100))
    cell.number_format = PERCENT_FORMAT


def _widths(sheet: Worksheet, columns: int) -> None:
    sheet.column_dimensions["A"].width = 28
    for column in range(2, columns + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 18
