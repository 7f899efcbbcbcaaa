"""A published report as files: CSV (UTF-8 with a BOM, ';' and a decimal comma, as Polish
Excel opens it), XLSX (a sheet per table, numbers as numbers) and PDF, in the report's
language (Polish, English or Ukrainian).

Every file says what it holds before the figures (indicator, what it counts, unit, quarter,
audience, when the snapshots were computed) and explains the marks of hidden figures after
GUS (see :mod:`cus_reporting.publication.cells`): a hidden figure is written as its mark
(``#a``…``#d`` or ``.``), never as 0 or an empty cell. The files are built from
:class:`~cus_reporting.publication.tables.Report` only, which holds no hidden value at all.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.styles import Alignment

from cus_reporting.indicators.definitions import Unit
from cus_reporting.publication.cells import legend, legend_note, table_text, unit_label
from cus_reporting.publication.tables import Hidden
from cus_shared.exports import (
    BOLD,
    COUNT_FORMAT,
    CSV_MEDIA_TYPE,
    DECIMAL_FORMAT,
    HEADING,
    MONEY_FORMAT,
    PDF_MEDIA_TYPE,
    PERCENT_FORMAT,
    XLSX_MEDIA_TYPE,
    column_widths,
    content_disposition,
    csv_bytes,
    filename,
    header_row,
    sheet_title,
    spreadsheet_text,
)
from cus_shared.i18n.formatting import format_datetime
from cus_shared.i18n.language import gettext as _
from cus_shared.i18n.language import use_language
from cus_shared.printing import PrintedDocument

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from cus_reporting.publication.cells import CellText, TableText
    from cus_reporting.publication.tables import PublishedTable, Report

__all__ = [
    "CSV_MEDIA_TYPE",
    "PDF_MEDIA_TYPE",
    "XLSX_MEDIA_TYPE",
    "content_disposition",
    "export_filename",
    "to_csv",
    "to_pdf",
    "to_xlsx",
]

_RIGHT = Alignment(horizontal="right")


def export_filename(report: Report, extension: str) -> str:
    """``mieszkancy-objeci-uslugami-2026-q3.csv``: the indicator and the quarter, in ASCII."""
    name = report.indicator.name(report.language)
    return filename(f"{name} {report.quarter.label}", extension, fallback=report.indicator.id)


def _tables(report: Report) -> list[PublishedTable]:
    """Comparison, trend, then each breakdown, as the report's page shows them."""
    return [report.comparison, report.trend, *report.breakdowns.values()]


def _facts(report: Report) -> list[tuple[str, str]]:
    """What the file holds, as label/value pairs, in the current language."""
    quarters = report.quarters
    span = f"{quarters[0].label} – {quarters[-1].label}" if quarters else report.quarter.label
    computed = (
        format_datetime(report.computed_at)
        if report.computed_at is not None
        else _("not computed yet")
    )
    return [
        (_("Indicator"), report.indicator.name(report.language)),
        (_("What it counts"), report.indicator.description(report.language)),
        (_("Unit"), unit_label(report.indicator.unit)),
        (_("Quarter"), report.quarter.label),
        (_("Quarters of the trend"), span),
        (_("Audience"), report.audience_label),
        (_("Computed at"), computed),
    ]


def _reasons(report: Report) -> set[Hidden]:
    """Every reason a figure is hidden in any of the report's tables."""
    return {reason for table in _tables(report) for reason in table.hidden_reasons}


# CSV --------------------------------------------------------------------------------------------


def to_csv(report: Report) -> bytes:
    """The report as one CSV file: what it holds, each table (figures as plain numbers in
    the published unit, amounts in złoty; hidden ones as marks), then the legend."""
    with use_language(report.language):
        texts = [table_text(t) for t in _tables(report)]
        rows: list[list[str]] = [
            [label, spreadsheet_text(value)] for label, value in _facts(report)
        ]
        for table in texts:
            rows.append([])
            rows.append([spreadsheet_text(table.title)])
            rows.append([spreadsheet_text(h) for h in table.header])
            for line in table.lines(plain=True):
                rows.append([spreadsheet_text(line[0]), *line[1:]])
        rows.append([])
        rows.append([_("Legend"), legend_note()])
        rows.extend([entry.mark, entry.text] for entry in legend(_reasons(report)))
        return csv_bytes(rows)


# XLSX -------------------------------------------------------------------------------------------


def _number_format(unit: Unit) -> str:
    if unit is Unit.GROSZE:
        return MONEY_FORMAT
    if unit is Unit.PERCENT:
        return PERCENT_FORMAT
    if unit in {Unit.HOURS, Unit.DAYS}:
        return DECIMAL_FORMAT
    return COUNT_FORMAT


def _write_cell(sheet: Worksheet, row: int, column: int, cell: CellText, unit: Unit) -> None:
    """A figure as a number in its format, or its mark as right-aligned text."""
    if cell.number is None:
        target = sheet.cell(row=row, column=column, value=cell.mark)
        target.alignment = _RIGHT
        return
    value = cell.number / 100 if unit is Unit.PERCENT else cell.number
    target = sheet.cell(row=row, column=column, value=value)
    target.number_format = _number_format(unit)


def _sheet(sheet: Worksheet, table: TableText, unit: Unit, facts: list[tuple[str, str]]) -> None:
    """One table's sheet: its title, what it holds, the legend, then the table."""
    sheet.cell(row=1, column=1, value=spreadsheet_text(table.title)).font = HEADING
    row = 2
    for label, value in facts:
        sheet.cell(row=row, column=1, value=label).font = BOLD
        sheet.cell(row=row, column=2, value=spreadsheet_text(value))
        row += 1
    sheet.cell(row=row, column=1, value=_("Legend")).font = BOLD
    sheet.cell(row=row, column=2, value=legend_note())
    row += 1
    for entry in table.legend:
        sheet.cell(row=row, column=1, value=entry.mark).alignment = _RIGHT
        sheet.cell(row=row, column=2, value=entry.text)
        row += 1
    row += 1
    header_row(sheet, row, table.header)
    sheet.freeze_panes = sheet.cell(row=row + 1, column=2)
    row += 1
    lines = [*table.rows, *((table.totals,) if table.totals is not None else ())]
    for line in lines:
        heading = sheet.cell(row=row, column=1, value=spreadsheet_text(line.label))
        if line is table.totals:
            heading.font = BOLD
        cells = list(line.cells)
        if table.has_row_totals and line.total is not None:
            cells.append(line.total)
        for column, cell in enumerate(cells, start=2):
            _write_cell(sheet, row, column, cell, unit)
        row += 1
    column_widths(sheet, len(table.header))


def to_xlsx(report: Report) -> bytes:
    """The report as an Excel workbook: one sheet per table, each headed by what it holds
    and the legend of its marks, figures as numbers (amounts in złoty)."""
    with use_language(report.language):
        workbook = Workbook()
        taken: set[str] = set()
        facts = _facts(report)
        unit = report.indicator.unit
        for index, table in enumerate(_tables(report)):
            text = table_text(table)
            title = sheet_title(text.title, taken)
            sheet = workbook.active if index == 0 else workbook.create_sheet(title)
            sheet.title = title
            _sheet(sheet, text, unit, facts)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


# PDF --------------------------------------------------------------------------------------------


def to_pdf(report: Report) -> bytes:
    """The report as a printable PDF: what it holds, each table with its legend."""
    with use_language(report.language):
        document = PrintedDocument(
            report.indicator.name(report.language),
            language=report.language,
            subject=report.audience_label,
        )
        document.facts(_facts(report))
        document.paragraph(legend_note())
        for table in _tables(report):
            text = table_text(table)
            document.heading(text.title)
            document.table(text.header, text.lines())
            for entry in text.legend:
                document.paragraph(f"{entry.mark} – {entry.text}")
        return document.render()
