"""Numbers of documents residents receive ("W/2026/17"): one sequence per kind in each
gmina's schema (tenant migration t0003), the year of registration in front."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

from sqlalchemy import text

from cus_shared import clock

if TYPE_CHECKING:
    from cus_shared.tenancy import TenantSession


class DocumentKind(Enum):
    """Kinds of numbered documents: (prefix on letters, sequence)."""

    APPLICATION = ("W", "application_number")  # wniosek
    PLAN = ("IPUS", "plan_number")
    REFERRAL = ("S", "referral_number")  # skierowanie
    COMPLAINT = ("SK", "complaint_number")  # skarga


_NEXT = {kind: text(f"SELECT nextval('{kind.value[1]}')") for kind in DocumentKind}


async def next_number(db: TenantSession, kind: DocumentKind) -> str:
    """The next number of a kind, e.g. "W/2026/17" (gaps possible after a rollback)."""
    value = await db.session.scalar(_NEXT[kind])
    return f"{kind.value[0]}/{clock.today().year}/{value}"
