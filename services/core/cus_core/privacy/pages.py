"""Pages of the resident's rights and journey: the timeline (every step on one page), the
export downloads (JSON and PDF) and, for the director, the anonymisation form.

URLs carry the gmina code and the record's id only; download names carry no personal data.
A refused anonymisation writes nothing (its work runs in a savepoint rolled back).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from cus_core.applications.pages import status_labels as qualification_labels
from cus_core.complaints.pages import status_labels as complaint_labels
from cus_core.plans.pages import status_labels as plan_labels
from cus_core.privacy import service
from cus_core.privacy.records import resident_or_404
from cus_core.privacy.routes import ERASERS, EXPORTERS, READERS
from cus_core.privacy.timeline import kind_labels, step_labels
from cus_core.referrals.pages import status_labels as referral_labels
from cus_shared.errors import ConflictError, FieldProblem, InputError
from cus_shared.i18n.language import gettext as _
from cus_shared.identity.roles import Role
from cus_shared.tenancy import TenantSession
from cus_shared.web.forms import FormErrors, form_errors, read_form
from cus_shared.web.pages import notify, render

if TYPE_CHECKING:
    from litestar.types import ControllerRouterHandler

_EXPORTER_ROLES = frozenset({Role.DIRECTOR, Role.OUS, Role.KIPUS})


#: Timeline entries whose status is a step of the timeline's own.
_STEP_KINDS = ("application", "interview", "review", "consent", "delivery", "neighbour_support")


def status_labels() -> dict[str, dict[str, str]]:
    """Status names per kind of timeline entry: each record's status as its own pages name
    it, the timeline's own steps otherwise."""
    steps = step_labels()
    return {
        "decision": qualification_labels(),
        "plan": plan_labels(),
        "referral": referral_labels(),
        "complaint": complaint_labels(),
        **dict.fromkeys(
            ("application", "interview", "review", "consent", "delivery", "neighbour_support"),
            steps,
        ),
    }


def _record_path(db: TenantSession, resident_id: UUID) -> str:
    return f"/gminy/{db.tenant.teryt}/residents/{resident_id}"


def _download(content: bytes, media_type: str, name: str) -> Response[bytes]:
    return Response(
        content=content,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


class PrivacyPages(Controller):
    """One resident's timeline, export downloads and anonymisation."""

    path = "/gminy/{teryt:str}/residents/{resident_id:uuid}"
    opt = {"tenant_scoped": True, "audited": True}

    async def _timeline_page(
        self,
        request: Request[Any, Any, Any],
        db: TenantSession,
        resident_id: UUID,
        *,
        errors: FormErrors | None = None,
        status_code: int = 200,
    ) -> Template:
        entries = await service.timeline(db, resident_id)
        resident = await resident_or_404(db, resident_id)
        is_director = Role.DIRECTOR in db.tenant.roles
        return render(
            request,
            "core/privacy/timeline.html",
            # Page titles stay in the browser's history: the name is in the content only.
            title=_("Resident's timeline"),
            teryt=db.tenant.teryt,
            errors=errors,
            status_code=status_code,
            resident=resident,
            entries=entries,
            kinds=kind_labels(),
            statuses=status_labels(),
            register_path=f"/gminy/{db.tenant.teryt}/residents",
            record_path=_record_path(db, resident_id),
            can_export=bool(db.tenant.roles & _EXPORTER_ROLES),
            can_erase=is_director and not await service.is_anonymised(db, resident_id),
            retention_years=service.RETENTION_YEARS,
        )

    @get("/timeline", guards=[READERS])
    async def timeline(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[TenantSession],
        resident_id: FromPath[UUID],
    ) -> Template:
        """Applications, decisions, plans, consents, referrals, deliveries, complaints and
        neighbour support, newest first (the read is audited)."""
        return await self._timeline_page(request, db, resident_id)

    @get("/export.json", guards=[EXPORTERS])
    async def export_json(
        self, db: NamedDependency[TenantSession], resident_id: FromPath[UUID]
    ) -> Response[bytes]:
        """Everything held about the resident as a JSON file (audited as an export)."""
        document = await service.export_of(db, resident_id, form="json")
        return _download(
            service.export_json(document),
            "application/json",
            service.file_name(resident_id, "json"),
        )

    @get("/export.pdf", guards=[EXPORTERS])
    async def export_pdf(
        self, db: NamedDependency[TenantSession], resident_id: FromPath[UUID]
    ) -> Response[bytes]:
        """Everything held about the resident as a readable PDF in Polish (audited)."""
        document = await service.export_of(db, resident_id, form="pdf")
        return _download(
            service.export_pdf(document), "application/pdf", service.file_name(resident_id, "pdf")
        )

    @post("/anonymise", guards=[ERASERS])
    async def anonymise(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[TenantSession],
        resident_id: FromPath[UUID],
    ) -> Response[Any]:
        """Anonymise the resident once confirmed; a refusal is explained on the timeline."""
        form = await read_form(request)
        try:
            if form.get("confirm") != "yes":
                raise InputError(
                    "invalid_input", problems=[FieldProblem(field="confirm", key="field.required")]
                )
            async with db.session.begin_nested():
                await service.anonymise(db, resident_id)
        except (InputError, ConflictError) as exc:
            return await self._timeline_page(
                request,
                db,
                resident_id,
                errors=form_errors(exc),
                status_code=exc.status_code,
            )
        notify(request, _("The resident's data has been anonymised."))
        return Redirect(path=f"{_record_path(db, resident_id)}/timeline", status_code=303)


#: Page controllers of this context, mounted by cus_core.pages.
PAGES: list[ControllerRouterHandler] = [PrivacyPages]
