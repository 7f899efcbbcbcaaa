"""Printable documents (PDF) in Polish: a plan for the resident to sign, an export of what is
held about them. Fonts are bundled (DejaVu Sans, free licence in ``fonts/``) because the
PDF core fonts cannot write ą, ę, ł, ś, ż."""

from cus_shared.printing.document import PrintedDocument

__all__ = ["PrintedDocument"]
