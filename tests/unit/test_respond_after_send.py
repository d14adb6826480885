"""At most once, whatever fails after the send: each write or hand-off that follows a reply fails once (or for
good), the message is redelivered, and the customer still has exactly one reply or a person has the case."""

from __future__ import annotations

import pytest

from ackline.domain.delivery import DeliveryReport
from ackline.domain.errors import OutcomeUnknown, PermanentPlatformError, RateLimited
from ackline.domain.model import CaseStatus, DeliveryState, Kind, Platform, ReplyStatus
from ackline.usecases.follow_up import follow_up
from ackline.usecases.ingest import ingest
from ackline.usecases.respond import LEASE_SECONDS, RECORD_ATTEMPTS, RetryLater, respond
from tests.fakes import (
    InMemoryCaseStore,
    InMemoryInteractionStore,
    InMemoryReplyMemory,
    InMemorySentReplies,
    RecordingDispatcher,
    ScriptedReplier,
)
from tests.unit.builders import comment

KEY = "facebook#post_1_comment_1"
POST = "facebook#post_1"


class Throttled(Exception):
    """Stands in for botocore's ClientError(ProvisionedThroughputExceededException): the use case sees any error."""


class FlakyStore(InMemoryInteractionStore):
    """Fails `finish_reply` for the chosen statuses, `failures` times (None: every time)."""

    def __init__(self, statuses: set[ReplyStatus], failures: int | None = 1) -> None:
        super().__init__()
        self.statuses, self.failures = statuses, failures
        self.refused = 0

    def finish_reply(self, key, status, **fields) -> None:
        if status in self.statuses and (self.failures is None or self.failures > 0):
            self.failures = None if self.failures is None else self.failures - 1
            self.refused += 1
            raise Throttled(f"finish_reply({status.value}) throttled")
        super().finish_reply(key, status, **fields)


class FlakyMemory(InMemoryReplyMemory):
    def __init__(self, failures: int = 1) -> None:
        super().__init__()
        self.failures = failures
        self.writes = 0

    def remember(self, post_key, recent, now) -> None:
        if self.failures:
            self.failures -= 1
            raise Throttled("one hot key under a viral post")
        self.writes += 1
        super().remember(post_key, recent, now)


class FlakyLinks(InMemorySentReplies):
    def __init__(self, failures: int = 1) -> None:
        super().__init__()
        self.failures = failures

    def link(self, platform, message_id, interaction_key, now):
        if self.failures:
            self.failures -= 1
            raise Throttled("link throttled")
        return super().link(platform, message_id, interaction_key, now)


class FlakyDispatcher(RecordingDispatcher):
    def __init__(self, failures: int = 1) -> None:
        super().__init__()
        self.failures = failures

    def request_follow_ups(self, requests) -> None:
        if self.failures and requests:
            self.failures -= 1
            raise Throttled("SQS SendMessageBatch failed")
        super().request_follow_ups(requests)


def _queued(store, dispatcher, message=None):
    ingest([message or comment("Love it")], store, dispatcher)
    return dispatcher.acks[-1]


def _redeliver(request, store, replier, dispatcher, now, **ports):
    """The SQS redelivery of the same message, `now` seconds into the test."""
    return respond(request, store, replier, dispatcher, lambda: now, **ports)


def test_a_throttled_record_of_the_send_is_retried_in_place_and_sends_once():
    store, dispatcher, replier = (
        FlakyStore({ReplyStatus.SENT}, failures=RECORD_ATTEMPTS - 1),
        RecordingDispatcher(),
        ScriptedReplier(),
    )
    request = _queued(store, dispatcher)
    outcome = _redeliver(request, store, replier, dispatcher, 1_002.0)
    assert outcome.status is ReplyStatus.SENT and store.refused == RECORD_ATTEMPTS - 1
    assert store.get(KEY).reply_status is ReplyStatus.SENT and len(replier.sent) == 1


def test_a_send_that_cannot_be_recorded_keeps_the_lease_until_a_person_checks():
    # Given a reply the platform accepted, and a table that refuses every write of that answer
    store, dispatcher, replier = FlakyStore({ReplyStatus.SENT}, failures=None), RecordingDispatcher(), ScriptedReplier()
    request = _queued(store, dispatcher)
    with pytest.raises(RetryLater) as later:
        _redeliver(request, store, replier, dispatcher, 1_002.0)
    # Then the lease is not handed back: the message returns when it has run out, and the log names the reply
    assert store.get(KEY).reply_status is ReplyStatus.SENDING and later.value.delay >= LEASE_SECONDS
    assert "reply-1" in str(later.value)
    with pytest.raises(RetryLater):
        _redeliver(request, store, replier, dispatcher, 1_002.0 + LEASE_SECONDS / 2)
    # And after it, the reply is unknown to ackline: a person checks, and nothing is sent again
    store.failures = 0
    outcome = _redeliver(request, store, replier, dispatcher, 1_002.0 + later.value.delay)
    assert outcome.status is ReplyStatus.UNKNOWN and len(replier.sent) == 1
    assert "outcome unknown" in dispatcher.follow_ups[-1].reasons[0]


def test_a_throttled_reply_memory_write_retries_only_the_memory():
    store, dispatcher, replier, memory = (
        InMemoryInteractionStore(),
        RecordingDispatcher(),
        ScriptedReplier(),
        FlakyMemory(),
    )
    request = _queued(store, dispatcher, comment("Love it", post_id="post_1"))
    with pytest.raises(RetryLater) as later:
        _redeliver(request, store, replier, dispatcher, 1_002.0, memory=memory)
    assert store.get(KEY).reply_status is ReplyStatus.SENT and later.value.delay > 0
    # the retried message finds the reply sent: it remembers the variant and sends nothing
    assert _redeliver(request, store, replier, dispatcher, 1_010.0, memory=memory).status is ReplyStatus.SENT
    assert len(replier.sent) == 1 and len(memory.posts[POST]) == 1
    # a duplicate delivery of the same message after that changes nothing (the entry is tagged)
    _redeliver(request, store, replier, dispatcher, 1_020.0, memory=memory)
    assert len(replier.sent) == 1 and len(memory.posts[POST]) == 1 and memory.writes == 1


def test_the_retried_memory_holds_the_variant_that_was_sent():
    store, dispatcher, replier = InMemoryInteractionStore(), RecordingDispatcher(), ScriptedReplier()
    clean, flaky = InMemoryReplyMemory(), FlakyMemory()
    first = _queued(store, dispatcher, comment("Love it", post_id="post_1"))
    _redeliver(first, store, replier, dispatcher, 1_002.0, memory=clean)
    twin = InMemoryInteractionStore()
    again = _queued(twin, RecordingDispatcher(), comment("Love it", post_id="post_1"))
    with pytest.raises(RetryLater):
        _redeliver(again, twin, ScriptedReplier(), dispatcher, 1_002.0, memory=flaky)
    _redeliver(again, twin, ScriptedReplier(), dispatcher, 1_010.0, memory=flaky)
    # the same reply, remembered at once or on the retry, leaves the same entry
    assert flaky.posts[POST] == clean.posts[POST]


def test_a_failed_delivery_link_is_finished_by_the_retry_and_early_reports_still_apply():
    store, dispatcher, replier, links = (
        InMemoryInteractionStore(),
        RecordingDispatcher(),
        ScriptedReplier("wamid.OUT1"),
        FlakyLinks(),
    )
    message = comment(
        "Thank you!", platform=Platform.WHATSAPP, kind=Kind.MESSAGE, external_id="wamid.IN1", thread_id="447700900123"
    )
    request = _queued(store, dispatcher, message)
    with pytest.raises(RetryLater):
        _redeliver(request, store, replier, dispatcher, 1_002.0, sent_replies=links)
    # a 'delivered' report arrives before the link exists: it is parked
    assert (
        links.park(DeliveryReport(Platform.WHATSAPP, "wamid.OUT1", DeliveryState.DELIVERED, 1_005.0), 1_005.0) is None
    )
    _redeliver(request, store, replier, dispatcher, 1_010.0, sent_replies=links)
    assert links.owners(Platform.WHATSAPP, ["wamid.OUT1"]) == {"wamid.OUT1": message.key}
    assert store.get(message.key).delivery_state is DeliveryState.DELIVERED and len(replier.sent) == 1


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (OutcomeUnknown("read timeout"), ReplyStatus.UNKNOWN),
        (PermanentPlatformError("comment deleted"), ReplyStatus.FAILED),
    ],
)
def test_a_failed_hand_off_is_retried_without_a_second_send_and_opens_one_case(error, status):
    # Given an answer that needs a person, and the FollowUp queue refusing the first hand-off
    store, dispatcher, cases = InMemoryInteractionStore(), FlakyDispatcher(failures=0), InMemoryCaseStore()
    replier = ScriptedReplier(error)
    request = _queued(store, dispatcher)
    dispatcher.failures = 1
    with pytest.raises(RetryLater):
        _redeliver(request, store, replier, dispatcher, 1_002.0)
    assert store.get(KEY).reply_status is status and not dispatcher.follow_ups
    # When SQS redelivers the ack twice
    _redeliver(request, store, replier, dispatcher, 1_010.0)
    _redeliver(request, store, replier, dispatcher, 1_020.0)
    # Then nothing was sent again, and the hand-offs (same reason each time) make one case
    assert not replier.sent and len(replier.outcomes) == 0
    for hand_off in dispatcher.follow_ups:
        follow_up(hand_off, store, cases, 1_030.0)
    [case] = cases.cases.values()
    assert case.status is CaseStatus.OPEN and len([r for r in case.reasons if str(error) in r]) == 1


def test_an_expired_lease_whose_hand_off_fails_still_reaches_a_person():
    store, dispatcher = InMemoryInteractionStore(), FlakyDispatcher(failures=0)
    request = _queued(store, dispatcher)
    store.claim_reply(KEY, 1_000.0, LEASE_SECONDS)  # a worker that died mid-send
    dispatcher.failures = 1
    expired = 1_000.0 + LEASE_SECONDS + 1
    with pytest.raises(RetryLater):
        _redeliver(request, store, ScriptedReplier(), dispatcher, expired)
    assert store.get(KEY).reply_status is ReplyStatus.UNKNOWN and not dispatcher.follow_ups
    assert _redeliver(request, store, ScriptedReplier(), dispatcher, expired + 5).status is ReplyStatus.UNKNOWN
    assert "never reported back" in dispatcher.follow_ups[-1].reasons[0]


def test_a_lease_that_cannot_be_handed_back_after_a_429_never_means_a_second_send():
    # Given a rate-limited reply (nothing sent) whose hand-back of the lease cannot be written
    store, dispatcher = FlakyStore({ReplyStatus.PENDING}, failures=None), RecordingDispatcher()
    replier = ScriptedReplier(RateLimited("slow down", retry_after=30))
    request = _queued(store, dispatcher)
    with pytest.raises(RetryLater) as later:
        _redeliver(request, store, replier, dispatcher, 1_002.0)
    # Then the lease is kept until it runs out, and a person checks rather than a blind retry
    assert later.value.delay >= LEASE_SECONDS and store.get(KEY).reply_status is ReplyStatus.SENDING
    outcome = _redeliver(request, store, replier, dispatcher, 1_002.0 + later.value.delay)
    assert outcome.status is ReplyStatus.UNKNOWN and not replier.sent and dispatcher.follow_ups


def test_a_failed_refusal_record_keeps_the_lease_and_the_case_still_opens():
    store, dispatcher = FlakyStore({ReplyStatus.FAILED}, failures=RECORD_ATTEMPTS), RecordingDispatcher()
    replier = ScriptedReplier(PermanentPlatformError("blocked"))
    request = _queued(store, dispatcher)
    with pytest.raises(RetryLater) as later:
        _redeliver(request, store, replier, dispatcher, 1_002.0)
    assert store.get(KEY).reply_status is ReplyStatus.SENDING and not dispatcher.follow_ups
    outcome = _redeliver(request, store, replier, dispatcher, 1_002.0 + later.value.delay)
    assert outcome.status is ReplyStatus.UNKNOWN and dispatcher.follow_ups and not replier.sent


def test_a_settled_reply_redelivered_sends_nothing_and_writes_nothing_new():
    store, dispatcher, replier, memory = (
        InMemoryInteractionStore(),
        RecordingDispatcher(),
        ScriptedReplier(),
        FlakyMemory(0),
    )
    request = _queued(store, dispatcher, comment("Love it", post_id="post_1"))
    _redeliver(request, store, replier, dispatcher, 1_002.0, memory=memory)
    for later in (1_003.0, 1_500.0):
        assert _redeliver(request, store, replier, dispatcher, later, memory=memory).status is ReplyStatus.SENT
    assert len(replier.sent) == 1 and memory.writes == 1 and not dispatcher.follow_ups


def test_post_memory_written_before_tags_still_steers_the_variant():
    # entries written before they carried a tag (`praise#<n>`) keep counting, so an upgrade does not repeat variants
    store, dispatcher, replier = InMemoryInteractionStore(), RecordingDispatcher(), ScriptedReplier()
    old, tagged = InMemoryReplyMemory(), InMemoryReplyMemory()
    first = _queued(store, dispatcher, comment("Love it", post_id="post_1"))
    _redeliver(first, store, replier, dispatcher, 1_002.0, memory=tagged)
    [entry] = tagged.posts[POST]
    old.posts[POST] = [entry.partition("@")[0]]  # the same variant, as the old format wrote it
    texts = []
    # c7's own seeded pick is the variant the first reply used: only the post's memory can steer it away
    for memory in (old, tagged, InMemoryReplyMemory()):
        twin = InMemoryInteractionStore()
        request = _queued(
            twin, RecordingDispatcher(), comment("Love it", external_id="c7", author_id="u2", post_id="post_1")
        )
        sent = ScriptedReplier()
        _redeliver(request, twin, sent, dispatcher, 1_010.0, memory=memory)
        texts.append(sent.sent[0][1])
    assert texts[0] == texts[1] != replier.sent[0][1] == texts[2]
