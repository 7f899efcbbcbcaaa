"""What the resident's journey needs from the agreement, made once per test session: three
catalogue services in the programmes of gminy A and B, a partner contract covering both with
a small monthly capacity, an in-house contract, and a second partner serving gmina B only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from sqlalchemy import select

from cus_shared.database.naming import SHARED_SCHEMA, TENANTS_SERVICE_ROLE
from cus_shared.tenancy import open_service_session
from tests.conftest import GMINA_A, GMINA_B, Platform

#: Hours a month the partner's contract can deliver across gminy A and B.
PARTNER_CAPACITY = Decimal("40")
CONTRACT_START = date(2025, 1, 1)
CONTRACT_END = date(2029, 12, 31)


@dataclass(frozen=True)
class Offer:
    """Ids of what the journey tests use."""

    care: UUID  # "Usługi opiekuńcze" (hours), partner contract in A and B
    assistance: UUID  # "Asystencja osobista" (hours), partner contract in A and B
    counselling: UUID  # "Poradnictwo rodzinne" (sessions), the CUS itself (in-house)
    partner: UUID  # Spółdzielnia Socjalna Test (partner@test.local)
    partner_contract: UUID
    in_house_contract: UUID
    other_partner: UUID  # Fundacja Druga (partner.b@test.local), gmina B only
    other_contract: UUID


async def make_offer(platform: Platform) -> Offer:
    """Create (once) the catalogue, programmes and contracts of the journey tests."""
    from cus_tenants.catalogue import service as catalogue
    from cus_tenants.catalogue.schemas import ServiceCreate
    from cus_tenants.catalogue.vocabulary import DeliveryMode
    from cus_tenants.contracts.schemas import CapacityUnit, ContractCreate
    from cus_tenants.contracts.service import create_contract
    from cus_tenants.partners.models import Partner
    from cus_tenants.partners.schemas import ContactIn, PartnerCategory, PartnerCreate
    from cus_tenants.partners.service import create_partner
    from cus_tenants.programmes import service as programmes
    from cus_tenants.programmes.schemas import ProgrammeIn, ProgrammeServiceIn

    agreement_id = UUID(platform.agreement_id)
    gminy = [GMINA_A, GMINA_B]
    async with open_service_session(
        platform.db.sessions, db_role=TENANTS_SERVICE_ROLE, schema=SHARED_SCHEMA
    ) as session:
        partner_id = await session.scalar(select(Partner.id).where(Partner.nip == "6652877583"))
        assert partner_id is not None
        created = {}
        for code, name, area, unit, modes in (
            ("opieka", "Usługi opiekuńcze", 4, "hour", ["competition_entrust", "in_house"]),
            ("asystencja", "Asystencja osobista", 4, "hour", ["competition_entrust"]),
            ("poradnictwo", "Poradnictwo rodzinne", 3, "session", ["in_house"]),
        ):
            created[code] = await catalogue.create_service(
                session,
                agreement_id,
                ServiceCreate(
                    code=f"journey-{code}",
                    area_code=area,
                    name=name,
                    name_en=None,
                    name_uk=None,
                    description=f"{name} dla mieszkańców.",
                    target_group="Mieszkańcy gmin porozumienia.",
                    eligibility="Wniosek i oświadczenie.",
                    unit=unit,
                    delivery_modes=modes,
                    valid_from=date(2024, 1, 1),
                ),
                author=None,
            )
        # The partner offers the two hour-based services.
        from cus_tenants.partners.models import PartnerService

        for code in ("opieka", "asystencja"):
            session.add(PartnerService(partner_id=partner_id, service_id=created[code].id))
        await session.flush()
        contract = await create_contract(
            session,
            agreement_id,
            gminy,
            ContractCreate(
                partner_id=partner_id,
                number="TEST/J/1",
                mode=DeliveryMode.COMPETITION_ENTRUST,
                services=[created["opieka"].id, created["asystencja"].id],
                gminy=gminy,
                starts_on=CONTRACT_START,
                ends_on=CONTRACT_END,
                value_grosze=10_000_000,
                capacity=PARTNER_CAPACITY,
                capacity_unit=CapacityUnit.HOURS,
            ),
        )
        in_house = await create_contract(
            session,
            agreement_id,
            gminy,
            ContractCreate(
                number="TEST/J/W",
                mode=DeliveryMode.IN_HOUSE,
                services=[created["poradnictwo"].id, created["opieka"].id],
                gminy=gminy,
                starts_on=CONTRACT_START,
                ends_on=CONTRACT_END,
                value_grosze=0,
                capacity=Decimal("200"),
                capacity_unit=CapacityUnit.HOURS,
            ),
        )
        other = await create_partner(
            session,
            agreement_id,
            gminy,
            PartnerCreate(
                name="Fundacja Druga",
                category=PartnerCategory.NGO,
                nip="5261040828",
                areas=[4],
                services=[created["opieka"].id],
                gminy=[GMINA_B],
                contacts=[
                    ContactIn(name="Ewa Druga", email="ewa@fundacja.test"),
                    ContactIn(name="Jan Drugi", phone="+48 600 200 300"),
                ],
            ),
        )
        other_contract = await create_contract(
            session,
            agreement_id,
            gminy,
            ContractCreate(
                partner_id=other.id,
                number="TEST/J/2",
                mode=DeliveryMode.COMPETITION_ENTRUST,
                services=[created["opieka"].id],
                gminy=[GMINA_B],
                starts_on=CONTRACT_START,
                ends_on=CONTRACT_END,
                value_grosze=5_000_000,
                capacity=Decimal("100"),
                capacity_unit=CapacityUnit.HOURS,
            ),
        )
        from cus_shared.identity.roles import Role, Scope
        from cus_tenants.identity.schemas import MembershipIn, UserCreate
        from cus_tenants.identity.service import create_user
        from tests.conftest import PASSWORD

        await create_user(
            session,
            UserCreate(
                email="partner.b@test.local",
                display_name="partner.b",
                password=PASSWORD,
                memberships=[
                    MembershipIn(
                        scope=Scope.PARTNER, scope_id=str(other.id), role=Role.PARTNER_STAFF
                    )
                ],
            ),
        )
        for teryt in gminy:
            programme = await programmes.create_programme(
                session,
                teryt,
                ProgrammeIn(
                    title="Program usług społecznych (testy ścieżki mieszkańca)",
                    resolution_number=f"T/{teryt[-3:]}/2024",
                    resolution_date=date(2023, 12, 1),
                    period_start=date(2024, 1, 1),
                    period_end=date(2030, 12, 31),
                    diagnosis_date=date(2023, 6, 30),
                ),
            )
            for service in created.values():
                await programmes.add_service(
                    session, programme, ProgrammeServiceIn(service_version_id=service.current.id)
                )
    return Offer(
        care=created["opieka"].id,
        assistance=created["asystencja"].id,
        counselling=created["poradnictwo"].id,
        partner=partner_id,
        partner_contract=contract.id,
        in_house_contract=in_house.id,
        other_partner=other.id,
        other_contract=other_contract.id,
    )
