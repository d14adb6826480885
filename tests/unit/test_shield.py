"""The abuse shield in Ingest: over the per-author limit, a message is stored and counted, never answered or
queued; other customers are untouched; a flood reaches a person once. Blocking is the staff's blocklist's (one
list for both): a blocked author under the shield and crisis mode stays silent and is not counted as a wave."""

from ackline.domain.blocks import BLOCKED_REASON
from ackline.domain.model import Action, Platform, ReplyStatus
from ackline.domain.policy import default_policy
from ackline.domain.shield import RATE_LIMITED_REASON
from ackline.usecases.authors import block_author, unblock_author
from ackline.usecases.ingest import ingest
from tests.fakes import (
    InMemoryAuthorShield,
    InMemoryBlocklist,
    InMemoryCrisisStore,
    InMemoryInteractionStore,
    RecordingDispatcher,
)
from tests.unit.builders import comment

T0 = 1_767_000_000.0
LIMIT = default_policy().thresholds.author_messages_per_minute


def _msg(n: int, author: str = "flooder", at: float = T0, text: str = "Hello there, quick question"):
    return comment(text, external_id=f"{author}-{n}", author_id=author, created_at=at, received_at=at)


def test_a_flood_from_one_author_gets_at_most_the_limit_and_one_case_and_others_are_untouched():
    store, dispatcher, shield = InMemoryInteractionStore(), RecordingDispatcher(), InMemoryAuthorShield()
    flood = [_msg(n, at=T0 + n * 0.01) for n in range(200)]
    # delivered in batches of 50 (as Meta batches), with 20 other customers writing in between
    for start in range(0, 200, 50):
        ingest(flood[start : start + 50], store, dispatcher, shield=shield)
        for other in range(start // 10, start // 10 + 5):
            ingest([_msg(0, author=f"customer-{other}", text="Love it, thank you!")], store, dispatcher, shield=shield)
    assert len(store.items) == 220  # every message stored: nothing is lost
    acked = {a.interaction_key for a in dispatcher.acks}
    assert len([k for k in acked if "flooder" in k]) == LIMIT
    assert all(f"facebook#customer-{n}-0" in acked for n in range(20))
    # one case tells a person about the flood; the rest are silent
    flood_cases = [f for f in dispatcher.follow_ups if "flooder" in f.interaction_key]
    assert len(flood_cases) == 1 and RATE_LIMITED_REASON in flood_cases[0].reasons
    silent = store.get(f"facebook#flooder-{LIMIT + 5}")
    assert silent.reply_status is ReplyStatus.NONE and silent.decision.action is Action.SUPPRESS


def test_the_limit_is_per_minute():
    store, dispatcher, shield = InMemoryInteractionStore(), RecordingDispatcher(), InMemoryAuthorShield()
    ingest([_msg(n) for n in range(LIMIT + 3)], store, dispatcher, shield=shield)
    ingest([_msg(100, at=T0 + 61)], store, dispatcher, shield=shield)
    assert len(dispatcher.acks) == LIMIT + 1


def test_a_redelivery_of_a_silenced_message_stays_silent():
    store, dispatcher, shield = InMemoryInteractionStore(), RecordingDispatcher(), InMemoryAuthorShield()
    batch = [_msg(n) for n in range(LIMIT + 3)]
    ingest(batch, store, dispatcher, shield=shield)
    again = RecordingDispatcher()
    ingest(batch, store, again, shield=shield)
    # the platform retried: only the answered ones' outstanding acks are queued again (the lease keeps them to
    # one reply each); the silenced ones stay silent, however often they come back
    assert {a.interaction_key for a in again.acks} == {f"facebook#flooder-{n}" for n in range(LIMIT)}
    assert [f.interaction_key for f in again.follow_ups] == [f"facebook#flooder-{LIMIT}"]


def test_a_blocked_author_is_stored_and_never_answered_queued_or_counted_even_in_crisis_mode():
    store, dispatcher, shield, crisis = (
        InMemoryInteractionStore(),
        RecordingDispatcher(),
        InMemoryAuthorShield(),
        InMemoryCrisisStore(),
    )
    blocklist = InMemoryBlocklist()
    crisis.switch_on("facebook#page-1", T0, manual=True, by="ana", reason="by ana")
    block_author(Platform.FACEBOOK, "troll", "ana@example.com", blocklist, T0)
    angry = _msg(1, author="troll", text="My order arrived broken and you are all idiots")
    result = ingest([angry], store, dispatcher, shield=shield, crisis=crisis, blocklist=blocklist)
    # crisis mode would make a complaint a P1 case; a blocked author's stays silent
    assert result.stored == 1 and dispatcher.acks == [] and dispatcher.follow_ups == []
    assert BLOCKED_REASON in store.get("facebook#troll-1").decision.reasons
    assert crisis.window_count("facebook#page-1", T0, 10) == 0
    unblock_author(Platform.FACEBOOK, "troll", blocklist)
    ingest(
        [_msg(2, author="troll", text="Thanks for sorting it out")],
        store,
        dispatcher,
        shield=shield,
        blocklist=blocklist,
    )
    assert [a.interaction_key for a in dispatcher.acks] == ["facebook#troll-2"]


def test_a_flood_of_complaints_from_one_author_is_not_a_crisis():
    store, dispatcher, shield, crisis = (
        InMemoryInteractionStore(),
        RecordingDispatcher(),
        InMemoryAuthorShield(),
        InMemoryCrisisStore(),
    )
    complaints = [_msg(n, text="My order arrived broken and nobody answers my emails") for n in range(60)]
    result = ingest(complaints, store, dispatcher, shield=shield, crisis=crisis)
    assert result.crisis_on == () and crisis.window_count("facebook#page-1", T0, 10) == LIMIT + 1 - 1
