"""Exports of published reports (CSV, XLSX, PDF) and their HTML tables: every hidden figure is
written as its mark (GUS "#" with a letter, "." for no data), never as 0, empty or a number;
the legend explains the marks; headings follow the report's language; the files open again
(CSV parses back figure by figure, XLSX opens in openpyxl, PDF text is read with pypdf)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pypdf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2 import Environment, FileSystemLoader

import cus_reporting
from cus_reporting.publication.cells import mark, table_text
from cus_reporting.publication.exports import export_filename, to_csv, to_pdf, to_xlsx
from cus_reporting.publication.tables import Figure, Hidden, Line, PublishedTable, Report
from cus_shared.i18n.catalogues import catalogue_for
from cus_shared.i18n.language import gettext, use_language
from tests.unit.test_reporting_charts import (
    HIDDEN_VALUES,
    budget_report,
    numbers_in,
    people_report,
    reporting_catalogue,  # noqa: F401 - the autouse fixture, for this module too
)

HEADINGS = {"pl": "Wskaźnik", "en": "Indicator", "uk": "Показник"}
LEGEND = {
    "pl": "nie publikuje się: liczba od 1 do 9",
    "en": "not published: a count from 1 to 9",
    "uk": "не публікується: кількість від 1 до 9",
}


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM Polish Excel needs for UTF-8
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def section(rows: list[list[str]], title: str) -> list[list[str]]:
    """The rows of one table in the CSV: its header and its lines, up to the blank row."""
    start = rows.index([title]) + 1
    end = rows.index([], start)
    return rows[start:end]


def expected_plain(figure: Figure) -> str:
    return mark(figure.hidden) if figure.hidden is not None else str(figure.value)


@pytest.mark.parametrize("language", ["pl", "en", "uk"])
def test_csv_writes_marks_legend_and_headings(language: str) -> None:
    report = people_report(language)
    rows = read_csv(to_csv(report))
    assert rows[0][0] == HEADINGS[language]
    comparison = section(rows, report.comparison.title)
    assert comparison[1:] == [
        ["Kramsk", "120"],
        ["Golina", "#a"],
        ["Konin", "#b"],
        ["Warszawa", "431"],
        [comparison[-1][0], "616"],
    ]
    trend = section(rows, report.trend.title)
    assert trend[3] == ["Konin", "40", ".", "44", "#b"]
    flat = [cell for row in rows for cell in row]
    assert any(LEGEND[language] in cell for cell in flat)
    assert {"#a", "#b", "."} <= set(flat)
    assert not numbers_in(" | ".join(flat)) & set(HIDDEN_VALUES)


def test_budget_csv_writes_zloty_with_a_decimal_comma() -> None:
    rows = read_csv(to_csv(budget_report("en")))
    table = section(rows, "Budżet planowany według źródeł")
    assert table[0] == [
        "Porozumienie",
        "eu project",
        "gmina",
        "state budget",
        "co payment",
        "Total",
    ]
    assert table[1] == ["CUS Kramsk-Golina", "100000,00", "20000,00", "#d", "#d", "#d"]
    assert table[-1] == ["Total", "350000,00", "60000,00", "#d", "#d", "415000,00"]


@given(
    st.lists(
        st.lists(
            st.one_of(
                st.integers(min_value=0, max_value=99_999).map(Figure.shown),
                st.sampled_from(list(Hidden)).map(Figure.hide),
            ),
            min_size=3,
            max_size=3,
        ),
        min_size=1,
        max_size=6,
    )
)
@settings(max_examples=40, deadline=None)
def test_csv_and_xlsx_give_back_every_figure_or_its_mark(cells: list[list[Figure]]) -> None:
    base = people_report("pl")
    rows = tuple(Line(f"g{i}", f"Gmina {i}") for i in range(len(cells)))
    columns = tuple(Line(c, c) for c in ("granted", "refused", "waiting"))
    table = PublishedTable(
        base.indicator,
        "Losowa tabela",
        rows,
        columns,
        tuple(tuple(r) for r in cells),
        rows_heading="Gmina",
    )
    report = Report(
        base.audience_label,
        base.indicator,
        base.quarter,
        base.quarters,
        table,
        base.trend,
        {},
        base.computed_at,
        "pl",
    )
    parsed = section(read_csv(to_csv(report)), "Losowa tabela")
    assert parsed[0] == ["Gmina", "granted", "refused", "waiting"]
    assert parsed[1:] == [
        [line.label, *(expected_plain(f) for f in figures)]
        for line, figures in zip(rows, cells, strict=True)
    ]
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(report))).worksheets[0]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    start = values.index(["Gmina", "granted", "refused", "waiting"]) + 1
    for line, figures, written in zip(rows, cells, values[start:], strict=False):
        assert written[0] == line.label
        for figure, value in zip(figures, written[1:], strict=True):
            if figure.hidden is not None:
                assert value == mark(figure.hidden)
            else:
                assert value is not None and Decimal(value) == figure.value


@pytest.mark.parametrize("language", ["pl", "en", "uk"])
def test_xlsx_has_a_sheet_per_table_headed_by_what_it_holds(language: str) -> None:
    report = people_report(language)
    workbook = openpyxl.load_workbook(io.BytesIO(to_xlsx(report)))
    assert len(workbook.worksheets) == 3  # comparison, trend, the breakdown by sex
    for sheet in workbook.worksheets:
        values = [v for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
        assert HEADINGS[language] in values
        assert report.audience_label in values and "02.10.2026 05:04" in values
        assert not {v for v in values if isinstance(v, int | float)} & set(HIDDEN_VALUES)
    first = [list(r) for r in workbook.worksheets[0].iter_rows(values_only=True)]
    assert ["Golina", "#a"] in first and ["Kramsk", 120] in first
    assert any(LEGEND[language] in str(v) for row in first for v in row)
    money = openpyxl.load_workbook(io.BytesIO(to_xlsx(budget_report()))).worksheets[0]
    numbers = [c for row in money.iter_rows() for c in row if isinstance(c.value, Decimal | int)]
    assert any(c.value == Decimal("100000.00") and "zł" in c.number_format for c in numbers)


@pytest.mark.parametrize("language", ["pl", "en", "uk"])
def test_pdf_text_has_marks_legend_and_no_hidden_figure(language: str) -> None:
    report = people_report(language)
    content = to_pdf(report)
    reader = pypdf.PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert HEADINGS[language] in text
    assert " ".join(LEGEND[language].split()) in " ".join(text.split())
    assert "Golina #a" in text and "Konin 40 . 44 #b" in text
    assert not numbers_in(text.replace("\n", " | ")) & set(HIDDEN_VALUES)


def test_file_names_are_ascii_after_the_indicator_and_quarter() -> None:
    assert export_filename(people_report("pl"), "csv") == "mieszkancy-objeci-uslugami-2026-q3.csv"
    assert export_filename(people_report("en"), "pdf") == "residents-served-2026-q3.pdf"


@pytest.mark.parametrize("language", ["pl", "en", "uk"])
def test_html_table_marks_hidden_cells_with_reason_and_legend(language: str) -> None:
    folder = Path(cus_reporting.__file__).parent / "templates"
    environment = Environment(
        loader=FileSystemLoader(folder),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
    )
    environment.install_gettext_callables(  # type: ignore[attr-defined]
        gettext, lambda s, p, n: catalogue_for(language).ngettext(s, p, n), newstyle=True
    )
    report = people_report(language)
    with use_language(language):
        view = table_text(report.comparison)
        macro = environment.get_template("reporting/_tables.html").module.published_table  # type: ignore[attr-defined]
        html = str(macro(view, "comparison"))
    assert "<caption>" in html and html.count('<th scope="col">') == 2
    assert html.count('<th scope="row">') == 5  # four gminy and the total
    assert f'<abbr title="{view.rows[1].cells[0].reason}">#a</abbr>' in html
    assert f'<span class="visually-hidden"> ({LEGEND[language]}' in html
    assert 'aria-describedby="comparison-legend"' in html and "<dt>#b</dt>" in html
    assert "<td>0</td>" not in html and "<td></td>" not in html
    assert not numbers_in(html.replace("\n", " ")) & set(HIDDEN_VALUES)
