"""A simple, accessible-enough PDF: title, headings, paragraphs, label/value pairs and
tables, with the document's title and language in its metadata and page numbers."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from cus_shared import clock
from cus_shared.i18n.formatting import format_datetime
from cus_shared.i18n.language import gettext as _

if TYPE_CHECKING:
    from collections.abc import Sequence

FONTS = Path(__file__).resolve().parent / "fonts"
FAMILY = "DejaVuSans"


class _Pages(FPDF):
    """FPDF with a footer: page x of y and when the document was printed."""

    printed_at: str = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, size=8)
        self.cell(
            0,
            6,
            _(
                "Printed %(when)s · page %(page)s of %(pages)s",
                when=self.printed_at,
                page=self.page_no(),
                pages="{nb}",
            ),
            align="C",
        )


class PrintedDocument:
    """Build a PDF section by section, then take its bytes with :meth:`render`."""

    def __init__(self, title: str, *, language: str = "pl", subject: str = "") -> None:
        pdf = _Pages(format="A4")
        pdf.printed_at = format_datetime(clock.now())
        pdf.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
        pdf.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        pdf.set_title(title)
        pdf.set_lang(language)
        pdf.set_subject(subject)
        pdf.set_creator("CUS platform")
        pdf.set_auto_page_break(auto=True, margin=18)
        pdf.set_margins(18, 16, 18)
        pdf.add_page()
        self._pdf = pdf
        pdf.set_font(FAMILY, "B", 15)
        pdf.multi_cell(0, 8, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2)

    def heading(self, text: str) -> None:
        """A section heading."""
        pdf = self._pdf
        pdf.ln(3)
        pdf.set_font(FAMILY, "B", 12)
        pdf.multi_cell(0, 7, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1)

    def paragraph(self, text: str) -> None:
        """Running text (line breaks kept)."""
        pdf = self._pdf
        pdf.set_font(FAMILY, "", 10)
        pdf.multi_cell(0, 5.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1)

    def facts(self, pairs: Sequence[tuple[str, str]]) -> None:
        """Label: value lines (a label in bold, its value beside it)."""
        pdf = self._pdf
        for label, value in pairs:
            pdf.set_font(FAMILY, "B", 10)
            pdf.cell(55, 5.5, label)
            pdf.set_font(FAMILY, "", 10)
            pdf.multi_cell(0, 5.5, value or "—", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        """A table with a header row repeated on each page."""
        pdf = self._pdf
        pdf.set_font(FAMILY, "", 9)
        with pdf.table(
            headings_style=FontFace(family=FAMILY, emphasis="BOLD"),
            line_height=5,
            repeat_headings=1,
            text_align="LEFT",
        ) as table:
            heading = table.row()
            for cell in header:
                heading.cell(cell)
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell(value or "—")
        pdf.ln(2)

    def signatures(self, labels: Sequence[str]) -> None:
        """Lines for handwritten signatures, side by side."""
        pdf = self._pdf
        pdf.ln(14)
        width = (pdf.w - pdf.l_margin - pdf.r_margin) / max(len(labels), 1)
        pdf.set_font(FAMILY, "", 9)
        for _label in labels:
            pdf.cell(width, 5, "……………………………………", align="C")
        pdf.ln(5)
        for label in labels:
            pdf.cell(width, 5, label, align="C")
        pdf.ln(5)

    def render(self) -> bytes:
        """The finished PDF."""
        return bytes(self._pdf.output())
