"""Staff API: the queue of cases (filters, search, pages), one case with its whole conversation and history, what
staff do to a case (claim, release, assign, resolve, reopen, notes); demand per topic."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from ackline.domain.cases import QUEUE_PAGE_MAX, CaseEvent, CaseQuery, QueueView, new_event_id, searchable
from ackline.domain.model import Case, Platform, Priority
from ackline.domain.sla import SlaReport
from ackline.http.dependencies import Blocks, Cases, Clock, Demand, Erasure, HumanReplies, Interactions, Policy, Staff
from ackline.http.staff_views import (
    AssignRequest,
    AuthorStatus,
    BlockedAuthors,
    CaseDetailView,
    CaseList,
    DemandList,
    ForgetResult,
    HumanReplyView,
    Me,
    NoteRequest,
    ReplyRequest,
    SavedReplyView,
    SuppressedList,
    conversation_entry,
)
from ackline.observability import logger, metrics
from ackline.usecases import authors, human_reply, staff_queue

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]  # Powertools leaves __init__ unannotated

CaseId = Annotated[str, Path(pattern=r"^c_[0-9a-f]{20}$", description="case id")]
AuthorId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.:@+=-]{1,256}$", description="the platform's id for the author")]


@router.get("/api/me", summary="Who you are signed in as")
def who_am_i(staff: Staff) -> Me:
    return Me(staff=staff)


@router.get("/api/cases", summary="List cases, most urgent first (priority, then age), one page at a time")
def list_cases(
    staff: Staff,
    status: Annotated[QueueView, Query(description="open, claimed, resolved, or active (open and claimed)")] = (
        QueueView.OPEN
    ),
    platform: Annotated[Platform | None, Query()] = None,
    priority: Annotated[Priority | None, Query()] = None,
    assignee: Annotated[
        str | None, Query(max_length=254, description="who holds the case; `me` for the caller")
    ] = None,
    q: Annotated[str | None, Query(max_length=200, description="words in the customer's name or messages")] = None,
    limit: Annotated[int, Query(ge=1, le=QUEUE_PAGE_MAX)] = 50,
    cursor: Annotated[str | None, Query(max_length=4096, description="next_cursor of the previous page")] = None,
    *,
    cases: Cases,
) -> CaseList:
    query = CaseQuery(
        view=status,
        platform=platform,
        priority=priority,
        assignee=staff if assignee == "me" else (assignee or None),
        text=searchable(q or ""),
        limit=limit,
        cursor=cursor or "",
    )
    page = staff_queue.queue_page(cases, query)
    return CaseList(cases=page.cases, count=len(page.cases), next_cursor=page.next_cursor)


@router.get("/api/cases/<case_id>", summary="One case with its whole conversation and its history")
def get_case(
    _staff: Staff, case_id: CaseId, cases: Cases, interactions: Interactions, blocklist: Blocks, policy: Policy
) -> CaseDetailView:
    detail = staff_queue.open_case(case_id, cases, interactions)
    saved = human_reply.saved_replies_for(detail.case, policy)
    author = detail.case.author_id
    return CaseDetailView(
        case=detail.case,
        conversation=[conversation_entry(s) for s in detail.conversation],
        events=detail.events,
        saved_replies=[SavedReplyView(name=r.name, text=r.text) for r in saved],
        author_blocked=bool(author) and blocklist.get(detail.case.platform, author) is not None,
    )


@router.post("/api/cases/<case_id>/reply", summary="Answer the customer (sent once per Idempotency-Key)")
def reply_to_customer(
    staff: Staff,
    case_id: CaseId,
    body: ReplyRequest,
    idempotency_key: Annotated[
        str | None,
        Header(alias="Idempotency-Key", max_length=200, description="repeat it on a retry: the reply is sent once"),
    ] = None,
    *,
    cases: Cases,
    interactions: Interactions,
    queue: HumanReplies,
    policy: Policy,
    clock: Clock,
) -> HumanReplyView:
    accepted = human_reply.request_human_reply(
        case_id,
        body.text,
        staff,
        idempotency_key or new_event_id(),  # without a key every request is a new reply
        cases,
        interactions,
        queue,
        policy,
        clock(),
    )
    logger.info(
        "human reply accepted",
        case_id=case_id,
        staff=staff,
        reply_event=accepted.reply.event_id,
        repeated=accepted.repeated,
        warnings=len(accepted.warnings),
    )
    return HumanReplyView(reply=accepted.reply, warnings=accepted.warnings, repeated=accepted.repeated)


@router.post("/api/cases/<case_id>/claim", summary="Take a case (409 when someone else holds it)")
def claim_case(staff: Staff, case_id: CaseId, cases: Cases, clock: Clock) -> Case:
    case = staff_queue.claim_case(case_id, staff, cases, clock())
    logger.info("case claimed", case_id=case_id, staff=staff)
    # time to first human response: from the case opening to a person taking it (the second clock, after the ack)
    metrics.add_metric(name="TimeToFirstHuman", unit="Seconds", value=max(0.0, case.updated_at - case.opened_at))
    return case


@router.post("/api/cases/<case_id>/release", summary="Hand a case you hold back to the queue")
def release_case(staff: Staff, case_id: CaseId, cases: Cases, clock: Clock) -> Case:
    case = staff_queue.release_case(case_id, staff, cases, clock())
    logger.info("case released", case_id=case_id, staff=staff)
    return case


@router.post("/api/cases/<case_id>/assign", summary="Give a case to someone")
def assign_case(staff: Staff, case_id: CaseId, body: AssignRequest, cases: Cases, clock: Clock) -> Case:
    case = staff_queue.assign_case(case_id, body.to, staff, cases, clock())
    logger.info("case assigned", case_id=case_id, staff=staff, assignee=body.to)
    return case


@router.post("/api/cases/<case_id>/resolve", summary="Mark a case resolved")
def resolve_case(staff: Staff, case_id: CaseId, cases: Cases, clock: Clock) -> Case:
    case = staff_queue.resolve_case(case_id, staff, cases, clock())
    logger.info("case resolved", case_id=case_id, staff=staff)
    return case


@router.get("/api/suppressed", summary="Messages not answered on purpose (spam, not addressed to us), newest first")
def list_suppressed(
    _staff: Staff, interactions: Interactions, limit: Annotated[int, Query(ge=1, le=200)] = 50
) -> SuppressedList:
    found = staff_queue.suppressed_messages(interactions, limit)
    return SuppressedList(messages=[conversation_entry(s) for s in found], count=len(found))


@router.post("/api/cases/<case_id>/reopen", summary="Bring a resolved case back to the queue")
def reopen_case(staff: Staff, case_id: CaseId, cases: Cases, clock: Clock) -> Case:
    case = staff_queue.reopen_case(case_id, staff, cases, clock())
    logger.info("case reopened", case_id=case_id, staff=staff)
    return case


@router.post("/api/cases/<case_id>/notes", summary="Add an internal note (never sent to the customer)")
def add_note(staff: Staff, case_id: CaseId, body: NoteRequest, cases: Cases, clock: Clock) -> CaseEvent:
    note = staff_queue.add_note(case_id, body.text, staff, cases, clock(), new_event_id())
    logger.info("note added", case_id=case_id, staff=staff, note_chars=len(body.text))
    return note


@router.get("/api/authors/blocked", summary="Authors staff blocked (stored, never answered), newest first")
def list_blocked_authors(
    _staff: Staff, blocklist: Blocks, limit: Annotated[int, Query(ge=1, le=200)] = 100
) -> BlockedAuthors:
    found = authors.blocked_authors(blocklist, limit)
    return BlockedAuthors(
        authors=[
            AuthorStatus(
                platform=b.platform.value, author_id=b.author_id, blocked=True, blocked_by=b.by, blocked_at=b.at
            )
            for b in found
        ],
        count=len(found),
    )


@router.post("/api/authors/<platform>/<author_id>/block", summary="Block an author: stored, never answered")
def block_author(
    staff: Staff, platform: Annotated[Platform, Path()], author_id: AuthorId, blocklist: Blocks, clock: Clock
) -> AuthorStatus:
    blocked = authors.block_author(platform, author_id, staff, blocklist, clock())
    logger.info("author blocked", platform=platform.value, staff=staff)
    return AuthorStatus(
        platform=platform.value, author_id=author_id, blocked=True, blocked_by=blocked.by, blocked_at=blocked.at
    )


@router.delete("/api/authors/<platform>/<author_id>/block", summary="Unblock an author")
def unblock_author(
    staff: Staff, platform: Annotated[Platform, Path()], author_id: AuthorId, blocklist: Blocks
) -> AuthorStatus:
    authors.unblock_author(platform, author_id, blocklist)
    logger.info("author unblocked", platform=platform.value, staff=staff)
    return AuthorStatus(platform=platform.value, author_id=author_id, blocked=False)


@router.post("/api/authors/<platform>/<author_id>/forget", summary="Erase everything held about this person")
def forget_author(
    staff: Staff,
    platform: Annotated[Platform, Path()],
    author_id: AuthorId,
    interactions: Interactions,
    erasure: Erasure,
    clock: Clock,
) -> ForgetResult:
    done = authors.forget_author(platform, author_id, interactions, erasure, clock)
    # the person's id is not logged: the confirmation code and counts say what happened
    logger.info(
        "person erased by staff",
        staff=staff,
        confirmation_code=done.confirmation_code,
        interactions=done.interactions_erased,
        cases=done.cases_scrubbed,
    )
    return ForgetResult(
        confirmation_code=done.confirmation_code,
        interactions_erased=done.interactions_erased,
        cases_scrubbed=done.cases_scrubbed,
    )


@router.get("/api/metrics/sla", summary="Time to the automated acknowledgement and to the first human response")
def sla_metrics(
    _staff: Staff,
    since: Annotated[
        int | None, Query(ge=0, le=10**11, description="epoch seconds; cases opened since then (default: 7 days)")
    ] = None,
    *,
    cases: Cases,
    interactions: Interactions,
    clock: Clock,
) -> SlaReport:
    now = clock()
    start = float(since) if since is not None else now - 7 * 24 * 3600
    return staff_queue.sla_figures(start, cases, interactions, now)


@router.get("/api/demand", summary="Feature requests per topic, most requested first")
def list_demand(_staff: Staff, demand: Demand, limit: Annotated[int, Query(ge=1, le=200)] = 50) -> DemandList:
    topics = staff_queue.demand_by_topic(demand, limit)
    return DemandList(topics=topics, total=sum(t.requests for t in topics))
