"""What the demo agreement shares and plans: a catalogue of services, a partner (social
cooperative) with contracts, each gmina's programme (PUS) and Kramsk's budget — the seed's
worked example 1 (2021–2023 by year), so that the demo shows the figures of the documents.

Everything goes through the same service functions as the API and the pages, so the demo
also proves the rules accept real data. Idempotent: an existing catalogue is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select

from cus_tenants.budgets import service as budgets
from cus_tenants.budgets.schemas import (
    BudgetCreate,
    BudgetLineIn,
    BudgetLinesIn,
    BudgetServiceIn,
    BudgetServicesIn,
    PeriodIn,
)
from cus_tenants.catalogue import service as catalogue
from cus_tenants.catalogue.models import CatalogueService
from cus_tenants.catalogue.schemas import ServiceCreate
from cus_tenants.catalogue.vocabulary import DeliveryMode, ServiceUnit
from cus_tenants.contracts.schemas import CapacityUnit, ContractCreate
from cus_tenants.contracts.service import create_contract
from cus_tenants.partners.models import Partner
from cus_tenants.partners.schemas import ContactIn, PartnerCategory, PartnerCreate
from cus_tenants.partners.service import create_partner
from cus_tenants.programmes import service as programmes
from cus_tenants.programmes.schemas import EstimateIn, IndicatorIn, ProgrammeIn, ProgrammeServiceIn

if TYPE_CHECKING:
    from uuid import UUID

    from sqlalchemy.ext.asyncio import AsyncSession

    from cus_tenants.agreements.models import Agreement
    from cus_tenants.programmes.models import Programme

#: The demo partner's NIP (valid check digit); partner@demo.cus.local works for it.
DEMO_PARTNER_NIP = "6652877583"
KRAMSK = "3010052"

_COMPETITION = [DeliveryMode.COMPETITION_SUPPORT.value, DeliveryMode.COMPETITION_ENTRUST.value]


@dataclass(frozen=True)
class DemoService:
    """A catalogue service of the demo, and its row in Kramsk's budget (seed example 1)."""

    code: str
    area: int
    name: str
    name_en: str
    name_uk: str
    unit: ServiceUnit
    modes: tuple[str, ...]
    #: Kramsk's planned amounts 2021, 2022, 2023 (zł) and what is contracted to the sector.
    kramsk: tuple[int, int, int] | None = None
    kramsk_contracted: int = 0


# Seed 000, "Przykład 1: CUS w Kramsku": the four services of the budget are named after their
# areas. The seed's 2023 cell "20 00 zł" is a typo for 20 000 (row and column totals say so).
DEMO_SERVICES = (
    DemoService(
        "wsparcie-rodziny",
        2,
        "Wsparcie rodziny – asystent rodziny i poradnictwo rodzinne",
        "Family support – family assistant and family counselling",
        "Підтримка сім'ї – сімейний асистент і сімейні консультації",
        ServiceUnit.HOUR,
        (DeliveryMode.IN_HOUSE.value, *_COMPETITION),
        kramsk=(20_000, 17_200, 4_500),
    ),
    DemoService(
        "uslugi-opiekuncze",
        4,
        "Usługi opiekuńcze w miejscu zamieszkania",
        "Care services at home",
        "Послуги догляду вдома",
        ServiceUnit.HOUR,
        (*_COMPETITION, DeliveryMode.PROCUREMENT_SOCIAL.value),
        kramsk=(200_000, 310_146, 75_000),
        kramsk_contracted=585_146,
    ),
    DemoService(
        "poradnictwo-psychologiczne",
        5,
        "Promocja i ochrona zdrowia – poradnictwo psychologiczne",
        "Health promotion – psychological counselling",
        "Зміцнення здоров'я – психологічні консультації",
        ServiceUnit.SESSION,
        (*_COMPETITION, DeliveryMode.MEDICAL_ENTITY.value),
        kramsk=(100_000, 208_646, 49_000),
        kramsk_contracted=357_646,
    ),
    DemoService(
        "klub-seniora",
        11,
        "Pobudzanie aktywności obywatelskiej – klub seniora",
        "Civic activity – senior club",
        "Громадянська активність – клуб для літніх людей",
        ServiceUnit.PLACE_DAY,
        tuple(_COMPETITION),
        kramsk=(50_000, 165_000, 20_000),
        kramsk_contracted=235_000,
    ),
    DemoService(
        "opaska-monitorujaca",
        6,
        "Opaska monitorująca (teleopieka)",
        "Monitoring wristband (telecare)",
        "Браслет моніторингу (телеопіка)",
        ServiceUnit.ITEM,
        (DeliveryMode.PROCUREMENT.value, DeliveryMode.IN_HOUSE.value),
    ),
)


async def seed_plans(session: AsyncSession, agreement: Agreement, gminy: list[str]) -> UUID:
    """The demo agreement's catalogue, partner, contracts, programmes and Kramsk's budget;
    returns the demo partner's id (for partner@demo.cus.local's membership)."""
    partner = await session.scalar(
        select(Partner).where(Partner.agreement_id == agreement.id, Partner.nip == DEMO_PARTNER_NIP)
    )
    if partner is not None:
        return partner.id
    services = {}
    for item in DEMO_SERVICES:
        services[item.code] = await catalogue.create_service(
            session,
            agreement.id,
            ServiceCreate(
                code=item.code,
                area_code=item.area,
                name=item.name,
                name_en=item.name_en,
                name_uk=item.name_uk,
                description=f"{item.name}. Usługa dla mieszkańców gmin porozumienia.",
                target_group="Mieszkańcy gmin porozumienia, bez względu na dochód.",
                eligibility="Wniosek i oświadczenie o spełnianiu warunków usługi.",
                unit=item.unit,
                delivery_modes=list(item.modes),
                valid_from=date(2021, 1, 1),
            ),
            author=None,
        )
    partner = await create_partner(
        session,
        agreement.id,
        gminy,
        PartnerCreate(
            name="Spółdzielnia Socjalna „Razem”",
            category=PartnerCategory.SOCIAL_ECONOMY,
            nip=DEMO_PARTNER_NIP,
            description="Usługi opiekuńcze i kluby seniora w powiecie konińskim od 2015 r.",
            areas=[4, 5, 11],
            services=[services[c].id for c in ("uslugi-opiekuncze", "klub-seniora")],
            gminy=gminy,
            contacts=[
                ContactIn(
                    name="Paulina Partnerska", position="prezeska", email="partner@demo.cus.local"
                ),
                ContactIn(name="Marek Zastępca", position="koordynator", phone="+48 63 000 00 00"),
            ],
        ),
    )
    await create_contract(
        session,
        agreement.id,
        gminy,
        ContractCreate(
            partner_id=partner.id,
            number="CUS/1/2026",
            mode=DeliveryMode.COMPETITION_ENTRUST,
            services=[services["uslugi-opiekuncze"].id],
            gminy=gminy,
            starts_on=date(2026, 1, 1),
            ends_on=date(2027, 12, 31),
            value_grosze=48_000_000,
            capacity=Decimal("400"),
            capacity_unit=CapacityUnit.HOURS,
            minimum_standard="Opiekunka z kwalifikacjami; co najmniej 2 godziny na wizytę.",
        ),
    )
    await create_contract(
        session,
        agreement.id,
        gminy,
        ContractCreate(
            number="CUS/W/2026-2027",
            mode=DeliveryMode.IN_HOUSE,
            services=[services["wsparcie-rodziny"].id],
            gminy=gminy,
            starts_on=date(2026, 1, 1),
            ends_on=date(2027, 12, 31),
            value_grosze=0,
            capacity=Decimal("160"),
            capacity_unit=CapacityUnit.HOURS,
        ),
    )
    for teryt in gminy:
        programme = await _current_programme(session, teryt, list(services.values()))
        await _current_budget(session, programme, list(services.values()), int(teryt[-3:-1]))
    await _kramsk_budget(session, services)
    return partner.id


async def _current_programme(
    session: AsyncSession, teryt: str, services: list[CatalogueService]
) -> Programme:
    programme = await programmes.create_programme(
        session,
        teryt,
        ProgrammeIn(
            title="Program usług społecznych na lata 2024–2027",
            resolution_number=f"XII/{teryt[-3:]}/2023",
            resolution_date=date(2023, 12, 14),
            period_start=date(2024, 1, 1),
            period_end=date(2027, 12, 31),
            diagnosis_date=date(2023, 6, 30),
        ),
    )
    for service in services:
        await programmes.add_service(
            session,
            programme,
            ProgrammeServiceIn(
                service_version_id=service.current.id,
                estimates=[
                    EstimateIn(year=y, recipients=20 + 5 * (y - 2024)) for y in range(2024, 2028)
                ],
                indicators=[
                    IndicatorIn(
                        name="Liczba osób, które skorzystały z usługi", unit="osoby", target=30
                    )
                ],
            ),
        )
    return programme


async def _current_budget(
    session: AsyncSession, programme: Programme, services: list[CatalogueService], scale: int
) -> None:
    """The programme's budget for 2025-2027 by year (EU project with the gmina's own share and
    co-payments), spent so far in 2025 and 2026: what the regional reports' budget figures and
    the 30% / 80% rules are computed from."""
    years = (2025, 2026, 2027)
    budget = await budgets.create_budget(
        session,
        programme,
        BudgetCreate(
            title="Budżet usług społecznych 2025–2027 (FEW, CUS partnerski)",
            period_kind="year",
            periods=[
                PeriodIn(label=str(y), starts_on=date(y, 1, 1), ends_on=date(y, 12, 31))
                for y in years
            ],
            project_value_grosze=(900_000 + 40_000 * scale) * 100,
            direct_costs_grosze=(820_000 + 36_000 * scale) * 100,
        ),
    )
    budget = await budgets.replace_services(
        session,
        budget,
        programme,
        BudgetServicesIn(services=[BudgetServiceIn(service_id=s.id) for s in services]),
    )
    periods = {p.label: p.id for p in budget.periods}
    lines = []
    for n, service in enumerate(services):
        for y in years:
            planned = (40_000 + 12_000 * n + 2_000 * scale) * 100
            spent = {2025: 1.0, 2026: 0.7}.get(y, 0.0)
            for source, share in (("eu_project", 0.85), ("gmina", 0.12), ("co_payment", 0.03)):
                amount = round(planned * share)
                lines.append(
                    BudgetLineIn(
                        service_id=service.id,
                        period_id=periods[str(y)],
                        funding_source=source,
                        planned_grosze=amount,
                        executed_grosze=round(amount * spent),
                    )
                )
    budget = await budgets.replace_lines(session, budget, BudgetLinesIn(lines=lines))
    # What each service contracts to the social sector (not above what is planned for it).
    await budgets.replace_services(
        session,
        budget,
        programme,
        BudgetServicesIn(
            services=[
                BudgetServiceIn(
                    service_id=s.id,
                    contracted_social_grosze=(40_000 + 12_000 * n + 2_000 * scale) * 100,
                )
                for n, s in enumerate(services)
                if n % 2 == 0
            ]
            + [BudgetServiceIn(service_id=s.id) for n, s in enumerate(services) if n % 2]
        ),
    )


async def _kramsk_budget(session: AsyncSession, services: dict[str, CatalogueService]) -> None:
    """Seed example 1: Kramsk's pilot 2021–2023 (POWER 2.8), by year."""
    programme = await programmes.create_programme(
        session,
        KRAMSK,
        ProgrammeIn(
            title="Program usług społecznych Gminy Kramsk na lata 2021–2023 (pilotaż CUS)",
            resolution_number="XXXI/215/2021",
            resolution_date=date(2021, 3, 25),
            period_start=date(2021, 1, 1),
            period_end=date(2023, 12, 31),
            diagnosis_date=date(2020, 11, 30),
        ),
    )
    in_budget = [item for item in DEMO_SERVICES if item.kramsk is not None]
    for item in in_budget:
        await programmes.add_service(
            session,
            programme,
            ProgrammeServiceIn(service_version_id=services[item.code].current.id),
        )
    budget = await budgets.create_budget(
        session,
        programme,
        BudgetCreate(
            title="Budżet usług społecznych w projekcie POWER 2.8",
            period_kind="year",
            periods=[
                PeriodIn(label=str(year), starts_on=date(year, 1, 1), ends_on=date(year, 12, 31))
                for year in (2021, 2022, 2023)
            ],
        ),
    )
    # Services first (nothing contracted yet: contracted may not exceed what is planned),
    # then the amounts, then what each service contracts to the social sector.
    for contracted in (False, True):
        budget = await budgets.replace_services(
            session,
            budget,
            programme,
            BudgetServicesIn(
                services=[
                    BudgetServiceIn(
                        service_id=services[item.code].id,
                        contracted_social_grosze=item.kramsk_contracted * 100 if contracted else 0,
                    )
                    for item in in_budget
                ]
            ),
        )
        if contracted:
            break
        periods = [p.id for p in budget.periods]
        budget = await budgets.replace_lines(
            session,
            budget,
            BudgetLinesIn(
                lines=[
                    BudgetLineIn(
                        service_id=services[item.code].id,
                        period_id=period_id,
                        funding_source="eu_project",
                        planned_grosze=amount * 100,
                    )
                    for item in in_budget
                    for period_id, amount in zip(periods, item.kramsk or (), strict=True)
                ]
            ),
        )
