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


def _stored_item(dynamodb, table, interaction):
    return dynamodb.get_item(TableName=table, Key={"pk": {"S": f"INT#{interaction.key}"}, "sk": {"S": "INT"}})["Item"]


def test_raw_webhook_is_kept_compressed_and_read_back_exactly(aws, dynamodb):
    """A Page comment's webhook (≈600 bytes of JSON, non-ASCII included) keeps its item under DynamoDB's 1 KB write
    unit once compressed, and reads back byte for byte."""
    import json

    from ackline.adapters.interaction_table import RAW_COMPRESSED
    from ackline_local.webhooks import facebook_feed_comment

    table = aws["DataTable"].name
    store = DynamoInteractionStore(dynamodb, table)
    raw = json.dumps(facebook_feed_comment("Très bien, merci beaucoup 👍 " * 3), ensure_ascii=False)
    interaction = comment("Très bien, merci beaucoup 👍", raw=raw, external_id="raw-1")
    store.add(interaction, triage(interaction))
    item = _stored_item(dynamodb, table, interaction)
    assert "raw" not in item and RAW_COMPRESSED in item
    assert len(item[RAW_COMPRESSED]["B"]) < len(raw.encode("utf-8"))
    loaded = store.get(interaction.key)
    assert loaded is not None and loaded.interaction.raw == raw and loaded.interaction == interaction


def test_an_item_stored_with_plain_raw_still_reads(aws, dynamodb):
    """Items written before compression carry `raw` as a string attribute; they read as before."""
    table = aws["DataTable"].name
    store = DynamoInteractionStore(dynamodb, table)
    interaction = comment("Love it", raw='{"legacy": true}', external_id="legacy-1")
    store.add(interaction, triage(interaction))
    dynamodb.update_item(
        TableName=table,
        Key={"pk": {"S": f"INT#{interaction.key}"}, "sk": {"S": "INT"}},
        UpdateExpression="SET #raw = :raw REMOVE raw_z",
        ExpressionAttributeNames={"#raw": "raw"},
        ExpressionAttributeValues={":raw": {"S": '{"legacy": true}'}},
    )
    loaded = store.get(interaction.key)
    assert loaded is not None and loaded.interaction.raw == '{"legacy": true}'


def test_conversation_index_holds_keys_only_and_the_conversation_reads_whole_items(aws, dynamodb):
    """ConversationIndex projects keys only (an update of an interaction writes nothing there); the conversation
    still comes back whole, replies included, latest `limit` in time order."""
    table = aws["DataTable"].name
    store = DynamoInteractionStore(dynamodb, table)
    for i, at in enumerate([300.0, 100.0, 200.0, 400.0]):
        c = comment(f"message {i}", external_id=f"k{i}", created_at=at)
        store.add(c, triage(c))
    store.claim_reply(comment(external_id="k0").key, 500.0, 120)
    store.finish_reply(comment(external_id="k0").key, ReplyStatus.SENT, reply_id="r0", reply_text="Thanks!")
    entries = dynamodb.query(
        TableName=table,
        IndexName="ConversationIndex",
        KeyConditionExpression="gsi1pk = :c",
        ExpressionAttributeValues={":c": {"S": f"CONV#{comment().conversation_key}"}},
    )["Items"]
    assert len(entries) == 4 and all(set(e) == {"pk", "sk", "gsi1pk", "gsi1sk"} for e in entries)
    latest = store.conversation(comment().conversation_key, limit=3)
    assert [s.interaction.created_at for s in latest] == [200.0, 300.0, 400.0]
    assert [s.reply_text for s in latest] == ["", "Thanks!", ""]
    assert latest[1].interaction.text == "message 0"
