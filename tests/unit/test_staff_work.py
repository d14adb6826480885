"""The staff side over fakes: a person's reply (at most once, refused with the reason, tone only warns), saved
replies, notes, and the reopen window — the same rules the DynamoDB adapter and the local stack are tested for."""

from __future__ import annotations

import pytest

from ackline.contracts.messages import HumanReplyRequest
from ackline.domain.cases import CaseEventKind
from ackline.domain.errors import CaseHeld, RateLimited, ReplyRefused
from ackline.domain.model import CaseStatus, Kind, Platform, ReplyStatus
from ackline.domain.policy import default_policy
from ackline.usecases.follow_up import follow_up
from ackline.usecases.human_reply import request_human_reply, saved_replies_for, send_human_reply
from ackline.usecases.ingest import ingest
from ackline.usecases.respond import MAX_ATTEMPTS, RetryLater
from ackline.usecases.staff_queue import add_note, claim_case, open_case, resolve_case
from tests.fakes import (
    InMemoryCaseStore,
    InMemoryInteractionStore,
    RecordingDispatcher,
    RecordingHumanReplyQueue,
    ScriptedReplier,
)
from tests.unit.builders import comment

POLICY = default_policy()


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def world():
    store, dispatcher, cases = InMemoryInteractionStore(), RecordingDispatcher(), InMemoryCaseStore()
    return store, dispatcher, cases


def _case(world, interaction):
    store, dispatcher, cases = world
    ingest([interaction], store, dispatcher)
    return follow_up(dispatcher.follow_ups[-1], store, cases, interaction.received_at + 1)


def test_a_persons_reply_is_sent_once_however_often_it_is_requested_or_delivered(world):
    store, _, cases = world
    case = _case(world, comment("my parcel arrived broken", external_id="h1", created_at=1_000.0))
    queue, replier = RecordingHumanReplyQueue(), ScriptedReplier()
    args = (cases, store, queue, POLICY, 1_100.0)
    first = request_human_reply(case.case_id, "We are sorry, Dana.", "ana@brand", "key-1", *args)
    again = request_human_reply(case.case_id, "We are sorry, Dana.", "ana@brand", "key-1", *args)
    assert not first.repeated and again.repeated and again.reply.event_id == first.reply.event_id
    # both requests queue it while it is pending (the first may have died before queueing); the lease sends once
    for request in queue.requests:
        send_human_reply(request, cases, store, replier, Clock(1_101.0), POLICY)
    assert replier.sent == [("facebook#h1", "We are sorry, Dana.")]
    sent = cases.get_event(case.case_id, first.reply.event_id)
    assert sent is not None and sent.reply_status is ReplyStatus.SENT and sent.by == "ana@brand"
    assert cases.get_case(case.case_id).first_human_response_at == 1_101.0
    # once sent, the same key neither queues nor sends anything again
    queue.requests.clear()
    assert request_human_reply(case.case_id, "We are sorry, Dana.", "ana@brand", "key-1", *args).repeated
    assert queue.requests == []
    # another key is another reply
    assert not request_human_reply(case.case_id, "One more thing.", "ana@brand", "key-2", *args).repeated


def test_refused_outside_the_window_with_the_reason_and_whatsapp_needs_a_template(world):
    store, _, cases = world
    message = comment(
        "where is my order, it is late and broken",
        platform=Platform.WHATSAPP,
        kind=Kind.MESSAGE,
        external_id="wamid.1",
        created_at=1_000.0,
    )
    case = _case(world, message)
    queue = RecordingHumanReplyQueue()
    with pytest.raises(ReplyRefused) as refused:
        request_human_reply(case.case_id, "Sorry!", "ana", "k", cases, store, queue, POLICY, 1_000.0 + 25 * 3600)
    assert refused.value.template_needed and "24 h" in refused.value.reason and "template" in refused.value.reason
    assert queue.requests == []
    # inside the window it goes
    ok = request_human_reply(case.case_id, "We are sorry.", "ana", "k", cases, store, queue, POLICY, 1_000.0 + 3600)
    assert ok.reply.reply_status is ReplyStatus.PENDING and len(queue.requests) == 1


def test_length_refuses_and_tone_only_warns(world):
    store, _, cases = world
    case = _case(world, comment("terrible, it broke", platform=Platform.X, external_id="t1", created_at=1_000.0))
    queue = RecordingHumanReplyQueue()
    with pytest.raises(ReplyRefused) as refused:
        request_human_reply(case.case_id, "x" * 281, "ana", "k1", cases, store, queue, POLICY, 1_100.0)
    assert "too_long" in refused.value.reason
    warned = request_human_reply(
        case.case_id, "We guarantee a fix by tomorrow lol", "ana", "k2", cases, store, queue, POLICY, 1_100.0
    )
    assert any(w.startswith("promise") for w in warned.warnings) and any(w.startswith("slang") for w in warned.warnings)
    assert len(queue.requests) == 1


def test_the_window_is_checked_again_when_sending_and_rate_limits_retry_then_give_up(world):
    store, _, cases = world
    message = comment("it broke", platform=Platform.MESSENGER, kind=Kind.MESSAGE, external_id="m1", created_at=1_000.0)
    case = _case(world, message)
    queue = RecordingHumanReplyQueue()
    request_human_reply(case.case_id, "Sorry about this.", "ana", "k", cases, store, queue, POLICY, 1_100.0)
    [request] = queue.requests
    limited = ScriptedReplier(*[RateLimited("slow down", retry_after=30)] * MAX_ATTEMPTS)
    for _ in range(MAX_ATTEMPTS - 1):
        with pytest.raises(RetryLater):
            send_human_reply(request, cases, store, limited, Clock(1_200.0), POLICY)
    assert send_human_reply(request, cases, store, limited, Clock(1_200.0), POLICY) is ReplyStatus.FAILED
    # a reply queued in time but picked up after the window closed is not sent
    request_human_reply(case.case_id, "Sorry again.", "ana", "k2", cases, store, queue, POLICY, 1_100.0)
    replier = ScriptedReplier()
    late = send_human_reply(queue.requests[-1], cases, store, replier, Clock(1_000.0 + 25 * 3600), POLICY)
    assert late is ReplyStatus.FAILED and replier.sent == []
    failed = cases.get_event(case.case_id, queue.requests[-1].event_id)
    assert failed is not None and "window closed" in failed.reply_error


def test_a_redelivered_request_during_a_live_lease_comes_back_later_and_an_expired_one_is_unknown(world):
    store, _, cases = world
    case = _case(world, comment("broken", external_id="l1", created_at=1_000.0))
    queue = RecordingHumanReplyQueue()
    request_human_reply(case.case_id, "Sorry.", "ana", "k", cases, store, queue, POLICY, 1_100.0)
    request = HumanReplyRequest(case_id=case.case_id, event_id=queue.requests[0].event_id)
    assert cases.lease_human_reply(case.case_id, request.event_id, 1_100.0, 120) is not None  # a worker died here
    with pytest.raises(RetryLater):
        send_human_reply(request, cases, store, ScriptedReplier(), Clock(1_150.0), POLICY)
    replier = ScriptedReplier()
    assert send_human_reply(request, cases, store, replier, Clock(1_300.0), POLICY) is ReplyStatus.UNKNOWN
    assert replier.sent == []


def test_saved_replies_fill_in_a_safe_first_name_only(world):
    case = _case(world, comment("broken", external_id="s1", author_name="Dana Rivers"))
    texts = {r.name: r.text for r in saved_replies_for(case, POLICY)}
    assert texts["Need order number"].startswith("Thank you for letting us know, Dana.")
    hostile = _case(world, comment("broken", external_id="s2", author_id="u2", author_name="<b>Mallory</b> x"))
    assert all("<b>" not in r.text and "Mallory" not in r.text for r in saved_replies_for(hostile, POLICY))


def test_notes_claims_and_a_customer_writing_again_are_in_the_case_history(world):
    store, dispatcher, cases = world
    case = _case(world, comment("broken", external_id="n1", created_at=1_000.0, received_at=1_000.0))
    claim_case(case.case_id, "ana", cases, 1_010.0)
    with pytest.raises(CaseHeld):
        claim_case(case.case_id, "bo", cases, 1_011.0)
    add_note(case.case_id, "called the courier", "ana", cases, 1_020.0, "note-1")
    resolve_case(case.case_id, "ana", cases, 1_030.0)
    again = comment("still broken", external_id="n2", created_at=1_040.0, received_at=1_040.0)
    ingest([again], store, dispatcher)
    reopened = follow_up(dispatcher.follow_ups[-1], store, cases, 1_041.0, reopen_seconds=3600)
    assert reopened.case_id == case.case_id and reopened.status is CaseStatus.OPEN
    detail = open_case(case.case_id, cases, store)
    kinds = [e.kind for e in detail.events]
    assert kinds == [
        CaseEventKind.CLAIMED,
        CaseEventKind.NOTE,
        CaseEventKind.RESOLVED,
        CaseEventKind.REOPENED,
    ]
    assert [s.interaction.key for s in detail.conversation] == ["facebook#n1", "facebook#n2"]


def test_a_blocked_authors_messages_are_stored_but_never_answered_nor_queued_until_unblocked(world):
    from ackline.domain.blocks import BLOCKED_REASON
    from ackline.usecases.authors import block_author, unblock_author
    from tests.fakes import InMemoryBlocklist

    store, dispatcher, _ = world
    blocklist = InMemoryBlocklist()
    block_author(Platform.FACEBOOK, "troll-1", "ana", blocklist, 1_000.0)
    assert block_author(Platform.FACEBOOK, "troll-1", "bo", blocklist, 1_001.0).by == "ana"  # first block kept
    hostile = comment("this is broken and you are useless", external_id="b1", author_id="troll-1")
    other = comment("this is broken", external_id="b2", author_id="someone-else")
    result = ingest([hostile, other], store, dispatcher, blocklist=blocklist)
    assert result.stored == 2
    kept = store.get("facebook#b1")
    assert kept is not None and kept.reply_status is ReplyStatus.NONE and BLOCKED_REASON in kept.decision.reasons
    assert {a.interaction_key for a in dispatcher.acks} == {"facebook#b2"}
    assert {f.interaction_key for f in dispatcher.follow_ups} == {"facebook#b2"}
    unblock_author(Platform.FACEBOOK, "troll-1", blocklist)
    ingest([comment("still broken", external_id="b3", author_id="troll-1")], store, dispatcher, blocklist=blocklist)
    assert "facebook#b3" in {a.interaction_key for a in dispatcher.acks}


def test_a_person_answering_from_the_platforms_app_is_recorded_and_pauses_automation_but_our_echoes_are_not(world):
    from ackline.usecases.platform_response import SendInFlight, record_platform_response
    from ackline.usecases.respond import respond

    store, dispatcher, cases = world

    def dm(text, mid, at, own=False):
        fields = {
            "platform": Platform.MESSENGER,
            "kind": Kind.MESSAGE,
            "external_id": mid,
            "created_at": at,
            "received_at": at,
        }
        if own:
            fields |= {"author_id": "page-1", "is_own": True, "counterpart_id": "cust-1", "author_name": ""}
        else:
            fields |= {"author_id": "cust-1"}
        return comment(text, **fields)

    complaint = dm("my order arrived broken, really annoyed", "m_1", 1_000.0)
    case = _case(world, complaint)
    replier = ScriptedReplier("m_ours")
    assert respond(dispatcher.acks[-1], store, replier, dispatcher, Clock(1_002.0)).status is ReplyStatus.SENT
    # the echo of ackline's own reply is not a person
    ingest([dm(replier.sent[0][1], "m_ours", 1_002.5, own=True)], store, dispatcher, responses=dispatcher)
    assert record_platform_response(dispatcher.responses[-1], store, cases, cases, 24 * 3600) is None
    # a person at the Page inbox writes: recorded as a human response, and the bot pauses for the window
    ingest(
        [dm("Hi, Sam here from the team, I am on it", "m_sam", 1_100.0, own=True)],
        store,
        dispatcher,
        responses=dispatcher,
    )
    updated = record_platform_response(dispatcher.responses[-1], store, cases, cases, 24 * 3600)
    assert updated is not None and updated.first_human_response_at == 1_100.0
    assert updated.first_human_response_by == "messenger app"
    _, events = cases.history(case.case_id)
    assert [(e.kind, e.text) for e in events] == [
        (CaseEventKind.HUMAN_RESPONSE, "Hi, Sam here from the team, I am on it")
    ]
    # the customer writes again: no automated reply while a person is on it
    ingest([dm("thanks, waiting for the refund then", "m_2", 1_200.0)], store, dispatcher)
    quiet = ScriptedReplier()
    assert (
        respond(dispatcher.acks[-1], store, quiet, dispatcher, Clock(1_201.0), pauses=cases).status is ReplyStatus.NONE
    )
    assert quiet.sent == []
    # an echo that overtakes the record of our own send in flight is retried, never misread
    ingest([dm("where is my refund", "m_3", 1_300.0)], store, dispatcher)
    store.claim_reply("messenger#m_3", 1_300.5, 120)
    ingest([dm("Sorry, checking", "m_x", 1_301.0, own=True)], store, dispatcher, responses=dispatcher)
    with pytest.raises(SendInFlight):
        record_platform_response(dispatcher.responses[-1], store, cases, cases, 24 * 3600)


def test_two_clocks_never_mixed_and_the_share_within_sla(world):
    from ackline.domain.sla import percentile
    from ackline.usecases.respond import respond
    from ackline.usecases.staff_queue import sla_figures

    store, dispatcher, cases = world
    assert percentile([5, 1, 3, 2, 4], 50) == 3 and percentile([5, 1, 3, 2, 4], 90) == 5 and percentile([], 50) is None
    opened = []
    for n in range(4):  # four complaints, each acknowledged by ackline 2 s after the customer wrote
        message = comment("my parcel arrived broken", external_id=f"k{n}", author_id=f"u{n}", created_at=1_000.0)
        case = _case(world, message)
        respond(dispatcher.acks[-1], store, ScriptedReplier(), dispatcher, Clock(1_002.0))
        opened.append(case)
    # a person answers the first after 10 minutes and the second after 2 hours (its SLA: 1 h); nobody the others
    cases.record_human_response(opened[0].case_id, "ana", opened[0].opened_at + 600)
    cases.record_human_response(opened[1].case_id, "ana", opened[1].opened_at + 7200)
    report = sla_figures(0.0, cases, store, now=opened[0].opened_at + 1800)
    assert report.cases == 4
    assert report.automated_ack.cases == 4 and report.automated_ack.p50_seconds == 2.0  # the bot's clock
    assert report.first_human_response.cases == 2  # the bot never counts as a person
    assert report.first_human_response.p50_seconds == 600 and report.first_human_response.p90_seconds == 7200
    # within: 1; missed: the late answer; the two unanswered are still within their hour at `now`
    assert (report.within_sla, report.missed_sla, report.still_within_time) == (1, 1, 2)
    assert report.share_within_sla == 0.5
    later = sla_figures(0.0, cases, store, now=opened[0].opened_at + 2 * 3600)
    assert (later.within_sla, later.missed_sla, later.still_within_time) == (1, 3, 0) and later.share_within_sla == 0.25


def test_search_text_keeps_the_name_and_the_newest_words_and_compares_folded():
    from ackline.domain.cases import SEARCH_TEXT_CHARS, search_text, searchable

    first = search_text("Zoë  ÖRSTED", "My \uff34\uff36 arrived  broken")  # full-width TV, as some keyboards type it
    assert first == "zoë örsted\nmy tv arrived broken"
    assert searchable("Örsted") in first and searchable("  MY tv ") in first
    grown = first
    for n in range(400):
        grown = search_text("Zoë  ÖRSTED", f"message number {n}", grown)
    name, words = grown.split("\n")
    assert name == "zoë örsted" and len(words) == SEARCH_TEXT_CHARS and words.endswith("message number 399")


def test_cursors_are_opaque_tied_to_their_query_and_refused_when_forged():
    from ackline.domain.cases import CaseQuery, QueueView, decode_cursor, encode_cursor
    from ackline.domain.errors import BadRequest

    query = CaseQuery(view=QueueView.ACTIVE, text="broken")
    positions = {"open#0": "P2#0000001000.000000#c_" + "a" * 20, "claimed#3": None}
    cursor = encode_cursor(query, positions)
    assert decode_cursor(CaseQuery(view=QueueView.ACTIVE, text="broken", cursor=cursor)) == positions
    for other in (
        CaseQuery(view=QueueView.OPEN, text="broken", cursor=cursor),
        CaseQuery(view=QueueView.ACTIVE, cursor=cursor),
    ):
        with pytest.raises(BadRequest):
            decode_cursor(other)
    forged = encode_cursor(query, {"open#0": "P2#x' OR 1=1"})
    for bad in (forged, "not-base64!", "e30"):
        with pytest.raises(BadRequest):
            decode_cursor(CaseQuery(view=QueueView.ACTIVE, text="broken", cursor=bad))
