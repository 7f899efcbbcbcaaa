"""The partner registry of an agreement, through the API and the pages: NIP / REGON / KRS
with their check digits, at least two named contact persons, services of the agreement's
catalogue, gminy of the agreement, documents with expiry warnings; each rule explained in
Polish and English with nothing written; who may read and who may change."""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
import pytest_asyncio
from litestar import Litestar
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from cus_shared.i18n.formatting import POLAND
from tests.conftest import GMINA_A, GMINA_B, GMINA_C, Platform, login
from tests.pages import PageSession, browser_session, text_of

pytestmark = pytest.mark.asyncio(loop_scope="session")

Client = httpx.AsyncClient

DIRECTOR = "director@test.local"
READER = "kipus.a@test.local"  # KIPUS of gmina A: reads what the agreement shares
OUTSIDER = "kipus.c@test.local"  # KIPUS of gmina C, outside the test agreement
OPERATOR = "operator@test.local"

_NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)
_REGON_WEIGHTS = (8, 9, 2, 3, 4, 5, 6, 7)


def new_nip() -> str:
    """A valid NIP no other test uses (random digits with their check digit)."""
    while True:
        digits = f"{random.randint(100_000_000, 999_999_999)}"
        check = sum(int(d) * w for d, w in zip(digits, _NIP_WEIGHTS, strict=True)) % 11
        if check < 10:
            return digits + str(check)


def new_regon() -> str:
    """A valid 9-digit REGON."""
    digits = f"{random.randint(10_000_000, 99_999_999)}"
    check = sum(int(d) * w for d, w in zip(digits, _REGON_WEIGHTS, strict=True)) % 11 % 10
    return digits + str(check)


def bad_checksum(number: str) -> str:
    """The number with its check digit changed."""
    return number[:-1] + str((int(number[-1]) + 1) % 10)


def today() -> date:
    from datetime import datetime

    return datetime.now(POLAND).date()


async def add_service(
    platform: Platform, agreement_id: str, name: str, modes: list[str], *, area: int = 4
) -> str:
    """A catalogue service of an agreement (written directly: the catalogue has its own
    tests), with one version allowing the given delivery modes."""
    from cus_shared.database.naming import SHARED_SCHEMA, TENANTS_SERVICE_ROLE
    from cus_shared.tenancy import open_service_session
    from cus_tenants.catalogue.models import CatalogueService, ServiceVersion

    async with open_service_session(
        platform.db.sessions, db_role=TENANTS_SERVICE_ROLE, schema=SHARED_SCHEMA
    ) as session:
        service = CatalogueService(
            agreement_id=uuid.UUID(agreement_id), code=f"t-{uuid.uuid4().hex[:12]}"
        )
        session.add(service)
        await session.flush()
        session.add(
            ServiceVersion(
                service_id=service.id,
                version=1,
                area_code=area,
                name=name,
                description="Opis usługi testowej.",
                target_group="Mieszkańcy",
                eligibility="Brak warunków",
                unit="hour",
                delivery_modes=modes,
                valid_from=date(2024, 1, 1),
            )
        )
        return str(service.id)


async def other_agreement(platform: Platform) -> str:
    """An agreement of a gmina no test user works in (registered here, not provisioned)."""
    from cus_shared.database.naming import SHARED_SCHEMA, TENANTS_SERVICE_ROLE
    from cus_shared.tenancy import open_service_session
    from cus_tenants.agreements.models import Agreement
    from cus_tenants.agreements.schemas import AgreementCreate, MemberIn
    from cus_tenants.agreements.service import create_agreement
    from cus_tenants.gminy.models import Gmina
    from cus_tenants.gminy.service import register_gmina

    teryt, name = "3022011", "Porozumienie rejestru partnerów (inne)"
    async with open_service_session(
        platform.db.sessions, db_role=TENANTS_SERVICE_ROLE, schema=SHARED_SCHEMA
    ) as session:
        from sqlalchemy import select

        found = await session.scalar(select(Agreement.id).where(Agreement.name == name))
        if found is not None:
            return str(found)
        if await session.get(Gmina, teryt) is None:
            await register_gmina(session, teryt, "Gmina partnerów")
        agreement = await create_agreement(
            session,
            AgreementCreate(
                name=name,
                lead_teryt=teryt,
                members=[MemberIn(teryt=teryt, joined_on=date(2024, 1, 1))],
            ),
        )
        return str(agreement.id)


async def count(engine: AsyncEngine, table: str, where: str = "true", **params: Any) -> int:
    """Rows of a shared table (read as admin, outside the app)."""
    async with engine.connect() as conn:
        value: Any = await conn.scalar(
            text(f"SELECT count(*) FROM shared.{table} WHERE {where}"), params
        )
    return int(value)


async def written(engine: AsyncEngine) -> tuple[int, ...]:
    """Rows of every table of the registry."""
    tables = ("partner", "partner_contact", "partner_document", "partner_gmina", "partner_service")
    return tuple([await count(engine, t) for t in tables])


def valid_partner(**changes: Any) -> dict[str, Any]:
    """A partner that keeps every rule (a fresh NIP each time)."""
    body: dict[str, Any] = {
        "name": f"Stowarzyszenie {uuid.uuid4().hex[:8]}",
        "category": "ngo",
        "nip": new_nip(),
        "krs": "0000123456",
        "areas": [4, 6],
        "gminy": [GMINA_A, GMINA_B],
        "contacts": [
            {"name": "Maria Kowalska", "position": "prezeska", "email": "maria@example.pl"},
            {"name": "Jan Nowak", "phone": "+48 61 222 33 44"},
        ],
    }
    body.update(changes)
    return body


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def catalogue(platform: Platform) -> dict[str, str]:
    """Two services of the test agreement and one of another agreement."""
    return {
        "care": await add_service(
            platform, platform.agreement_id, "Usługi opiekuńcze (test partnerów)", ["procurement"]
        ),
        "respite": await add_service(
            platform,
            platform.agreement_id,
            "Opieka wytchnieniowa (test partnerów)",
            ["competition_support", "competition_entrust"],
        ),
        "foreign": await add_service(
            platform, await other_agreement(platform), "Usługa innego porozumienia", ["in_house"]
        ),
    }


def partners_url(platform: Platform) -> str:
    return f"/api/tenants/agreements/{platform.agreement_id}/partners"


async def register(client: Client, platform: Platform, **changes: Any) -> dict[str, Any]:
    """A partner registered by the director."""
    response = await client.post(
        partners_url(platform), json=valid_partner(**changes), headers=await login(client, DIRECTOR)
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


# --- registering ---------------------------------------------------------------------------


async def test_director_registers_a_partner_with_services_gminy_and_contacts(
    client: Client, platform: Platform, catalogue: dict[str, str]
) -> None:
    nip = new_nip()
    partner = await register(
        client,
        platform,
        nip=f"PL {nip[:3]}-{nip[3:6]}-{nip[6:8]}-{nip[8:]}",
        regon=new_regon(),
        services=[catalogue["care"], catalogue["respite"]],
        documents=[{"title": "Statut", "valid_until": None}],
    )
    assert partner["nip"] == nip  # stored as its ten digits
    assert partner["krs"] == "0000123456"
    assert partner["areas"] == [4, 6]
    assert partner["gminy"] == sorted([GMINA_A, GMINA_B])
    assert set(partner["services"]) == {catalogue["care"], catalogue["respite"]}
    assert [c["name"] for c in partner["contacts"]] == ["Jan Nowak", "Maria Kowalska"]
    assert partner["warnings"] == []
    shown = await client.get(
        f"/api/tenants/partners/{partner['id']}", headers=await login(client, READER)
    )
    assert shown.status_code == 200
    assert shown.json()["name"] == partner["name"]
    listed = await client.get(partners_url(platform), headers=await login(client, READER))
    names = [p["name"] for p in listed.json()]
    assert partner["name"] in names and "Spółdzielnia Socjalna Test" in names
    assert names == sorted(names)


async def test_a_public_unit_may_be_registered_with_regon_only(
    client: Client, platform: Platform
) -> None:
    partner = await register(
        client, platform, category="public_unit", nip=None, krs=None, regon=new_regon()
    )
    assert partner["nip"] is None and partner["category"] == "public_unit"


_NIP = new_nip()
_REGON = new_regon()

# What is wrong, where the API says it is, the key, and the Polish and English messages.
INVALID = [
    (
        {"nip": "123"},
        "nip",
        "nip.format",
        "NIP musi mieć 10 cyfr (myślniki i przedrostek PL są dozwolone).",
        "A NIP must have 10 digits (dashes and a PL prefix are allowed).",
    ),
    (
        {"nip": bad_checksum(_NIP)},
        "nip",
        "nip.checksum",
        "NIP ma nieprawidłową cyfrę kontrolną.",
        "The NIP check digit is wrong.",
    ),
    (
        {"regon": "12345"},
        "regon",
        "regon.format",
        "REGON musi mieć 9 lub 14 cyfr.",
        "A REGON must have 9 or 14 digits.",
    ),
    (
        {"regon": bad_checksum(_REGON)},
        "regon",
        "regon.checksum",
        "REGON ma nieprawidłową cyfrę kontrolną.",
        "The REGON check digit is wrong.",
    ),
    (
        {"krs": "12345"},
        "krs",
        "krs.format",
        "Numer KRS musi mieć 10 cyfr.",
        "A KRS number must have 10 digits.",
    ),
    (
        {"nip": None, "regon": ""},
        "nip",
        "partner.identifier_required",
        "Podaj NIP lub REGON partnera (co najmniej jeden z nich).",
        "Give the partner's NIP or REGON (at least one of them).",
    ),
    (
        {"contacts": [{"name": "Maria Kowalska", "email": "maria@example.pl"}]},
        "contacts",
        "partner.contacts_min",
        "Partner musi mieć co najmniej 2 osoby do kontaktu wskazane z imienia i nazwiska.",
        "A partner must have at least 2 named contact persons.",
    ),
    (
        {"contacts": []},
        "contacts",
        "partner.contacts_min",
        "Partner musi mieć co najmniej 2 osoby do kontaktu wskazane z imienia i nazwiska.",
        "A partner must have at least 2 named contact persons.",
    ),
    (
        {"contacts": [{"name": "Maria Kowalska", "email": "m@example.pl"}, {"name": "Jan Nowak"}]},
        "contacts[1].email",
        "partner.contact_reach",
        "Podaj adres e-mail lub numer telefonu osoby do kontaktu.",
        "Give the contact person's e-mail address or phone number.",
    ),
    (
        {
            "contacts": [
                {"name": "Maria Kowalska", "email": "maria(at)example.pl"},
                {"name": "Jan Nowak", "phone": "600 100 200"},
            ]
        },
        "contacts[0].email",
        "partner.contact_email",
        "Adres e-mail jest nieprawidłowy (np. nazwa@example.pl).",
        "The e-mail address is not valid (e.g. name@example.pl).",
    ),
    (
        {"areas": [4, 15]},
        "areas",
        "partner.unknown_area",
        "Obszar 15 nie należy do 14 obszarów ustawowych.",
        "Area 15 is not one of the 14 statutory areas.",
    ),
    (
        {"areas": []},
        "areas",
        "partner.areas_required",
        "Wybierz co najmniej jeden obszar usług społecznych.",
        "Choose at least one area of social services.",
    ),
    (
        {"gminy": [GMINA_A, GMINA_C]},
        "gminy",
        "partner.unknown_gmina",
        f"Gmina {GMINA_C} nie jest członkiem tego porozumienia.",
        f"Gmina {GMINA_C} is not a member of this agreement.",
    ),
    (
        {"gminy": []},
        "gminy",
        "partner.gminy_required",
        "Wybierz co najmniej jedną gminę obsługiwaną przez partnera.",
        "Choose at least one gmina the partner serves.",
    ),
]


@pytest.mark.parametrize(
    ("change", "field", "key", "polish", "english"),
    INVALID,
    ids=[f"{case[2]}-{i}" for i, case in enumerate(INVALID)],
)
async def test_each_rule_is_explained_and_nothing_is_written(
    client: Client,
    platform: Platform,
    admin_engine: AsyncEngine,
    change: dict[str, Any],
    field: str,
    key: str,
    polish: str,
    english: str,
) -> None:
    before = await written(admin_engine)
    body = valid_partner(**change)
    headers = await login(client, DIRECTOR)
    response = await client.post(partners_url(platform), json=body, headers=headers)
    assert response.status_code == 422, response.text
    problems = {(e["field"], e["code"]): e["message"] for e in response.json()["errors"]}
    assert problems == {(field, key): polish}
    english_response = await client.post(
        partners_url(platform), json=body, headers={**headers, "Accept-Language": "en"}
    )
    assert [e["message"] for e in english_response.json()["errors"]] == [english]
    assert await written(admin_engine) == before


async def test_services_of_another_agreement_are_refused(
    client: Client, platform: Platform, admin_engine: AsyncEngine, catalogue: dict[str, str]
) -> None:
    before = await written(admin_engine)
    response = await client.post(
        partners_url(platform),
        json=valid_partner(services=[catalogue["care"], catalogue["foreign"], str(uuid.uuid4())]),
        headers={**await login(client, DIRECTOR), "Accept-Language": "en"},
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [
        ("services", "partner.unknown_service")
    ] * 2
    assert errors[0]["message"] == (
        f"Service {catalogue['foreign']} is not in this agreement's catalogue."
    )
    assert await written(admin_engine) == before


async def test_all_problems_are_reported_at_once(client: Client, platform: Platform) -> None:
    response = await client.post(
        partners_url(platform),
        json=valid_partner(nip="1234567890", regon="123", areas=[0], contacts=[]),
        headers=await login(client, DIRECTOR),
    )
    assert response.status_code == 422
    assert [e["code"] for e in response.json()["errors"]] == [
        "nip.checksum",
        "regon.format",
        "partner.unknown_area",
        "partner.contacts_min",
    ]


async def test_a_nip_is_registered_once_per_agreement(
    client: Client, platform: Platform, admin_engine: AsyncEngine
) -> None:
    first = await register(client, platform)
    before = await written(admin_engine)
    nip = first["nip"]
    response = await client.post(
        partners_url(platform),
        json=valid_partner(nip=f"{nip[:3]}-{nip[3:]}"),  # the same NIP, written differently
        headers=await login(client, DIRECTOR),
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "partner.nip_taken"
    assert body["title"] == "Partner o tym numerze NIP jest już zarejestrowany w tym porozumieniu."
    assert [e["field"] for e in body["errors"]] == ["nip"]
    assert await written(admin_engine) == before


async def test_a_missing_field_is_a_validation_problem(
    client: Client, platform: Platform, admin_engine: AsyncEngine
) -> None:
    before = await written(admin_engine)
    body = valid_partner(category="church")
    del body["name"]
    response = await client.post(
        partners_url(platform), json=body, headers=await login(client, DIRECTOR)
    )
    assert response.status_code == 422
    assert {e["code"] for e in response.json()["errors"]} == {"field.required", "field.choice"}
    assert await written(admin_engine) == before


# --- changing ------------------------------------------------------------------------------


async def test_a_partner_is_changed_field_by_field(
    client: Client, platform: Platform, catalogue: dict[str, str]
) -> None:
    partner = await register(client, platform)
    headers = await login(client, DIRECTOR)
    url = f"/api/tenants/partners/{partner['id']}"
    response = await client.patch(
        url,
        json={
            "name": "Fundacja Zmieniona",
            "description": "Doświadczenie w opiece wytchnieniowej.",
            "services": [catalogue["respite"]],
            "gminy": [GMINA_B],
            "krs": None,
        },
        headers=headers,
    )
    assert response.status_code == 200, response.text
    changed = response.json()
    assert changed["name"] == "Fundacja Zmieniona"
    assert changed["services"] == [catalogue["respite"]]
    assert changed["gminy"] == [GMINA_B]
    assert changed["krs"] is None
    assert changed["nip"] == partner["nip"]  # not sent: kept
    assert len(changed["contacts"]) == 2


@pytest.mark.parametrize(
    ("change", "field", "key"),
    [
        ({"nip": "526-104-08-29"}, "nip", "nip.checksum"),
        ({"nip": None}, "nip", "partner.identifier_required"),
        ({"gminy": [GMINA_C]}, "gminy", "partner.unknown_gmina"),
        ({"areas": None}, "areas", "partner.areas_required"),
        ({"name": None}, "name", "field.required"),
        ({"services": [str(uuid.uuid4())]}, "services", "partner.unknown_service"),
    ],
)
async def test_a_change_breaking_a_rule_changes_nothing(
    client: Client, platform: Platform, change: dict[str, Any], field: str, key: str
) -> None:
    partner = await register(client, platform)
    headers = await login(client, DIRECTOR)
    url = f"/api/tenants/partners/{partner['id']}"
    response = await client.patch(url, json={**change, "description": "x"}, headers=headers)
    assert response.status_code == 422, response.text
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [(field, key)]
    after = (await client.get(url, headers=headers)).json()
    assert {k: after[k] for k in ("name", "nip", "gminy", "areas", "description")} == {
        k: partner[k] for k in ("name", "nip", "gminy", "areas", "description")
    }


async def test_taking_another_partners_nip_is_a_conflict(
    client: Client, platform: Platform
) -> None:
    first = await register(client, platform)
    second = await register(client, platform)
    response = await client.patch(
        f"/api/tenants/partners/{second['id']}",
        json={"nip": first["nip"]},
        headers=await login(client, DIRECTOR),
    )
    assert response.status_code == 409
    assert response.json()["code"] == "partner.nip_taken"


# --- contact persons -----------------------------------------------------------------------


async def test_contact_persons_are_added_and_never_fewer_than_two(
    client: Client, platform: Platform, admin_engine: AsyncEngine
) -> None:
    partner = await register(client, platform)
    headers = await login(client, DIRECTOR)
    url = f"/api/tenants/partners/{partner['id']}/contacts"
    added = await client.post(
        url, json={"name": "Ewa Trzecia", "email": "ewa@example.pl"}, headers=headers
    )
    assert added.status_code == 201, added.text
    contacts = added.json()["contacts"]
    assert len(contacts) == 3
    removed = await client.delete(f"{url}/{contacts[0]['id']}", headers=headers)
    assert removed.status_code == 204
    left = await count(admin_engine, "partner_contact", "partner_id = :p", p=partner["id"])
    assert left == 2
    refused = await client.delete(
        f"{url}/{contacts[1]['id']}", headers={**headers, "Accept-Language": "en"}
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "partner.contacts_min"
    assert refused.json()["title"] == "A partner must have at least 2 named contact persons."
    polish = await client.delete(f"{url}/{contacts[1]['id']}", headers=headers)
    assert polish.json()["title"] == (
        "Partner musi mieć co najmniej 2 osoby do kontaktu wskazane z imienia i nazwiska."
    )
    assert await count(admin_engine, "partner_contact", "partner_id = :p", p=partner["id"]) == 2
    unknown = await client.delete(f"{url}/{uuid.uuid4()}", headers=headers)
    assert unknown.status_code == 404


async def test_a_contact_without_email_or_phone_is_refused(
    client: Client, platform: Platform, admin_engine: AsyncEngine
) -> None:
    partner = await register(client, platform)
    url = f"/api/tenants/partners/{partner['id']}/contacts"
    response = await client.post(
        url, json={"name": "Bez Kontaktu", "phone": "12"}, headers=await login(client, DIRECTOR)
    )
    assert response.status_code == 422
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("phone", "partner.contact_phone")
    ]
    assert await count(admin_engine, "partner_contact", "partner_id = :p", p=partner["id"]) == 2


async def test_another_partners_contact_is_not_found(client: Client, platform: Platform) -> None:
    first = await register(client, platform)
    second = await register(client, platform)
    response = await client.delete(
        f"/api/tenants/partners/{first['id']}/contacts/{second['contacts'][0]['id']}",
        headers=await login(client, DIRECTOR),
    )
    assert response.status_code == 404


async def test_another_partners_document_is_not_found(
    client: Client, platform: Platform, admin_engine: AsyncEngine
) -> None:
    first = await register(client, platform)
    second = await register(client, platform)
    headers = await login(client, DIRECTOR)
    added = await client.post(
        f"/api/tenants/partners/{second['id']}/documents",
        json={"title": "Statut"},
        headers=headers,
    )
    assert added.status_code == 201, added.text
    document_id = next(d["id"] for d in added.json()["documents"] if d["title"] == "Statut")
    before = await count(admin_engine, "partner_document")
    response = await client.delete(
        f"/api/tenants/partners/{first['id']}/documents/{document_id}", headers=headers
    )
    assert response.status_code == 404
    assert await count(admin_engine, "partner_document") == before


# --- documents -----------------------------------------------------------------------------


async def test_documents_warn_before_and_after_they_expire(
    client: Client, platform: Platform, admin_engine: AsyncEngine
) -> None:
    partner = await register(client, platform)
    headers = await login(client, DIRECTOR)
    url = f"/api/tenants/partners/{partner['id']}/documents"
    day = today()
    for title, valid_until in (
        ("Polisa OC", day + timedelta(days=10)),
        ("Zaświadczenie o niezaleganiu", day - timedelta(days=1)),
        ("Statut", None),
        ("Wpis do rejestru", day + timedelta(days=31)),
        ("Umowa najmu", day + timedelta(days=30)),
    ):
        response = await client.post(
            url,
            json={"title": title, "valid_until": valid_until and valid_until.isoformat()},
            headers=headers,
        )
        assert response.status_code == 201, response.text
    shown = await client.get(
        f"/api/tenants/partners/{partner['id']}", headers={**headers, "Accept-Language": "en"}
    )
    warnings = shown.json()["warnings"]
    assert [(w["code"], w["params"]["title"], w["params"]["days"]) for w in warnings] == [
        ("partner.document_expired", "Zaświadczenie o niezaleganiu", 0),
        ("partner.document_expiring", "Polisa OC", 10),
        ("partner.document_expiring", "Umowa najmu", 30),
    ]
    soon = (day + timedelta(days=10)).strftime("%d.%m.%Y")
    assert warnings[1]["message"] == f"Document “Polisa OC” is valid until {soon} (days left: 10)."
    polish = (await client.get(f"/api/tenants/partners/{partner['id']}", headers=headers)).json()
    assert polish["warnings"][1]["message"] == (
        f"Dokument „Polisa OC” jest ważny do {soon} (pozostało dni: 10)."
    )
    expired = next(d for d in polish["documents"] if d["title"] == "Zaświadczenie o niezaleganiu")
    removed = await client.delete(f"{url}/{expired['id']}", headers=headers)
    assert removed.status_code == 204
    assert await count(admin_engine, "partner_document", "partner_id = :p", p=partner["id"]) == 4
    listed = await client.get(partners_url(platform), headers=headers)
    mine = next(p for p in listed.json() if p["id"] == partner["id"])
    assert [w["code"] for w in mine["warnings"]] == ["partner.document_expiring"] * 2


async def test_a_document_needs_a_title(
    client: Client, platform: Platform, admin_engine: AsyncEngine
) -> None:
    partner = await register(client, platform)
    response = await client.post(
        f"/api/tenants/partners/{partner['id']}/documents",
        json={"title": "", "valid_until": "2026-13-01"},
        headers=await login(client, DIRECTOR),
    )
    assert response.status_code == 422
    assert await count(admin_engine, "partner_document", "partner_id = :p", p=partner["id"]) == 0


# --- who may read and change ---------------------------------------------------------------


async def test_staff_of_another_agreement_find_nothing(
    client: Client, platform: Platform, admin_engine: AsyncEngine
) -> None:
    partner = await register(client, platform)
    headers = await login(client, OUTSIDER)
    before = await written(admin_engine)
    base = f"/api/tenants/partners/{partner['id']}"
    contact = partner["contacts"][0]["id"]
    for method, url, body in (
        ("GET", partners_url(platform), None),
        ("POST", partners_url(platform), valid_partner()),
        ("GET", base, None),
        ("PATCH", base, {"name": "Przejęty"}),
        ("POST", f"{base}/contacts", {"name": "Obcy", "email": "o@example.pl"}),
        ("DELETE", f"{base}/contacts/{contact}", None),
        ("POST", f"{base}/documents", {"title": "Obcy dokument"}),
    ):
        response = await client.request(method, url, json=body, headers=headers)
        assert response.status_code == 404, (method, url, response.text)
    for who in ("rops@test.local", "partner@test.local"):
        response = await client.get(base, headers=await login(client, who))
        assert response.status_code == 404, who
    assert (await client.get(base)).status_code == 401
    assert (
        await client.get(f"/api/tenants/partners/{uuid.uuid4()}", headers=headers)
    ).status_code == 404
    assert await written(admin_engine) == before


async def test_readers_may_not_change(
    client: Client, platform: Platform, admin_engine: AsyncEngine
) -> None:
    partner = await register(client, platform)
    headers = await login(client, READER)
    before = await written(admin_engine)
    base = f"/api/tenants/partners/{partner['id']}"
    contact = partner["contacts"][0]["id"]
    for method, url, body in (
        ("POST", partners_url(platform), valid_partner()),
        ("PATCH", base, {"name": "Zmieniony"}),
        ("POST", f"{base}/contacts", {"name": "Nowa", "email": "n@example.pl"}),
        ("DELETE", f"{base}/contacts/{contact}", None),
        ("POST", f"{base}/documents", {"title": "Nowy dokument"}),
    ):
        response = await client.request(method, url, json=body, headers=headers)
        assert response.status_code == 403, (method, url, response.text)
    assert (await client.get(base, headers=headers)).status_code == 200
    assert await written(admin_engine) == before


async def test_an_operator_manages_any_agreements_partners(
    client: Client, platform: Platform
) -> None:
    other = await other_agreement(platform)
    response = await client.post(
        f"/api/tenants/agreements/{other}/partners",
        json=valid_partner(gminy=["3022011"]),
        headers=await login(client, OPERATOR),
    )
    assert response.status_code == 201, response.text
    hidden = await client.get(
        f"/api/tenants/partners/{response.json()['id']}", headers=await login(client, DIRECTOR)
    )
    assert hidden.status_code == 404


# --- the partner scope of memberships ------------------------------------------------------


async def test_partner_staff_belong_to_a_registered_partner(
    client: Client, platform: Platform, admin_engine: AsyncEngine
) -> None:
    partner = await register(client, platform)
    headers = await login(client, OPERATOR)

    def user(scope_id: str) -> dict[str, Any]:
        return {
            "email": f"partner.{uuid.uuid4().hex[:8]}@test.local",
            "display_name": "Pracownik Partnera",
            "password": "Dobre-haslo-2026!",
            "memberships": [{"scope": "partner", "scope_id": scope_id, "role": "partner_staff"}],
        }

    users_before = await count(admin_engine, "app_user")
    for unknown in ("partner-1", str(uuid.uuid4())):
        refused = await client.post("/api/tenants/users", json=user(unknown), headers=headers)
        assert refused.status_code == 422, refused.text
        assert [e["code"] for e in refused.json()["errors"]] == ["membership.unknown_scope"]
    assert await count(admin_engine, "app_user") == users_before
    created = await client.post("/api/tenants/users", json=user(partner["id"]), headers=headers)
    assert created.status_code == 201, created.text
    # The fixture's partner staff belong to the fixture's partner.
    async with admin_engine.connect() as conn:
        scope_id = await conn.scalar(
            text(
                "SELECT m.scope_id FROM shared.membership m JOIN shared.app_user u "
                "ON u.id = m.user_id WHERE u.email = 'partner@test.local'"
            )
        )
        name = await conn.scalar(
            text("SELECT name FROM shared.partner WHERE id::text = :id"), {"id": scope_id}
        )
    assert name == "Spółdzielnia Socjalna Test"


# --- pages ---------------------------------------------------------------------------------


def form_of(**changes: Any) -> dict[str, Any]:
    """A registration form filled in as a person would (checkbox lists as lists)."""
    fields: dict[str, Any] = {
        "name": f"Fundacja Stron {uuid.uuid4().hex[:8]}",
        "category": "ngo",
        "nip": new_nip(),
        "regon": "",
        "krs": "",
        "description": "",
        "areas": ["4", "11"],
        "gminy": [GMINA_A, GMINA_B],
        "contacts.0.name": "Zofia Pierwsza",
        "contacts.0.email": "zofia@example.pl",
        "contacts.1.name": "Adam Drugi",
        "contacts.1.phone": "61 222 33 44",
        "contacts.2.name": "",
    }
    fields.update(changes)
    return fields


async def register_on_page(browser: PageSession, platform: Platform, **changes: Any) -> str:
    """Register a partner through the form; the path of its page."""
    await browser.get(f"/partners/{platform.agreement_id}/new")
    response = await browser.submit(f"/partners/{platform.agreement_id}/new", form_of(**changes))
    assert response.status_code == 303, text_of(response)
    return str(response.headers["location"])


async def test_the_registry_pages_show_partners_to_the_agreements_staff(
    app: Litestar, platform: Platform
) -> None:
    async with browser_session(app, READER) as browser:
        entry = await browser.get("/partners")
        if entry.status_code == 303:  # the agreement the person works for
            assert entry.headers["location"] == f"/partners/{platform.agreement_id}"
        else:
            assert f"/partners/{platform.agreement_id}" in entry.text
        listed = await browser.get(f"/partners/{platform.agreement_id}")
        assert listed.status_code == 200
        page = text_of(listed)
        for expected in (
            "Partnerzy porozumienia",
            "Spółdzielnia Socjalna Test",
            "Podmiot ekonomii społecznej (np. spółdzielnia socjalna)",
            "6652877583",
            "Golina, Kramsk",
            "Nazwa partnera",
        ):
            assert expected in page, expected
        assert "<caption>" in listed.text and '<th scope="col">' in listed.text
        assert "Zarejestruj partnera" not in page  # a reader
        fixture = await browser.get(f"/partners/{platform.agreement_id}")
        link = fixture.text.split('href="/partners/p/')[1].split('"')[0]
        detail = text_of(await browser.get(f"/partners/p/{link}"))
        assert "Osoby do kontaktu" in detail and "Edytuj dane partnera" not in detail
        english = await browser.get(
            f"/partners/{platform.agreement_id}", headers={"Accept-Language": "en"}
        )
        assert "Partners of the agreement" in text_of(english)
    async with browser_session(app, OUTSIDER) as browser:
        # Gmina C is in no agreement of this module (other tests may add it to one).
        elsewhere = await browser.get("/partners")
        assert platform.agreement_id not in elsewhere.text
        assert platform.agreement_id not in elsewhere.headers.get("location", "")
        if elsewhere.status_code == 200 and "/partners/" not in elsewhere.text.split("<main")[1]:
            assert "Nie pracujesz w gminie należącej do żadnego porozumienia" in text_of(elsewhere)


async def test_the_registration_form_has_two_contact_rows_and_a_third(
    app: Litestar, platform: Platform
) -> None:
    async with browser_session(app, DIRECTOR) as browser:
        form = await browser.get(f"/partners/{platform.agreement_id}/new")
    assert form.status_code == 200
    for row in range(3):
        for part in ("name", "position", "email", "phone"):
            assert f'name="contacts.{row}.{part}"' in form.text
            assert f'id="f-contacts-{row}-{part}"' in form.text
    page = text_of(form)
    assert "Osoba do kontaktu 1 (wymagane)" in page
    assert "Osoba do kontaktu 3 (nieobowiązkowe)" in page
    assert form.text.count('name="areas"') == 14
    assert 'value="3010052"' in form.text and 'value="3010013"' in form.text
    assert 'value="1465011"' not in form.text  # not a member of the agreement
    assert "4. pomoc społeczna" in page


async def test_a_partner_is_registered_on_the_page(
    app: Litestar, platform: Platform, admin_engine: AsyncEngine
) -> None:
    async with browser_session(app, DIRECTOR) as browser:
        path = await register_on_page(
            browser,
            platform,
            **{"contacts.2.name": "Ewa Trzecia", "contacts.2.email": "ewa@example.pl"},
        )
        assert path.startswith("/partners/p/")
        detail = await browser.get(path)
    page = text_of(detail)
    assert "Zarejestrowano partnera: Fundacja Stron" in page
    for name in ("Zofia Pierwsza", "Adam Drugi", "Ewa Trzecia"):
        assert name in page
    assert "Organizacja pozarządowa" in page and "11. pobudzanie aktywności obywatelskiej" in page
    partner_id = path.rsplit("/", 1)[1]
    assert await count(admin_engine, "partner_contact", "partner_id = :p", p=partner_id) == 3


async def test_mistakes_on_the_form_are_shown_and_nothing_is_written(
    app: Litestar, platform: Platform, admin_engine: AsyncEngine
) -> None:
    before = await written(admin_engine)
    nip = bad_checksum(new_nip())
    async with browser_session(app, DIRECTOR) as browser:
        await browser.get(f"/partners/{platform.agreement_id}/new")
        response = await browser.submit(
            f"/partners/{platform.agreement_id}/new",
            form_of(
                name="",
                nip=nip,
                regon="12",
                areas=[],
                gminy=[],
                **{"contacts.1.name": "", "contacts.1.phone": "", "contacts.0.email": "zła"},
            ),
        )
    assert response.status_code == 422
    page = text_of(response)
    assert "error-summary" in response.text and "aria-invalid=true" in response.text
    for message in (
        "Pole jest wymagane.",
        "NIP ma nieprawidłową cyfrę kontrolną.",
        "REGON musi mieć 9 lub 14 cyfr.",
        "Wybierz co najmniej jeden obszar usług społecznych.",
        "Wybierz co najmniej jedną gminę obsługiwaną przez partnera.",
        "Adres e-mail jest nieprawidłowy",
        "Partner musi mieć co najmniej 2 osoby do kontaktu wskazane z imienia i nazwiska.",
        "Podaj imię i nazwisko oraz adres e-mail lub numer telefonu tej osoby.",
    ):
        assert message in page, message
    # What was typed stays in the form, and each error links to its field.
    assert f'value="{nip}"' in response.text
    assert 'value="Zofia Pierwsza"' in response.text
    for anchor in (
        "#f-nip",
        "#f-regon",
        "#f-areas",
        "#f-gminy",
        "#f-contacts",
        "#f-contacts-0-email",
        "#f-contacts-1-name",
    ):
        assert f'href="{anchor}"' in response.text, anchor
    assert await written(admin_engine) == before


async def test_a_taken_nip_on_the_form_is_a_conflict(
    app: Litestar, platform: Platform, admin_engine: AsyncEngine
) -> None:
    async with browser_session(app, DIRECTOR) as browser:
        before = await written(admin_engine)
        response = await browser.submit(
            f"/partners/{platform.agreement_id}/new", form_of(nip="665-287-75-83")
        )
    assert response.status_code == 409
    assert "Partner o tym numerze NIP jest już zarejestrowany" in text_of(response)
    assert await written(admin_engine) == before


async def test_contacts_and_documents_are_managed_on_the_partners_page(
    app: Litestar, platform: Platform, admin_engine: AsyncEngine
) -> None:
    async with browser_session(app, DIRECTOR) as browser:
        path = await register_on_page(browser, platform)
        partner_id = path.rsplit("/", 1)[1]
        # A contact without a way to reach them is refused.
        await browser.get(path)
        refused = await browser.submit(f"{path}/contacts", {"contact.name": "Bez Kontaktu"})
        assert refused.status_code == 422
        assert "Podaj adres e-mail lub numer telefonu osoby do kontaktu." in text_of(refused)
        assert 'value="Bez Kontaktu"' in refused.text
        added = await browser.submit(
            f"{path}/contacts", {"contact.name": "Ola Trzecia", "contact.phone": "600 700 800"}
        )
        assert added.status_code == 303
        detail = await browser.get(path)
        assert "Dodano osobę do kontaktu." in text_of(detail)
        ids = [part.split("/")[0] for part in detail.text.split(f"{path}/contacts/")[1:]]
        assert len(ids) == 3
        removed = await browser.submit(f"{path}/contacts/{ids[0]}/delete")
        assert removed.status_code == 303
        last_two = await browser.submit(f"{path}/contacts/{ids[1]}/delete")
        assert last_two.status_code == 409
        assert "Partner musi mieć co najmniej 2 osoby do kontaktu" in text_of(last_two)
        assert await count(admin_engine, "partner_contact", "partner_id = :p", p=partner_id) == 2
        # Documents: one expiring soon is announced on the page and in the list.
        soon = today() + timedelta(days=5)
        bad = await browser.submit(
            f"{path}/documents", {"document.title": "", "document.valid_until": "x"}
        )
        assert bad.status_code == 422
        assert (
            'href="#f-document-title"' in bad.text and 'href="#f-document-valid_until"' in bad.text
        )
        recorded = await browser.submit(
            f"{path}/documents",
            {"document.title": "Polisa OC", "document.valid_until": soon.isoformat()},
        )
        assert recorded.status_code == 303
        detail = await browser.get(path)
        page = text_of(detail)
        assert "Uwaga: dokumenty do odnowienia" in page
        assert (
            f"Dokument „Polisa OC” jest ważny do {soon.strftime('%d.%m.%Y')} (pozostało dni: 5)."
            in page
        )
        assert "Wkrótce traci ważność (pozostało dni: 5)" in page
        listed = text_of(await browser.get(f"/partners/{platform.agreement_id}"))
        assert "Tracą ważność w ciągu 30 dni: 1" in listed
        document_id = detail.text.split(f"{path}/documents/")[1].split("/")[0]
        gone = await browser.submit(f"{path}/documents/{document_id}/delete")
        assert gone.status_code == 303
    assert await count(admin_engine, "partner_document", "partner_id = :p", p=partner_id) == 0


async def test_a_partner_is_edited_on_the_page(
    app: Litestar, platform: Platform, catalogue: dict[str, str]
) -> None:
    async with browser_session(app, DIRECTOR) as browser:
        path = await register_on_page(browser, platform)
        form = await browser.get(f"{path}/edit")
        assert form.status_code == 200
        assert 'name="contacts.0.name"' not in form.text  # contacts have their own forms
        assert "Usługi opiekuńcze (test partnerów)" in text_of(form)
        refused = await browser.submit(
            f"{path}/edit", form_of(name="Zmieniona", gminy=[], nip="", regon="")
        )
        assert refused.status_code == 422
        page = text_of(refused)
        assert "Wybierz co najmniej jedną gminę obsługiwaną przez partnera." in page
        assert "Podaj NIP lub REGON partnera" in page
        saved = await browser.submit(
            f"{path}/edit",
            form_of(
                name="Fundacja Zmieniona Stronami", services=[catalogue["care"]], gminy=[GMINA_B]
            ),
        )
        assert saved.status_code == 303
        detail = text_of(await browser.get(path))
    assert "Fundacja Zmieniona Stronami" in detail
    assert "Usługi opiekuńcze (test partnerów)" in detail


async def test_registry_pages_keep_to_the_access_rules(
    app: Litestar, platform: Platform, admin_engine: AsyncEngine
) -> None:
    async with browser_session(app, DIRECTOR) as browser:
        path = await register_on_page(browser, platform)
    before = await written(admin_engine)
    async with browser_session(app, OUTSIDER) as browser:
        for target in (f"/partners/{platform.agreement_id}", path, f"{path}/edit"):
            assert (await browser.get(target)).status_code == 404, target
        assert (
            await browser.submit(f"{path}/contacts", {"contact.name": "X Y"})
        ).status_code == 404
    async with browser_session(app, READER) as browser:
        assert (await browser.get(f"/partners/{platform.agreement_id}/new")).status_code == 403
        assert (await browser.get(f"{path}/edit")).status_code == 403
        posted = await browser.submit(f"/partners/{platform.agreement_id}/new", form_of())
        assert posted.status_code == 403
        posted = await browser.submit(f"{path}/documents", {"document.title": "Nie wolno"})
        assert posted.status_code == 403
    async with browser_session(app, "rops@test.local") as browser:
        assert (await browser.get("/partners")).status_code == 403
    async with browser_session(app) as browser:
        response = await browser.get(f"/partners/{platform.agreement_id}")
        assert response.status_code == 303 and response.headers["location"].startswith("/login")
    assert await written(admin_engine) == before
