"""Demo journeys: a dozen residents of a gmina walked through the real service functions, so
the demo shows a living CUS — applications pending (one overdue), on the waiting list and
refused; services granted singly (in-house referral) and in IPUS plans (approved with a review
due soon or overdue, a draft, a closed one); referrals to the partner pending, accepted and in
delivery; consents (one withdrawn); two complaints; volunteers, groups, neighbour support and
events.

Every step goes through the same functions as the API, inside a tenant session of the demo
staff member who would take it (KIPUS, OUS, director, partner staff, OSL), so the rules are
checked and the audit log names them. Past steps run on a back-dated clock
(:func:`cus_shared.clock.travel`), as the rules compare dates with ``clock.today()``.

Idempotent: nothing is seeded when the chosen residents (or, without a choice, the gmina)
already have applications.
"""

from __future__ import annotations

from collections import Counter
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select, text

from cus_core.applications import service as applications
from cus_core.applications.models import Application
from cus_core.applications.schemas import (
    ApplicationCreate,
    Channel,
    DecisionIn,
    InterviewIn,
    NeedIn,
    Outcome,
    SupportForm,
)
from cus_core.audit.service import AuditAction, record_access
from cus_core.community import service as community
from cus_core.community.schemas import (
    EventCreate,
    GroupCreate,
    SupportCreate,
    VolunteerCreate,
    VolunteerKind,
)
from cus_core.complaints import service as complaints
from cus_core.complaints.schemas import (
    Channel as ComplaintChannel,
)
from cus_core.complaints.schemas import (
    ComplaintCreate,
    CorrectiveActionIn,
    InformIn,
)
from cus_core.complaints.schemas import (
    DecisionIn as ComplaintDecision,
)
from cus_core.complaints.schemas import (
    Outcome as ComplaintOutcome,
)
from cus_core.offer import service as offer
from cus_core.plans import service as plans
from cus_core.plans.schemas import (
    GoalIn,
    PlanClose,
    PlanCreate,
    ReviewKind,
    ReviewOutcome,
    ReviewRecord,
    ServiceIn,
)
from cus_core.referrals import consents, deliveries
from cus_core.referrals import service as referrals
from cus_core.referrals.schemas import ConsentCreate, ConsentScope, DeliveryIn, ReferralCreate
from cus_core.residents.models import Resident
from cus_shared import clock
from cus_shared.errors import DomainError
from cus_shared.identity.principal import Membership, Principal
from cus_shared.identity.roles import Role, Scope
from cus_shared.tenancy import open_tenant_session, resolve_partner_tenant, resolve_tenant

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
    from datetime import date
    from uuid import UUID

    from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

    from cus_core.applications.schemas import ApplicationRead
    from cus_core.offer.service import CoveringContract
    from cus_shared.tenancy import TenantContext, TenantSession

#: Residents walked through a journey, and those helped by a neighbour.
JOURNEY_RESIDENTS = 12
NEIGHBOURS = 3
#: The demo catalogue's codes, preferred in this order when choosing what to apply for.
PREFERRED_CODES = (
    "uslugi-opiekuncze",
    "wsparcie-rodziny",
    "klub-seniora",
    "poradnictwo-psychologiczne",
)
#: The demo accounts of tenants' demo step (read by email; core does not import tenants).
DEMO_EMAILS = {
    "kipus": "kipus@demo.cus.local",
    "ous": "ous@demo.cus.local",
    "director": "dyrektor@demo.cus.local",
    "partner": "partner@demo.cus.local",
}


@dataclass(frozen=True)
class Staff:
    """Who takes the steps: user ids of the gmina's staff and of the partner's."""

    kipus: UUID
    ous: UUID
    director: UUID
    partner: UUID
    #: The OSL records community work; the director does when the gmina has none.
    osl: UUID | None = None


@dataclass(frozen=True)
class JourneyOffer:
    """What the residents apply for: a service delivered by the partner under its contract,
    one the CUS delivers itself, and another offered service (waiting list, refusal)."""

    partner_service: UUID
    partner_contract: UUID
    in_house_service: UUID
    in_house_contract: UUID
    other_service: UUID


@dataclass
class JourneyReport:
    """What was seeded in a gmina (counts), and the steps the rules refused."""

    teryt: str
    counts: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    def line(self) -> str:
        """One line for the console."""
        order = (
            "applications",
            "plans",
            "consents",
            "referrals",
            "deliveries",
            "complaints",
            "volunteers",
            "groups",
            "neighbour_support",
            "events",
        )
        return ", ".join(f"{self.counts[k]} {k.replace('_', ' ')}" for k in order)


# --- who and when ---------------------------------------------------------------------------


@contextmanager
def on(day: date) -> Iterator[None]:
    """Run the block as if it were ``day`` (past steps of a journey)."""
    with clock.travel(timedelta(days=(day - clock.today()).days)):
        yield


def _staff_tenant(user_id: UUID, teryt: str, *roles: Role) -> TenantContext:
    principal = Principal(
        user_id=user_id, session_id="demo", memberships=(), tenant_roles={teryt: frozenset(roles)}
    )
    return resolve_tenant(principal, teryt, request_id="demo-journeys")


def _partner_tenant(user_id: UUID, partner_id: UUID, teryt: str) -> TenantContext:
    principal = Principal(
        user_id=user_id,
        session_id="demo",
        memberships=(Membership(Scope.PARTNER, str(partner_id), Role.PARTNER_STAFF),),
        partner_gminy={str(partner_id): (teryt,)},
    )
    return resolve_partner_tenant(principal, teryt, request_id="demo-journeys")


async def demo_staff(engine: AsyncEngine, teryt: str) -> Staff | None:
    """The demo accounts' ids, read from the shared user table (demo code only); None when
    the tenants' demo step has not created them."""
    async with engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT id, lower(email) FROM shared.app_user WHERE lower(email) = ANY(:emails)"),
            {"emails": list(DEMO_EMAILS.values())},
        )
        ids = {email: user_id for user_id, email in rows}
        osl = await conn.scalar(
            text(
                "SELECT user_id FROM shared.membership WHERE role = 'osl' AND scope = 'gmina' "
                "AND scope_id = :teryt ORDER BY user_id LIMIT 1"
            ),
            {"teryt": teryt},
        )
    found = {key: ids.get(email) for key, email in DEMO_EMAILS.items()}
    if any(v is None for v in found.values()):
        return None
    return Staff(
        kipus=found["kipus"],  # type: ignore[arg-type]
        ous=found["ous"],  # type: ignore[arg-type]
        director=found["director"],  # type: ignore[arg-type]
        partner=found["partner"],  # type: ignore[arg-type]
        osl=osl,
    )


async def find_offer(db: TenantSession, day: date) -> JourneyOffer | None:
    """Choose from the gmina's offer on a day: a partner's service and contract, an in-house
    service and contract, and another service (the demo catalogue's codes first)."""
    offered = await offer.services_offered(db, day)
    rank = {code: i for i, code in enumerate(PREFERRED_CODES)}
    offered.sort(key=lambda s: rank.get(s.code, len(rank)))
    partner: tuple[UUID, UUID] | None = None
    in_house: tuple[UUID, UUID] | None = None
    for service in offered:
        for contract in await offer.contracts_covering(db, service.service_id, day):
            if contract.partner_id is not None and partner is None:
                partner = (service.service_id, contract.contract_id)
            elif (
                contract.partner_id is None
                and in_house is None
                and (partner is None or partner[0] != service.service_id)
            ):
                in_house = (service.service_id, contract.contract_id)
    if partner is None or in_house is None:
        return None
    used = {partner[0], in_house[0]}
    other = next((s.service_id for s in offered if s.service_id not in used), partner[0])
    return JourneyOffer(
        partner_service=partner[0],
        partner_contract=partner[1],
        in_house_service=in_house[0],
        in_house_contract=in_house[1],
        other_service=other,
    )


# --- one gmina's journeys -------------------------------------------------------------------


class _Journeys:
    """The steps of the journeys of one gmina, each in a session of whoever takes it."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        teryt: str,
        staff: Staff,
        chosen: JourneyOffer,
        contracts: tuple[CoveringContract, CoveringContract],
        report: JourneyReport,
    ) -> None:
        self.sessions = sessions
        self.offer = chosen
        self.partner_contract, self.in_house_contract = contracts
        assert self.partner_contract.partner_id is not None
        self.partner_id: UUID = self.partner_contract.partner_id
        self.report = report
        self.today = clock.today()
        self.tenants = {
            "kipus": _staff_tenant(staff.kipus, teryt, Role.KIPUS),
            "ous": _staff_tenant(staff.ous, teryt, Role.OUS),
            "director": _staff_tenant(staff.director, teryt, Role.DIRECTOR),
            "osl": _staff_tenant(staff.osl, teryt, Role.OSL)
            if staff.osl is not None
            else _staff_tenant(staff.director, teryt, Role.DIRECTOR),
            "partner": _partner_tenant(staff.partner, self.partner_id, teryt),
        }

    @asynccontextmanager
    async def as_(self, who: str) -> AsyncIterator[TenantSession]:
        """A transaction of one staff member in the gmina."""
        async with open_tenant_session(self.sessions, self.tenants[who]) as db:
            yield db

    def ago(self, days: int) -> date:
        return self.today - timedelta(days=days)

    def volume(self, contract: CoveringContract) -> Decimal:
        """A monthly volume that leaves room for others: a fiftieth of the capacity (1–8)."""
        return min(max((contract.capacity / 50).quantize(Decimal(1)), Decimal(1)), Decimal(8))

    # Applications.

    async def apply(
        self, resident: UUID, services: list[UUID], registered_on: date, *, need: str | None
    ) -> ApplicationRead:
        """Register an application (and, with a need, the interview 3 days later)."""
        with on(registered_on):
            async with self.as_("kipus") as db:
                application = await applications.create_application(
                    db,
                    ApplicationCreate(
                        resident_id=resident,
                        channel=Channel.IN_PERSON,
                        registered_on=registered_on,
                        declaration_signed=True,
                        services=services,
                    ),
                )
        self.report.counts["applications"] += 1
        if need is not None:
            held_on = min(registered_on + timedelta(days=3), self.today)
            with on(held_on):
                async with self.as_("kipus") as db:
                    application = await applications.record_interview(
                        db,
                        application.id,
                        InterviewIn(
                            held_on=held_on,
                            goals="Samodzielne życie w domu, kontakt z innymi.",
                            risks="Samotność, pogorszenie zdrowia.",
                            needs=[NeedIn(area_code=4, description=need)],
                        ),
                    )
        return application

    async def decide(
        self,
        application: ApplicationRead,
        service: UUID,
        outcome: Outcome,
        day: date,
        *,
        form: SupportForm | None = None,
        reason: str | None = None,
    ) -> UUID:
        """The OUS decides on one requested service; its id."""
        requested = next(s.id for s in application.services if s.service_id == service)
        with on(day):
            async with self.as_("ous") as db:
                await applications.decide(
                    db,
                    application.id,
                    requested,
                    DecisionIn(outcome=outcome, support_form=form, reason=reason),
                )
        return requested

    async def granted(
        self, resident: UUID, services: list[UUID], registered_on: date, form: SupportForm
    ) -> dict[UUID, UUID]:
        """An application whose services were all granted a week after it; requested ids."""
        application = await self.apply(
            resident, services, registered_on, need="Pomoc w codziennych czynnościach"
        )
        decided_on = min(registered_on + timedelta(days=7), self.today)
        return {
            s: await self.decide(application, s, Outcome.GRANTED, decided_on, form=form)
            for s in services
        }

    # Plans.

    def _plan_service(
        self, service: UUID, contract: CoveringContract, starts_on: date, ends_on: date
    ) -> ServiceIn | None:
        """The service within the plan and the contract's period (None when they miss)."""
        first, last = max(starts_on, contract.starts_on), min(ends_on, contract.ends_on)
        if last < first:
            return None
        return ServiceIn(
            service_id=service,
            contract_id=contract.contract_id,
            schedule="Dwa razy w tygodniu, wtorki i piątki",
            volume_per_month=self.volume(contract),
            starts_on=first,
            ends_on=last,
        )

    async def plan(
        self, resident: UUID, starts_on: date, *, approve: bool, with_in_house: bool = False
    ) -> UUID:
        """An IPUS of 6 months drafted a week before it starts (approved the day before)."""
        ends_on = plans.last_day(starts_on, 6)
        items = [
            self._plan_service(
                self.offer.partner_service, self.partner_contract, starts_on, ends_on
            ),
            self._plan_service(
                self.offer.in_house_service, self.in_house_contract, starts_on, ends_on
            )
            if with_in_house
            else None,
        ]
        drafted_on = min(starts_on - timedelta(days=7), self.today)
        with on(drafted_on):
            async with self.as_("kipus") as db:
                plan = await plans.create_plan(
                    db,
                    PlanCreate(
                        resident_id=resident,
                        starts_on=starts_on,
                        ends_on=ends_on,
                        goals=[
                            GoalIn(
                                description="Bezpieczne i samodzielne życie w domu",
                                measure="Ocena KIPUS przy każdym przeglądzie",
                            ),
                            GoalIn(description="Regularny kontakt z sąsiadami i klubem"),
                        ],
                        services=[i for i in items if i is not None],
                    ),
                )
        self.report.counts["plans"] += 1
        if approve:
            with on(min(starts_on - timedelta(days=1), self.today)):
                async with self.as_("director") as db:
                    await plans.approve_plan(db, plan.id)
        return plan.id

    # Consents and referrals.

    async def consent(self, resident: UUID, given_on: date) -> UUID:
        with on(given_on):
            async with self.as_("kipus") as db:
                given = await consents.give_consent(
                    db,
                    resident,
                    ConsentCreate(
                        partner_id=self.partner_id,
                        scope=[ConsentScope.IDENTITY, ConsentScope.CONTACT, ConsentScope.NEEDS],
                        purpose="Realizacja usług opiekuńczych przez partnera CUS",
                        given_on=given_on,
                    ),
                )
        self.report.counts["consents"] += 1
        return given.id

    async def refer(
        self,
        requested: UUID,
        contract: CoveringContract,
        starts_on: date,
        ends_on: date,
        *,
        plan_id: UUID | None = None,
    ) -> UUID:
        """A referral made on its start (or today, for one starting later)."""
        starts_on = max(starts_on, contract.starts_on)
        ends_on = min(ends_on, contract.ends_on)
        with on(min(starts_on, self.today)):
            async with self.as_("kipus") as db:
                referral = await referrals.create_referral(
                    db,
                    ReferralCreate(
                        requested_service_id=requested,
                        plan_id=plan_id,
                        contract_id=contract.contract_id,
                        starts_on=starts_on,
                        ends_on=ends_on,
                        volume_per_month=self.volume(contract),
                    ),
                )
        self.report.counts["referrals"] += 1
        return referral.id

    async def accept(self, referral_id: UUID, day: date, *, partner: bool) -> None:
        with on(min(day, self.today)):
            async with self.as_("partner" if partner else "kipus") as db:
                await referrals.accept(db, referral_id)

    async def deliver(self, referral_id: UUID, starts_on: date, *, partner: bool) -> None:
        """Deliveries of each past month since the start, recorded early the next month."""
        volume = self.volume(self.partner_contract if partner else self.in_house_contract)
        month = clock.first_of_month(starts_on)
        this_month = clock.first_of_month(self.today)
        while month < this_month:
            recorded_on = min(clock.add_months(month, 1) + timedelta(days=2), self.today)
            with on(recorded_on):
                async with self.as_("partner" if partner else "kipus") as db:
                    await deliveries.record_delivery(
                        db,
                        referral_id,
                        month.strftime("%Y-%m"),
                        DeliveryIn(
                            sessions=8,
                            hours=volume,
                            note="Wizyty zgodnie z harmonogramem",
                        ),
                    )
            self.report.counts["deliveries"] += 1
            month = clock.add_months(month, 1)


# --- the scenarios --------------------------------------------------------------------------


async def _waiting_and_refused(j: _Journeys, people: Sequence[UUID]) -> None:
    """Pending (one overdue, two interviewed), on the waiting list, refused with a reason."""
    await j.apply(people[0], [j.offer.other_service], j.ago(35), need=None)
    await j.apply(people[1], [j.offer.partner_service], j.ago(4), need="Pomoc przy zakupach")
    await j.apply(
        people[4],
        [j.offer.partner_service, j.offer.in_house_service],
        j.ago(10),
        need="Wsparcie po wyjściu ze szpitala",
    )
    waiting = await j.apply(
        people[2], [j.offer.other_service], j.ago(20), need="Udział w zajęciach"
    )
    await j.decide(waiting, j.offer.other_service, Outcome.WAITING, j.ago(12))
    refused = await j.apply(people[3], [j.offer.other_service], j.ago(25), need="Opieka")
    await j.decide(
        refused,
        j.offer.other_service,
        Outcome.REFUSED,
        j.ago(15),
        reason="Potrzeby zaspokaja już usługa opiekuńcza, z której korzysta mieszkaniec.",
    )


async def _in_house_single(j: _Journeys, person: UUID) -> UUID:
    """A single in-house service: referral accepted by the CUS and delivered; a complaint
    about it decided and the resident informed on time."""
    starts_on = clock.first_of_month(clock.add_months(j.today, -2))
    requested = await j.granted(
        person, [j.offer.in_house_service], starts_on - timedelta(days=10), SupportForm.SINGLE
    )
    referral = await j.refer(
        requested[j.offer.in_house_service],
        j.in_house_contract,
        starts_on,
        plans.last_day(starts_on, 6),
    )
    await j.accept(referral, starts_on, partner=False)
    await j.deliver(referral, max(starts_on, j.in_house_contract.starts_on), partner=False)
    return referral


async def _plans_and_partner(j: _Journeys, people: Sequence[UUID]) -> UUID:
    """IPUS plans: one approved with a review overdue and its partner referral in delivery;
    one approved with a review due soon and its referral pending; a draft; a closed one.
    Also a single partner service with a referral accepted for next month, and a consent
    withdrawn. Returns the referral in delivery."""
    # Review overdue (started a little over 3 months ago), referral in delivery.
    starts_on = clock.add_months(j.today, -3) - timedelta(days=10)
    requested = await j.granted(
        people[0], [j.offer.partner_service], starts_on - timedelta(days=20), SupportForm.IPUS
    )
    plan_id = await j.plan(people[0], starts_on, approve=True)
    await j.consent(people[0], starts_on - timedelta(days=5))
    delivered = await j.refer(
        requested[j.offer.partner_service],
        j.partner_contract,
        starts_on,
        plans.last_day(starts_on, 6),
        plan_id=plan_id,
    )
    await j.accept(delivered, starts_on + timedelta(days=1), partner=True)
    await j.deliver(delivered, starts_on, partner=True)

    # Review due within a week, partner referral still pending.
    starts_on = clock.add_months(j.today, -3) + timedelta(days=7)
    services = [j.offer.partner_service, j.offer.in_house_service]
    requested = await j.granted(
        people[1], services, starts_on - timedelta(days=20), SupportForm.IPUS
    )
    plan_id = await j.plan(people[1], starts_on, approve=True, with_in_house=True)
    await j.consent(people[1], j.ago(3))
    await j.refer(
        requested[j.offer.partner_service],
        j.partner_contract,
        j.today,
        plans.last_day(starts_on, 6),
        plan_id=plan_id,
    )

    # A draft starting next month.
    await j.granted(people[2], [j.offer.partner_service], j.ago(12), SupportForm.IPUS)
    await j.plan(people[2], clock.first_of_month(clock.add_months(j.today, 1)), approve=False)

    # Closed with its summary: started 8 months ago, reviewed after 3 months.
    starts_on = clock.add_months(j.today, -8)
    await j.granted(
        people[3], [j.offer.partner_service], starts_on - timedelta(days=14), SupportForm.IPUS
    )
    plan_id = await j.plan(people[3], starts_on, approve=True)
    review_on = clock.add_months(starts_on, 3)
    with on(review_on):
        async with j.as_("kipus") as db:
            shown = await plans.read_plan(db, plan_id)
            review = next(r for r in shown.reviews if r.kind is ReviewKind.REVIEW)
            await plans.record_review(
                db,
                plan_id,
                review.id,
                ReviewRecord(
                    done_on=review_on,
                    outcome=ReviewOutcome.CONTINUE,
                    notes="Cele realizowane, bez zmian w planie.",
                ),
            )
    ends_on = plans.last_day(starts_on, 6)
    with on(ends_on):
        async with j.as_("kipus") as db:
            await plans.close_plan(
                db,
                plan_id,
                PlanClose(
                    done_on=ends_on,
                    summary="Cele osiągnięte: mieszkanka radzi sobie samodzielnie z pomocą "
                    "sąsiadów; plan zakończony zgodnie z terminem.",
                ),
            )

    # A single partner service accepted for next month.
    requested = await j.granted(people[4], [j.offer.partner_service], j.ago(9), SupportForm.SINGLE)
    await j.consent(people[4], j.ago(6))
    next_month = clock.first_of_month(clock.add_months(j.today, 1))
    accepted = await j.refer(
        requested[j.offer.partner_service],
        j.partner_contract,
        next_month,
        plans.last_day(next_month, 3),
    )
    await j.accept(accepted, j.ago(2), partner=True)

    # Granted, but the consent was withdrawn before any referral.
    await j.granted(people[5], [j.offer.partner_service], j.ago(16), SupportForm.SINGLE)
    consent_id = await j.consent(people[5], j.ago(12))
    async with j.as_("kipus") as db:
        await consents.withdraw_consent(db, people[5], consent_id)
    return delivered


async def _complaints(
    j: _Journeys, in_house: tuple[UUID, UUID], partner: tuple[UUID, UUID]
) -> None:
    """One complaint closed on time, one forwarded to the partner and due within a week.
    Each pair is (resident, referral)."""
    received_on = j.ago(40)
    with on(received_on):
        async with j.as_("ous") as db:
            closed = await complaints.register_complaint(
                db,
                ComplaintCreate(
                    resident_id=in_house[0],
                    referral_id=in_house[1],
                    channel=ComplaintChannel.LETTER,
                    received_on=received_on,
                    summary="Spotkania odwoływane w ostatniej chwili.",
                ),
            )
    with on(j.ago(25)):
        async with j.as_("director") as db:
            await complaints.decide(
                db,
                closed.id,
                ComplaintDecision(
                    outcome=ComplaintOutcome.PARTLY_UPHELD,
                    decision="Dwa spotkania odwołano bez uprzedzenia; pozostałe zarzuty "
                    "nie potwierdziły się.",
                ),
            )
            await complaints.record_corrective_action(
                db,
                closed.id,
                CorrectiveActionIn(corrective_action="Stały termin spotkań i zastępstwo."),
            )
            await complaints.inform_resident(db, closed.id, InformIn(informed_on=j.ago(25)))
    received_on = j.ago(26)
    with on(received_on):
        async with j.as_("ous") as db:
            forwarded = await complaints.register_complaint(
                db,
                ComplaintCreate(
                    resident_id=partner[0],
                    referral_id=partner[1],
                    channel=ComplaintChannel.PHONE,
                    received_on=received_on,
                    summary="Opiekunka spóźnia się na wizyty.",
                ),
            )
    with on(j.ago(24)):
        async with j.as_("ous") as db:
            await complaints.forward(db, forwarded.id)
    j.report.counts["complaints"] += 2


VOLUNTEERS = (
    ("Irena", "Majewska", [VolunteerKind.CARE, VolunteerKind.HOUSEHOLD], 300),
    ("Zbigniew", "Olszewski", [VolunteerKind.HOUSEHOLD], 220),
    ("Natalia", "Jaworska", [VolunteerKind.EDUCATIONAL], 180),
    ("Kacper", "Malinowski", [VolunteerKind.EVENT], 150),
    ("Halina", "Pawłowska", [VolunteerKind.CARE], 90),
    ("Oksana", "Bondarenko", [VolunteerKind.EVENT, VolunteerKind.EDUCATIONAL], 60),
)


async def _community(j: _Journeys, neighbours: Sequence[UUID]) -> None:
    """Six volunteers, two self-help groups, three neighbour-support links, four events."""
    async with j.as_("osl") as db:
        volunteers = []
        for number, (given, family, kinds, days) in enumerate(VOLUNTEERS):
            volunteers.append(
                await community.create_volunteer(
                    db,
                    VolunteerCreate(
                        given_name=given,
                        family_name=family,
                        phone=f"+48 600 {100 + number:03d} {200 + number:03d}",
                        kinds=kinds,
                        active_since=j.ago(days),
                    ),
                )
            )
        groups = [
            await community.create_group(
                db,
                GroupCreate(name=name, topic=topic, members=members, started_on=j.ago(days)),
            )
            for name, topic, members, days in (
                ("Grupa wsparcia opiekunów", "Opiekunowie osób starszych i chorych", 9, 400),
                ("Klub Aktywnej Mamy", "Rodzice małych dzieci", 14, 120),
            )
        ]
        for volunteer, kind, resident in zip(
            (volunteers[0], volunteers[1], volunteers[4]),
            (VolunteerKind.CARE, VolunteerKind.HOUSEHOLD, VolunteerKind.CARE),
            neighbours,
            strict=False,
        ):
            await community.link_support(
                db,
                SupportCreate(
                    volunteer_id=volunteer.id,
                    resident_id=resident,
                    kind=kind,
                    description="Odwiedziny i pomoc przy zakupach",
                    started_on=max(volunteer.active_since, j.ago(45)),
                ),
            )
            j.report.counts["neighbour_support"] += 1
        first = j.today.replace(month=1, day=1)
        span = (j.today - first).days
        for index, (title, participants, helpers, group) in enumerate(
            (
                ("Piknik sąsiedzki", 120, 8, None),
                ("Warsztaty cyfrowe dla seniorów", 18, 2, None),
                ("Spotkanie grupy wsparcia opiekunów", 9, 0, groups[0].id),
                ("Dzień Sąsiada", 75, 5, None),
            )
        ):
            await community.create_event(
                db,
                EventCreate(
                    title=title,
                    held_on=first + timedelta(days=span * index // 4),
                    participants=participants,
                    volunteers=helpers,
                    self_help_group_id=group,
                ),
            )
    j.report.counts.update(volunteers=len(volunteers), groups=len(groups), events=4)


# --- the entry point ------------------------------------------------------------------------


async def _choose_residents(db: TenantSession, count: int) -> list[UUID]:
    """The oldest adults of the register (deterministic; audited as a list)."""
    adult = clock.add_months(clock.today(), -18 * 12)
    ids = list(
        await db.session.scalars(
            select(Resident.id)
            .where(Resident.birth_date <= adult)
            .order_by(Resident.birth_date, Resident.id)
            .limit(count)
        )
    )
    await record_access(
        db, AuditAction.LIST, "resident", ids, {"fields": ["birth_date"], "via": "demo"}
    )
    return ids


async def _seeded(db: TenantSession, residents: Sequence[UUID] | None) -> bool:
    query = select(Application.id).limit(1)
    if residents is not None:
        query = query.where(Application.resident_id.in_(residents))
    return await db.session.scalar(query) is not None


async def seed_journeys(
    sessions: async_sessionmaker[AsyncSession],
    teryt: str,
    staff: Staff,
    *,
    chosen: JourneyOffer | None = None,
    residents: Sequence[UUID] | None = None,
) -> JourneyReport | None:
    """Walk residents of a gmina through their journeys (see the module's docstring).

    ``residents`` (at least 15: 12 journeys, 3 neighbours) default to the register's oldest
    adults; ``chosen`` defaults to what :func:`find_offer` picks. Returns None when nothing
    was seeded: already seeded, too few residents, or no partner and in-house contract."""
    needed = JOURNEY_RESIDENTS + NEIGHBOURS
    report = JourneyReport(teryt=teryt)
    lookup = _staff_tenant(staff.kipus, teryt, Role.KIPUS)
    async with open_tenant_session(sessions, lookup) as db:
        if await _seeded(db, residents):
            return None
        people = list(residents) if residents is not None else await _choose_residents(db, needed)
        chosen = chosen or await find_offer(db, clock.today())
        if chosen is None or len(people) < needed:
            return None
        partner_contract = await offer.contract(db, chosen.partner_contract)
        in_house_contract = await offer.contract(db, chosen.in_house_contract)
    if partner_contract is None or in_house_contract is None:
        return None
    j = _Journeys(sessions, teryt, staff, chosen, (partner_contract, in_house_contract), report)
    in_house: list[UUID] = []
    partner: list[UUID] = []

    async def in_house_step() -> None:
        in_house.append(await _in_house_single(j, people[4]))

    async def partner_step() -> None:
        partner.append(await _plans_and_partner(j, people[5:11]))

    async def complaint_step() -> None:
        if in_house and partner:
            await _complaints(j, (people[4], in_house[0]), (people[5], partner[0]))

    steps: list[tuple[str, Callable[[], Awaitable[None]]]] = [
        ("applications", lambda: _waiting_and_refused(j, [*people[0:4], people[11]])),
        ("in-house service", in_house_step),
        ("plans and partner referrals", partner_step),
        ("complaints", complaint_step),
        ("community", lambda: _community(j, people[JOURNEY_RESIDENTS:needed])),
    ]
    for name, step in steps:
        try:
            await step()
        except DomainError as error:
            keys = [error.key, *(p.key for p in error.problems)]
            report.problems.append(f"{name}: {', '.join(dict.fromkeys(keys))}")
    return report


async def seed_journey_rounds(
    sessions: async_sessionmaker[AsyncSession], teryt: str, staff: Staff, *, rounds: int
) -> JourneyReport | None:
    """The journeys ``rounds`` times over, each round with its own residents (the register's
    oldest adults in turn), so that a gmina's figures are large enough for the regional
    reports to show them (counts below 10 are hidden there). Rounds already seeded are
    skipped; None when no round was seeded."""
    needed = JOURNEY_RESIDENTS + NEIGHBOURS
    lookup = _staff_tenant(staff.kipus, teryt, Role.KIPUS)
    async with open_tenant_session(sessions, lookup) as db:
        people = await _choose_residents(db, needed * rounds)
    total: JourneyReport | None = None
    for start in range(0, len(people) - needed + 1, needed):
        report = await seed_journeys(
            sessions, teryt, staff, residents=people[start : start + needed]
        )
        if report is None:
            continue
        if total is None:
            total = JourneyReport(teryt=teryt)
        total.counts.update(report.counts)
        total.problems.extend(report.problems)
    return total
