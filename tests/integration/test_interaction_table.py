"""DynamoInteractionStore against moto: idempotent adds, the reply lease, the conversation query."""

from ackline.adapters.interaction_table import DynamoInteractionStore
from ackline.domain.model import ReplyStatus
from ackline.domain.triage import triage
from tests.unit.builders import comment


def test_add_is_idempotent_and_round_trips(aws, dynamodb):
    store = DynamoInteractionStore(dynamodb, aws["DataTable"].name)
    interaction = comment("Très bien 👍", created_at=1_700_000_000.123456)
    stored = store.add(interaction, triage(interaction))
    assert stored is not None and stored.reply_status is ReplyStatus.PENDING
    assert store.add(interaction, triage(interaction)) is None
    loaded = store.get(interaction.key)
    assert loaded is not None and loaded.interaction == interaction and loaded.decision == triage(interaction)
    assert dynamodb.scan(TableName=aws["DataTable"].name)["Count"] == 1


def test_only_one_worker_can_lease_a_reply(aws, dynamodb):
    store = DynamoInteractionStore(dynamodb, aws["DataTable"].name)
    interaction = comment("Love it")
    store.add(interaction, triage(interaction))
    first = store.claim_reply(interaction.key, 100.0, 120)
    assert first is not None and first.reply_status is ReplyStatus.SENDING and first.reply_attempts == 1
    assert store.claim_reply(interaction.key, 101.0, 120) is None
    store.finish_reply(
        interaction.key, ReplyStatus.SENT, reply_id="r1", reply_text="Thanks", replied_at=102.5, ack_latency_ms=2500
    )
    done = store.get(interaction.key)
    assert done is not None
    assert (done.reply_status, done.reply_id, done.ack_latency_ms, done.reply_lease_until) == (
        ReplyStatus.SENT,
        "r1",
        2500,
        None,
    )
    assert store.claim_reply(interaction.key, 103.0, 120) is None


def test_handing_a_reply_back_allows_another_attempt(aws, dynamodb):
    store = DynamoInteractionStore(dynamodb, aws["DataTable"].name)
    interaction = comment("Love it")
    store.add(interaction, triage(interaction))
    store.claim_reply(interaction.key, 100.0, 120)
    store.finish_reply(interaction.key, ReplyStatus.PENDING, error="429")
    again = store.claim_reply(interaction.key, 130.0, 120)
    assert again is not None and again.reply_attempts == 2


def test_conversation_loads_in_one_query_in_time_order(aws, dynamodb):
    store = DynamoInteractionStore(dynamodb, aws["DataTable"].name)
    for i, at in enumerate([300.0, 100.0, 200.0]):
        c = comment(f"message {i}", external_id=f"c{i}", created_at=at)
        store.add(c, triage(c))
    other = comment("someone else", external_id="x", author_id="user-9")
    store.add(other, triage(other))
    conversation = store.conversation(comment().conversation_key)
    assert [s.interaction.created_at for s in conversation] == [100.0, 200.0, 300.0]


def test_a_whole_delivery_is_stored_in_order_and_read_back_in_batches(aws, dynamodb):
    store = DynamoInteractionStore(dynamodb, aws["DataTable"].name)
    batch = [comment(f"message {i}", external_id=f"c{i}") for i in range(130)]
    first = store.add_many([(c, triage(c)) for c in batch])
    assert all(s is not None for s in first) and [s.interaction.key for s in first] == [c.key for c in batch]
    again = store.add_many([(c, triage(c)) for c in [*batch[:5], comment("new", external_id="c999")]])
    assert [s is None for s in again] == [True] * 5 + [False]
    found = store.get_many([c.key for c in batch] + ["facebook#missing"])
    assert set(found) == {c.key for c in batch}
