"""Community work's rules: volunteers with at least one kind of volunteering, neighbour
support only in a kind the volunteer does and while they are active, periods that end after
they start and only once. Volunteers and neighbour support are personal data: every read and
write is audited (entity "volunteer"; the resident helped too). Groups and events hold no
personal data; their writes are audited all the same."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, or_, select

from cus_core.audit.service import AuditAction, record_access
from cus_core.community.models import CommunityEvent, NeighbourSupport, SelfHelpGroup, Volunteer
from cus_core.community.schemas import (
    CommunitySummary,
    EventCreate,
    EventRead,
    GroupCreate,
    GroupEnd,
    GroupRead,
    SupportCreate,
    SupportEnd,
    SupportRead,
    VolunteerCreate,
    VolunteerEnd,
    VolunteerKind,
    VolunteerRead,
    VolunteerUpdate,
)
from cus_core.residents.models import Resident
from cus_shared.errors import ConflictError, FieldProblem, InputError, NotFoundError

if TYPE_CHECKING:
    from uuid import UUID

    from sqlalchemy import ColumnElement

    from cus_shared.tenancy import TenantSession

VOLUNTEER = "volunteer"
RESIDENT = "resident"
GROUP = "self_help_group"
EVENT = "community_event"
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _author(db: TenantSession) -> UUID:
    return db.tenant.principal.user_id


def _kinds(kinds: list[VolunteerKind]) -> list[str]:
    """Kinds without repeats, in the catalogue's order."""
    chosen = {k.value for k in kinds}
    return [k.value for k in VolunteerKind if k.value in chosen]


def _volunteer_read(v: Volunteer) -> VolunteerRead:
    return VolunteerRead(
        id=v.id,
        given_name=v.given_name,
        family_name=v.family_name,
        phone=v.phone,
        email=v.email,
        kinds=list(v.kinds),
        active_since=v.active_since,
        active_until=v.active_until,
    )


def _email_problem() -> InputError:
    return InputError(
        "invalid_input", problems=[FieldProblem(field="email", key="community.email_format")]
    )


# Volunteers.


async def _volunteer(db: TenantSession, volunteer_id: UUID) -> Volunteer:
    volunteer = await db.session.get(Volunteer, volunteer_id)
    if volunteer is None:
        raise NotFoundError("not_found")
    return volunteer


async def create_volunteer(db: TenantSession, data: VolunteerCreate) -> VolunteerRead:
    """Record a volunteer."""
    if data.email is not None and not _EMAIL.fullmatch(data.email):
        raise _email_problem()
    volunteer = Volunteer(
        given_name=data.given_name,
        family_name=data.family_name,
        phone=data.phone,
        email=data.email,
        kinds=_kinds(data.kinds),
        active_since=data.active_since,
        created_by=_author(db),
    )
    db.session.add(volunteer)
    await db.session.flush()
    await record_access(db, AuditAction.CREATE, VOLUNTEER, [volunteer.id])
    return _volunteer_read(volunteer)


async def list_volunteers(db: TenantSession) -> list[VolunteerRead]:
    """Every volunteer, active ones first, by family name; audited."""
    rows = list(
        await db.session.scalars(
            select(Volunteer).order_by(
                Volunteer.active_until.is_not(None),
                Volunteer.family_name,
                Volunteer.given_name,
                Volunteer.id,
            )
        )
    )
    if rows:
        await record_access(db, AuditAction.LIST, VOLUNTEER, [v.id for v in rows])
    return [_volunteer_read(v) for v in rows]


async def read_volunteer(db: TenantSession, volunteer_id: UUID) -> VolunteerRead:
    """One volunteer; audited."""
    volunteer = await _volunteer(db, volunteer_id)
    await record_access(db, AuditAction.READ, VOLUNTEER, [volunteer.id])
    return _volunteer_read(volunteer)


async def update_volunteer(
    db: TenantSession, volunteer_id: UUID, data: VolunteerUpdate
) -> VolunteerRead:
    """Change a volunteer's data or kinds (not after they ended); audits which fields."""
    volunteer = await _volunteer(db, volunteer_id)
    if volunteer.active_until is not None:
        raise ConflictError("community.already_ended")
    changes: dict[str, Any] = data.model_dump(exclude_unset=True)
    if changes.get("email") is not None and not _EMAIL.fullmatch(changes["email"]):
        raise _email_problem()
    if "kinds" in changes:
        if data.kinds is None:
            raise InputError("invalid_input", field="kinds", params={})
        changes["kinds"] = _kinds(data.kinds)
    for required in ("given_name", "family_name"):
        if required in changes and changes[required] is None:
            raise InputError(
                "invalid_input", problems=[FieldProblem(field=required, key="field.required")]
            )
    changed = sorted(k for k, v in changes.items() if getattr(volunteer, k) != v)
    for key in changed:
        setattr(volunteer, key, changes[key])
    await db.session.flush()
    await record_access(db, AuditAction.UPDATE, VOLUNTEER, [volunteer.id], {"fields": changed})
    return _volunteer_read(volunteer)


async def end_volunteer(db: TenantSession, volunteer_id: UUID, data: VolunteerEnd) -> VolunteerRead:
    """Record the last day a volunteer was active."""
    volunteer = await _volunteer(db, volunteer_id)
    if volunteer.active_until is not None:
        raise ConflictError("community.already_ended")
    if data.active_until < volunteer.active_since:
        raise InputError(
            "invalid_input",
            problems=[FieldProblem(field="active_until", key="community.end_before_start")],
        )
    volunteer.active_until = data.active_until
    await db.session.flush()
    await record_access(
        db, AuditAction.UPDATE, VOLUNTEER, [volunteer.id], {"fields": ["active_until"]}
    )
    return _volunteer_read(volunteer)


# Self-help groups.


def _group_read(g: SelfHelpGroup) -> GroupRead:
    return GroupRead(
        id=g.id,
        name=g.name,
        topic=g.topic,
        members=g.members,
        started_on=g.started_on,
        ended_on=g.ended_on,
    )


async def create_group(db: TenantSession, data: GroupCreate) -> GroupRead:
    """Record a self-help group."""
    group = SelfHelpGroup(**data.model_dump(), created_by=_author(db))
    db.session.add(group)
    await db.session.flush()
    await record_access(db, AuditAction.CREATE, GROUP, [group.id])
    return _group_read(group)


async def list_groups(db: TenantSession) -> list[GroupRead]:
    """Every group, active ones first, by name (no personal data: not audited)."""
    rows = await db.session.scalars(
        select(SelfHelpGroup).order_by(
            SelfHelpGroup.ended_on.is_not(None), SelfHelpGroup.name, SelfHelpGroup.id
        )
    )
    return [_group_read(g) for g in rows]


async def end_group(db: TenantSession, group_id: UUID, data: GroupEnd) -> GroupRead:
    """Record the day a group ended."""
    group = await db.session.get(SelfHelpGroup, group_id)
    if group is None:
        raise NotFoundError("not_found")
    if group.ended_on is not None:
        raise ConflictError("community.already_ended")
    if data.ended_on < group.started_on:
        raise InputError(
            "invalid_input",
            problems=[FieldProblem(field="ended_on", key="community.end_before_start")],
        )
    group.ended_on = data.ended_on
    await db.session.flush()
    await record_access(db, AuditAction.UPDATE, GROUP, [group.id], {"fields": ["ended_on"]})
    return _group_read(group)


# Neighbour support.


def _support_query() -> Any:
    return (
        select(
            NeighbourSupport,
            Volunteer.given_name,
            Volunteer.family_name,
            Resident.given_name,
            Resident.family_name,
        )
        .join(Volunteer, Volunteer.id == NeighbourSupport.volunteer_id)
        .join(Resident, Resident.id == NeighbourSupport.resident_id)
    )


def _support_read(row: Any) -> SupportRead:
    link: NeighbourSupport = row[0]
    return SupportRead(
        id=link.id,
        volunteer_id=link.volunteer_id,
        volunteer_name=f"{row[1]} {row[2]}",
        resident_id=link.resident_id,
        resident_name=f"{row[3]} {row[4]}",
        kind=link.kind,
        description=link.description,
        started_on=link.started_on,
        ended_on=link.ended_on,
    )


async def _audit_support(
    db: TenantSession, action: AuditAction, links: list[NeighbourSupport], fields: list[str]
) -> None:
    """A neighbour-support link touches two people: the volunteer and the resident."""
    details = {"fields": fields, "entity": "neighbour_support"}
    await record_access(
        db, action, VOLUNTEER, list(dict.fromkeys(s.volunteer_id for s in links)), details
    )
    await record_access(
        db, action, RESIDENT, list(dict.fromkeys(s.resident_id for s in links)), details
    )


async def link_support(db: TenantSession, data: SupportCreate) -> SupportRead:
    """A volunteer starts helping a resident in one of the kinds they do, while active."""
    volunteer = await _volunteer(db, data.volunteer_id)
    resident = await db.session.get(Resident, data.resident_id)
    if resident is None:
        raise NotFoundError("not_found")
    problems: list[FieldProblem] = []
    if volunteer.active_until is not None:
        problems.append(FieldProblem(field="volunteer_id", key="community.volunteer_ended"))
    if data.kind.value not in volunteer.kinds:
        problems.append(FieldProblem(field="kind", key="community.kind_not_volunteers"))
    if data.started_on < volunteer.active_since:
        problems.append(FieldProblem(field="started_on", key="community.support_before_volunteer"))
    if problems:
        raise InputError("invalid_input", problems=problems)
    link = NeighbourSupport(
        volunteer_id=volunteer.id,
        resident_id=resident.id,
        kind=data.kind.value,
        description=data.description,
        started_on=data.started_on,
        created_by=_author(db),
    )
    db.session.add(link)
    await db.session.flush()
    await _audit_support(db, AuditAction.CREATE, [link], [])
    row = (await db.session.execute(_support_query().where(NeighbourSupport.id == link.id))).one()
    return _support_read(row)


async def list_support(db: TenantSession) -> list[SupportRead]:
    """Every neighbour-support link, current ones first; both people audited."""
    rows = list(
        (
            await db.session.execute(
                _support_query().order_by(
                    NeighbourSupport.ended_on.is_not(None),
                    NeighbourSupport.started_on.desc(),
                    NeighbourSupport.id,
                )
            )
        ).all()
    )
    if rows:
        await _audit_support(db, AuditAction.LIST, [r[0] for r in rows], [])
    return [_support_read(r) for r in rows]


async def end_support(db: TenantSession, support_id: UUID, data: SupportEnd) -> SupportRead:
    """Record the day a neighbour-support link ended."""
    link = await db.session.get(NeighbourSupport, support_id)
    if link is None:
        raise NotFoundError("not_found")
    if link.ended_on is not None:
        raise ConflictError("community.already_ended")
    if data.ended_on < link.started_on:
        raise InputError(
            "invalid_input",
            problems=[FieldProblem(field="ended_on", key="community.end_before_start")],
        )
    link.ended_on = data.ended_on
    await db.session.flush()
    await _audit_support(db, AuditAction.UPDATE, [link], ["ended_on"])
    row = (await db.session.execute(_support_query().where(NeighbourSupport.id == link.id))).one()
    return _support_read(row)


# Events.


def _event_read(e: CommunityEvent) -> EventRead:
    return EventRead(
        id=e.id,
        title=e.title,
        held_on=e.held_on,
        participants=e.participants,
        volunteers=e.volunteers,
        self_help_group_id=e.self_help_group_id,
        description=e.description,
    )


async def create_event(db: TenantSession, data: EventCreate) -> EventRead:
    """Record a local event (optionally one a self-help group held)."""
    if (
        data.self_help_group_id is not None
        and await db.session.get(SelfHelpGroup, data.self_help_group_id) is None
    ):
        raise InputError(
            "invalid_input",
            problems=[FieldProblem(field="self_help_group_id", key="community.group_unknown")],
        )
    event = CommunityEvent(**data.model_dump(), created_by=_author(db))
    db.session.add(event)
    await db.session.flush()
    await record_access(db, AuditAction.CREATE, EVENT, [event.id])
    return _event_read(event)


def _year(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


async def list_events(db: TenantSession, year: int) -> list[EventRead]:
    """A year's events, latest first (no personal data: not audited)."""
    first, last = _year(year)
    rows = await db.session.scalars(
        select(CommunityEvent)
        .where(CommunityEvent.held_on.between(first, last))
        .order_by(CommunityEvent.held_on.desc(), CommunityEvent.title, CommunityEvent.id)
    )
    return [_event_read(e) for e in rows]


# The year in numbers.


def _active(start: Any, end: Any, first: date, last: date) -> ColumnElement[bool]:
    """Active at some time in [first, last]."""
    active: ColumnElement[bool] = (start <= last) & or_(end.is_(None), end >= first)
    return active


async def summary(db: TenantSession, year: int) -> CommunitySummary:
    """Counts of a year's community work: volunteers active in the year (in all and by
    kind), groups active and their members, neighbour-support links, events and their
    participants (counts only: nothing to audit)."""
    first, last = _year(year)
    volunteers_active = _active(Volunteer.active_since, Volunteer.active_until, first, last)
    volunteers = int(
        await db.session.scalar(
            select(func.count()).select_from(Volunteer).where(volunteers_active)
        )
        or 0
    )
    kind = func.unnest(Volunteer.kinds).label("kind")
    kinds_query = select(kind).where(volunteers_active).subquery()
    by_kind = {k.value: 0 for k in VolunteerKind}
    for name, count in await db.session.execute(
        select(kinds_query.c.kind, func.count()).group_by(kinds_query.c.kind)
    ):
        by_kind[str(name)] = int(count)
    groups = (
        await db.session.execute(
            select(func.count(), func.coalesce(func.sum(SelfHelpGroup.members), 0)).where(
                _active(SelfHelpGroup.started_on, SelfHelpGroup.ended_on, first, last)
            )
        )
    ).one()
    links = int(
        await db.session.scalar(
            select(func.count())
            .select_from(NeighbourSupport)
            .where(_active(NeighbourSupport.started_on, NeighbourSupport.ended_on, first, last))
        )
        or 0
    )
    events = (
        await db.session.execute(
            select(
                func.count(),
                func.coalesce(func.sum(CommunityEvent.participants), 0),
                func.coalesce(func.sum(CommunityEvent.volunteers), 0),
            ).where(CommunityEvent.held_on.between(first, last))
        )
    ).one()
    return CommunitySummary(
        year=year,
        volunteers=volunteers,
        volunteers_by_kind=by_kind,
        groups=int(groups[0]),
        group_members=int(groups[1]),
        neighbour_support=links,
        events=int(events[0]),
        event_participants=int(events[1]),
        event_volunteers=int(events[2]),
    )
