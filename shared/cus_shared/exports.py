"""Files people download from the platform, written as Polish Excel expects them: CSV in UTF-8
with a BOM, ';' between fields and a decimal comma; XLSX (openpyxl) with amounts as numbers
in złoty; ASCII file names after the document's title; text cells that a spreadsheet will
never run as a formula (CSV injection). Each service builds its own tables on these."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from decimal import Decimal
from typing import TYPE_CHECKING

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from cus_shared.i18n.amounts import as_decimal

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from openpyxl.worksheet.worksheet import Worksheet

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_MEDIA_TYPE = "application/pdf"

#: Excel's format codes are written with "," grouping and "." decimals whatever the locale;
#: Polish Excel shows this one as "1 234,56 zł".
MONEY_FORMAT = '#,##0.00\\ "zł"'
PERCENT_FORMAT = "0.00%"
#: Whole numbers grouped ("1 234" in Polish Excel) and numbers with up to two decimals.
COUNT_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.##"

BOLD = Font(bold=True)
HEADING = Font(bold=True, size=14)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def filename(title: str, extension: str, fallback: str = "export") -> str:
    """An ASCII file name after a title ("Budżet CUS – Kramsk" → "budzet-cus-kramsk.csv")."""
    text = unicodedata.normalize("NFKD", title.replace("ł", "l").replace("Ł", "L"))
    letters = "".join(c for c in text if not unicodedata.combining(c)).lower()
    # Whatever is not an ASCII letter or digit (spaces, dashes, other scripts) separates.
    slug = re.sub(r"[^a-z0-9]+", "-", letters).strip("-")[:80].strip("-")
    return f"{slug or fallback}.{extension}"


def content_disposition(name: str) -> str:
    """The header that makes a browser save the file under its name."""
    return f'attachment; filename="{name}"'


def spreadsheet_text(value: str) -> str:
    """A text cell that a spreadsheet will not run as a formula (CSV injection)."""
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def plain_decimal(value: Decimal) -> str:
    """``Decimal("1234.50")`` → ``"1234,5"``: no grouping, a decimal comma, no trailing zeros
    (what Polish Excel reads as a number)."""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def csv_bytes(rows: Iterable[Sequence[str]]) -> bytes:
    """Rows as CSV for Polish Excel: UTF-8 with a BOM, ';' between fields, CRLF lines.
    The caller passes text cells through :func:`spreadsheet_text`."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerows(rows)
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def sheet_title(text: str, taken: set[str]) -> str:
    """A worksheet name Excel accepts (31 characters, none of ``[]:*?/\\``), unique in the
    workbook (``taken`` holds the names used so far, lower case)."""
    title = _SHEET_FORBIDDEN.sub("-", text).strip("'")[:31] or "-"
    candidate, number = title, 2
    while candidate.lower() in taken:
        suffix = f" ({number})"
        candidate, number = title[: 31 - len(suffix)] + suffix, number + 1
    taken.add(candidate.lower())
    return candidate


def money_cell(sheet: Worksheet, row: int, column: int, grosze: int) -> None:
    """An amount in grosze as a number of złoty shown as money."""
    cell = sheet.cell(row=row, column=column, value=as_decimal(grosze))
    cell.number_format = MONEY_FORMAT


def percent_cell(sheet: Worksheet, row: int, column: int, value: Decimal | None) -> None:
    """A percentage (47.98) as a spreadsheet percentage (0.4798); nothing for no value."""
    if value is None:
        return
    cell = sheet.cell(row=row, column=column, value=value / Decimal(100))
    cell.number_format = PERCENT_FORMAT


def header_row(sheet: Worksheet, row: int, texts: Sequence[str]) -> None:
    """A row of bold, wrapped column headings from column A."""
    for column, text in enumerate(texts, start=1):
        cell = sheet.cell(row=row, column=column, value=spreadsheet_text(text))
        cell.font = BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def column_widths(sheet: Worksheet, columns: int, first: float = 28, other: float = 18) -> None:
    """A wide first column (row headings) and even columns of figures after it."""
    sheet.column_dimensions["A"].width = first
    for column in range(2, columns + 1):
        sheet.column_dimensions[get_column_letter(column)].width = other
