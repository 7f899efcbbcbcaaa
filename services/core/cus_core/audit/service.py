"""Writing and reading the audit log, always inside the tenant's own transaction."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select

from cus_core.audit.models import AuditEntry

if TYPE_CHECKING:
    from collections.abc import Sequence
    from uuid import UUID

    from cus_shared.tenancy import TenantSession


class AuditAction(StrEnum):
    """What was done with personal data."""

    READ = "read"
    LIST = "list"
    SEARCH = "search"
    CREATE = "create"
    UPDATE = "update"


async def record_access(
    db: TenantSession,
    action: AuditAction,
    entity: str,
    entity_ids: Sequence[UUID | None],
    details: dict[str, Any] | None = None,
) -> None:
    """Append one entry per record touched, in a single statement."""
    if not entity_ids:
        entity_ids = [None]
    tenant = db.tenant
    roles = ",".join(sorted(r.value for r in tenant.roles))
    await db.session.execute(
        insert(AuditEntry),
        [
            {
                "actor_id": tenant.principal.user_id,
                "actor_roles": roles,
                "action": action.value,
                "entity": entity,
                "entity_id": entity_id,
                "request_id": tenant.request_id,
                "details": details,
            }
            for entity_id in entity_ids
        ],
    )


async def trail_of(
    db: TenantSession, entity: str, entity_id: UUID, *, limit: int, offset: int
) -> tuple[list[AuditEntry], int]:
    """Who touched a record, newest first."""
    condition = (AuditEntry.entity == entity) & (AuditEntry.entity_id == entity_id)
    total = await db.session.scalar(select(func.count()).where(condition))
    rows = await db.session.scalars(
        select(AuditEntry)
        .where(condition)
        .order_by(AuditEntry.occurred_at.desc(), AuditEntry.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(rows), int(total or 0)
