"""Demo partner CUS: three gminy of powiat koniński under one agreement, one user per role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from rich.console import Console
from sqlalchemy import func, select

from cus_shared.cli_support import admin_database
from cus_shared.database.naming import SHARED_SCHEMA, TENANTS_SERVICE_ROLE
from cus_shared.identifiers.teryt import parse_teryt
from cus_shared.identity.roles import Role, Scope
from cus_shared.plugins import migration_tree
from cus_shared.tenancy import open_service_session
from cus_tenants.agreements.models import Agreement
from cus_tenants.agreements.schemas import AgreementCreate, MemberIn
from cus_tenants.agreements.service import create_agreement
from cus_tenants.demo_plans import seed_plans
from cus_tenants.gminy.models import Gmina
from cus_tenants.gminy.service import register_gmina
from cus_tenants.identity.models import User
from cus_tenants.identity.schemas import MembershipIn, UserCreate
from cus_tenants.identity.service import create_user
from cus_tenants.provisioning.tenant import provision_tenant

if TYPE_CHECKING:
    from cus_shared.settings import Settings

console = Console(stderr=True)

#: Three gminy of powiat koniński (woj. wielkopolskie); Kramsk is the lead gmina.
DEMO_GMINY = (
    ("3010052", "Kramsk"),
    ("3010013", "Golina"),
    ("3010032", "Kazimierz Biskupi"),
)
DEMO_AGREEMENT = "Porozumienie gmin Kramsk, Golina i Kazimierz Biskupi (CUS partnerski)"
DEMO_PASSWORD = "Demo-CUS-2026!"  # noqa: S105 - documented demo password


@dataclass(frozen=True)
class DemoUser:
    """A demo account."""

    email: str
    name: str
    role: Role
    scope: Scope
    scope_id: str  # "agreement" and "partner" stand for the demo agreement's and partner's ids


DEMO_USERS = (
    DemoUser("operator@demo.cus.local", "Olga Operatorska", Role.OPERATOR, Scope.PLATFORM, "*"),
    DemoUser(
        "dyrektor@demo.cus.local", "Danuta Dyrektorska", Role.DIRECTOR, Scope.AGREEMENT, "agreement"
    ),
    DemoUser("ous@demo.cus.local", "Oskar Organizatorski", Role.OUS, Scope.AGREEMENT, "agreement"),
    DemoUser(
        "kipus@demo.cus.local", "Katarzyna Koordynatorska", Role.KIPUS, Scope.AGREEMENT, "agreement"
    ),
    DemoUser(
        "kipus.kramsk@demo.cus.local", "Krzysztof Kramski", Role.KIPUS, Scope.GMINA, "3010052"
    ),
    DemoUser("osl@demo.cus.local", "Ola Społecznościowa", Role.OSL, Scope.GMINA, "3010013"),
    DemoUser(
        "ops@demo.cus.local",
        "Paweł Pomocowy",
        Role.SOCIAL_ASSISTANCE_ORGANISER,
        Scope.GMINA,
        "3010032",
    ),
    DemoUser(
        "partner@demo.cus.local",
        "Paulina Partnerska",
        Role.PARTNER_STAFF,
        Scope.PARTNER,
        "partner",
    ),
    DemoUser("rops@demo.cus.local", "Roman Regionalny", Role.ROPS_SUPERVISOR, Scope.REGION, "30"),
    DemoUser("forum@demo.cus.local", "Fryderyka Forumowa", Role.FORUM_MEMBER, Scope.REGION, "30"),
)


async def seed_demo(settings: Settings) -> None:
    """Register and provision the demo gminy, the agreement and the users (idempotent)."""
    del settings
    async with admin_database() as db:
        tree = migration_tree("tenant")
        async with open_service_session(
            db.sessions, db_role=TENANTS_SERVICE_ROLE, schema=SHARED_SCHEMA
        ) as session:
            for teryt, name in DEMO_GMINY:
                if await session.get(Gmina, teryt) is None:
                    await register_gmina(session, teryt, name)
        for teryt, name in DEMO_GMINY:
            await provision_tenant(
                db.admin_engine, tree, parse_teryt(teryt), app_role=db.settings.database.app_role
            )
            console.print(f"gmina {teryt} {name}: provisioned")
        async with open_service_session(
            db.sessions, db_role=TENANTS_SERVICE_ROLE, schema=SHARED_SCHEMA
        ) as session:
            agreement = await session.scalar(
                select(Agreement).where(Agreement.name == DEMO_AGREEMENT)
            )
            if agreement is None:
                agreement = await create_agreement(
                    session,
                    AgreementCreate(
                        name=DEMO_AGREEMENT,
                        lead_teryt=DEMO_GMINY[0][0],
                        signed_on=date(2024, 1, 15),
                        members=[
                            MemberIn(teryt=t, joined_on=date(2024, 2, 1)) for t, _ in DEMO_GMINY
                        ],
                    ),
                )
            partner_id = await seed_plans(session, agreement, [t for t, _ in DEMO_GMINY])
            console.print("catalogue, partner, contracts, programmes and Kramsk's budget ready")
            for demo_user in DEMO_USERS:
                exists = await session.scalar(
                    select(User.id).where(func.lower(User.email) == demo_user.email)
                )
                if exists is not None:
                    continue
                scope_id = {"agreement": str(agreement.id), "partner": str(partner_id)}.get(
                    demo_user.scope_id, demo_user.scope_id
                )
                await create_user(
                    session,
                    UserCreate(
                        email=demo_user.email,
                        display_name=demo_user.name,
                        password=DEMO_PASSWORD,
                        memberships=[
                            MembershipIn(
                                scope=demo_user.scope, scope_id=scope_id, role=demo_user.role
                            )
                        ],
                    ),
                )
        _print_accounts()


#: What each demo account does, in the language of the people who will try the demo.
_ROLE_DESCRIPTIONS = {
    Role.OPERATOR: "operator platformy: gminy, porozumienia, użytkownicy",
    Role.DIRECTOR: "dyrektor CUS",
    Role.OUS: "organizator usług społecznych (OUS)",
    Role.KIPUS: "koordynator indywidualnych planów (KIPUS)",
    Role.OSL: "organizator społeczności lokalnej (OSL)",
    Role.SOCIAL_ASSISTANCE_ORGANISER: "organizator pomocy społecznej",
    Role.PARTNER_STAFF: "pracownik partnera (spółdzielnia socjalna)",
    Role.ROPS_SUPERVISOR: "nadzór regionalny ROPS (wielkopolskie)",
    Role.FORUM_MEMBER: "członek Regionalnego Forum CUS (wielkopolskie)",
}


def _print_accounts() -> None:
    """The demo accounts, so that a person can log in without reading any documentation."""
    from rich.table import Table

    names = dict(DEMO_GMINY)
    table = Table(title=f"Konta demonstracyjne — hasło dla wszystkich: {DEMO_PASSWORD}")
    table.add_column("e-mail", no_wrap=True)
    table.add_column("rola")
    table.add_column("zakres")
    for user in DEMO_USERS:
        scope = {
            Scope.GMINA: names.get(user.scope_id, user.scope_id),
            Scope.AGREEMENT: "3 gminy porozumienia",
            Scope.PLATFORM: "cała platforma",
            Scope.REGION: "województwo wielkopolskie",
            Scope.PARTNER: "Spółdzielnia Socjalna „Razem”",
        }[user.scope]
        table.add_row(user.email, _ROLE_DESCRIPTIONS[user.role], scope)
    console.print(table)
