"""InteractionStore: the fake and DynamoInteractionStore keep the same promises."""

from __future__ import annotations

from ackline import ports
from ackline.domain.delivery import DeliveryReport
from ackline.domain.model import (
    Action,
    Decision,
    DeliveryState,
    Intent,
    Interaction,
    Platform,
    ReplyStatus,
    StoredInteraction,
)
from tests.unit.builders import comment

REPLY = Decision(intent=Intent.PRAISE, action=Action.REPLY, escalate=False, reasons=("praise: love",))
SPAM = Decision(intent=Intent.SPAM, action=Action.SUPPRESS, escalate=False, reasons=("spam: a link",))


def _comment(n: int, **overrides: object) -> Interaction:
    fields: dict[str, object] = {"external_id": f"c{n}", "thread_id": f"c{n}", "created_at": 1_000.0 + n}
    return comment(f"message {n}", **(fields | overrides))


def test_an_interaction_is_stored_once(interactions: ports.InteractionStore) -> None:
    first = _comment(1)
    stored = interactions.add(first, REPLY)
    assert stored is not None and stored.reply_status is ReplyStatus.PENDING
    assert interactions.add(first, REPLY) is None  # a redelivery: nothing new happens
    loaded = interactions.get(first.key)
    assert loaded is not None and loaded.interaction == first and loaded.decision == REPLY
    assert interactions.get("facebook#absent") is None


def test_a_suppressed_interaction_owes_no_reply(interactions: ports.InteractionStore) -> None:
    stored = interactions.add(_comment(1), SPAM)
    assert stored is not None and stored.reply_status is ReplyStatus.NONE
    assert interactions.claim_reply(_comment(1).key, 2_000.0, 60) is None


def test_add_many_answers_per_entry_in_order(interactions: ports.InteractionStore) -> None:
    interactions.add(_comment(2), REPLY)
    results = interactions.add_many([(_comment(1), REPLY), (_comment(2), REPLY), (_comment(3), SPAM)])
    assert [r.interaction.key if isinstance(r, StoredInteraction) else r for r in results] == [
        "facebook#c1",
        None,
        "facebook#c3",
    ]
    assert set(interactions.get_many(["facebook#c1", "facebook#c3", "facebook#nope"])) == {
        "facebook#c1",
        "facebook#c3",
    }


def test_one_lease_at_a_time_and_a_reply_finishes_once(interactions: ports.InteractionStore) -> None:
    key = _comment(1).key
    interactions.add(_comment(1), REPLY)
    leased = interactions.claim_reply(key, 2_000.0, 120)
    assert leased is not None and leased.reply_status is ReplyStatus.SENDING
    assert leased.reply_attempts == 1 and leased.reply_lease_until == 2_120.0
    assert interactions.claim_reply(key, 2_001.0, 120) is None
    interactions.finish_reply(key, ReplyStatus.SENT, reply_id="r1", reply_text="Thanks", replied_at=2_002.0)
    done = interactions.get(key)
    assert done is not None
    assert (done.reply_status, done.reply_id, done.reply_text, done.replied_at, done.reply_lease_until) == (
        ReplyStatus.SENT,
        "r1",
        "Thanks",
        2_002.0,
        None,
    )
    assert interactions.claim_reply(key, 2_003.0, 120) is None


def test_a_reply_handed_back_can_be_leased_again(interactions: ports.InteractionStore) -> None:
    key = _comment(1).key
    interactions.add(_comment(1), REPLY)
    interactions.claim_reply(key, 2_000.0, 120)
    interactions.finish_reply(key, ReplyStatus.PENDING, error="429: wait")
    again = interactions.claim_reply(key, 2_010.0, 120)
    assert again is not None and again.reply_attempts == 2 and again.reply_error == "429: wait"


def test_a_conversation_reads_oldest_first_and_keeps_the_newest(interactions: ports.InteractionStore) -> None:
    for n in (3, 1, 2):
        interactions.add(_comment(n), REPLY)  # one author on one post: one conversation
    conversation = _comment(1).conversation_key
    assert [s.interaction.external_id for s in interactions.conversation(conversation)] == ["c1", "c2", "c3"]
    assert [s.interaction.external_id for s in interactions.conversation(conversation, limit=2)] == ["c2", "c3"]


def test_suppressed_lists_customer_messages_newest_first(interactions: ports.InteractionStore) -> None:
    interactions.add(_comment(1, received_at=5_001.0), SPAM)
    interactions.add(_comment(2, received_at=5_002.0, author_id="user-2"), SPAM)
    interactions.add(_comment(3, received_at=5_003.0, author_id="user-3"), REPLY)
    assert [s.interaction.external_id for s in interactions.suppressed(10)] == ["c2", "c1"]
    assert [s.interaction.external_id for s in interactions.suppressed(1)] == ["c2"]


def test_delivery_states_only_move_forward_for_our_own_reply(interactions: ports.InteractionStore) -> None:
    key = _comment(1).key
    interactions.add(_comment(1), REPLY)
    interactions.claim_reply(key, 2_000.0, 120)
    interactions.finish_reply(key, ReplyStatus.SENT, reply_id="wamid.1", replied_at=2_001.0)

    def report(state: DeliveryState, at: float, message_id: str = "wamid.1") -> tuple[str, DeliveryReport]:
        return key, DeliveryReport(Platform.FACEBOOK, message_id, state, at)

    # one call per report: within one call the adapter writes in parallel, so which of two reports about the same
    # reply "moved" it is a race (where it ends is not)
    assert interactions.record_deliveries([report(DeliveryState.READ, 2_010.0)]) == [True]
    assert interactions.record_deliveries([report(DeliveryState.DELIVERED, 2_005.0)]) == [False]  # never backwards
    assert interactions.record_deliveries([report(DeliveryState.READ, 1.0, "x")]) == [False]  # another message's
    stored = interactions.get(key)
    assert stored is not None and stored.delivery_state is DeliveryState.READ and stored.delivery_at == 2_010.0
