"""The resident's timeline: every step of their journey on one list, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from cus_core.audit.service import AuditAction, record_access
from cus_core.offer.service import partner_names, service_names
from cus_core.privacy.records import records_of
from cus_shared import clock
from cus_shared.i18n.language import gettext as _

if TYPE_CHECKING:
    from uuid import UUID

    from cus_shared.tenancy import TenantSession


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One step of the journey: when, what kind, a title, where it stands, where to look."""

    at: datetime
    #: False when only the day is known (registration dates, months of delivery).
    has_time: bool
    kind: str
    title: str
    status: str | None
    link: str | None


def step_labels() -> dict[str, str]:
    """Statuses of timeline steps that have no record status of their own (an application
    registered, a review due, a consent given, a month delivered, support going on)."""
    return {
        "registered": _("Registered"),
        "closed": _("Closed"),
        "done": _("Done"),
        "due": _("Due"),
        "overdue": _("Overdue"),
        "given": _("Given"),
        "withdrawn": _("Withdrawn"),
        "delivered": _("Delivered"),
        "active": _("Active"),
        "ended": _("Ended"),
    }


def kind_labels() -> dict[str, str]:
    """Kinds of timeline entries, in the request's language."""
    return {
        "application": _("Application"),
        "decision": _("Qualification"),
        "interview": _("Needs interview"),
        "plan": _("Individual plan"),
        "review": _("Plan review"),
        "consent": _("Consent"),
        "referral": _("Referral"),
        "delivery": _("Delivery"),
        "complaint": _("Complaint"),
        "neighbour_support": _("Neighbour support"),
    }


def _day(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=clock.POLAND)


async def timeline(db: TenantSession, resident_id: UUID) -> list[TimelineEntry]:
    """The resident's journey, newest first; the read is audited (404: no such resident)."""
    records = await records_of(db, resident_id)
    base = f"/gminy/{db.tenant.teryt}"
    names = await service_names(
        db,
        [r.service_id for r in records.requested_services]
        + [r.service_id for r in records.referrals],
    )
    partners = await partner_names(
        db,
        [c.partner_id for c in records.consents]
        + [r.partner_id for r in records.referrals if r.partner_id is not None],
    )
    entries: list[TimelineEntry] = []

    def add(
        at: datetime | date, kind: str, title: str, status: str | None, link: str | None
    ) -> None:
        has_time = isinstance(at, datetime)
        moment = at if isinstance(at, datetime) else _day(at)
        entries.append(TimelineEntry(moment, has_time, kind, title, status, link))

    applications = {a.id: a for a in records.applications}
    for application in records.applications:
        link = f"{base}/applications/{application.id}"
        add(
            application.registered_on,
            "application",
            _("Application %(number)s registered", number=application.number),
            "registered",
            link,
        )
        if application.closed_at is not None:
            add(
                application.closed_at,
                "application",
                _("Application %(number)s closed", number=application.number),
                "closed",
                link,
            )
    requested = {r.id: r for r in records.requested_services}
    for decision in records.decisions:
        service = requested[decision.requested_service_id]
        add(
            decision.decided_at,
            "decision",
            _(
                "Decision on %(service)s (application %(number)s)",
                service=names.get(service.service_id, "—"),
                number=applications[service.application_id].number,
            ),
            decision.outcome,
            f"{base}/applications/{service.application_id}",
        )
    for interview in records.interviews:
        add(
            interview.held_on,
            "interview",
            _(
                "Needs interview (application %(number)s)",
                number=applications[interview.application_id].number,
            ),
            "done",
            f"{base}/applications/{interview.application_id}",
        )
    plans = {p.id: p for p in records.plans}
    today = clock.today()
    for plan in records.plans:
        link = f"{base}/plans/{plan.id}"
        add(
            plan.created_at,
            "plan",
            _("Plan %(number)s drawn up", number=plan.number),
            "draft",
            link,
        )
        if plan.approved_at is not None:
            add(
                plan.approved_at,
                "plan",
                _("Plan %(number)s approved", number=plan.number),
                "approved",
                link,
            )
        if plan.closed_at is not None:
            add(
                plan.closed_at,
                "plan",
                _("Plan %(number)s closed", number=plan.number),
                "closed",
                link,
            )
    for version in records.plan_versions:
        if version.number > 1:
            plan = plans[version.plan_id]
            add(
                version.created_at,
                "plan",
                _(
                    "Plan %(number)s amended (version %(version)s)",
                    number=plan.number,
                    version=version.number,
                ),
                plan.status,
                f"{base}/plans/{plan.id}",
            )
    review_titles = {
        "review": _("Review of plan %(number)s"),
        "summary": _("Summary of plan %(number)s"),
        "closing": _("Closing summary of plan %(number)s"),
    }
    for review in records.plan_reviews:
        plan = plans[review.plan_id]
        if review.done_on is not None:
            when, status = review.done_on, "done"
        elif plan.status == "closed":
            continue  # a review never held on a closed plan is no longer due
        else:
            when, status = review.due_on, "overdue" if review.due_on < today else "due"
        add(
            when,
            "review",
            review_titles[review.kind] % {"number": plan.number},
            status,
            f"{base}/plans/{plan.id}",
        )
    for consent in records.consents:
        partner = partners.get(consent.partner_id, "—")
        add(
            consent.given_on,
            "consent",
            _("Consent to share data with %(partner)s", partner=partner),
            "given",
            None,
        )
        if consent.withdrawn_at is not None:
            add(
                consent.withdrawn_at,
                "consent",
                _("Consent to share data with %(partner)s withdrawn", partner=partner),
                "withdrawn",
                None,
            )
    referrals = {r.id: r for r in records.referrals}
    for event in records.referral_events:
        referral = referrals[event.referral_id]
        add(
            event.occurred_at,
            "referral",
            _(
                "Referral %(number)s: %(service)s",
                number=referral.number,
                service=names.get(referral.service_id, "—"),
            ),
            event.status,
            f"{base}/referrals/{referral.id}",
        )
    for delivery in records.deliveries:
        referral = referrals[delivery.referral_id]
        add(
            delivery.month,
            "delivery",
            _(
                "Delivered under referral %(number)s: %(sessions)s sessions, %(hours)s hours",
                number=referral.number,
                sessions=delivery.sessions,
                hours=delivery.hours,
            ),
            "delivered",
            f"{base}/referrals/{referral.id}",
        )
    for complaint in records.complaints:
        link = f"{base}/complaints/{complaint.id}"
        add(
            complaint.received_on,
            "complaint",
            _("Complaint %(number)s received", number=complaint.number),
            "registered",
            link,
        )
        if complaint.decided_at is not None:
            add(
                complaint.decided_at,
                "complaint",
                _("Complaint %(number)s decided", number=complaint.number),
                "decided",
                link,
            )
        if complaint.status == "closed":
            add(
                complaint.resident_informed_on or complaint.decided_at or complaint.received_on,
                "complaint",
                _("Complaint %(number)s closed", number=complaint.number),
                "closed",
                link,
            )
    for support in records.neighbour_support:
        add(
            support.started_on,
            "neighbour_support",
            _("Neighbour support began"),
            "active" if support.ended_on is None else "ended",
            f"{base}/community",
        )
        if support.ended_on is not None:
            add(support.ended_on, "neighbour_support", _("Neighbour support ended"), "ended", None)
    await record_access(db, AuditAction.READ, "resident", [resident_id], {"view": "timeline"})
    # Newest first; on the same moment, the later step (by kind's order of adding) first.
    ordered = sorted(enumerate(entries), key=lambda pair: (pair[1].at, pair[0]), reverse=True)
    return [entry for _n, entry in ordered]
