"""Staff API: the queue of cases, one case with its whole conversation, claim and resolve; demand per topic."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from ackline import bootstrap
from ackline.domain.errors import StaffUnauthenticated
from ackline.domain.model import Case, CaseStatus
from ackline.http.staff_views import CaseDetailView, CaseList, DemandList, conversation_entry
from ackline.observability import logger, metrics
from ackline.usecases import staff_queue

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]  # Powertools leaves __init__ unannotated

CaseId = Annotated[str, Path(pattern=r"^c_[0-9a-f]{20}$", description="case id")]


def _staff() -> str:
    """Who is acting, from the claims API Gateway's JWT authorizer verified (locally: the emulated one)."""
    claims = router.current_event.request_context.authorizer.jwt_claim or {}
    who = claims.get("email") or claims.get("cognito:username") or claims.get("sub")
    if not who:
        raise StaffUnauthenticated("no verified identity on a staff route")
    return str(who)


@router.get("/api/cases", summary="List cases, most urgent first")
def list_cases(
    status: Annotated[CaseStatus, Query()] = CaseStatus.OPEN,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> CaseList:
    _staff()
    cases = staff_queue.list_queue(bootstrap.case_store(), status, limit)
    return CaseList(cases=cases, count=len(cases))


@router.get("/api/cases/<case_id>", summary="One case with its whole conversation")
def get_case(case_id: CaseId) -> CaseDetailView:
    _staff()
    detail = staff_queue.open_case(case_id, bootstrap.case_store(), bootstrap.interaction_store())
    return CaseDetailView(case=detail.case, conversation=[conversation_entry(s) for s in detail.conversation])


@router.post("/api/cases/<case_id>/claim", summary="Take a case")
def claim_case(case_id: CaseId) -> Case:
    staff = _staff()
    case = staff_queue.claim_case(case_id, staff, bootstrap.case_store(), bootstrap.clock())
    logger.info("case claimed", case_id=case_id, staff=staff)
    # time to first human response: from the case opening to a person taking it (the second clock, after the ack)
    metrics.add_metric(name="TimeToFirstHuman", unit="Seconds", value=max(0.0, case.updated_at - case.opened_at))
    return case


@router.post("/api/cases/<case_id>/resolve", summary="Mark a case resolved")
def resolve_case(case_id: CaseId) -> Case:
    staff = _staff()
    case = staff_queue.resolve_case(case_id, staff, bootstrap.case_store(), bootstrap.clock())
    logger.info("case resolved", case_id=case_id, staff=staff)
    return case


@router.get("/api/demand", summary="Feature requests per topic, most requested first")
def list_demand(limit: Annotated[int, Query(ge=1, le=200)] = 50) -> DemandList:
    _staff()
    topics = staff_queue.demand_by_topic(bootstrap.demand_counter(), limit)
    return DemandList(topics=topics, total=sum(t.requests for t in topics))
