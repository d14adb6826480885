"""Ingest, respond and follow-up through the ports, with in-memory fakes."""

import pytest

from ackline.domain.errors import (
    DispatchFailed,
    OutcomeUnknown,
    PermanentPlatformError,
    RateLimited,
    TransientPlatformError,
)
from ackline.domain.model import CaseStatus, Priority, ReplyStatus
from ackline.usecases.follow_up import follow_up
from ackline.usecases.ingest import ingest
from ackline.usecases.respond import LEASE_SECONDS, MAX_ATTEMPTS, RetryLater, respond
from ackline.usecases.staff_queue import claim_case, list_queue, open_case, resolve_case
from tests.fakes import InMemoryCaseStore, InMemoryInteractionStore, RecordingDispatcher, ScriptedReplier
from tests.unit.builders import comment


class Clock:
    def __init__(self, now: float = 1_002.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store():
    return InMemoryInteractionStore()


@pytest.fixture
def dispatcher():
    return RecordingDispatcher()


def test_ingest_queues_an_ack_for_praise_and_both_for_a_complaint(store, dispatcher):
    praise = comment("Love it", external_id="c1")
    complaint = comment("Arrived broken, I want a refund", external_id="c2", author_id="user-2")
    result = ingest([praise, complaint], store, dispatcher)
    assert (result.stored, result.acks, result.follow_ups) == (2, 2, 1)
    assert [a.interaction_key for a in dispatcher.acks] == ["facebook#c1", "facebook#c2"]
    assert [f.interaction_key for f in dispatcher.follow_ups] == ["facebook#c2"]


def test_redelivery_stores_nothing_new_and_requeues_only_outstanding_work(store, dispatcher):
    ingest([comment("Love it")], store, dispatcher)
    respond(dispatcher.acks[0], store, ScriptedReplier("r1"), dispatcher, Clock())
    again = ingest([comment("Love it")], store, dispatcher)
    assert (again.stored, again.duplicates, again.acks, again.follow_ups) == (0, 1, 0, 0)
    assert len(dispatcher.acks) == 1


def test_redelivery_requeues_work_an_earlier_attempt_stored_but_never_queued(store):
    with pytest.raises(DispatchFailed):  # the queue's own failure, as the 503 the platform retries
        ingest([comment("Love it")], store, RecordingDispatcher(fail=True))
    retry = RecordingDispatcher()
    result = ingest([comment("Love it")], store, retry)
    assert result.duplicates == 1 and len(retry.acks) == 1


def test_spam_and_own_messages_are_stored_but_not_queued(store, dispatcher):
    result = ingest(
        [comment("crypto giveaway, dm me to earn"), comment("hi", external_id="c9", is_own=True)], store, dispatcher
    )
    assert result.stored == 2 and not dispatcher.acks and not dispatcher.follow_ups


def test_respond_sends_once_and_records_id_and_latency(store, dispatcher):
    ingest([comment("Love it", created_at=1_000.0)], store, dispatcher)
    replier = ScriptedReplier("reply-1")
    outcome = respond(dispatcher.acks[0], store, replier, dispatcher, Clock(1_002.5))
    assert outcome.status is ReplyStatus.SENT and outcome.reply_id == "reply-1" and outcome.ack_latency_ms == 2500
    stored = store.get("facebook#post_1_comment_1")
    assert stored.reply_status is ReplyStatus.SENT and stored.reply_text == replier.sent[0][1]
    # a retried SQS message sends nothing more
    again = respond(dispatcher.acks[0], store, replier, dispatcher, Clock(1_003.0))
    assert again.status is ReplyStatus.SENT and len(replier.sent) == 1


@pytest.mark.parametrize("error", [RateLimited("slow down", retry_after=30), TransientPlatformError("503")])
def test_retryable_failures_hand_the_reply_back_and_retry_later(store, dispatcher, error):
    ingest([comment("Love it")], store, dispatcher)
    replier = ScriptedReplier(error, "reply-2")
    with pytest.raises(RetryLater):
        respond(dispatcher.acks[0], store, replier, dispatcher, Clock())
    assert store.get("facebook#post_1_comment_1").reply_status is ReplyStatus.PENDING
    assert respond(dispatcher.acks[0], store, replier, dispatcher, Clock()).status is ReplyStatus.SENT
    assert len(replier.sent) == 1


def test_permanent_failure_becomes_a_case_with_the_reason(store, dispatcher):
    ingest([comment("Love it")], store, dispatcher)
    replier = ScriptedReplier(PermanentPlatformError("comment deleted"))
    assert respond(dispatcher.acks[0], store, replier, dispatcher, Clock()).status is ReplyStatus.FAILED
    assert "comment deleted" in dispatcher.follow_ups[-1].reasons[0]


def test_unknown_outcome_is_never_retried_and_reaches_a_person(store, dispatcher):
    ingest([comment("Love it")], store, dispatcher)
    replier = ScriptedReplier(OutcomeUnknown("read timeout"))
    assert respond(dispatcher.acks[0], store, replier, dispatcher, Clock()).status is ReplyStatus.UNKNOWN
    assert respond(dispatcher.acks[0], store, replier, dispatcher, Clock()).status is ReplyStatus.UNKNOWN
    assert not replier.sent and "outcome unknown" in dispatcher.follow_ups[-1].reasons[0]


def test_a_worker_that_died_mid_send_leaves_an_unknown_outcome_not_a_second_reply(store, dispatcher):
    ingest([comment("Love it")], store, dispatcher)
    store.claim_reply("facebook#post_1_comment_1", 1_000.0, LEASE_SECONDS)  # the dead worker's lease
    replier = ScriptedReplier()
    # while the lease lives the message is put back (not deleted), to return once the lease has run out
    with pytest.raises(RetryLater) as later:
        respond(dispatcher.acks[0], store, replier, dispatcher, Clock(1_000.0 + LEASE_SECONDS - 1))
    assert later.value.delay == 2 and not dispatcher.follow_ups
    expired = respond(dispatcher.acks[0], store, replier, dispatcher, Clock(1_000.0 + LEASE_SECONDS + 1))
    assert expired.status is ReplyStatus.UNKNOWN and not replier.sent
    assert dispatcher.follow_ups


def test_too_many_attempts_give_up_to_a_person(store, dispatcher):
    ingest([comment("Love it")], store, dispatcher)
    replier = ScriptedReplier(*[TransientPlatformError("503")] * MAX_ATTEMPTS)
    for _ in range(MAX_ATTEMPTS - 1):
        with pytest.raises(RetryLater):
            respond(dispatcher.acks[0], store, replier, dispatcher, Clock())
    assert respond(dispatcher.acks[0], store, replier, dispatcher, Clock()).status is ReplyStatus.FAILED
    assert "after 5 attempts" in dispatcher.follow_ups[-1].reasons[0]


def test_follow_up_opens_one_case_per_conversation_and_is_idempotent(store, dispatcher):
    cases = InMemoryCaseStore()
    first = comment("This arrived broken", external_id="c1")
    second = comment("Still waiting for a refund!!", external_id="c2", created_at=1_100.0)
    ingest([first, second], store, dispatcher)
    for request in dispatcher.follow_ups + dispatcher.follow_ups:
        case = follow_up(request, store, cases, 1_200.0)
    assert len(cases.cases) == 1
    assert case.interaction_keys == ("facebook#c1", "facebook#c2") and case.priority is Priority.P2
    detail = open_case(case.case_id, cases, store)
    assert [s.interaction.text for s in detail.conversation] == [first.text, second.text]


def test_staff_claim_and_resolve_then_a_new_complaint_opens_a_new_case(store, dispatcher):
    cases = InMemoryCaseStore()
    ingest([comment("terrible service", external_id="c1")], store, dispatcher)
    case = follow_up(dispatcher.follow_ups[0], store, cases, 1_200.0)
    assert claim_case(case.case_id, "ana@brand", cases, 1_300.0).claimed_by == "ana@brand"
    resolve_case(case.case_id, "ana@brand", cases, 1_400.0)
    assert list_queue(cases, CaseStatus.OPEN, 10) == []
    ingest([comment("still broken", external_id="c2")], store, dispatcher)
    new_case = follow_up(dispatcher.follow_ups[-1], store, cases, 1_500.0)
    assert new_case.case_id != case.case_id and new_case.status is CaseStatus.OPEN


def test_an_ack_for_an_unknown_interaction_is_an_error_not_a_silent_drop(store, dispatcher):
    from ackline.contracts.messages import AckRequest
    from ackline.usecases.respond import InteractionMissing

    with pytest.raises(InteractionMissing):
        respond(AckRequest(interaction_key="facebook#nope"), store, ScriptedReplier(), dispatcher, Clock())


def test_a_case_is_due_by_the_brand_policys_sla(store, dispatcher):
    from ackline.domain.model import Action as A
    from ackline.domain.model import Decision, Intent

    cases = InMemoryCaseStore()
    c = comment("it broke", external_id="sla1")
    decision = Decision(
        intent=Intent.COMPLAINT,
        action=A.ESCALATE_ONLY,
        escalate=True,
        priority=Priority.P2,
        reasons=("complaint",),
        sla_minutes=30,
    )
    store.add(c, decision)
    from ackline.contracts.messages import FollowUpRequest

    case = follow_up(FollowUpRequest(interaction_key=c.key), store, cases, 1_000.0)
    assert case.due_at == 1_000.0 + 30 * 60


def test_a_crisis_alerts_people_once_without_the_customers_words(store, dispatcher):
    from tests.fakes import RecordingAlerter

    cases, alerter = InMemoryCaseStore(), RecordingAlerter()
    crisis = comment("My son was injured by the charger, it caught fire", external_id="p1")
    ingest([crisis], store, dispatcher)
    [request] = dispatcher.follow_ups
    case = follow_up(request, store, cases, 1_200.0, alerter)
    assert case.priority is Priority.P1 and case.alerted_at == 1_200.0
    follow_up(request, store, cases, 1_300.0, alerter)  # a retried message
    assert len(alerter.alerts) == 1
    subject, message = alerter.alerts[0]
    assert "P1" in subject and case.case_id in message
    assert "injured" not in message.lower().split("why:")[0] and "charger" not in message


def test_two_follow_ups_of_one_crisis_running_at_once_alert_once(store, dispatcher):
    """Lambda runs follow-ups side by side: both see the case un-alerted, only the one holding the lease alerts;
    a worker that stopped before alerting leaves the lease to run out, and the retried message alerts then."""
    from tests.fakes import RecordingAlerter

    cases, alerter = InMemoryCaseStore(), RecordingAlerter()
    crisis = comment("The heater caught fire in my kitchen", external_id="p1a")
    ingest([crisis], store, dispatcher)
    [request] = dispatcher.follow_ups
    case = cases.open_or_append(crisis, Priority.P1, ("safety",), 1_000.0, None)
    assert cases.claim_alert(case.case_id, 1_000.0, 60)  # the other worker, still alerting
    follow_up(request, store, cases, 1_001.0, alerter)
    assert alerter.alerts == []
    follow_up(request, store, cases, 1_061.0, alerter)  # it never recorded the alert: the lease ran out
    assert len(alerter.alerts) == 1 and cases.cases[case.case_id].alerted_at == 1_061.0


def test_routine_complaints_do_not_alert(store, dispatcher):
    from tests.fakes import RecordingAlerter

    cases, alerter = InMemoryCaseStore(), RecordingAlerter()
    ingest([comment("My order arrived broken", external_id="p2")], store, dispatcher)
    follow_up(dispatcher.follow_ups[0], store, cases, 1_200.0, alerter)
    assert alerter.alerts == []


def test_a_failure_before_sending_hands_the_lease_back_instead_of_stranding_it(store, dispatcher):
    class FlakyStore(InMemoryInteractionStore):
        failures = 1

        def conversation(self, conversation_key, limit=100):
            if self.failures:
                self.failures -= 1
                raise RuntimeError("throttled")
            return super().conversation(conversation_key, limit)

    flaky = FlakyStore()
    ingest([comment("Love it")], flaky, dispatcher)
    replier = ScriptedReplier()
    with pytest.raises(RetryLater):
        respond(dispatcher.acks[0], flaky, replier, dispatcher, Clock())
    assert flaky.get("facebook#post_1_comment_1").reply_status is ReplyStatus.PENDING and not replier.sent
    assert respond(dispatcher.acks[0], flaky, replier, dispatcher, Clock()).status is ReplyStatus.SENT
    assert len(replier.sent) == 1


def test_an_unexpected_client_failure_is_an_unknown_outcome_never_a_retry(store, dispatcher):
    class BrokenReplier(ScriptedReplier):
        def reply(self, interaction, text, visibility):
            raise KeyError("id")

    ingest([comment("Love it")], store, dispatcher)
    outcome = respond(dispatcher.acks[0], store, BrokenReplier(), dispatcher, Clock())
    assert outcome.status is ReplyStatus.UNKNOWN and "outcome unknown" in dispatcher.follow_ups[-1].reasons[0]


def test_a_later_reason_about_the_same_interaction_is_never_dropped(store, dispatcher):
    from ackline.contracts.messages import FollowUpRequest

    for cases in (InMemoryCaseStore(),):
        crisis = comment("the charger caught fire", external_id="late1")
        ingest([crisis], store, dispatcher)
        case = follow_up(dispatcher.follow_ups[-1], store, cases, 1_000.0)
        # its holding statement then fails: the open case gains the reason
        failed = FollowUpRequest(interaction_key=crisis.key, reasons=("reply refused by the platform: 400",))
        same = follow_up(failed, store, cases, 1_100.0)
        assert same.case_id == case.case_id and failed.reasons[0] in same.reasons
        # and if the case was resolved before the failure arrived, the failure opens a case of its own
        resolve_case(case.case_id, "ana@brand", cases, 1_200.0)
        late = FollowUpRequest(interaction_key=crisis.key, reasons=("reply outcome unknown: timeout",))
        fresh = follow_up(late, store, cases, 1_300.0)
        assert fresh.case_id != case.case_id and fresh.status is CaseStatus.OPEN
        assert follow_up(late, store, cases, 1_400.0).case_id == fresh.case_id  # a retried message
