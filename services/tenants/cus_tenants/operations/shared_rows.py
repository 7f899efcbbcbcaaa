"""Which rows of the ``shared`` schema belong to one gmina, and which agreement-wide rows
they need elsewhere.

A gmina's data is its schema plus rows in ``shared``:

- **its own** rows (kind ``own``): the registry row, its agreement memberships, the
  memberships of people scoped to it, its programmes (PUS) and budgets with everything under
  them, the contracts and partners' coverage of it, its share of contracts' monthly load.
  A backup holds them exactly; a restore writes them exactly (and ``--replace`` deletes the
  old ones first); the handover export hands them over.
- **context** rows (kind ``context``): agreement-wide rows its own rows refer to (the
  agreement, its catalogue, partners, contracts, the accounts of its staff). A backup holds
  them so that a gmina can be restored into a platform that lacks them; a restore adds those
  missing and leaves existing ones as they are (the platform's copy wins).

The list is in foreign-key order (parents first): rows are written in this order and
deleted in the reverse one. ``NOT_PER_TENANT`` names the shared tables that hold nothing of
a single gmina; a test checks that every table of the schema is in exactly one of the two,
so a new shared table cannot be silently left out of backups.

Each ``where`` selects from the table aliased ``t``; ``$1`` is the TERYT code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["own", "context"]

_AGREEMENTS = "SELECT m.agreement_id FROM shared.agreement_member m WHERE m.teryt = $1"
_PROGRAMMES = "SELECT p.id FROM shared.programme p WHERE p.teryt = $1"
_PROGRAMME_SERVICES = (
    f"SELECT ps.id FROM shared.programme_service ps WHERE ps.programme_id IN ({_PROGRAMMES})"
)
_BUDGETS = f"SELECT b.id FROM shared.budget b WHERE b.programme_id IN ({_PROGRAMMES})"
_PARTNERS = f"SELECT pa.id FROM shared.partner pa WHERE pa.agreement_id IN ({_AGREEMENTS})"
_CONTRACTS = f"SELECT c.id FROM shared.contract c WHERE c.agreement_id IN ({_AGREEMENTS})"
_SERVICES = f"SELECT s.id FROM shared.catalogue_service s WHERE s.agreement_id IN ({_AGREEMENTS})"
_STAFF = "SELECT ms.user_id FROM shared.membership ms WHERE ms.scope = 'gmina' AND ms.scope_id = $1"


@dataclass(frozen=True)
class SharedRows:
    """One shared table's rows of a gmina."""

    table: str
    kind: Kind
    where: str

    @property
    def select(self) -> str:
        """The rows, as a query (ordered, so that files of equal data are equal)."""
        return f"SELECT t.* FROM shared.{self.table} t WHERE {self.where} ORDER BY t::text"


SHARED_ROWS: tuple[SharedRows, ...] = (
    # The registry row first: agreements name their lead gmina.
    SharedRows("gmina", "own", "t.teryt = $1"),
    SharedRows("agreement", "context", f"t.id IN ({_AGREEMENTS})"),
    SharedRows("catalogue_service", "context", f"t.id IN ({_SERVICES})"),
    SharedRows("service_version", "context", f"t.service_id IN ({_SERVICES})"),
    SharedRows("partner", "context", f"t.id IN ({_PARTNERS})"),
    SharedRows("partner_contact", "context", f"t.partner_id IN ({_PARTNERS})"),
    SharedRows("partner_service", "context", f"t.partner_id IN ({_PARTNERS})"),
    SharedRows("partner_document", "context", f"t.partner_id IN ({_PARTNERS})"),
    SharedRows("contract", "context", f"t.id IN ({_CONTRACTS})"),
    SharedRows("contract_service", "context", f"t.contract_id IN ({_CONTRACTS})"),
    SharedRows("app_user", "context", f"t.id IN ({_STAFF})"),
    SharedRows("agreement_member", "own", "t.teryt = $1"),
    SharedRows("membership", "own", "t.scope = 'gmina' AND t.scope_id = $1"),
    SharedRows("programme", "own", "t.teryt = $1"),
    SharedRows("programme_service", "own", f"t.programme_id IN ({_PROGRAMMES})"),
    SharedRows("programme_estimate", "own", f"t.programme_service_id IN ({_PROGRAMME_SERVICES})"),
    SharedRows("programme_indicator", "own", f"t.programme_service_id IN ({_PROGRAMME_SERVICES})"),
    SharedRows("budget", "own", f"t.programme_id IN ({_PROGRAMMES})"),
    SharedRows("budget_period", "own", f"t.budget_id IN ({_BUDGETS})"),
    SharedRows("budget_service", "own", f"t.budget_id IN ({_BUDGETS})"),
    SharedRows(
        "budget_line",
        "own",
        "t.budget_service_id IN (SELECT bs.id FROM shared.budget_service bs "
        f"WHERE bs.budget_id IN ({_BUDGETS}))",
    ),
    SharedRows("contract_gmina", "own", "t.teryt = $1"),
    SharedRows("partner_gmina", "own", "t.teryt = $1"),
    SharedRows("contract_load", "own", "t.teryt = $1"),
)

#: Shared tables holding nothing of one gmina, and why.
NOT_PER_TENANT: dict[str, str] = {
    "alembic_version": "the shared tree's revision (recorded in the manifest)",
    "catalogue_area": "the statutory closed list, written by migration s0002",
    "recovery_code": "second-factor recovery codes of accounts: never copied between platforms",
    "login_throttle": "short-lived login throttling state",
    "session_revocation": "ended sessions, meaningful only on the platform that issued them",
    "auth_event": "the platform's audit of authentication (kept by the platform)",
}

#: Columns never handed over (the handover export goes to another operator).
SECRET_COLUMNS: dict[str, tuple[str, ...]] = {
    "app_user": ("password_hash", "totp_secret", "totp_last_step", "totp_confirmed_at"),
}
