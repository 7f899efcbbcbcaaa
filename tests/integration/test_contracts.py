"""Contracts of an agreement through the API and the pages: partner or in-house, services the
catalogue allows in the mode and the partner offers, gminy the partner serves, period, value
in grosze, capacity; no two contracts of one partner (or one in-house mode) covering the same
service in the same gmina on the same day; each rule explained with nothing written."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import httpx
import pytest
import pytest_asyncio
from litestar import Litestar
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import GMINA_A, GMINA_B, GMINA_C, Platform, login
from tests.integration.test_partners import (
    DIRECTOR,
    OPERATOR,
    OUTSIDER,
    READER,
    add_service,
    count,
    other_agreement,
    valid_partner,
)
from tests.pages import browser_session, text_of

pytestmark = pytest.mark.asyncio(loop_scope="session")

Client = httpx.AsyncClient


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def catalogue(platform: Platform) -> dict[str, str]:
    """Services of the test agreement with the modes their catalogue allows."""
    agreement = platform.agreement_id
    return {
        "care": await add_service(
            platform,
            agreement,
            "Usługi opiekuńcze (test umów)",
            ["procurement", "procurement_social"],
        ),
        "respite": await add_service(
            platform,
            agreement,
            "Opieka wytchnieniowa (test umów)",
            ["competition_support", "competition_entrust"],
        ),
        "cus": await add_service(platform, agreement, "Poradnictwo (test umów)", ["in_house"]),
        "foreign": await add_service(
            platform, await other_agreement(platform), "Usługa obca (test umów)", ["procurement"]
        ),
    }


async def in_house_service(platform: Platform) -> str:
    """A service of its own for a test of in-house contracts (they overlap by mode)."""
    return await add_service(
        platform,
        platform.agreement_id,
        f"Poradnictwo CUS {uuid.uuid4().hex[:6]}",
        ["in_house", "gmina_office"],
    )


async def partner(client: Client, platform: Platform, services: list[str], gminy: list[str]) -> str:
    """A fresh partner offering the services in the gminy."""
    response = await client.post(
        f"/api/tenants/agreements/{platform.agreement_id}/partners",
        json=valid_partner(services=services, gminy=gminy),
        headers=await login(client, DIRECTOR),
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def contracts_url(platform: Platform) -> str:
    return f"/api/tenants/agreements/{platform.agreement_id}/contracts"


def number() -> str:
    return f"UM/{uuid.uuid4().hex[:8]}/2025"


def contract(partner_id: str | None, services: list[str], **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "partner_id": partner_id,
        "number": number(),
        "mode": "procurement",
        "services": services,
        "gminy": [GMINA_A],
        "starts_on": "2025-01-01",
        "ends_on": "2025-12-31",
        "value_grosze": 1_250_000,
        "capacity": "160",
        "capacity_unit": "hours_per_month",
        "minimum_standard": "Opiekunka z kwalifikacjami, co najmniej 2 godziny dziennie.",
    }
    body.update(changes)
    return body


async def record(client: Client, platform: Platform, body: dict[str, Any]) -> httpx.Response:
    return await client.post(
        contracts_url(platform), json=body, headers=await login(client, DIRECTOR)
    )


async def contracts_written(engine: AsyncEngine) -> tuple[int, int, int]:
    return (
        await count(engine, "contract"),
        await count(engine, "contract_service"),
        await count(engine, "contract_gmina"),
    )


# --- recording -----------------------------------------------------------------------------


async def test_director_records_a_contract_that_readers_see(
    client: Client, platform: Platform, catalogue: dict[str, str]
) -> None:
    provider = await partner(client, platform, [catalogue["care"]], [GMINA_A, GMINA_B])
    body = contract(provider, [catalogue["care"]], gminy=[GMINA_A, GMINA_B], capacity="12.5")
    response = await record(client, platform, body)
    assert response.status_code == 201, response.text
    made = response.json()
    assert made["value_grosze"] == 1_250_000
    assert made["capacity"] == "12.50"
    assert made["gminy"] == [GMINA_A, GMINA_B]
    assert made["partner_id"] == provider and made["mode"] == "procurement"
    reader = await login(client, READER)
    shown = await client.get(f"/api/tenants/contracts/{made['id']}", headers=reader)
    assert shown.status_code == 200 and shown.json()["number"] == body["number"]
    listed = await client.get(
        contracts_url(platform), headers=reader, params={"partner_id": provider}
    )
    assert [c["number"] for c in listed.json()] == [body["number"]]


async def test_an_in_house_contract_names_no_partner(client: Client, platform: Platform) -> None:
    service = await in_house_service(platform)
    response = await record(
        client, platform, contract(None, [service], mode="in_house", value_grosze=0)
    )
    assert response.status_code == 201, response.text
    assert response.json()["partner_id"] is None


# What is wrong (built from the test's partners and services), where, key, Polish, English.
Case = tuple[str, str, str, str, str]
INVALID: list[Case] = [
    (
        "in_house_with_partner",
        "partner_id",
        "contract.partner_not_allowed",
        "Umowa realizowana we własnym zakresie (przez urząd gminy lub CUS) nie wskazuje partnera.",
        "A contract delivered in-house (by the gmina office or the CUS itself) names no partner.",
    ),
    (
        "no_partner",
        "partner_id",
        "contract.partner_required",
        "Wybierz partnera, który realizuje usługi na podstawie tej umowy.",
        "Choose the partner who delivers the services under this contract.",
    ),
    (
        "unknown_partner",
        "partner_id",
        "contract.unknown_partner",
        "Partner nie jest zarejestrowany w tym porozumieniu.",
        "The partner is not registered for this agreement.",
    ),
    (
        "no_services",
        "services",
        "contract.services_required",
        "Wybierz co najmniej jedną usługę objętą umową.",
        "Choose at least one service the contract covers.",
    ),
    (
        "foreign_service",
        "services",
        "contract.unknown_service",
        "Usługa {foreign} nie należy do katalogu tego porozumienia.",
        "Service {foreign} is not in this agreement's catalogue.",
    ),
    (
        "mode_not_allowed",
        "services",
        "contract.mode_not_allowed",
        "Katalog nie dopuszcza realizacji usługi „Usługi opiekuńcze (test umów)” "
        "w wybranym trybie.",
        "The catalogue does not allow service “Usługi opiekuńcze (test umów)” to be delivered "
        "in the chosen mode.",
    ),
    (
        "service_not_offered",
        "services",
        "contract.service_not_offered",
        "Partner nie oferuje usługi „Opieka wytchnieniowa (test umów)”: najpierw dodaj ją do "
        "usług partnera.",
        "The partner does not offer service “Opieka wytchnieniowa (test umów)”: add it to the "
        "partner's services first.",
    ),
    (
        "no_gminy",
        "gminy",
        "contract.gminy_required",
        "Wybierz co najmniej jedną gminę, której mieszkańców obejmuje umowa.",
        "Choose at least one gmina whose residents the contract serves.",
    ),
    (
        "gmina_outside",
        "gminy",
        "contract.unknown_gmina",
        f"Gmina {GMINA_C} nie jest członkiem tego porozumienia.",
        f"Gmina {GMINA_C} is not a member of this agreement.",
    ),
    (
        "gmina_not_served",
        "gminy",
        "contract.gmina_not_served",
        f"Partner nie obsługuje gminy {GMINA_B}: najpierw dodaj ją do gmin partnera.",
        f"The partner does not serve gmina {GMINA_B}: add it to the partner's gminy first.",
    ),
    (
        "period_order",
        "ends_on",
        "contract.period_order",
        "Data zakończenia nie może być wcześniejsza niż data rozpoczęcia.",
        "The end date cannot be earlier than the start date.",
    ),
    (
        "negative_value",
        "value_grosze",
        "contract.value_negative",
        "Wartość umowy nie może być ujemna.",
        "The value of the contract cannot be negative.",
    ),
    (
        "zero_capacity",
        "capacity",
        "contract.capacity_positive",
        "Miesięczny limit musi być większy od zera.",
        "The monthly capacity must be greater than zero.",
    ),
]


@pytest.mark.parametrize(
    ("case", "field", "key", "polish", "english"), INVALID, ids=[c[0] for c in INVALID]
)
async def test_each_rule_is_explained_and_nothing_is_written(
    client: Client,
    platform: Platform,
    admin_engine: AsyncEngine,
    catalogue: dict[str, str],
    case: str,
    field: str,
    key: str,
    polish: str,
    english: str,
) -> None:
    # A partner offering only care in gmina A.
    provider = await partner(client, platform, [catalogue["care"]], [GMINA_A])
    care, respite, foreign = catalogue["care"], catalogue["respite"], catalogue["foreign"]
    body = {
        "in_house_with_partner": contract(provider, [catalogue["cus"]], mode="in_house"),
        "no_partner": contract(None, [care]),
        "unknown_partner": contract(str(uuid.uuid4()), [care]),
        "no_services": contract(provider, []),
        "foreign_service": contract(provider, [care, foreign]),
        "mode_not_allowed": contract(provider, [care], mode="competition_support"),
        "service_not_offered": contract(provider, [respite], mode="competition_entrust"),
        "no_gminy": contract(provider, [care], gminy=[]),
        "gmina_outside": contract(provider, [care], gminy=[GMINA_A, GMINA_C]),
        "gmina_not_served": contract(provider, [care], gminy=[GMINA_A, GMINA_B]),
        "period_order": contract(provider, [care], starts_on="2025-02-01", ends_on="2025-01-31"),
        "negative_value": contract(provider, [care], value_grosze=-1),
        "zero_capacity": contract(provider, [care], capacity="0"),
    }[case]
    before = await contracts_written(admin_engine)
    headers = await login(client, DIRECTOR)
    response = await client.post(contracts_url(platform), json=body, headers=headers)
    assert response.status_code == 422, response.text
    problems = [(e["field"], e["code"], e["message"]) for e in response.json()["errors"]]
    assert problems == [(field, key, polish.format(foreign=foreign))]
    english_response = await client.post(
        contracts_url(platform), json=body, headers={**headers, "Accept-Language": "en"}
    )
    assert [e["message"] for e in english_response.json()["errors"]] == [
        english.format(foreign=foreign)
    ]
    assert await contracts_written(admin_engine) == before


async def test_a_partner_of_another_agreement_is_unknown(
    client: Client, platform: Platform, catalogue: dict[str, str]
) -> None:
    other = await other_agreement(platform)
    foreign_partner = await client.post(
        f"/api/tenants/agreements/{other}/partners",
        json=valid_partner(gminy=["3022011"]),
        headers=await login(client, OPERATOR),
    )
    response = await record(
        client, platform, contract(foreign_partner.json()["id"], [catalogue["care"]])
    )
    assert response.status_code == 422
    assert [e["code"] for e in response.json()["errors"]] == ["contract.unknown_partner"]


async def test_malformed_contracts_are_refused(
    client: Client, platform: Platform, admin_engine: AsyncEngine, catalogue: dict[str, str]
) -> None:
    before = await contracts_written(admin_engine)
    for change in (
        {"mode": "barter"},
        {"capacity_unit": "per_year"},
        {"capacity": "1.555"},
        {"value_grosze": "dużo"},
        {"value_grosze": 10**13},
        {"starts_on": "31.12.2025"},
    ):
        response = await record(client, platform, contract(None, [catalogue["care"]], **change))
        assert response.status_code == 422, change
    assert await contracts_written(admin_engine) == before


# --- overlapping periods -------------------------------------------------------------------


async def test_overlapping_contracts_of_one_partner_are_refused(
    client: Client, platform: Platform, admin_engine: AsyncEngine, catalogue: dict[str, str]
) -> None:
    care, respite = catalogue["care"], catalogue["respite"]
    provider = await partner(client, platform, [care, respite], [GMINA_A, GMINA_B])
    first = contract(provider, [care], gminy=[GMINA_A])
    assert (await record(client, platform, first)).status_code == 201
    before = await contracts_written(admin_engine)
    overlapping = contract(
        provider, [care], gminy=[GMINA_B, GMINA_A], starts_on="2025-12-31", ends_on="2026-06-30"
    )
    response = await record(client, platform, overlapping)
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "contract.overlap"
    assert first["number"] in body["title"]
    assert body["title"] == (
        f"Umowa {first['number']} tego samego partnera (lub w tym samym trybie realizacji "
        "własnej) obejmuje już jedną z tych usług w jednej z tych gmin w nakładającym się okresie."
    )
    english = await client.post(
        contracts_url(platform),
        json=overlapping,
        headers={**await login(client, DIRECTOR), "Accept-Language": "en"},
    )
    assert english.json()["title"].startswith(f"Contract {first['number']} of the same partner")
    assert await contracts_written(admin_engine) == before
    # Touching is not overlapping: one ends on 31.12, the next starts on 01.01.
    following = contract(provider, [care], starts_on="2026-01-01", ends_on="2026-12-31")
    assert (await record(client, platform, following)).status_code == 201
    # Another gmina, or another service, in the same period is another matter.
    other_gmina = contract(provider, [care], gminy=[GMINA_B])
    assert (await record(client, platform, other_gmina)).status_code == 201
    other_service = contract(provider, [respite], mode="competition_support")
    assert (await record(client, platform, other_service)).status_code == 201
    # So is another partner delivering the same service in the same gmina.
    competitor = await partner(client, platform, [care], [GMINA_A])
    assert (await record(client, platform, contract(competitor, [care]))).status_code == 201


async def test_in_house_contracts_overlap_within_one_mode(
    client: Client, platform: Platform
) -> None:
    service = await in_house_service(platform)
    first = contract(None, [service], mode="in_house")
    assert (await record(client, platform, first)).status_code == 201
    again = await record(client, platform, contract(None, [service], mode="in_house"))
    assert again.status_code == 409
    assert first["number"] in again.json()["title"]
    office = await record(client, platform, contract(None, [service], mode="gmina_office"))
    assert office.status_code == 201


async def test_a_contract_number_is_used_once_per_agreement(
    client: Client, platform: Platform, catalogue: dict[str, str]
) -> None:
    provider = await partner(client, platform, [catalogue["care"]], [GMINA_A])
    first = contract(provider, [catalogue["care"]])
    assert (await record(client, platform, first)).status_code == 201
    again = await record(
        client,
        platform,
        contract(
            provider,
            [catalogue["care"]],
            number=first["number"].lower(),
            starts_on="2027-01-01",
            ends_on="2027-12-31",
        ),
    )
    assert again.status_code == 409
    assert again.json()["code"] == "contract.number_taken"


# --- changing ------------------------------------------------------------------------------


async def test_a_contract_is_changed_and_checked_again(
    client: Client, platform: Platform, catalogue: dict[str, str]
) -> None:
    care = catalogue["care"]
    provider = await partner(client, platform, [care], [GMINA_A, GMINA_B])
    first = (await record(client, platform, contract(provider, [care]))).json()
    second = (
        await record(
            client,
            platform,
            contract(provider, [care], starts_on="2026-01-01", ends_on="2026-06-30"),
        )
    ).json()
    headers = await login(client, DIRECTOR)
    url = f"/api/tenants/contracts/{first['id']}"
    # Its own period may change without "overlapping" itself.
    changed = await client.patch(
        url,
        json={"starts_on": "2024-07-01", "value_grosze": 99_999, "gminy": [GMINA_B, GMINA_A]},
        headers=headers,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["value_grosze"] == 99_999
    assert changed.json()["starts_on"] == "2024-07-01"
    overlap = await client.patch(url, json={"ends_on": "2026-01-01"}, headers=headers)
    assert overlap.status_code == 409
    assert second["number"] in overlap.json()["title"]
    wrong = await client.patch(
        url, json={"mode": "competition_support", "number": None}, headers=headers
    )
    assert wrong.status_code == 422
    assert [(e["field"], e["code"]) for e in wrong.json()["errors"]] == [
        ("number", "field.required"),
        ("services", "contract.mode_not_allowed"),
    ]
    wrong = await client.patch(url, json={"mode": "competition_support"}, headers=headers)
    assert [e["code"] for e in wrong.json()["errors"]] == ["contract.mode_not_allowed"]
    after = (await client.get(url, headers=headers)).json()
    assert (after["ends_on"], after["mode"], after["value_grosze"]) == (
        "2025-12-31",
        "procurement",
        99_999,
    )


async def test_a_partners_contracted_service_and_gmina_stay(
    client: Client, platform: Platform, catalogue: dict[str, str]
) -> None:
    care, respite = catalogue["care"], catalogue["respite"]
    provider = await partner(client, platform, [care, respite], [GMINA_A, GMINA_B])
    running = contract(provider, [care], starts_on="2025-01-01", ends_on="2099-12-31")
    assert (await record(client, platform, running)).status_code == 201
    headers = await login(client, DIRECTOR)
    url = f"/api/tenants/partners/{provider}"
    service = await client.patch(url, json={"services": [respite]}, headers=headers)
    assert service.status_code == 409
    assert service.json()["code"] == "partner.service_contracted"
    assert running["number"] in service.json()["title"]
    gmina = await client.patch(url, json={"gminy": [GMINA_B]}, headers=headers)
    assert gmina.status_code == 409
    assert gmina.json()["code"] == "partner.gmina_contracted"
    fine = await client.patch(url, json={"services": [care], "gminy": [GMINA_A]}, headers=headers)
    assert fine.status_code == 200, fine.text


# --- for referrals -------------------------------------------------------------------------


async def test_contracts_covering_a_service_in_a_gmina_on_a_day(
    client: Client, platform: Platform
) -> None:
    from cus_shared.database.naming import SHARED_SCHEMA, TENANTS_SERVICE_ROLE
    from cus_shared.tenancy import open_service_session
    from cus_tenants.contracts.service import contracts_covering

    service = await add_service(
        platform, platform.agreement_id, "Usługa do skierowań (test)", ["procurement", "in_house"]
    )
    provider = await partner(client, platform, [service], [GMINA_A, GMINA_B])
    numbers = {}
    for name, body in (
        ("2025", contract(provider, [service], gminy=[GMINA_A, GMINA_B])),
        ("2026", contract(provider, [service], starts_on="2026-01-01", ends_on="2026-12-31")),
        ("cus", contract(None, [service], mode="in_house", gminy=[GMINA_B])),
    ):
        response = await record(client, platform, body)
        assert response.status_code == 201, response.text
        numbers[name] = body["number"]
    async with open_service_session(
        platform.db.sessions, db_role=TENANTS_SERVICE_ROLE, schema=SHARED_SCHEMA
    ) as session:

        async def covering(teryt: str, on: date) -> list[str]:
            found = await contracts_covering(
                session, service_id=uuid.UUID(service), teryt=teryt, on=on
            )
            return [c.number for c in found]

        assert await covering(GMINA_A, date(2025, 12, 31)) == [numbers["2025"]]
        assert await covering(GMINA_A, date(2026, 1, 1)) == [numbers["2026"]]
        assert await covering(GMINA_B, date(2025, 6, 1)) == sorted(
            [numbers["2025"], numbers["cus"]]
        )
        assert await covering(GMINA_B, date(2026, 6, 1)) == []
        assert await covering(GMINA_C, date(2025, 6, 1)) == []


# --- who may read and change ---------------------------------------------------------------


async def test_access_to_contracts(
    client: Client, platform: Platform, admin_engine: AsyncEngine, catalogue: dict[str, str]
) -> None:
    provider = await partner(client, platform, [catalogue["care"]], [GMINA_A])
    made = (await record(client, platform, contract(provider, [catalogue["care"]]))).json()
    url = f"/api/tenants/contracts/{made['id']}"
    before = await contracts_written(admin_engine)
    outsider = await login(client, OUTSIDER)
    for method, target, body in (
        ("GET", contracts_url(platform), None),
        ("POST", contracts_url(platform), contract(provider, [catalogue["care"]])),
        ("GET", url, None),
        ("PATCH", url, {"value_grosze": 1}),
    ):
        response = await client.request(method, target, json=body, headers=outsider)
        assert response.status_code == 404, (method, target)
    reader = await login(client, READER)
    for method, target, body in (
        ("POST", contracts_url(platform), contract(provider, [catalogue["care"]])),
        ("PATCH", url, {"value_grosze": 1}),
    ):
        response = await client.request(method, target, json=body, headers=reader)
        assert response.status_code == 403, (method, target)
    assert (await client.get(url, headers=reader)).status_code == 200
    unknown = await client.get(f"/api/tenants/contracts/{uuid.uuid4()}", headers=reader)
    assert unknown.status_code == 404
    assert await contracts_written(admin_engine) == before


# --- pages ---------------------------------------------------------------------------------


def contract_form(partner_id: str, services: list[str], **changes: Any) -> dict[str, Any]:
    """The contract form filled in as a person would."""
    fields: dict[str, Any] = {
        "number": number(),
        "mode": "procurement",
        "partner_id": partner_id,
        "services": services,
        "gminy": [GMINA_A],
        "starts_on": "2025-01-01",
        "ends_on": "2025-12-31",
        "value": "12 500,00",
        "capacity": "160",
        "capacity_unit": "hours_per_month",
        "minimum_standard": "",
    }
    fields.update(changes)
    return fields


async def value_of(engine: AsyncEngine, contract_number: str) -> int:
    async with engine.connect() as conn:
        value: Any = await conn.scalar(
            text("SELECT value_grosze FROM shared.contract WHERE number = :n"),
            {"n": contract_number},
        )
    return int(value)


@pytest.mark.parametrize(
    ("typed", "grosze"),
    [
        ("12 500,00", 1_250_000),
        ("12500.00", 1_250_000),
        ("12\u00a0500,5", 1_250_050),
        ("0,01", 1),
        ("1 234 567,89 zł", 123_456_789),
    ],
)
async def test_amounts_typed_on_the_form_become_grosze_exactly(
    app: Litestar,
    client: Client,
    platform: Platform,
    admin_engine: AsyncEngine,
    catalogue: dict[str, str],
    typed: str,
    grosze: int,
) -> None:
    provider = await partner(client, platform, [catalogue["care"]], [GMINA_A])
    form = contract_form(provider, [catalogue["care"]], value=typed)
    async with browser_session(app, DIRECTOR) as browser:
        await browser.get(f"/contracts/{platform.agreement_id}/new")
        response = await browser.submit(f"/contracts/{platform.agreement_id}/new", form)
        assert response.status_code == 303, text_of(response)
        assert response.headers["location"].startswith("/contracts/c/")
    assert await value_of(admin_engine, form["number"]) == grosze


async def test_contract_pages_show_what_was_agreed(
    app: Litestar, client: Client, platform: Platform, catalogue: dict[str, str]
) -> None:
    provider = await partner(client, platform, [catalogue["care"]], [GMINA_A])
    form = contract_form(provider, [catalogue["care"]], capacity="12,5", mode="procurement_social")
    async with browser_session(app, DIRECTOR) as browser:
        new = await browser.get(f"/contracts/{platform.agreement_id}/new?partner_id={provider}")
        assert f'<option value="{provider}" selected>' in new.text
        page = text_of(new)
        assert (
            "Otwarty konkurs ofert (ustawa o działalności pożytku publicznego), wspieranie" in page
        )
        assert "Sam CUS lub inna jednostka gminy" in page and "Urząd gminy" in page
        assert "Podmiot leczniczy" in page
        assert "Zamówienie publiczne z klauzulami społecznymi" in page
        response = await browser.submit(f"/contracts/{platform.agreement_id}/new", form)
        assert response.status_code == 303, text_of(response)
        detail = text_of(await browser.get(response.headers["location"]))
    assert f"Zapisano umowę: {form['number']}." in detail
    for expected in (
        "Zamówienie publiczne z klauzulami społecznymi",
        "01.01.2025 – 31.12.2025",
        "12 500,00 zł",
        "12,5 godzin miesięcznie",
        "Usługi opiekuńcze (test umów)",
        "Kramsk",
        "Zmień umowę",
    ):
        assert expected in detail, expected
    async with browser_session(app, READER) as browser:
        listed = await browser.get(f"/contracts/{platform.agreement_id}")
        assert listed.status_code == 200
        page = text_of(listed)
        assert form["number"] in page and "12 500,00 zł" in page
        assert "<caption>" in listed.text
        assert "Zapisz umowę" not in page  # a reader
        entry = await browser.get("/contracts")
        assert entry.status_code in (200, 303)
        english = text_of(
            await browser.get(
                f"/contracts/{platform.agreement_id}", headers={"Accept-Language": "en"}
            )
        )
        assert "Public procurement with social clauses" in english
        assert "12.5 hours per month" not in english and "12,5 hours per month" in english


async def test_mistakes_on_the_contract_form_are_shown_and_nothing_is_written(
    app: Litestar,
    client: Client,
    platform: Platform,
    admin_engine: AsyncEngine,
    catalogue: dict[str, str],
) -> None:
    provider = await partner(client, platform, [catalogue["care"]], [GMINA_A])
    before = await contracts_written(admin_engine)
    form = contract_form(
        provider,
        [],
        value="dwanaście tysięcy",
        capacity="dużo",
        gminy=[GMINA_B],
        ends_on="2024-12-31",
        capacity_unit="",
    )
    async with browser_session(app, DIRECTOR) as browser:
        await browser.get(f"/contracts/{platform.agreement_id}/new")
        response = await browser.submit(f"/contracts/{platform.agreement_id}/new", form)
    assert response.status_code == 422
    page = text_of(response)
    for message in (
        "Podaj kwotę w złotych, np. 12 500,00",
        "Podaj miesięczny limit jako liczbę",
        "Pole jest wymagane.",
        "Wybierz co najmniej jedną usługę objętą umową.",
        "Data zakończenia nie może być wcześniejsza niż data rozpoczęcia.",
    ):
        assert message in page, message
    # The summary follows the form's order.
    summary = response.text.split('class="error-summary"')[1].split("</ul>")[0]
    anchors = [part.split('"')[0] for part in summary.split('href="#')[1:]]
    assert anchors == ["f-services", "f-ends_on", "f-value", "f-capacity", "f-capacity_unit"]
    assert 'value="dwanaście tysięcy"' in response.text
    for anchor in ("#f-value", "#f-capacity", "#f-capacity_unit"):
        assert f'href="{anchor}"' in response.text, anchor
    assert await contracts_written(admin_engine) == before
    # With the amounts right, the rules of contracts are explained, all at once.
    form.update(value="100", capacity="10", capacity_unit="hours_per_month")
    async with browser_session(app, DIRECTOR) as browser:
        await browser.get(f"/contracts/{platform.agreement_id}/new")
        response = await browser.submit(f"/contracts/{platform.agreement_id}/new", form)
    assert response.status_code == 422
    page = text_of(response)
    for message in (
        "Wybierz co najmniej jedną usługę objętą umową.",
        f"Partner nie obsługuje gminy {GMINA_B}",
        "Data zakończenia nie może być wcześniejsza niż data rozpoczęcia.",
    ):
        assert message in page, message
    for anchor in ("#f-services", "#f-gminy", "#f-ends_on"):
        assert f'href="{anchor}"' in response.text, anchor
    assert await contracts_written(admin_engine) == before


async def test_an_overlap_on_the_form_names_the_other_contract(
    app: Litestar,
    client: Client,
    platform: Platform,
    admin_engine: AsyncEngine,
    catalogue: dict[str, str],
) -> None:
    provider = await partner(client, platform, [catalogue["care"]], [GMINA_A])
    first = contract(provider, [catalogue["care"]])
    assert (await record(client, platform, first)).status_code == 201
    before = await contracts_written(admin_engine)
    async with browser_session(app, DIRECTOR) as browser:
        await browser.get(f"/contracts/{platform.agreement_id}/new")
        response = await browser.submit(
            f"/contracts/{platform.agreement_id}/new",
            contract_form(
                provider, [catalogue["care"]], starts_on="2025-06-01", ends_on="2026-05-31"
            ),
        )
    assert response.status_code == 409
    assert f"Umowa {first['number']} tego samego partnera" in text_of(response)
    assert await contracts_written(admin_engine) == before


async def test_a_contract_is_changed_on_the_page(
    app: Litestar,
    client: Client,
    platform: Platform,
    admin_engine: AsyncEngine,
    catalogue: dict[str, str],
) -> None:
    provider = await partner(client, platform, [catalogue["care"]], [GMINA_A])
    made = (await record(client, platform, contract(provider, [catalogue["care"]]))).json()
    path = f"/contracts/c/{made['id']}"
    async with browser_session(app, DIRECTOR) as browser:
        form = await browser.get(f"{path}/edit")
        assert form.status_code == 200
        assert 'value="12 500,00"' in form.text and 'value="160"' in form.text
        wrong = await browser.submit(
            f"{path}/edit",
            contract_form(provider, [catalogue["care"]], number=made["number"], value="-5"),
        )
        assert wrong.status_code == 422
        assert "Podaj kwotę w złotych" in text_of(wrong)
        saved = await browser.submit(
            f"{path}/edit",
            contract_form(provider, [catalogue["care"]], number=made["number"], value="99 999,99"),
        )
        assert saved.status_code == 303, text_of(saved)
        assert "Umowa została zapisana." in text_of(await browser.get(path))
    assert await value_of(admin_engine, made["number"]) == 9_999_999


async def test_contract_pages_keep_to_the_access_rules(
    app: Litestar,
    client: Client,
    platform: Platform,
    admin_engine: AsyncEngine,
    catalogue: dict[str, str],
) -> None:
    provider = await partner(client, platform, [catalogue["care"]], [GMINA_A])
    made = (await record(client, platform, contract(provider, [catalogue["care"]]))).json()
    path = f"/contracts/c/{made['id']}"
    before = await contracts_written(admin_engine)
    async with browser_session(app, OUTSIDER) as browser:
        for target in (f"/contracts/{platform.agreement_id}", path, f"{path}/edit"):
            assert (await browser.get(target)).status_code == 404, target
    async with browser_session(app, READER) as browser:
        assert (await browser.get(path)).status_code == 200
        assert (await browser.get(f"/contracts/{platform.agreement_id}/new")).status_code == 403
        posted = await browser.submit(
            f"/contracts/{platform.agreement_id}/new", contract_form(provider, [catalogue["care"]])
        )
        assert posted.status_code == 403
        posted = await browser.submit(f"{path}/edit", contract_form(provider, [catalogue["care"]]))
        assert posted.status_code == 403
    assert await contracts_written(admin_engine) == before
