"""DynamoDemandCounter and DynamoReplyMemory against moto, side by side with the in-memory fakes."""

from ackline.adapters.demand_table import DynamoDemandCounter
from ackline.adapters.reply_memory import DynamoReplyMemory
from ackline.domain.demand import TopicDemand
from tests.fakes import InMemoryDemandCounter, InMemoryReplyMemory


def test_demand_adds_up_per_topic_with_first_and_last_seen(aws, dynamodb):
    table = aws["DataTable"].name
    for counter in (DynamoDemandCounter(dynamodb, table), InMemoryDemandCounter()):
        assert counter.topics() == []
        counter.record({"app": 2, "range": 1}, 100.0)
        counter.record({"app": 1, "sizes": 0}, 250.5)
        found = sorted(counter.topics(), key=lambda t: t.topic)
        assert found == [
            TopicDemand(topic="app", requests=3, first_seen=100.0, last_seen=250.5),
            TopicDemand(topic="range", requests=1, first_seen=100.0, last_seen=100.0),
        ]


def test_demand_items_live_under_one_small_partition(aws, dynamodb):
    table = aws["DataTable"].name
    DynamoDemandCounter(dynamodb, table).record({"delivery": 1}, 1.0)
    item = dynamodb.get_item(TableName=table, Key={"pk": {"S": "DEMAND"}, "sk": {"S": "TOPIC#delivery"}})["Item"]
    assert item["requests"] == {"N": "1"} and "gsi1pk" not in item and "gsi2pk" not in item


def test_reply_memory_replaces_the_list_and_expires(aws, dynamodb):
    table = aws["DataTable"].name
    for memory in (DynamoReplyMemory(dynamodb, table), InMemoryReplyMemory()):
        assert memory.recent("facebook#p_1") == []
        memory.remember("facebook#p_1", ["praise#1"], 1_000.0)
        memory.remember("facebook#p_1", ["praise#1", "complaint#0"], 1_001.0)
        assert memory.recent("facebook#p_1") == ["praise#1", "complaint#0"]
        assert memory.recent("instagram#p_1") == []
    item = dynamodb.get_item(TableName=table, Key={"pk": {"S": "POST#facebook#p_1"}, "sk": {"S": "RECENT"}})["Item"]
    assert int(item["expires_at"]["N"]) > 1_001
