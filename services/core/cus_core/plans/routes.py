"""HTTP API of individual plans (IPUS), scoped to one gmina: /api/core/gminy/{teryt}/plans."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated
from uuid import UUID

from litestar import Controller, delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, Parameter, QueryParameter

from cus_core.plans import service
from cus_core.plans.schemas import (
    ApproverRead,
    DueReview,
    PlanAmend,
    PlanClose,
    PlanCreate,
    PlanPage,
    PlanRead,
    PlanStatus,
    PlanVersionRead,
    ReviewRecord,
)
from cus_shared.identity.guards import require_tenant_roles
from cus_shared.identity.roles import Role
from cus_shared.tenancy import TenantSession

if TYPE_CHECKING:
    from litestar.types import ControllerRouterHandler

#: Who works on plans: the KIPUS who coordinate them, the OUS, the director.
CASE_WORKERS = require_tenant_roles(Role.DIRECTOR, Role.OUS, Role.KIPUS)
DIRECTOR = require_tenant_roles(Role.DIRECTOR)

Limit = Annotated[int, Parameter(ge=1, le=100)]
Offset = Annotated[int, Parameter(ge=0)]


class PlanController(Controller):
    """Individual plans of social services of one gmina."""

    path = "/gminy/{teryt:str}/plans"
    tags = ["plans"]
    opt = {"tenant_scoped": True, "audited": True}

    @get("/", guards=[CASE_WORKERS])
    async def list_plans(
        self,
        db: NamedDependency[TenantSession],
        resident_id: Annotated[UUID | None, QueryParameter()] = None,
        status: Annotated[PlanStatus | None, QueryParameter()] = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> PlanPage:
        """Plans, newest first, optionally of one resident or in one status."""
        items, total = await service.list_plans(
            db, resident_id=resident_id, status=status, limit=limit, offset=offset
        )
        return PlanPage(items=items, total=total, limit=limit, offset=offset)

    @post("/", guards=[CASE_WORKERS], status_code=201)
    async def create(
        self, db: NamedDependency[TenantSession], data: JSONBody[PlanCreate]
    ) -> PlanRead:
        """Draft a plan (3 to 12 months) with its goals and services."""
        return await service.create_plan(db, data)

    @get("/due", guards=[CASE_WORKERS])
    async def due(
        self,
        db: NamedDependency[TenantSession],
        everyone: Annotated[bool, QueryParameter(name="all")] = False,
    ) -> list[DueReview]:
        """Reviews not yet done: the caller's plans, or all (director, OUS) with ?all=true."""
        return await service.due_list(db, everyone=everyone)

    @get("/{plan_id:uuid}", guards=[CASE_WORKERS])
    async def show(self, db: NamedDependency[TenantSession], plan_id: FromPath[UUID]) -> PlanRead:
        """A plan: its current version, reviews and the list of versions."""
        return await service.read_plan(db, plan_id)

    @get("/{plan_id:uuid}/versions/{number:int}", guards=[CASE_WORKERS])
    async def version(
        self, db: NamedDependency[TenantSession], plan_id: FromPath[UUID], number: FromPath[int]
    ) -> PlanVersionRead:
        """One version of a plan (old versions stay readable)."""
        return await service.read_version(db, plan_id, number)

    # Who may approve (the director, an authorised OUS) is checked after the plan is found, so
    # that another gmina's plan is "not found" for everyone.
    @post("/{plan_id:uuid}/approve", guards=[CASE_WORKERS], status_code=200)
    async def approve(
        self, db: NamedDependency[TenantSession], plan_id: FromPath[UUID]
    ) -> PlanRead:
        """Approve a draft (director, or an authorised OUS); schedules the reviews."""
        return await service.approve_plan(db, plan_id)

    @post("/{plan_id:uuid}/amend", guards=[CASE_WORKERS], status_code=200)
    async def amend(
        self,
        db: NamedDependency[TenantSession],
        plan_id: FromPath[UUID],
        data: JSONBody[PlanAmend],
    ) -> PlanRead:
        """Amend an approved plan: a new version; the old one stays readable."""
        return await service.amend_plan(db, plan_id, data)

    @post("/{plan_id:uuid}/reviews/{review_id:uuid}", guards=[CASE_WORKERS], status_code=200)
    async def review(
        self,
        db: NamedDependency[TenantSession],
        plan_id: FromPath[UUID],
        review_id: FromPath[UUID],
        data: JSONBody[ReviewRecord],
    ) -> PlanRead:
        """Record a review's or summary's outcome."""
        return await service.record_review(db, plan_id, review_id, data)

    @post("/{plan_id:uuid}/close", guards=[CASE_WORKERS], status_code=200)
    async def close(
        self,
        db: NamedDependency[TenantSession],
        plan_id: FromPath[UUID],
        data: JSONBody[PlanClose],
    ) -> PlanRead:
        """Record the closing summary and close the plan."""
        return await service.close_plan(db, plan_id, data)

    @put("/approvers/{user_id:uuid}", guards=[DIRECTOR])
    async def grant_approver(
        self, db: NamedDependency[TenantSession], user_id: FromPath[UUID]
    ) -> ApproverRead:
        """Authorise an OUS to approve plans."""
        return await service.grant_approver(db, user_id)

    @delete("/approvers/{user_id:uuid}", guards=[DIRECTOR])
    async def revoke_approver(
        self, db: NamedDependency[TenantSession], user_id: FromPath[UUID]
    ) -> None:
        """Withdraw an OUS's authorisation to approve plans."""
        await service.revoke_approver(db, user_id)


#: Controllers and routers of this context, mounted by cus_core.routes.
ROUTES: list[ControllerRouterHandler] = [PlanController]
