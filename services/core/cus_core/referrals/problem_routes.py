"""HTTP API of delivery problems: the partner reports one on its referral
(/api/core/partner/gminy/{teryt}/referrals/{id}/problems), the CUS sees the open ones and
acknowledges them (/api/core/gminy/{teryt}/problems). Mounted by cus_core.partner_inbox."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated
from uuid import UUID

from litestar import Controller, Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from cus_core.referrals import problems
from cus_core.referrals.problem_schemas import AcknowledgeIn, ProblemIn, ProblemRead
from cus_core.referrals.routes import CASE_WORKERS, PARTNER_DEPENDENCIES, PARTNERS, TENANT_OPT
from cus_shared.tenancy import TenantSession

if TYPE_CHECKING:
    from litestar.types import ControllerRouterHandler

Limit = Annotated[int, QueryParameter(ge=1, le=100)]


class ProblemController(Controller):
    """Problems in delivery reported by partners, as the CUS of one gmina sees them."""

    path = "/gminy/{teryt:str}/problems"
    tags = ["referrals"]
    opt = TENANT_OPT

    @get("/", guards=[CASE_WORKERS])
    async def open_problems(
        self, db: NamedDependency[TenantSession], limit: Limit = 50
    ) -> list[ProblemRead]:
        """Problems not acknowledged yet, urgent ones first, then the oldest."""
        return await problems.open_problems(db, limit=limit)

    @post("/{problem_id:uuid}/acknowledge", guards=[CASE_WORKERS], status_code=200)
    async def acknowledge(
        self,
        db: NamedDependency[TenantSession],
        problem_id: FromPath[UUID],
        data: JSONBody[AcknowledgeIn],
    ) -> ProblemRead:
        """Acknowledge a problem, saying what the CUS did about it."""
        return await problems.acknowledge(db, problem_id, data)


class PartnerProblemController(Controller):
    """The partner's problems on one referral of one gmina."""

    path = "/"
    tags = ["referrals", "partners"]
    opt = TENANT_OPT

    @get("/", guards=[PARTNERS])
    async def list_problems(
        self, db: NamedDependency[TenantSession], referral_id: FromPath[UUID]
    ) -> list[ProblemRead]:
        """Problems reported on the referral, newest first."""
        return await problems.problems_of(db, referral_id)

    @post("/", guards=[PARTNERS], status_code=201)
    async def report(
        self,
        db: NamedDependency[TenantSession],
        referral_id: FromPath[UUID],
        data: JSONBody[ProblemIn],
    ) -> ProblemRead:
        """Report a problem in delivery to the CUS (it sees it at once)."""
        return await problems.report_problem(db, referral_id, data)


partner_problem_router = Router(
    path="/partner/gminy/{teryt:str}/referrals/{referral_id:uuid}/problems",
    route_handlers=[PartnerProblemController],
    dependencies=PARTNER_DEPENDENCIES,
    opt=TENANT_OPT,
    guards=[PARTNERS],
)

#: Mounted under /api/core (through cus_core.partner_inbox.routes).
PROBLEM_ROUTES: list[ControllerRouterHandler] = [ProblemController, partner_problem_router]
