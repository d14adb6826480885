"""Ingest per entry: one bad entry never costs the good ones; only a transient failure asks for the retry, and
then the work of everything stored is queued first and the retry completes the rest."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from ackline.domain.errors import StoreRejected, StoreUnavailable
from ackline.domain.model import Decision, Interaction, Kind, ReplyStatus, StoredInteraction
from ackline.ports import AddResult
from ackline.usecases.ingest import ingest
from tests.fakes import (
    InMemoryAuthorLedger,
    InMemoryInteractionStore,
    InMemorySentReplies,
    RecordingDispatcher,
)
from tests.unit.builders import comment


class FailingStore(InMemoryInteractionStore):
    """The in-memory store, except that writes of the listed keys settle as the given failure."""

    def __init__(self, failures: dict[str, Exception] | None = None, *, raise_batch: bool = False) -> None:
        super().__init__()
        self.failures = dict(failures or {})
        self.raise_batch = raise_batch
        self.get_many_fails = False

    def add(self, interaction: Interaction, decision: Decision) -> StoredInteraction | None:
        failure = self.failures.get(interaction.key)
        if failure is not None:
            raise failure
        return super().add(interaction, decision)

    def add_many(self, items: Sequence[tuple[Interaction, Decision]]) -> list[AddResult]:
        if self.raise_batch:
            raise ConnectionError("the whole batch call failed")
        results: list[AddResult] = []
        for interaction, decision in items:
            try:
                results.append(self.add(interaction, decision))
            except (StoreRejected, StoreUnavailable) as exc:
                results.append(exc)
        return results

    def get_many(self, keys: Sequence[str]) -> dict[str, StoredInteraction]:
        if self.get_many_fails:
            raise TimeoutError("read timed out")
        return super().get_many(keys)


def batch(n: int) -> list[Interaction]:
    return [comment("Thanks, it fits perfectly!", external_id=f"c{i}", author_id=f"u{i}") for i in range(n)]


def acked(dispatcher: RecordingDispatcher) -> list[str]:
    return [a.interaction_key for a in dispatcher.acks]


def test_an_entry_the_store_refuses_becomes_a_problem_record_and_the_rest_are_queued():
    entries = batch(20)
    store = FailingStore({entries[7].key: StoreRejected("DynamoDB ValidationException")})
    dispatcher = RecordingDispatcher()
    result = ingest(entries, store, dispatcher)
    assert result.complete and result.problems == 1 and result.stored == 20
    assert sorted(acked(dispatcher)) == sorted(e.key for i, e in enumerate(entries) if i != 7)
    [problem] = [s for s in store.items.values() if s.interaction.kind is Kind.RAW]
    assert "ValidationException" in problem.interaction.activity
    assert [f.interaction_key for f in dispatcher.follow_ups] == [problem.interaction.key]


def test_a_transient_failure_queues_the_stored_work_first_and_the_retry_completes_the_rest():
    entries = batch(5)
    store = FailingStore({entries[2].key: StoreUnavailable("DynamoDB ThrottlingException")})
    dispatcher = RecordingDispatcher()
    first = ingest(entries, store, dispatcher)
    assert not first.complete and first.left_for_retry == 1 and "ThrottlingException" in first.retry_cause
    assert len(acked(dispatcher)) == 4 and entries[2].key not in acked(dispatcher)
    # the platform retries the same delivery once the store has recovered
    store.failures.clear()
    retry = RecordingDispatcher()
    second = ingest(entries, store, retry)
    assert second.complete and second.stored == 1 and second.duplicates == 4
    assert sorted(acked(retry)) == sorted(e.key for e in entries)  # pending ones re-queued; the lease sends once
    assert all(s.reply_status is ReplyStatus.PENDING for s in store.items.values())


def test_a_store_that_raises_for_the_whole_batch_is_settled_entry_by_entry():
    entries = batch(3)
    store = FailingStore({entries[0].key: StoreRejected("too large")}, raise_batch=True)
    dispatcher = RecordingDispatcher()
    result = ingest(entries, store, dispatcher)
    assert result.complete and result.problems == 1
    assert sorted(acked(dispatcher)) == sorted(e.key for e in entries[1:])


def test_an_unclassified_failure_is_retried_not_given_up():
    entries = batch(2)
    store = FailingStore({entries[1].key: RuntimeError("something odd")}, raise_batch=True)
    dispatcher = RecordingDispatcher()
    result = ingest(entries, store, dispatcher)
    assert result.left_for_retry == 1 and acked(dispatcher) == [entries[0].key]


def test_when_even_the_problem_record_is_refused_the_delivery_is_retried_not_dropped():
    entry = comment("hi", external_id="bad")
    store = FailingStore({entry.key: StoreRejected("AccessDeniedException")})
    store.add = _refuse_everything  # type: ignore[method-assign]
    result = ingest([entry], store, RecordingDispatcher())
    assert not result.complete and "problem record refused" in result.retry_cause


def _refuse_everything(interaction: Interaction, decision: Decision) -> StoredInteraction | None:
    raise StoreRejected("AccessDeniedException")


def test_a_failed_read_of_duplicates_still_queues_the_fresh_work():
    entries = batch(3)
    store = FailingStore()
    ingest(entries[:1], store, RecordingDispatcher())
    store.get_many_fails = True
    dispatcher = RecordingDispatcher()
    result = ingest(entries, store, dispatcher)
    assert result.left_for_retry == 1 and sorted(acked(dispatcher)) == sorted(e.key for e in entries[1:])


def test_an_abuse_ledger_failure_leaves_only_that_entry_for_the_retry():
    class BrokenLedger(InMemoryAuthorLedger):
        def record_abuse(self, author_key: str, interaction_key: str, now: float, window_seconds: int) -> int:
            raise TimeoutError("ledger unavailable")

    abusive = comment("you are useless idiots, garbage company", external_id="abuse", author_id="troll")
    entries = [*batch(2), abusive]
    store, dispatcher = FailingStore(), RecordingDispatcher()
    result = ingest(entries, store, dispatcher, ledger=BrokenLedger())
    assert result.left_for_retry == 1 and abusive.key not in store.items
    assert sorted(acked(dispatcher)) == sorted(e.key for e in entries[:2])


def test_a_failing_delivery_report_lookup_never_blocks_the_messages_beside_it():
    class BrokenReplies(InMemorySentReplies):
        def owners(self, platform, message_ids):  # type: ignore[no-untyped-def]
            raise TimeoutError("link lookup failed")

    from ackline.domain.model import Platform

    status = comment(
        "",
        platform=Platform.WHATSAPP,
        kind=Kind.ACTIVITY,
        external_id="status.wamid.OURS.read",
        thread_id="wamid.OURS",
        activity="delivery status: read",
    )
    message = comment("Where is my parcel?", platform=Platform.WHATSAPP, kind=Kind.MESSAGE, external_id="wamid.IN")
    store, dispatcher = FailingStore(), RecordingDispatcher()
    result = ingest([status, message], store, dispatcher, sent_replies=BrokenReplies())
    assert result.left_for_retry == 1 and message.key in store.items and status.key not in store.items
    assert acked(dispatcher) == [message.key]


@pytest.mark.parametrize("created_at", [float("nan"), float("inf"), 1e300, -1.0])
def test_an_entry_with_an_impossible_time_is_stored_and_answered(created_at):
    store, dispatcher = FailingStore(), RecordingDispatcher()
    result = ingest([comment("Love it", created_at=created_at)], store, dispatcher)
    assert result.complete and result.stored == 1 and len(dispatcher.acks) == 1
    [stored] = store.items.values()
    assert stored.interaction.created_at == stored.interaction.received_at
