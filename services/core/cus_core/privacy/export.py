"""An export of everything held about a resident (GDPR art. 15 right of access and art. 20
portability): as JSON for machines and as a readable PDF in Polish for the resident.

Every stored column of every row about the resident is included, so nothing held is left
out by a forgotten field; other people appear only by id (household members, staff).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

from sqlalchemy import inspect, select

from cus_core.audit.models import AuditEntry
from cus_core.audit.service import AuditAction, record_access
from cus_core.offer.service import partner_names, service_names
from cus_core.privacy.records import ResidentRecords, records_of
from cus_shared import clock
from cus_shared.i18n.formatting import format_date, format_datetime
from cus_shared.i18n.language import gettext as _
from cus_shared.i18n.language import use_language
from cus_shared.printing import PrintedDocument

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sqlalchemy.orm import Mapper

    from cus_shared.tenancy import TenantSession

#: Sections of the export, in the order the JSON and the PDF give them.
SECTIONS = (
    "resident",
    "household",
    "applications",
    "plans",
    "consents",
    "referrals",
    "complaints",
    "neighbour_support",
    "access_log",
)


def _plain(value: Any) -> Any:
    """A stored value as JSON has it (ids, dates and amounts as strings)."""
    if isinstance(value, UUID | Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _row(obj: object, *, without: Iterable[str] = ()) -> dict[str, Any]:
    """Every mapped column of a row."""
    skip = set(without)
    mapper = cast("Mapper[Any]", inspect(type(obj)))
    return {
        attr.key: _plain(getattr(obj, attr.key))
        for attr in mapper.column_attrs
        if attr.key not in skip
    }


async def _access_log(db: TenantSession, records: ResidentRecords) -> list[dict[str, Any]]:
    """Who accessed the resident's records: actor id, roles, action, entity, when."""
    rows = await db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.entity_id.in_(records.record_ids()))
        .order_by(AuditEntry.occurred_at, AuditEntry.id)
    )
    return [
        {
            "occurred_at": _plain(e.occurred_at),
            "actor_id": _plain(e.actor_id),
            "actor_roles": [r for r in e.actor_roles.split(",") if r],
            "action": e.action,
            "entity": e.entity,
            "entity_id": _plain(e.entity_id),
        }
        for e in rows
    ]


async def _document(db: TenantSession, records: ResidentRecords) -> dict[str, Any]:
    names = await service_names(
        db,
        [r.service_id for r in records.requested_services]
        + [s.service_id for s in records.plan_services]
        + [r.service_id for r in records.referrals],
    )
    partners = await partner_names(
        db,
        [c.partner_id for c in records.consents]
        + [r.partner_id for r in records.referrals if r.partner_id is not None],
    )

    def service(service_id: UUID) -> dict[str, Any]:
        return {"service_id": str(service_id), "service_name": names.get(service_id)}

    applications = []
    for application in records.applications:
        interview = next(
            (i for i in records.interviews if i.application_id == application.id), None
        )
        applications.append(
            {
                **_row(application),
                "services": [
                    {
                        **_row(r),
                        **service(r.service_id),
                        "decisions": [
                            _row(d) for d in records.decisions if d.requested_service_id == r.id
                        ],
                    }
                    for r in records.requested_services
                    if r.application_id == application.id
                ],
                "interview": None
                if interview is None
                else {
                    **_row(interview),
                    "needs": [_row(n) for n in records.needs if n.interview_id == interview.id],
                },
            }
        )
    plans = [
        {
            **_row(plan),
            "versions": [
                {
                    **_row(v),
                    "goals": [_row(g) for g in records.plan_goals if g.plan_version_id == v.id],
                    "services": [
                        {**_row(s), **service(s.service_id)}
                        for s in records.plan_services
                        if s.plan_version_id == v.id
                    ],
                }
                for v in records.plan_versions
                if v.plan_id == plan.id
            ],
            "reviews": [_row(r) for r in records.plan_reviews if r.plan_id == plan.id],
        }
        for plan in records.plans
    ]
    referrals = [
        {
            **_row(referral),
            **service(referral.service_id),
            "partner_name": partners.get(referral.partner_id) if referral.partner_id else None,
            "events": [_row(e) for e in records.referral_events if e.referral_id == referral.id],
            "deliveries": [_row(d) for d in records.deliveries if d.referral_id == referral.id],
        }
        for referral in records.referrals
    ]
    return {
        "generated_at": _plain(clock.now()),
        "gmina": db.tenant.teryt,
        "resident": _row(records.resident),
        "household": [
            {"id": str(m.id), "household_role": m.household_role} for m in records.household
        ],
        "applications": applications,
        "plans": plans,
        "consents": [
            {**_row(c), "partner_name": partners.get(c.partner_id)} for c in records.consents
        ],
        "referrals": referrals,
        "complaints": [_row(c) for c in records.complaints],
        "neighbour_support": [_row(n) for n in records.neighbour_support],
        "access_log": await _access_log(db, records),
    }


def _counts(document: dict[str, Any]) -> dict[str, int]:
    return {k: len(v) for k, v in document.items() if isinstance(v, list)}


async def export_of(db: TenantSession, resident_id: UUID, *, form: str = "json") -> dict[str, Any]:
    """Everything held about the resident as plain JSON values; audited as an export (the
    entry names the format and how many records of each kind, never their content)."""
    records = await records_of(db, resident_id)
    document = await _document(db, records)
    await record_access(
        db,
        AuditAction.EXPORT,
        "resident",
        [resident_id],
        {"format": form, "counts": _counts(document)},
    )
    return document


def export_json(document: dict[str, Any]) -> bytes:
    """The export as a UTF-8 JSON file."""
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


def file_name(resident_id: UUID, extension: str) -> str:
    """A download's name: no personal data, only the beginning of the record's id."""
    return f"dane-mieszkanca-{str(resident_id)[:8]}.{extension}"


def _text(value: Any) -> str:
    """A JSON value as the PDF shows it (dates the Polish way)."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, str):
        try:
            if len(value) == 10:
                return format_date(date.fromisoformat(value))
            if len(value) > 18 and value[10] == "T":
                return format_datetime(datetime.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


#: Columns kept for machines (optimistic locking, versions of the catalogue): the JSON has
#: them, the printed export leaves them out.
_NOT_PRINTED = frozenset({"version", "lock_version", "service_version_id"})


def field_labels() -> dict[str, str]:
    """What the printed export calls each stored field (unknown ones keep their key)."""
    return {
        "id": _("Identifier"),
        "number": _("Number"),
        "given_name": _("Given name"),
        "family_name": _("Family name"),
        "pesel": _("PESEL"),
        "birth_date": _("Date of birth"),
        "sex": _("Sex"),
        "street": _("Street"),
        "building_no": _("Building number"),
        "apartment_no": _("Apartment number"),
        "postal_code": _("Postal code"),
        "city": _("City"),
        "preferred_language": _("Preferred language"),
        "household_id": _("Household"),
        "household_role": _("Place in the household"),
        "created_at": _("Recorded at"),
        "created_by": _("Recorded by"),
        "updated_at": _("Last changed"),
        "resident_id": _("Resident"),
        "applicant_id": _("Applicant"),
        "application_id": _("Application"),
        "channel": _("Channel"),
        "registered_on": _("Registered on"),
        "declaration_signed": _("Declaration signed"),
        "plan_due_on": _("Plan due on"),
        "closed_at": _("Closed at"),
        "service_id": _("Service"),
        "service_name": _("Service name"),
        "status": _("Status"),
        "support_form": _("Form of support"),
        "waiting_since": _("On the waiting list since"),
        "outcome": _("Outcome"),
        "reason": _("Reason"),
        "decided_by": _("Decided by"),
        "decided_by_roles": _("Roles of the decision maker"),
        "kipus_id": _("Coordinator"),
        "decided_at": _("Decided at"),
        "held_on": _("Held on"),
        "goals": _("Goals"),
        "risks": _("Risks"),
        "interview_id": _("Needs interview"),
        "area_code": _("Area"),
        "description": _("Description"),
        "coordinator_id": _("Coordinator"),
        "starts_on": _("Starts on"),
        "ends_on": _("Ends on"),
        "current_version": _("Current version"),
        "approved_by": _("Approved by"),
        "approved_at": _("Approved at"),
        "social_assistance_client": _("Social assistance client"),
        "plan_id": _("Plan"),
        "plan_version_id": _("Plan version"),
        "contract_id": _("Contract"),
        "partner_id": _("Partner"),
        "partner_name": _("Partner name"),
        "schedule": _("Schedule"),
        "volume_per_month": _("Volume per month"),
        "position": _("Order in the list"),
        "measure": _("Measure"),
        "kind": _("Kind"),
        "due_on": _("Due on"),
        "done_on": _("Done on"),
        "notes": _("Notes"),
        "recorded_by": _("Recorded by"),
        "recorded_at": _("Recorded at"),
        "scope": _("Scope"),
        "purpose": _("Purpose"),
        "given_on": _("Given on"),
        "withdrawn_at": _("Withdrawn at"),
        "withdrawn_by": _("Withdrawn by"),
        "requested_service_id": _("Requested service"),
        "consent_id": _("Consent"),
        "status_reason": _("Reason for the status"),
        "referral_id": _("Referral"),
        "actor_id": _("Who"),
        "actor_kind": _("On whose side"),
        "occurred_at": _("When"),
        "month": _("Month"),
        "sessions": _("Sessions"),
        "hours": _("Hours"),
        "note": _("Note"),
        "recorded_by_kind": _("Recorded on whose side"),
        "received_on": _("Received on"),
        "summary": _("Summary"),
        "forwarded_at": _("Forwarded at"),
        "explanation": _("Explanation"),
        "explained_at": _("Explained at"),
        "decision": _("Decision on the complaint"),
        "corrective_action": _("Corrective action"),
        "resident_informed_on": _("Resident informed on"),
        "volunteer_id": _("Volunteer"),
        "started_on": _("Started on"),
        "ended_on": _("Ended on"),
    }


def _facts(pdf: PrintedDocument, row: dict[str, Any], *, without: Iterable[str] = ()) -> None:
    skip = set(without) | _NOT_PRINTED
    labels = field_labels()
    pdf.facts(
        [
            (labels.get(k, k), _text(v))
            for k, v in row.items()
            if k not in skip and not isinstance(v, dict)
        ]
    )


def _nested_keys(row: dict[str, Any]) -> list[str]:
    return [k for k, v in row.items() if isinstance(v, list) and v and isinstance(v[0], dict)]


def export_pdf(document: dict[str, Any]) -> bytes:
    """The export as a readable PDF in Polish: one section per kind of record."""
    with use_language("pl"):
        pdf = PrintedDocument(
            _("Personal data held about the resident"),
            subject=_("Export under articles 15 and 20 of the GDPR"),
        )
        pdf.paragraph(
            _(
                "Prepared on %(when)s by the Social Services Centre of gmina %(gmina)s.",
                when=_text(document["generated_at"]),
                gmina=document["gmina"],
            )
        )
        headings = {
            "resident": _("Resident's data"),
            "household": _("Household"),
            "applications": _("Applications"),
            "plans": _("Individual plans"),
            "consents": _("Consents to share data"),
            "referrals": _("Referrals"),
            "complaints": _("Complaints"),
            "neighbour_support": _("Neighbour support"),
            "access_log": _("Who accessed the data"),
        }
        for section in SECTIONS:
            pdf.heading(headings[section])
            value = document[section]
            if isinstance(value, dict):
                _facts(pdf, value)
                continue
            if not value:
                pdf.paragraph(_("Nothing recorded."))
                continue
            if section == "access_log":
                pdf.table(
                    [_("When"), _("Who"), _("Roles"), _("Action"), _("Record")],
                    [
                        [
                            _text(e["occurred_at"]),
                            e["actor_id"][:8],
                            ", ".join(e["actor_roles"]),
                            e["action"],
                            e["entity"],
                        ]
                        for e in value
                    ],
                )
                continue
            for row in value:
                _print_row(pdf, row)
        return pdf.render()


def part_labels() -> dict[str, str]:
    """Records held inside another record (a plan's versions, a referral's events)."""
    return {
        "services": _("Services"),
        "decisions": _("Qualification decisions"),
        "interview": _("Needs interview"),
        "needs": _("Needs found"),
        "versions": _("Versions"),
        "goals": _("Goals"),
        "reviews": _("Reviews"),
        "events": _("Changes of status"),
        "deliveries": _("Deliveries"),
    }


def _print_row(pdf: PrintedDocument, row: dict[str, Any], depth: int = 0) -> None:
    """One record and the records inside it (services, versions, events...)."""
    nested = _nested_keys(row)
    _facts(pdf, row, without=nested)
    parts = part_labels()
    for key in nested:
        pdf.paragraph(f"{'  ' * depth}— {parts.get(key, key)}:")
        for child in row[key]:
            _print_row(pdf, child, depth + 1)
    if isinstance(row.get("interview"), dict):
        pdf.paragraph(f"{'  ' * depth}— {parts['interview']}:")
        _print_row(pdf, row["interview"], depth + 1)
    pdf.paragraph("")
