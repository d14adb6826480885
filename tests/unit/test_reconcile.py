"""The reconciler through the ports: what is stuck is re-driven once through the same path, or reaches a person."""

import pytest

from ackline.domain.errors import DispatchFailed
from ackline.domain.model import Kind, Platform, ReplyStatus
from ackline.usecases.follow_up import follow_up
from ackline.usecases.ingest import ingest
from ackline.usecases.reconcile import ReconcileLimits, reconcile
from ackline.usecases.respond import LEASE_SECONDS, respond
from tests.fakes import (
    InMemoryCaseStore,
    InMemoryInteractionStore,
    InMemoryUnsettled,
    RecordingDispatcher,
    ScriptedReplier,
)
from tests.unit.builders import comment

RECEIVED = 1_001.0
LIMITS = ReconcileLimits()


@pytest.fixture
def store():
    return InMemoryInteractionStore()


@pytest.fixture
def unsettled(store):
    return InMemoryUnsettled(store)


def _store_but_fail_queueing(store, *interactions):
    # the webhook answers 503 (DispatchFailed): everything is stored, nothing is queued
    with pytest.raises(DispatchFailed):
        ingest(list(interactions), store, RecordingDispatcher(fail=True))


def test_a_reply_stored_but_never_queued_is_requeued_and_answered_once(store, unsettled):
    _store_but_fail_queueing(store, comment("Love it"))
    # too early: its message may still be on its way
    early = RecordingDispatcher()
    assert reconcile(unsettled, early, RECEIVED + 30).findings == 0 and early.acks == []
    later = RecordingDispatcher()
    report = reconcile(unsettled, later, RECEIVED + LIMITS.never_attempted_seconds + 1)
    assert report.acks_requeued == 1 and report.findings == 1
    replier = ScriptedReplier("r1")
    respond(later.acks[0], store, replier, later, lambda: RECEIVED + 200)
    assert store.get("facebook#post_1_comment_1").reply_status is ReplyStatus.SENT
    # settled: the next run finds nothing, and a stray duplicate of the message sends nothing
    again = RecordingDispatcher()
    assert reconcile(unsettled, again, RECEIVED + 400).examined == 0
    respond(later.acks[0], store, replier, later, lambda: RECEIVED + 401)
    assert len(replier.sent) == 1


def test_a_stuck_complaint_gets_its_follow_up_before_its_ack(store, unsettled):
    _store_but_fail_queueing(store, comment("Arrived broken, I want a refund"))
    dispatcher = RecordingDispatcher()
    reconcile(unsettled, dispatcher, RECEIVED + 600)
    assert [f.interaction_key for f in dispatcher.follow_ups] == ["facebook#post_1_comment_1"]
    assert [a.interaction_key for a in dispatcher.acks] == ["facebook#post_1_comment_1"]


def test_an_escalation_without_a_reply_is_settled_once_its_case_is_written(store, unsettled):
    # a webhook ackline authenticated but cannot read: a person must see it, no automated reply
    _store_but_fail_queueing(store, comment("", kind=Kind.RAW, platform=Platform.GENERIC))
    dispatcher = RecordingDispatcher()
    report = reconcile(unsettled, dispatcher, RECEIVED + 600)
    assert report.follow_ups_requeued == 1 and dispatcher.acks == []
    cases = InMemoryCaseStore()
    follow_up(dispatcher.follow_ups[0], store, cases, RECEIVED + 601, unsettled=unsettled)
    assert len(cases.cases) == 1
    assert reconcile(unsettled, RecordingDispatcher(), RECEIVED + 900).findings == 0


def test_a_reply_being_retried_is_left_to_the_responder_until_the_longer_limit(store, unsettled):
    _store_but_fail_queueing(store, comment("Love it"))
    store.claim_reply("facebook#post_1_comment_1", RECEIVED + 5, LEASE_SECONDS)
    store.finish_reply("facebook#post_1_comment_1", ReplyStatus.PENDING, error="429")
    assert reconcile(unsettled, RecordingDispatcher(), RECEIVED + 600).findings == 0
    late = RecordingDispatcher()
    assert reconcile(unsettled, late, RECEIVED + LIMITS.retrying_seconds + 1).acks_requeued == 1


def test_an_expired_lease_becomes_a_case_never_a_resend(store, unsettled):
    _store_but_fail_queueing(store, comment("Love it"))
    store.claim_reply("facebook#post_1_comment_1", RECEIVED + 5, LEASE_SECONDS)  # the worker then died
    # a live lease is left alone
    assert reconcile(unsettled, RecordingDispatcher(), RECEIVED + LEASE_SECONDS - 10).findings == 0
    dispatcher = RecordingDispatcher()
    report = reconcile(unsettled, dispatcher, RECEIVED + LEASE_SECONDS + 200)
    assert report.leases_expired == 1
    replier = ScriptedReplier("r1")
    outcome = respond(dispatcher.acks[0], store, replier, dispatcher, lambda: RECEIVED + LEASE_SECONDS + 201)
    assert outcome.status is ReplyStatus.UNKNOWN and replier.sent == []
    assert "outcome unknown" in dispatcher.follow_ups[-1].reasons[0]


def test_a_reply_pending_too_long_goes_to_a_person_once(store, unsettled):
    _store_but_fail_queueing(store, comment("Love it"))
    dispatcher = RecordingDispatcher()
    report = reconcile(unsettled, dispatcher, RECEIVED + LIMITS.give_up_seconds + 1)
    assert report.handed_to_people == 1 and dispatcher.acks == []
    assert "no automated reply after 60 minutes" in dispatcher.follow_ups[0].reasons[0]
    assert store.get("facebook#post_1_comment_1").reply_status is ReplyStatus.FAILED
    assert reconcile(unsettled, RecordingDispatcher(), RECEIVED + LIMITS.give_up_seconds + 400).findings == 0
