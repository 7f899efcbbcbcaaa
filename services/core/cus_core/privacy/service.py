"""The privacy context's face: the resident's timeline, the export of everything held about
them, and their anonymisation after the retention period. Each call is audited in the
caller's transaction."""

from __future__ import annotations

from cus_core.privacy.erasure import RETENTION_YEARS, ErasureResult, anonymise, is_anonymised
from cus_core.privacy.export import export_json, export_of, export_pdf, file_name
from cus_core.privacy.timeline import TimelineEntry, timeline

__all__ = [
    "RETENTION_YEARS",
    "ErasureResult",
    "TimelineEntry",
    "anonymise",
    "export_json",
    "export_of",
    "export_pdf",
    "file_name",
    "is_anonymised",
    "timeline",
]
