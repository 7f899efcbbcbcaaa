"""The one-stop public information page of a gmina (/uslugi/{teryt}, no login): the services of
its programmes in force today by area, in Polish, English or Ukrainian (Polish marked as such
where no translation was given), who delivers each today, and how to apply."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
import pytest_asyncio
from litestar import Litestar

from cus_tenants.programmes.service import today
from tests.conftest import GMINA_B, Platform, login
from tests.integration.test_catalogue import OPERATOR, care
from tests.pages import browser_session, text_of

pytestmark = pytest.mark.asyncio(loop_scope="session")

Client = httpx.AsyncClient

#: Gminy of these tests (county 23 of wielkopolskie, which no other test uses).
PUBLIC_GMINA = "3023011"
SUSPENDED_GMINA = "3023022"
UNKNOWN_GMINA = "3023093"


@dataclass(frozen=True)
class Offer:
    """What the page should show: the gmina's name and the services' ids."""

    name: str
    services: dict[str, str]


async def _gmina(client: Client, teryt: str, name: str) -> None:
    headers = await login(client, OPERATOR)
    response = await client.post(
        "/api/tenants/gminy", json={"teryt": teryt, "name": name}, headers=headers
    )
    assert response.status_code in (201, 409), response.text


async def _partner(platform: Platform, agreement_id: str, name: str, category: str) -> uuid.UUID:
    from cus_shared.database.naming import SHARED_SCHEMA, TENANTS_SERVICE_ROLE
    from cus_shared.tenancy import open_service_session
    from cus_tenants.partners.models import Partner

    async with open_service_session(
        platform.db.sessions, db_role=TENANTS_SERVICE_ROLE, schema=SHARED_SCHEMA
    ) as session:
        partner = Partner(
            agreement_id=uuid.UUID(agreement_id), name=name, category=category, areas=[4]
        )
        session.add(partner)
        await session.flush()
        return partner.id


async def _contract(
    platform: Platform,
    agreement_id: str,
    partner_id: uuid.UUID | None,
    service_id: str,
    teryt: str,
    starts_on: date,
    ends_on: date,
    mode: str = "procurement",
) -> None:
    """A contract written directly (contracts have their own tests)."""
    from cus_shared.database.naming import SHARED_SCHEMA, TENANTS_SERVICE_ROLE
    from cus_shared.tenancy import open_service_session
    from cus_tenants.contracts.models import Contract, ContractGmina, ContractService

    async with open_service_session(
        platform.db.sessions, db_role=TENANTS_SERVICE_ROLE, schema=SHARED_SCHEMA
    ) as session:
        session.add(
            Contract(
                agreement_id=uuid.UUID(agreement_id),
                partner_id=partner_id,
                number=f"UM/{uuid.uuid4().hex[:6]}",
                mode=mode,
                starts_on=starts_on,
                ends_on=ends_on,
                value_grosze=100_000,
                capacity=Decimal(10),
                capacity_unit="hours_per_month",
                services=[ContractService(service_id=uuid.UUID(service_id))],
                gminy=[ContractGmina(teryt=teryt)],
            )
        )


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def offer(client: Client, platform: Platform) -> Offer:
    """A gmina of its own with an agreement, a catalogue, programmes (ended, current, future)
    and contracts (current, ended, of another gmina, of another service, in-house)."""
    name = "Stare Miasto"
    await _gmina(client, PUBLIC_GMINA, name)
    await _gmina(client, SUSPENDED_GMINA, "Rzgów")
    headers = await login(client, OPERATOR)
    suspended = await client.post(f"/api/tenants/gminy/{SUSPENDED_GMINA}/suspend", headers=headers)
    assert suspended.status_code == 200
    agreement = await client.post(
        "/api/tenants/agreements",
        json={
            "name": f"CUS w Starym Mieście {uuid.uuid4().hex[:4]}",
            "lead_teryt": PUBLIC_GMINA,
            "members": [{"teryt": PUBLIC_GMINA, "joined_on": "2015-01-01"}],
        },
        headers=headers,
    )
    assert agreement.status_code == 201, agreement.text
    agreement_id = agreement.json()["id"]
    url = f"/api/tenants/agreements/{agreement_id}/catalogue/services"
    definitions: dict[str, dict[str, Any]] = {
        "care": care(
            name_en="Care services at home",
            description_en="Help with daily activities at home.",
            delivery_modes=["procurement_social"],
            target_group="Osoby starsze i niesamodzielne.",
        ),
        "counselling": care(
            name="Poradnictwo psychologiczne",
            name_en=None,
            name_uk="Психологічне консультування",
            description="Konsultacje z psychologiem.",
            description_uk="Консультації з психологом.",
            area_code=5,
            unit="session",
            delivery_modes=["in_house"],
        ),
        "club": care(
            name="Klub seniora",
            name_en=None,
            area_code=11,
            unit="place_day",
            delivery_modes=["gmina_office"],
        ),
        "wristband": care(
            name="Opaska monitorująca",
            name_en=None,
            area_code=6,
            unit="item",
            delivery_modes=["procurement"],
        ),
    }
    services: dict[str, str] = {}
    versions: dict[str, str] = {}
    for key, body in definitions.items():
        made = await client.post(url, json=body, headers=headers)
        assert made.status_code == 201, made.text
        services[key] = made.json()["id"]
        versions[key] = made.json()["current"]["id"]
    day = today()
    periods = {
        "ended": ("2015-01-01", "2017-12-31", ["club"]),
        "current": (
            str(day - timedelta(days=365)),
            str(day + timedelta(days=365)),
            ["care", "counselling", "wristband"],
        ),
        "future": (str(date(day.year + 2, 1, 1)), str(date(day.year + 4, 12, 31)), ["club"]),
    }
    for title, (start, end, included) in periods.items():
        made = await client.post(
            f"/api/tenants/gminy/{PUBLIC_GMINA}/programmes",
            json={
                "title": f"Program {title}",
                "resolution_number": "I/1/2015",
                "resolution_date": "2014-12-30",
                "period_start": start,
                "period_end": end,
                "diagnosis_date": "2014-06-30",
            },
            headers=headers,
        )
        assert made.status_code == 201, made.text
        for key in included:
            added = await client.post(
                f"/api/tenants/programmes/{made.json()['id']}/services",
                json={
                    "service_version_id": versions[key],
                    "conditions": "Mieszkańcy Starego Miasta." if key == "care" else None,
                },
                headers=headers,
            )
            assert added.status_code == 201, added.text
    yesterday, next_year = day - timedelta(days=1), day + timedelta(days=365)
    cooperative = await _partner(
        platform, agreement_id, "Spółdzielnia Socjalna Pomocna Dłoń", "social_economy"
    )
    ended = await _partner(platform, agreement_id, "Fundacja Dawna Umowa", "ngo")
    elsewhere = await _partner(platform, agreement_id, "Firma z Innej Gminy", "business")
    other_service = await _partner(platform, agreement_id, "Stowarzyszenie Opiekunów", "ngo")
    wristband, care_id = services["wristband"], services["care"]
    start = date(2020, 1, 1)
    await _contract(platform, agreement_id, cooperative, wristband, PUBLIC_GMINA, start, next_year)
    await _contract(platform, agreement_id, ended, wristband, PUBLIC_GMINA, start, yesterday)
    await _contract(platform, agreement_id, elsewhere, wristband, GMINA_B, start, next_year)
    await _contract(platform, agreement_id, other_service, care_id, PUBLIC_GMINA, day, day)
    await _contract(
        platform, agreement_id, None, care_id, PUBLIC_GMINA, start, next_year, "gmina_office"
    )
    return Offer(name=name, services=services)


def section(page: str, heading: str) -> str:
    """The text of a service's card, from its heading to the next card."""
    start = page.index(heading)
    end = page.find("<article", start)
    return page[start : end if end != -1 else len(page)]


async def test_the_page_is_public_and_polish_by_default(app: Litestar, offer: Offer) -> None:
    async with browser_session(app) as browser:
        response = await browser.get(f"/uslugi/{PUBLIC_GMINA}")
    assert response.status_code == 200, response.text
    assert '<html lang="pl">' in response.text
    page = text_of(response)
    assert f"Usługi społeczne w gminie {offer.name}" in page
    for expected in (
        "Pomoc społeczna",
        "Promocja i ochrona zdrowia",
        "Wspieranie osób niepełnosprawnych",
        "Usługi opiekuńcze w miejscu zamieszkania",
        "Poradnictwo psychologiczne",
        "Opaska monitorująca",
        "Jak złożyć wniosek",
        "Złóż wniosek o usługę oraz oświadczenie",
        "Pracownicy CUS pomogą Ci wypełnić wniosek.",
        "Zapraszamy osoby mówiące po ukraińsku",
    ):
        assert expected in page, expected
    # Only services of a programme in force today (the club is in an ended and a future one).
    assert "Klub seniora" not in page
    assert "<h3>Usługi opiekuńcze w miejscu zamieszkania</h3>" in response.text
    assert 'lang="pl"' not in response.text.split("<main", 1)[1]
    assert "Wyloguj" not in page  # nobody is logged in
    care = text_of_html(section(response.text, "<h3>Usługi opiekuńcze"))
    assert "Osoby starsze i niesamodzielne." in care and "Mieszkańcy Starego Miasta." in care


def text_of_html(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


async def test_who_delivers_each_service_today(app: Litestar, offer: Offer) -> None:
    async with browser_session(app) as browser:
        response = await browser.get(f"/uslugi/{PUBLIC_GMINA}")
    wristband = text_of_html(section(response.text, "<h3>Opaska monitorująca"))
    assert "Spółdzielnia Socjalna Pomocna Dłoń" in wristband
    assert "Podmiot ekonomii społecznej, np. spółdzielnia socjalna" in wristband
    assert "Fundacja Dawna Umowa" not in response.text  # the contract ended yesterday
    assert "Firma z Innej Gminy" not in response.text  # its contract serves another gmina
    care = text_of_html(section(response.text, "<h3>Usługi opiekuńcze"))
    assert "Stowarzyszenie Opiekunów (Organizacja pozarządowa)" in care  # today only
    assert "Urząd gminy" in care  # an in-house contract of the gmina office
    assert "Spółdzielnia Socjalna" not in care
    counselling = text_of_html(section(response.text, "<h3>Poradnictwo psychologiczne"))
    assert "Centrum Usług Społecznych (CUS)" in counselling  # delivered in-house


async def test_in_english_with_polish_marked_where_untranslated(
    app: Litestar, offer: Offer
) -> None:
    async with browser_session(app) as browser:
        await browser.get(f"/uslugi/{PUBLIC_GMINA}")
        chosen = await browser.submit(
            "/language", {"language": "en", "next": f"/uslugi/{PUBLIC_GMINA}"}
        )
        assert chosen.status_code == 303
        assert chosen.headers["location"] == f"/uslugi/{PUBLIC_GMINA}"
        response = await browser.get(f"/uslugi/{PUBLIC_GMINA}")
    assert '<html lang="en">' in response.text
    page = text_of(response)
    assert f"Social services in the gmina of {offer.name}" in page
    assert "Social assistance" in page and "How to apply" in page
    assert "<h3>Care services at home</h3>" in response.text
    assert "Help with daily activities at home." in page
    assert '<h3 lang="pl">Poradnictwo psychologiczne</h3>' in response.text
    assert '<div lang="pl">' in section(response.text, '<h3 lang="pl">Poradnictwo')
    assert '<dd lang="pl">Osoby starsze i niesamodzielne.</dd>' in response.text
    assert "Social economy entity, such as a social cooperative" in page
    assert "The Social Services Centre (CUS) itself" in page


async def test_in_ukrainian_from_the_browser(app: Litestar, offer: Offer) -> None:
    async with browser_session(app) as browser:
        response = await browser.get(
            f"/uslugi/{PUBLIC_GMINA}", headers={"Accept-Language": "uk-UA,uk;q=0.9"}
        )
    assert '<html lang="uk">' in response.text
    page = text_of(response)
    assert f"Соціальні послуги в гміні {offer.name}" in page
    assert "<h3>Психологічне консультування</h3>" in response.text
    assert "Консультації з психологом." in page
    assert '<h3 lang="pl">Usługi opiekuńcze w miejscu zamieszkania</h3>' in response.text
    assert "Як подати заяву" in page and "Соціальна допомога" in page


async def test_a_logged_in_person_sees_the_same_page(app: Litestar, offer: Offer) -> None:
    async with browser_session(app, "kipus.a@test.local") as browser:
        response = await browser.get(f"/uslugi/{PUBLIC_GMINA}")
    assert response.status_code == 200
    assert "Opaska monitorująca" in text_of(response)


@pytest.mark.parametrize("teryt", [UNKNOWN_GMINA, SUSPENDED_GMINA, "abc", "30230111"])
async def test_unknown_or_suspended_gmina_is_a_404_page(
    app: Litestar, offer: Offer, teryt: str
) -> None:
    async with browser_session(app) as browser:
        response = await browser.get(f"/uslugi/{teryt}")
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]
    assert "Rzgów" not in response.text


async def test_a_gmina_without_a_programme_today_says_so(app: Litestar, offer: Offer) -> None:
    del offer
    # Gmina C has no programme of its own.
    async with browser_session(app) as browser:
        response = await browser.get("/uslugi/1465011")
    assert response.status_code == 200
    assert "W tej gminie nie obowiązuje dziś żaden program usług społecznych." in text_of(response)
