"""The one-stop public information page of a gmina (no login): the services of the gmina's
programmes in force today, by area, in the page's language (Polish where no translation was
given), who delivers each of them today and how to apply.

Only public facts are read here (catalogue, programmes, contracts, partners); contracts and
partners are read with plain read-only queries of their tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from litestar import Request, get
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from litestar.response import Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cus_shared.errors import NotFoundError
from cus_shared.i18n.language import N_, current_language
from cus_shared.i18n.language import gettext as _
from cus_shared.web.pages import render
from cus_tenants.catalogue import service as catalogue
from cus_tenants.catalogue.labels import area_name
from cus_tenants.catalogue.vocabulary import DeliveryMode
from cus_tenants.contracts.models import Contract, ContractGmina, ContractService
from cus_tenants.dependencies import provide_shared_session
from cus_tenants.gminy.models import Gmina, GminaStatus
from cus_tenants.partners.models import Partner
from cus_tenants.programmes import service as programmes
from cus_tenants.programmes.models import Programme, ProgrammeService

if TYPE_CHECKING:
    from datetime import date
    from uuid import UUID

    from cus_tenants.catalogue.models import ServiceVersion

#: Partners' categories as residents read them.
CATEGORY_LABELS: dict[str, str] = {
    "ngo": N_("Non-governmental organisation"),
    "social_economy": N_("Social economy entity, such as a social cooperative"),
    "business": N_("Company"),
    "public_unit": N_("Public unit"),
    "medical_entity": N_("Healthcare provider"),
}

#: Who delivers a service when no partner does.
CUS_ITSELF = N_("The Social Services Centre (CUS) itself")
GMINA_OFFICE = N_("The gmina office")


@dataclass(frozen=True, slots=True)
class Deliverer:
    """Who delivers a service today: a partner (with its category) or the CUS / gmina."""

    name: str
    category: str | None = None


@dataclass(slots=True)
class PublicService:
    """A service as a resident reads it; ``*_lang`` is "pl" where Polish is shown on a page
    in another language (so screen readers pronounce it right)."""

    area_code: int
    name: str
    name_lang: str | None
    description: str
    description_lang: str | None
    target_group: str
    eligibility: str
    conditions: str | None
    deliverers: list[Deliverer] = field(default_factory=list)


def _in_language(
    polish: str, translations: dict[str, str | None], language: str
) -> tuple[str, str | None]:
    """The text in the language when given, else the Polish one marked as Polish."""
    if language == "pl":
        return polish, None
    translated = translations.get(language)
    if translated:
        return translated, None
    return polish, "pl"


async def _active_gmina(session: AsyncSession, teryt: str) -> Gmina:
    gmina = await programmes.get_gmina(session, teryt)
    if gmina.status != GminaStatus.ACTIVE.value:
        raise NotFoundError("not_found")
    return gmina


async def _programmed_versions(
    session: AsyncSession, teryt: str, day: date
) -> dict[UUID, tuple[ServiceVersion, ProgrammeService]]:
    """Each catalogue service of the gmina's programmes in force on a day, in its newest
    programmed version (by service id)."""
    entries = list(
        await session.scalars(
            select(ProgrammeService)
            .join(Programme, Programme.id == ProgrammeService.programme_id)
            .where(
                Programme.teryt == teryt,
                Programme.period_start <= day,
                Programme.period_end >= day,
            )
        )
    )
    found = await catalogue.versions_with_services(session, [e.service_version_id for e in entries])
    chosen: dict[UUID, tuple[ServiceVersion, ProgrammeService]] = {}
    for entry in entries:
        version, owner = found[entry.service_version_id]
        earlier = chosen.get(owner.id)
        if earlier is None or earlier[0].version < version.version:
            chosen[owner.id] = (version, entry)
    return chosen


async def _contracted(
    session: AsyncSession, teryt: str, service_ids: list[UUID], day: date
) -> dict[UUID, list[Deliverer]]:
    """Who delivers each service in the gmina on a day under a contract covering it."""
    if not service_ids:
        return {}
    rows = (
        await session.execute(
            select(ContractService.service_id, Contract.partner_id, Contract.mode)
            .join(Contract, Contract.id == ContractService.contract_id)
            .join(ContractGmina, ContractGmina.contract_id == Contract.id)
            .where(
                ContractService.service_id.in_(service_ids),
                ContractGmina.teryt == teryt,
                Contract.starts_on <= day,
                Contract.ends_on >= day,
            )
        )
    ).all()
    partner_ids = {row.partner_id for row in rows if row.partner_id is not None}
    partners: dict[UUID, tuple[str, str]] = {}
    if partner_ids:
        partner_rows = await session.execute(
            select(Partner.id, Partner.name, Partner.category).where(Partner.id.in_(partner_ids))
        )
        partners = {pid: (name, category) for pid, name, category in partner_rows.tuples()}
    found: dict[UUID, list[Deliverer]] = {}
    for service_id, partner_id, mode in rows:
        if partner_id is not None and partner_id in partners:
            name, category = partners[partner_id]
            deliverer = Deliverer(name=name, category=category)
        elif mode == DeliveryMode.GMINA_OFFICE.value:
            deliverer = Deliverer(name=_(GMINA_OFFICE))
        else:
            deliverer = Deliverer(name=_(CUS_ITSELF))
        found.setdefault(service_id, []).append(deliverer)
    return found


async def public_offer(session: AsyncSession, teryt: str, day: date) -> list[PublicService]:
    """The services of the gmina's current programmes, by area and name, in the page's
    language, each with who delivers it on the day."""
    language = current_language()
    programmed = await _programmed_versions(session, teryt, day)
    contracted = await _contracted(session, teryt, list(programmed), day)
    offer: list[PublicService] = []
    for service_id, (version, entry) in programmed.items():
        name, name_lang = _in_language(
            version.name, {"en": version.name_en, "uk": version.name_uk}, language
        )
        description, description_lang = _in_language(
            version.description,
            {"en": version.description_en, "uk": version.description_uk},
            language,
        )
        deliverers: list[Deliverer] = []
        for deliverer in contracted.get(service_id, []):
            if deliverer not in deliverers:
                deliverers.append(deliverer)
        # Delivered by the CUS or the gmina office themselves where the service allows it.
        for mode, label in (
            (DeliveryMode.IN_HOUSE.value, CUS_ITSELF),
            (DeliveryMode.GMINA_OFFICE.value, GMINA_OFFICE),
        ):
            in_house = Deliverer(name=_(label))
            if mode in version.delivery_modes and in_house not in deliverers:
                deliverers.append(in_house)
        offer.append(
            PublicService(
                area_code=version.area_code,
                name=name,
                name_lang=name_lang,
                description=description,
                description_lang=description_lang,
                target_group=version.target_group,
                eligibility=version.eligibility,
                conditions=entry.conditions,
                deliverers=sorted(deliverers, key=lambda d: (d.category is None, d.name)),
            )
        )
    offer.sort(key=lambda s: (s.area_code, s.name.casefold()))
    return offer


@get(
    "/uslugi/{teryt:str}",
    name="public-services",
    exclude_from_auth=True,
    dependencies={"session": Provide(provide_shared_session)},
)
async def public_services(
    request: Request[Any, Any, Any], session: NamedDependency[AsyncSession], teryt: FromPath[str]
) -> Template:
    """Usługi społeczne w gminie: the one-stop information page for residents (no login)."""
    gmina = await _active_gmina(session, teryt)
    day = programmes.today()
    offer = await public_offer(session, gmina.teryt, day)
    areas: list[tuple[int, str, list[PublicService]]] = []
    for item in offer:
        if not areas or areas[-1][0] != item.area_code:
            areas.append((item.area_code, area_name(item.area_code), []))
        areas[-1][2].append(item)
    language = current_language()
    return render(
        request,
        "tenants/programmes/public.html",
        title=_("Social services in the gmina of %(name)s", name=gmina.name),
        gmina=gmina,
        day=day,
        areas=areas,
        polish=None if language == "pl" else "pl",
        category_labels=CATEGORY_LABELS,
    )
