"""The printable IPUS: a Polish document the resident, the KIPUS and the director sign.

Its texts are Polish whatever the reader's language: the signed plan is an official document
of the gmina (administrative proceedings are held in Polish)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cus_shared.i18n.formatting import format_date
from cus_shared.printing import PrintedDocument

if TYPE_CHECKING:
    from cus_core.plans.schemas import PlanRead

TITLE = "Indywidualny plan usług społecznych"
MARKER = (
    "Korzystanie z usług w ramach indywidualnego planu usług społecznych nie czyni osoby "
    "klientem pomocy społecznej (art. 8 ust. 5 ustawy o realizowaniu usług społecznych przez "
    "centrum usług społecznych)."
)
_STATUS = {"draft": "projekt", "approved": "zatwierdzony", "closed": "zamknięty"}
_KIND = {"review": "przegląd", "summary": "podsumowanie", "closing": "podsumowanie końcowe"}
_OUTCOME = {"continue": "kontynuacja", "change": "zmiana planu", "end": "zakończenie"}


def filename(plan: PlanRead) -> str:
    """The attachment's name: the plan's number only (never a person's name)."""
    return f"{plan.number.replace('/', '-')}.pdf"


def render_plan(plan: PlanRead) -> bytes:
    """The plan's current version, its review schedule, the marker and signature lines."""
    document = PrintedDocument(f"{TITLE} nr {plan.number}", subject=TITLE)
    resident = plan.resident
    document.facts(
        [
            ("Numer planu", plan.number),
            ("Osoba", f"{resident.given_name} {resident.family_name}"),
            ("Data urodzenia", format_date(resident.birth_date)),
            ("Okres planu", f"{format_date(plan.starts_on)} – {format_date(plan.ends_on)}"),
            ("Stan", _STATUS.get(plan.status.value, plan.status.value)),
            ("Wersja", str(plan.current_version)),
        ]
    )
    document.paragraph(MARKER)
    document.heading("Cele")
    document.table(
        ["Lp.", "Cel", "Miara osiągnięcia"],
        [[str(goal.position), goal.description, goal.measure or ""] for goal in plan.version.goals],
    )
    document.heading("Usługi")
    document.table(
        ["Usługa", "Realizator", "Harmonogram", "Wymiar / mies.", "Okres"],
        [
            [
                service.service_name,
                service.partner_name or "Centrum usług społecznych",
                service.schedule,
                f"{service.volume_per_month:n}" if service.volume_per_month else "",
                f"{format_date(service.starts_on)} – {format_date(service.ends_on)}",
            ]
            for service in plan.version.services
        ],
    )
    document.heading("Harmonogram przeglądów")
    if plan.reviews:
        document.table(
            ["Rodzaj", "Termin", "Wykonano", "Wynik"],
            [
                [
                    _KIND.get(review.kind.value, review.kind.value),
                    format_date(review.due_on),
                    format_date(review.done_on) if review.done_on else "",
                    _OUTCOME.get(review.outcome.value, "") if review.outcome else "",
                ]
                for review in plan.reviews
            ],
        )
    else:
        document.paragraph(
            "Przeglądy (co 3 miesiące), podsumowania (co 6 miesięcy) i podsumowanie końcowe "
            "zostaną zaplanowane po zatwierdzeniu planu."
        )
    document.signatures(
        ["Osoba korzystająca z planu", "Koordynator (KIPUS)", "Dyrektor centrum usług społecznych"]
    )
    return document.render()
