"""Writing and reading the audit log, always inside the tenant's own transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select

from cus_core.audit.models import AuditEntry

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from datetime import datetime
    from uuid import UUID

    from cus_shared.tenancy import TenantSession


class AuditAction(StrEnum):
    """What was done with personal data."""

    READ = "read"
    LIST = "list"
    SEARCH = "search"
    CREATE = "create"
    UPDATE = "update"
    #: Everything held about a resident handed out (GDPR art. 15 and 20).
    EXPORT = "export"
    #: A resident's personal data anonymised after the retention period (GDPR art. 17).
    ERASE = "erase"
    #: The gmina's records read by the reporting job to compute aggregates (no entity id: the
    #: job reads many records and keeps only counts).
    AGGREGATE = "aggregate"


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


async def recent_entities_of(
    db: TenantSession,
    entity: str,
    actor_id: UUID,
    *,
    actions: Iterable[AuditAction],
    since: datetime,
    limit: int,
) -> list[UUID]:
    """Records one person touched most recently with the given actions, newest first, each
    once (ids only: reading the records themselves is the caller's audited business)."""
    rows = await db.session.scalars(
        select(AuditEntry.entity_id)
        .where(
            AuditEntry.entity == entity,
            AuditEntry.actor_id == actor_id,
            AuditEntry.entity_id.is_not(None),
            AuditEntry.action.in_([a.value for a in actions]),
            AuditEntry.occurred_at >= since,
        )
        .group_by(AuditEntry.entity_id)
        .order_by(func.max(AuditEntry.id).desc())
        .limit(limit)
    )
    return [entity_id for entity_id in rows if entity_id is not None]


@dataclass(frozen=True, slots=True)
class AccessCounts:
    """How often personal data was accessed: aggregates only, never who or whose."""

    total: int = 0
    by_action: dict[str, int] = field(default_factory=dict)
    #: An entry by a person holding several roles counts once for each of them.
    by_role: dict[str, int] = field(default_factory=dict)


async def access_counts(db: TenantSession, *, since: datetime) -> AccessCounts:
    """Audit entries since a moment, counted by action and by the actor's roles."""
    rows = await db.session.execute(
        select(AuditEntry.action, AuditEntry.actor_roles, func.count())
        .where(AuditEntry.occurred_at >= since)
        .group_by(AuditEntry.action, AuditEntry.actor_roles)
    )
    total = 0
    by_action: dict[str, int] = {}
    by_role: dict[str, int] = {}
    for action, roles, count in rows:
        total += count
        by_action[action] = by_action.get(action, 0) + count
        for role in filter(None, roles.split(",")):
            by_role[role] = by_role.get(role, 0) + count
    return AccessCounts(total=total, by_action=by_action, by_role=by_role)
