"""The platform operator's pages: the registry of gminy (registering and provisioning,
suspending, resuming), inter-municipal agreements and users, in Polish first."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from litestar import Litestar
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from cus_shared.plugins import migration_tree
from cus_tenants.gminy import pages as gmina_pages
from tests.conftest import GMINA_A, GMINA_B, GMINA_C, PASSWORD, Platform
from tests.pages import PageSession, browser_session, text_of

pytestmark = pytest.mark.asyncio(loop_scope="session")

OPERATOR = "operator@test.local"
#: Gminy these tests register (powiat 21 of wielkopolskie, which no other test uses).
NEW_GMINA = "3021011"
SUSPENDED_GMINA = "3021022"
UNPROVISIONED_GMINA = "3021033"
UNKNOWN_GMINA = "3021093"


async def count(engine: AsyncEngine, table: str) -> int:
    """Rows in a table of the shared schema (read as admin, outside the app)."""
    async with engine.connect() as conn:
        value: Any = await conn.scalar(text(f"SELECT count(*) FROM shared.{table}"))
    return int(value)


async def user_id(engine: AsyncEngine, email: str) -> str:
    """The id of a user by e-mail."""
    async with engine.connect() as conn:
        value: Any = await conn.scalar(
            text("SELECT id FROM shared.app_user WHERE email = :e"), {"e": email}
        )
    return str(value)


async def gmina_status(engine: AsyncEngine, teryt: str) -> str | None:
    """A gmina's status in the registry."""
    async with engine.connect() as conn:
        value: Any = await conn.scalar(
            text("SELECT status FROM shared.gmina WHERE teryt = :t"), {"t": teryt}
        )
    return None if value is None else str(value)


async def in_english(browser: PageSession) -> None:
    """Choose English with the language switcher."""
    await browser.get("/admin/gminy")
    response = await browser.submit("/language", {"language": "en", "next": "/admin/gminy"})
    assert response.status_code == 303


def errors_of(response: Any) -> str:
    """The page's text, checked to show the error summary."""
    page = text_of(response)
    assert "error-summary" in response.text
    assert "aria-invalid=true" in response.text
    return page


# Pages and what an operator reads on them, in Polish.
PAGES = [
    ("/admin/gminy", ["Rejestr gmin", "Zarejestruj gminę", "Kramsk", "wielkopolskie", "Aktywna"]),
    ("/admin/gminy/new", ["Zarejestruj gminę", "Kod TERYT", "Nazwa gminy"]),
    (f"/admin/gminy/{GMINA_A}", ["Gmina Kramsk", "Porozumienie testowe", "Zawieś", "kipus.a"]),
    ("/admin/agreements", ["Porozumienia międzygminne", "Porozumienie testowe", "Kramsk"]),
    ("/admin/agreements/new", ["Gmina wiodąca", "Gminy członkowskie", "Golina (3010013)"]),
    ("/admin/agreements/{agreement}", ["Porozumienie testowe", "Gmina wiodąca", "bezterminowo"]),
    ("/admin/users", ["Użytkownicy", "kipus.a@test.local", "Operator platformy"]),
    ("/admin/users/new", ["Utwórz użytkownika", "Hasło początkowe", "Co najmniej 12 znaków"]),
    (
        "/admin/users/{kipus}",
        ["kipus.a", "Koordynator", "Kramsk (3010052)", "Włączone", "Wyłącz konto", "Dodaj rolę"],
    ),
]


async def _path(platform: Platform, engine: AsyncEngine, template: str) -> str:
    if "{kipus}" in template:
        return template.format(kipus=await user_id(engine, "kipus.a@test.local"))
    return template.format(agreement=platform.agreement_id)


@pytest.mark.parametrize(("template", "texts"), PAGES, ids=[p for p, _ in PAGES])
async def test_each_page_renders_in_polish_for_the_operator(
    app: Litestar,
    platform: Platform,
    admin_engine: AsyncEngine,
    template: str,
    texts: list[str],
) -> None:
    path = await _path(platform, admin_engine, template)
    async with browser_session(app, OPERATOR) as browser:
        response = await browser.get(path)
    assert response.status_code == 200, response.text
    assert '<html lang="pl">' in response.text
    page = text_of(response)
    for expected in texts:
        assert expected in page, (path, expected)
    assert "argon2" not in response.text  # never a password hash


@pytest.mark.parametrize(("template", "texts"), PAGES, ids=[p for p, _ in PAGES])
async def test_other_roles_are_refused_every_page(
    app: Litestar,
    platform: Platform,
    admin_engine: AsyncEngine,
    template: str,
    texts: list[str],
) -> None:
    del texts
    path = await _path(platform, admin_engine, template)
    async with browser_session(app, "kipus.a@test.local") as browser:
        response = await browser.get(path)
    assert response.status_code == 403
    assert "Twoja rola nie pozwala na tę czynność." in text_of(response)


async def test_other_roles_cannot_post_either(app: Litestar, admin_engine: AsyncEngine) -> None:
    before = await count(admin_engine, "gmina")
    async with browser_session(app, "director@test.local") as browser:
        await browser.get("/")
        posted = [
            await browser.submit("/admin/gminy/new", {"teryt": UNKNOWN_GMINA, "name": "Nie"}),
            await browser.submit(f"/admin/gminy/{GMINA_A}/suspend"),
            await browser.submit("/admin/agreements/new", {"name": "Nie wolno"}),
            await browser.submit("/admin/users/new", {"email": "x@test.local"}),
        ]
    assert [r.status_code for r in posted] == [403, 403, 403, 403]
    assert await count(admin_engine, "gmina") == before
    assert await gmina_status(admin_engine, GMINA_A) == "active"


async def test_admin_pages_need_a_session(app: Litestar) -> None:
    async with browser_session(app) as browser:
        for path in ("/admin/gminy", "/admin/agreements/new", "/admin/users"):
            response = await browser.get(path)
            assert response.status_code == 303, path
            assert response.headers["location"].startswith("/login")


async def test_operator_registers_a_gmina_and_it_is_provisioned(
    app: Litestar, admin_engine: AsyncEngine
) -> None:
    async with browser_session(app, OPERATOR) as browser:
        await browser.get("/admin/gminy/new")
        response = await browser.submit(
            "/admin/gminy/new", {"teryt": NEW_GMINA, "name": "Nowa Gmina Testowa"}
        )
        assert response.status_code == 303, response.text
        assert response.headers["location"] == f"/admin/gminy/{NEW_GMINA}"
        page = text_of(await browser.get(response.headers["location"]))
        assert "Gmina Nowa Gmina Testowa została zarejestrowana" in page
        assert "Aktywna" in page and "Gmina miejska" in page
        assert migration_tree("tenant").head in page
        # The message is shown once.
        assert "została zarejestrowana" not in text_of(await browser.get("/admin/gminy"))
    async with admin_engine.connect() as conn:
        tables = await conn.scalar(
            text("SELECT count(*) FROM pg_tables WHERE schemaname = :s"),
            {"s": f"gmina_{NEW_GMINA}"},
        )
    assert tables == len(migration_tree("tenant").metadata().tables) + 1  # + alembic_version
    assert await gmina_status(admin_engine, NEW_GMINA) == "active"


@pytest.mark.parametrize(
    ("teryt", "polish", "english"),
    [
        ("123", "Kod TERYT gminy musi mieć 7 cyfr.", "A gmina TERYT code must have 7 digits."),
        (
            "0101011",
            "Kod TERYT zaczyna się od nieistniejącego kodu województwa.",
            "starts with a voivodeship code that does not exist",
        ),
        (
            "3000011",
            "Kod powiatu i gminy w kodzie TERYT nie mogą być 00.",
            "cannot be 00",
        ),
        ("3021019", "Ostatnia cyfra kodu TERYT", "The last digit of a gmina TERYT code"),
        ("30210111", "najwyżej 7 znaków", "at most 7 characters"),
        ("", "Pole jest wymagane.", "This field is required."),
    ],
)
async def test_bad_teryt_is_explained_at_the_field_and_nothing_is_written(
    app: Litestar, admin_engine: AsyncEngine, teryt: str, polish: str, english: str
) -> None:
    before = await count(admin_engine, "gmina")
    async with browser_session(app, OPERATOR) as browser:
        await browser.get("/admin/gminy/new")
        response = await browser.submit("/admin/gminy/new", {"teryt": teryt, "name": "Zła"})
        assert response.status_code == 422
        page = errors_of(response)
        assert page.count(polish) == 2  # the summary and the field
        assert 'href="#f-teryt"' in response.text
        assert 'value="Zła"' in response.text  # what was typed stays in the form
        await in_english(browser)
        await browser.get("/admin/gminy/new")
        response = await browser.submit("/admin/gminy/new", {"teryt": teryt, "name": "Zła"})
        assert response.status_code == 422
        assert english in text_of(response)
        assert '<html lang="en">' in response.text
    assert await count(admin_engine, "gmina") == before


async def test_duplicate_gmina_is_a_conflict(app: Litestar, admin_engine: AsyncEngine) -> None:
    before = await count(admin_engine, "gmina")
    async with browser_session(app, OPERATOR) as browser:
        await browser.get("/admin/gminy/new")
        response = await browser.submit("/admin/gminy/new", {"teryt": GMINA_A, "name": "Kramsk"})
    assert response.status_code == 409
    assert text_of(response).count("Gmina o tym kodzie TERYT jest już w rejestrze.") == 2
    assert await count(admin_engine, "gmina") == before


async def test_short_gmina_name_is_explained(app: Litestar, admin_engine: AsyncEngine) -> None:
    before = await count(admin_engine, "gmina")
    async with browser_session(app, OPERATOR) as browser:
        await browser.get("/admin/gminy/new")
        response = await browser.submit("/admin/gminy/new", {"teryt": UNKNOWN_GMINA, "name": "X"})
    assert response.status_code == 422
    assert 'href="#f-name"' in response.text
    assert "co najmniej 2 znaków" in text_of(response)
    assert await count(admin_engine, "gmina") == before


async def test_suspend_and_resume_a_gmina(app: Litestar, platform: Platform) -> None:
    from cus_tenants.gminy.service import register_and_provision

    await register_and_provision(platform.db, SUSPENDED_GMINA, "Zawieszana")
    engine = platform.db.admin_engine
    path = f"/admin/gminy/{SUSPENDED_GMINA}"
    async with browser_session(app, OPERATOR) as browser:
        await browser.get(path)
        response = await browser.submit(f"{path}/suspend")
        assert response.status_code == 303
        assert response.headers["location"] == path
        assert await gmina_status(engine, SUSPENDED_GMINA) == "suspended"
        page = text_of(await browser.get(path))
        assert "Gmina Zawieszana jest zawieszona" in page
        assert "Zawieszona" in page and "Wznów" in page and "Zawieś" not in page
        listed = await browser.get("/admin/gminy", params={"voivodeship": "30"})
        assert "Zawieszona" in text_of(listed)
        response = await browser.submit(f"{path}/resume")
        assert response.status_code == 303
        assert await gmina_status(engine, SUSPENDED_GMINA) == "active"
        page = text_of(await browser.get(path))
        assert "Gmina Zawieszana znów działa" in page and "Zawieś" in page


async def test_a_gmina_whose_provisioning_did_not_finish_says_so(
    app: Litestar, platform: Platform
) -> None:
    from cus_shared.database.naming import SHARED_SCHEMA, TENANTS_SERVICE_ROLE
    from cus_shared.tenancy import open_service_session
    from cus_tenants.gminy.service import provision_registered, register_gmina

    async with open_service_session(
        platform.db.sessions, db_role=TENANTS_SERVICE_ROLE, schema=SHARED_SCHEMA
    ) as session:
        await register_gmina(session, UNPROVISIONED_GMINA, "Nieprzygotowana")
    path = f"/admin/gminy/{UNPROVISIONED_GMINA}"
    async with browser_session(app, OPERATOR) as browser:
        page = text_of(await browser.get(path))
        assert "W przygotowaniu" in page and "Zawieś" not in page
        assert f"cus tenants migrate {UNPROVISIONED_GMINA}" in page
        await provision_registered(platform.db, UNPROVISIONED_GMINA)  # leave the fleet whole
        page = text_of(await browser.get(path))
        assert "Aktywna" in page and "Zawieś" in page


async def test_forms_without_csrf_token_are_refused(
    app: Litestar, admin_engine: AsyncEngine
) -> None:
    counts = {t: await count(admin_engine, t) for t in ("gmina", "agreement", "app_user")}
    async with browser_session(app, OPERATOR) as browser:
        await browser.get("/admin/gminy")
        responses = [
            await browser.submit(f"/admin/gminy/{GMINA_C}/suspend", csrf=False),
            await browser.submit(
                "/admin/gminy/new", {"teryt": UNKNOWN_GMINA, "name": "Bez"}, csrf=False
            ),
            await browser.submit(
                "/admin/agreements/new",
                {"name": "Bez tokenu", "lead_teryt": GMINA_C, "members": GMINA_C},
                csrf=False,
            ),
            await browser.submit(
                "/admin/users/new",
                {"email": "bez.tokenu@test.local", "display_name": "Bez", "password": "x" * 20},
                csrf=False,
            ),
        ]
    for response in responses:
        assert response.status_code == 403
        assert "Formularz wygasł" in text_of(response)
    assert await gmina_status(admin_engine, GMINA_C) == "active"
    assert {t: await count(admin_engine, t) for t in counts} == counts


@pytest.mark.parametrize(
    "path",
    [
        f"/admin/gminy/{UNKNOWN_GMINA}",
        "/admin/gminy/abc",
        "/admin/gminy/9999999",
        "/admin/agreements/not-an-id",
        f"/admin/agreements/{uuid.uuid4()}",
        "/admin/users/42",
        f"/admin/users/{uuid.uuid4()}",
    ],
)
async def test_unknown_ids_are_404_pages(app: Litestar, path: str) -> None:
    async with browser_session(app, OPERATOR) as browser:
        response = await browser.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Nie znaleziono." in text_of(response)


async def test_suspending_an_unknown_gmina_is_404(app: Litestar) -> None:
    async with browser_session(app, OPERATOR) as browser:
        await browser.get("/admin/gminy")
        response = await browser.submit(f"/admin/gminy/{UNKNOWN_GMINA}/suspend")
    assert response.status_code == 404


async def test_registry_pages_and_filters_by_voivodeship(
    app: Litestar, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gmina_pages, "PAGE_SIZE", 2)
    async with browser_session(app, OPERATOR) as browser:
        first = await browser.get("/admin/gminy")
        assert 'href="/admin/gminy?offset=2" rel="next"' in first.text
        assert "Następna strona" in text_of(first)
        second = await browser.get("/admin/gminy", params={"offset": "2"})
        assert second.status_code == 200
        assert 'href="/admin/gminy?offset=0" rel="prev"' in second.text
        # Warszawa (14…) sorts before the Wielkopolska gminy (30…).
        assert "Warszawa" in text_of(first) and "Warszawa" not in text_of(second)
        mazowieckie = await browser.get("/admin/gminy", params={"voivodeship": "14"})
        assert "Warszawa" in text_of(mazowieckie) and "Kramsk" not in text_of(mazowieckie)
        assert '<option value="14" selected>' in mazowieckie.text
        wielkopolskie = await browser.get("/admin/gminy", params={"voivodeship": "30"})
        # Only Wielkopolska's codes, whichever gminy other tests registered there before.
        codes = re.findall(r'href="/admin/gminy/(\d{7})"', wielkopolskie.text)
        assert codes and all(code.startswith("30") for code in codes), codes
        assert "Warszawa" not in text_of(wielkopolskie)
        # Pages of a filtered list keep the filter.
        assert "/admin/gminy?voivodeship=30&amp;offset=2" in wielkopolskie.text
        for bad in ({"voivodeship": "99"}, {"offset": "-1"}, {"offset": "abc"}):
            response = await browser.get("/admin/gminy", params=bad)
            assert response.status_code == 422, bad
            assert response.headers["content-type"].startswith("text/html")
        past_the_end = await browser.get("/admin/gminy", params={"offset": "1000"})
        assert "Nie ma więcej gmin." in text_of(past_the_end)


async def test_operator_records_an_agreement(app: Litestar, admin_engine: AsyncEngine) -> None:
    before = await count(admin_engine, "agreement")
    async with browser_session(app, OPERATOR) as browser:
        form = await browser.get("/admin/agreements/new")
        assert 'type="date"' in form.text
        response = await browser.submit(
            "/admin/agreements/new",
            {
                "name": "Porozumienie Golina–Warszawa",
                "lead_teryt": GMINA_B,
                "signed_on": "2024-12-15",
                "members": [GMINA_B, GMINA_C],  # type: ignore[dict-item]
                "joined_on": "2025-01-01",
            },
        )
        assert response.status_code == 303, response.text
        location = response.headers["location"]
        assert location.startswith("/admin/agreements/")
        page = text_of(await browser.get(location))
        assert "Zapisano porozumienie: Porozumienie Golina–Warszawa." in page
        assert "15.12.2024" in page and "01.01.2025" in page
        assert "Golina" in page and "Warszawa" in page and "gmina wiodąca" in page
        listed = text_of(await browser.get("/admin/agreements"))
        assert "Porozumienie Golina–Warszawa Golina 15.12.2024 2" in listed
        gmina = text_of(await browser.get(f"/admin/gminy/{GMINA_C}"))
        assert "Porozumienie Golina–Warszawa" in gmina
    assert await count(admin_engine, "agreement") == before + 1


async def test_agreement_problems_are_explained_and_nothing_is_written(
    app: Litestar, admin_engine: AsyncEngine
) -> None:
    before = await count(admin_engine, "agreement")
    async with browser_session(app, OPERATOR) as browser:
        await browser.get("/admin/agreements/new")
        not_member = await browser.submit(
            "/admin/agreements/new",
            {
                "name": "Błędne porozumienie",
                "lead_teryt": GMINA_C,
                "members": GMINA_B,
                "joined_on": "2025-01-01",
            },
        )
        assert not_member.status_code == 422
        page = errors_of(not_member)
        assert page.count("Gmina wiodąca musi być członkiem porozumienia.") == 2
        assert 'href="#f-lead_teryt"' in not_member.text
        # What was chosen stays chosen.
        assert re.findall(r'value="(\d{7})" id="[^"]+" checked', not_member.text) == [GMINA_B]
        assert 'value="Błędne porozumienie"' in not_member.text

        nothing_ticked = await browser.submit(
            "/admin/agreements/new",
            {"name": "Puste", "lead_teryt": GMINA_B, "joined_on": ""},
        )
        assert nothing_ticked.status_code == 422
        page = errors_of(nothing_ticked)
        assert page.count("Zaznacz co najmniej jedną gminę członkowską.") == 2
        assert (
            'href="#f-members"' in nothing_ticked.text and 'id="f-members"' in nothing_ticked.text
        )

        bad_date = await browser.submit(
            "/admin/agreements/new",
            {
                "name": "Zła data",
                "lead_teryt": GMINA_B,
                "members": [GMINA_B, GMINA_C],  # type: ignore[dict-item]
                "joined_on": "2025-02-30",
            },
        )
        assert bad_date.status_code == 422
        page = errors_of(bad_date)
        assert page.count("Nieprawidłowa data") == 2  # once per field, not per gmina
        assert 'href="#f-joined_on"' in bad_date.text

        await in_english(browser)
        await browser.get("/admin/agreements/new")
        english = await browser.submit(
            "/admin/agreements/new",
            {"name": "Ab", "lead_teryt": GMINA_C, "members": GMINA_B, "joined_on": "2025-01-01"},
        )
        assert english.status_code == 422
        page = text_of(english)
        assert "The value is too short (at least 3 characters)." in page
        nothing = await browser.submit(
            "/admin/agreements/new", {"name": "Empty", "lead_teryt": GMINA_B}
        )
        assert "Tick at least one member gmina." in text_of(nothing)
    assert await count(admin_engine, "agreement") == before


async def test_operator_creates_a_user_who_can_log_in(
    app: Litestar, admin_engine: AsyncEngine
) -> None:
    before = await count(admin_engine, "app_user")
    password = "Nowe-haslo-2026!"
    async with browser_session(app, OPERATOR) as browser:
        await browser.get("/admin/users/new")
        response = await browser.submit(
            "/admin/users/new",
            {
                "email": "nowa.kipus@test.local",
                "display_name": "Nowa Koordynatorka",
                "password": password,
                "role": "kipus",
                "scope": "gmina",
                "scope_id": GMINA_C,
            },
        )
        assert response.status_code == 303, response.text
        shown = await browser.get(response.headers["location"])
        page = text_of(shown)
        assert "Utworzono konto: Nowa Koordynatorka." in page
        assert "Koordynator indywidualnych planów usług społecznych (KIPUS)" in page
        assert "Warszawa (1465011)" in page and "nigdy" in page
        assert password not in shown.text and "argon2" not in shown.text
        listed = text_of(await browser.get("/admin/users"))
        assert "nowa.kipus@test.local" in listed
        gmina = text_of(await browser.get(f"/admin/gminy/{GMINA_C}"))
        assert "Nowa Koordynatorka" in gmina
    assert await count(admin_engine, "app_user") == before + 1
    async with browser_session(app) as newcomer:
        login = await newcomer.login("nowa.kipus@test.local", password)
        assert login.status_code == 303
        start = await newcomer.get("/")
        assert start.headers["location"] == f"/gminy/{GMINA_C}/"


VALID_USER = {
    "email": "zly.uzytkownik@test.local",
    "display_name": "Zły Użytkownik",
    "password": "Dobre-haslo-2026!",
    "role": "kipus",
    "scope": "gmina",
    "scope_id": GMINA_A,
}


@pytest.mark.parametrize(
    ("change", "field", "polish", "english", "status"),
    [
        (
            {"password": "krotkie"},
            "password",
            "Hasło musi mieć co najmniej 12 znaków.",
            "The password must have at least 12 characters.",
            422,
        ),
        (
            {"scope": "platform", "scope_id": "*"},
            "scope",
            "Rola Koordynator indywidualnych planów usług społecznych (KIPUS) nie może mieć "
            "zakresu Cała platforma.",
            "Role Coordinator of individual plans (KIPUS) cannot have scope Whole platform.",
            422,
        ),
        (
            {"scope_id": UNKNOWN_GMINA},
            "scope_id",
            "Wskazany zakres (gmina, porozumienie, partner lub region) nie istnieje.",
            "The scope (gmina, agreement, partner or region) does not exist.",
            422,
        ),
        (
            {"role": "", "scope": "", "scope_id": ""},
            "role",
            "Pole jest wymagane.",
            "This field is required.",
            422,
        ),
        (
            {"role": "wizard"},
            "role",
            "Wartość spoza listy dozwolonych.",
            "not one of the allowed",
            422,
        ),
        (
            {"email": "kipus.a@test.local"},
            "email",
            "Użytkownik z tym adresem e-mail już istnieje.",
            "A user with this e-mail already exists.",
            409,
        ),
        ({"email": "bez-malpy"}, "email", "Nieprawidłowa wartość pola.", "invalid", 422),
    ],
)
async def test_user_problems_are_explained_at_the_field_and_nothing_is_written(
    app: Litestar,
    admin_engine: AsyncEngine,
    change: dict[str, str],
    field: str,
    polish: str,
    english: str,
    status: int,
) -> None:
    before = await count(admin_engine, "app_user")
    form = {**VALID_USER, **change}
    async with browser_session(app, OPERATOR) as browser:
        await browser.get("/admin/users/new")
        response = await browser.submit("/admin/users/new", form)
        assert response.status_code == status
        page = errors_of(response)
        assert polish in page
        assert f'href="#f-{field}"' in response.text
        assert f'id="f-{field}-error-1"' in response.text
        assert form["password"] not in response.text  # the password is never sent back
        assert f'value="{form["display_name"]}"' in response.text
        await in_english(browser)
        await browser.get("/admin/users/new")
        response = await browser.submit("/admin/users/new", form)
        assert response.status_code == status
        assert english.lower() in text_of(response).lower()
    assert await count(admin_engine, "app_user") == before


# Managing existing users from their page. Each test creates its own users (unique e-mails);
# the fixture users serve every other test and are never changed.

_REMOVE = re.compile(r'action="(/admin/users/[0-9a-f-]+/memberships/[0-9a-f-]+/remove)"')


async def _user_created(
    browser: PageSession, role: str = "kipus", scope: str = "gmina", scope_id: str = GMINA_A
) -> tuple[str, str]:
    """A new user made with the form (password: the tests' one): their page and e-mail."""
    email = f"strona.{uuid.uuid4().hex[:10]}@test.local"
    await browser.get("/admin/users/new")
    response = await browser.submit(
        "/admin/users/new",
        {
            "email": email,
            "display_name": "Osoba Testowa",
            "password": PASSWORD,
            "role": role,
            "scope": scope,
            "scope_id": scope_id,
        },
    )
    assert response.status_code == 303, response.text
    return str(response.headers["location"]), email


async def memberships_of(engine: AsyncEngine, user: str) -> dict[str, str]:
    """A user's memberships in the database: scope id → membership id."""
    async with engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT scope_id, id FROM shared.membership WHERE user_id = :u"), {"u": user}
        )
    return {str(scope_id): str(key) for scope_id, key in rows}


async def is_active(engine: AsyncEngine, user: str) -> bool:
    async with engine.connect() as conn:
        value: Any = await conn.scalar(
            text("SELECT is_active FROM shared.app_user WHERE id = :u"), {"u": user}
        )
    return bool(value)


async def test_operator_grants_and_removes_a_role(app: Litestar, admin_engine: AsyncEngine) -> None:
    async with browser_session(app, OPERATOR) as browser:
        path, email = await _user_created(browser)
        user = path.rsplit("/", 1)[1]
        page = await browser.get(path)
        assert "Dodaj rolę" in text_of(page) and 'action="' + path + '/memberships"' in page.text
        assert len(_REMOVE.findall(page.text)) == 1
        response = await browser.submit(
            f"{path}/memberships", {"role": "kipus", "scope": "gmina", "scope_id": GMINA_B}
        )
        assert response.status_code == 303, response.text
        assert response.headers["location"] == path
        page = text_of(await browser.get(path))
        assert "Nadano rolę: Koordynator indywidualnych planów usług społecznych (KIPUS)." in page
        assert "Golina (3010013)" in page and "Kramsk (3010052)" in page
        held = await memberships_of(admin_engine, user)
        assert set(held) == {GMINA_A, GMINA_B}

        response = await browser.submit(f"{path}/memberships/{held[GMINA_B]}/remove")
        assert response.status_code == 303
        assert response.headers["location"] == path
        page = text_of(await browser.get(path))
        assert "Odebrano rolę: Koordynator" in page
        assert "Golina (3010013)" not in page and "Kramsk (3010052)" in page
        assert set(await memberships_of(admin_engine, user)) == {GMINA_A}
        # Gone already, or another user's: not found.
        again = await browser.submit(f"{path}/memberships/{held[GMINA_B]}/remove")
        assert again.status_code == 404
        kipus = await user_id(admin_engine, "kipus.a@test.local")
        theirs = await memberships_of(admin_engine, kipus)
        other = await browser.submit(f"{path}/memberships/{theirs[GMINA_A]}/remove")
        assert other.status_code == 404
        assert "Nie znaleziono." in text_of(other)
    assert await memberships_of(admin_engine, kipus) == theirs
    # The person now works in Kramsk only.
    async with browser_session(app, email) as person:
        start = await person.get("/")
        assert start.headers["location"] == f"/gminy/{GMINA_A}/"


@pytest.mark.parametrize(
    ("change", "field", "polish", "english", "status"),
    [
        (
            {"scope": "platform", "scope_id": "*"},
            "scope",
            "Rola Koordynator indywidualnych planów usług społecznych (KIPUS) nie może mieć "
            "zakresu Cała platforma.",
            "Role Coordinator of individual plans (KIPUS) cannot have scope Whole platform.",
            422,
        ),
        (
            {"scope_id": UNKNOWN_GMINA},
            "scope_id",
            "Wskazany zakres (gmina, porozumienie, partner lub region) nie istnieje.",
            "The scope (gmina, agreement, partner or region) does not exist.",
            422,
        ),
        (
            {"role": ""},
            "role",
            "Pole jest wymagane.",
            "This field is required.",
            422,
        ),
        ({"scope": "kosmos"}, "scope", "Wartość spoza listy dozwolonych.", "not one of", 422),
        (
            {"scope_id": GMINA_A},
            "role",
            "Użytkownik ma już tę rolę w tym zakresie.",
            "The user already holds this role in this scope.",
            409,
        ),
    ],
)
async def test_role_problems_are_explained_at_the_field_and_nothing_is_written(
    app: Litestar,
    admin_engine: AsyncEngine,
    change: dict[str, str],
    field: str,
    polish: str,
    english: str,
    status: int,
) -> None:
    form = {"role": "kipus", "scope": "gmina", "scope_id": GMINA_C, **change}
    async with browser_session(app, OPERATOR) as browser:
        path, _email = await _user_created(browser)
        user = path.rsplit("/", 1)[1]
        await browser.get(path)
        response = await browser.submit(f"{path}/memberships", form)
        assert response.status_code == status
        page = errors_of(response)
        assert page.count(polish) == 2  # the summary and the field
        assert f'href="#f-{field}"' in response.text
        assert f'id="f-{field}-error-1"' in response.text
        assert f'value="{form["scope_id"]}"' in response.text  # what was typed stays
        assert "Osoba Testowa" in page and "Kramsk (3010052)" in page  # still the user's page
        assert f'name="next" value="{path}"' in response.text  # the language switch comes back
        await in_english(browser)
        await browser.get(path)
        response = await browser.submit(f"{path}/memberships", form)
        assert response.status_code == status
        assert english.lower() in text_of(response).lower()
    assert set(await memberships_of(admin_engine, user)) == {GMINA_A}


async def test_operator_disables_and_enables_an_account(
    app: Litestar, admin_engine: AsyncEngine
) -> None:
    async with browser_session(app, OPERATOR) as browser:
        path, email = await _user_created(browser)
        user = path.rsplit("/", 1)[1]
        page = text_of(await browser.get(path))
        assert "Włączone osoba może się zalogować" in page and "Wyłącz konto" in page
        assert "Włącz konto" not in page
        response = await browser.submit(f"{path}/disable")
        assert response.status_code == 303
        assert response.headers["location"] == path
        assert await is_active(admin_engine, user) is False
        page = text_of(await browser.get(path))
        assert "Konto wyłączone: Osoba Testowa nie może się już zalogować." in page
        assert "Wyłączone osoba nie może się zalogować" in page and "Włącz konto" in page
        assert "Wyłącz konto" not in page
        assert "Osoba Testowa" in text_of(await browser.get("/admin/users"))
        async with browser_session(app) as person:
            refused = await person.login(email)
            assert refused.status_code == 401
            assert "Nieprawidłowy e-mail lub hasło." in text_of(refused)

        response = await browser.submit(f"{path}/enable")
        assert response.status_code == 303
        assert await is_active(admin_engine, user) is True
        page = text_of(await browser.get(path))
        assert "Konto włączone: Osoba Testowa może znów się logować." in page
        assert "Wyłącz konto" in page
    async with browser_session(app) as person:
        assert (await person.login(email)).status_code == 303
    assert set(await memberships_of(admin_engine, user)) == {GMINA_A}  # roles kept


async def test_refusals_are_explained_on_the_users_page(
    app: Litestar, admin_engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cus_tenants.identity import service

    async with browser_session(app, OPERATOR) as browser:
        path, email = await _user_created(browser, "operator", "platform", "*")
    user = path.rsplit("/", 1)[1]
    held = await memberships_of(admin_engine, user)
    async with browser_session(app, email) as own:
        page = await own.get(path)
        assert "To Twoje własne konto: może je wyłączyć inny operator." in text_of(page)
        assert f'action="{path}/disable"' not in page.text
        response = await own.submit(f"{path}/disable")  # sent anyway
        assert response.status_code == 409
        assert errors_of_summary(response).count("Nie możesz wyłączyć własnego konta.") == 1
        assert await is_active(admin_engine, user) is True

        async def nobody_else(*_args: object) -> int:
            return 0

        # As if every other operator were disabled: the last active operator keeps the role.
        monkeypatch.setattr(service, "_other_active_operators", nobody_else)
        response = await own.submit(f"{path}/memberships/{held['*']}/remove")
        assert response.status_code == 409
        assert "To ostatni aktywny operator platformy" in errors_of_summary(response)
        assert await memberships_of(admin_engine, user) == held
        monkeypatch.undo()
    async with browser_session(app, OPERATOR) as browser:
        await browser.get(path)
        response = await browser.submit(f"{path}/memberships/{held['*']}/remove")
        assert response.status_code == 303  # another active operator remains
    assert await memberships_of(admin_engine, user) == {}


def errors_of_summary(response: Any) -> str:
    """The page's text, checked to show the error summary (a refusal names no field)."""
    assert "error-summary" in response.text
    return text_of(response)


async def test_managing_users_needs_the_csrf_token_and_the_operator_role(
    app: Litestar, admin_engine: AsyncEngine
) -> None:
    async with browser_session(app, OPERATOR) as browser:
        path, _email = await _user_created(browser)
        user = path.rsplit("/", 1)[1]
        held = await memberships_of(admin_engine, user)
        await browser.get(path)
        posts = [
            (f"{path}/memberships", {"role": "kipus", "scope": "gmina", "scope_id": GMINA_B}),
            (f"{path}/memberships/{held[GMINA_A]}/remove", {}),
            (f"{path}/disable", {}),
            (f"{path}/enable", {}),
        ]
        for target, form in posts:
            response = await browser.submit(target, form, csrf=False)
            assert response.status_code == 403, target
            assert "Formularz wygasł" in text_of(response)
    async with browser_session(app, "director@test.local") as director:
        await director.get("/")
        for target, form in posts:
            response = await director.submit(target, form)
            assert response.status_code == 403, target
            assert "Twoja rola nie pozwala na tę czynność." in text_of(response)
    assert await memberships_of(admin_engine, user) == held
    assert await is_active(admin_engine, user) is True


@pytest.mark.parametrize(
    "suffix",
    [
        "disable",
        "enable",
        "memberships",
        f"memberships/{uuid.uuid4()}/remove",
        "memberships/abc/remove",
    ],
)
async def test_managing_unknown_users_is_404(app: Litestar, suffix: str) -> None:
    async with browser_session(app, OPERATOR) as browser:
        await browser.get("/admin/users")
        for user in ("42", str(uuid.uuid4())):
            response = await browser.submit(
                f"/admin/users/{user}/{suffix}",
                {"role": "kipus", "scope": "gmina", "scope_id": GMINA_A},
            )
            assert response.status_code == 404, (user, suffix)
            assert "Nie znaleziono." in text_of(response)
