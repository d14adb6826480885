"""The patched moto server: transactions roll back exactly their own items, and memory does not grow per request."""

from __future__ import annotations

import gc
import uuid

import boto3
import pytest
from botocore.exceptions import ClientError

from ackline_local.moto_server import DELETED_HANDLES_KEPT, LocalMotoServer


@pytest.fixture(scope="module")
def moto():
    server = LocalMotoServer(port=0)
    server.start()
    host, port = server.get_host_and_port()
    yield server, f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def table(moto):
    _, url = moto
    client = boto3.client("dynamodb", endpoint_url=url, region_name="us-east-1")
    name = f"t{uuid.uuid4().hex[:10]}"
    client.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    return client, name


def _key(pk):
    return {"pk": {"S": pk}, "sk": {"S": "x"}}


def _get(client, name, pk):
    return client.get_item(TableName=name, Key=_key(pk), ConsistentRead=True).get("Item")


def test_a_cancelled_transaction_undoes_its_own_writes_and_keeps_everything_else(table):
    client, name = table
    client.put_item(TableName=name, Item={**_key("a"), "v": {"N": "1"}})
    client.put_item(TableName=name, Item={**_key("other"), "v": {"N": "1"}})
    # When a transaction updates a, puts b, deletes other, then fails a condition check
    with pytest.raises(ClientError) as refused:
        client.transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": name,
                        "Key": _key("a"),
                        "UpdateExpression": "SET v = :v",
                        "ExpressionAttributeValues": {":v": {"N": "2"}},
                    }
                },
                {"Put": {"TableName": name, "Item": {**_key("b"), "v": {"N": "1"}}}},
                {"Delete": {"TableName": name, "Key": _key("other")}},
                {
                    "ConditionCheck": {
                        "TableName": name,
                        "Key": _key("missing"),
                        "ConditionExpression": "attribute_exists(pk)",
                    }
                },
            ]
        )
    assert refused.value.response["Error"]["Code"] == "TransactionCanceledException"
    reasons = [r["Code"] for r in refused.value.response["CancellationReasons"]]
    assert reasons == ["None", "None", "None", "ConditionalCheckFailed"]
    # Then none of its writes remain
    assert _get(client, name, "a")["v"] == {"N": "1"}
    assert _get(client, name, "b") is None
    assert _get(client, name, "other")["v"] == {"N": "1"}
    # And a successful transaction writes all of its items
    client.transact_write_items(
        TransactItems=[
            {
                "Update": {
                    "TableName": name,
                    "Key": _key("a"),
                    "UpdateExpression": "SET v = :v",
                    "ConditionExpression": "v = :one",
                    "ExpressionAttributeValues": {":v": {"N": "3"}, ":one": {"N": "1"}},
                }
            },
            {"Put": {"TableName": name, "Item": {**_key("b"), "v": {"N": "1"}}}},
        ]
    )
    assert _get(client, name, "a")["v"] == {"N": "3"} and _get(client, name, "b") is not None


def test_models_are_not_kept_alive_by_moto_after_they_are_replaced(table):
    from moto.dynamodb.models.dynamo_type import Item

    client, name = table
    for i in range(50):
        client.put_item(TableName=name, Item={**_key(f"k{i}"), "v": {"N": "0"}})
    gc.collect()
    before = len(Item.instances_tracked)
    # When the same 50 items are rewritten 300 times, and 300 transactions are cancelled
    for round_ in range(300):
        client.put_item(TableName=name, Item={**_key(f"k{round_ % 50}"), "v": {"N": str(round_)}})
        with pytest.raises(ClientError):
            client.transact_write_items(
                TransactItems=[
                    {"Put": {"TableName": name, "Item": {**_key("k0"), "v": {"N": "9"}}}},
                    {
                        "ConditionCheck": {
                            "TableName": name,
                            "Key": _key("missing"),
                            "ConditionExpression": "attribute_exists(pk)",
                        }
                    },
                ]
            )
    gc.collect()
    # Then moto tracks only the items that still exist (unpatched, every Item ever made stayed: 600+ more here)
    assert len(Item.instances_tracked) - before < 20


def test_sqs_remembers_a_bounded_number_of_deleted_receipt_handles(moto):
    _, url = moto
    sqs = boto3.client("sqs", endpoint_url=url, region_name="us-east-1")
    queue_url = sqs.create_queue(QueueName=f"q{uuid.uuid4().hex[:10]}")["QueueUrl"]
    sqs.send_message(QueueUrl=queue_url, MessageBody="m")
    [message] = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=1)["Messages"]
    sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    # a repeated delete still succeeds, as in SQS
    sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    from moto.sqs.models import sqs_backends

    queue = sqs_backends["123456789012"]["us-east-1"].queues[queue_url.rsplit("/", 1)[1]]
    assert len(queue.deleted_messages) >= 1
    for i in range(DELETED_HANDLES_KEPT + 5):
        queue.deleted_messages.add(f"h{i}")
    assert len(queue.deleted_messages) == DELETED_HANDLES_KEPT


def test_updated_new_returns_every_attribute_the_update_sets_even_unchanged(table):
    # DynamoDB answers UPDATED_NEW with the attributes the update names; moto left out one set to the value it
    # held, and the author shield's read of it failed (a 503 for every webhook from an author seen a minute before)
    client, name = table
    client.put_item(TableName=name, Item={**_key("same"), "minute": {"N": "1"}, "n": {"N": "1"}, "gone": {"S": "x"}})
    result = client.update_item(
        TableName=name,
        Key=_key("same"),
        UpdateExpression="SET #m = :m, n = :n ADD tags :t REMOVE gone",
        ExpressionAttributeNames={"#m": "minute"},
        ExpressionAttributeValues={":m": {"N": "2"}, ":n": {"N": "1"}, ":t": {"SS": ["a"]}},
        ReturnValues="UPDATED_NEW",
    )["Attributes"]
    assert result == {"minute": {"N": "2"}, "n": {"N": "1"}, "tags": {"SS": ["a"]}}


def test_update_targets_are_the_top_level_attributes_written():
    from ackline_local.moto_server import update_targets

    expression = "SET a = if_not_exists(a, :z), #b = list_append(#b, :l), c.d = :v ADD e :n DELETE f :s REMOVE g"
    assert update_targets(expression, {"#b": "bee"}) == ["a", "bee", "e", "f"]


def test_an_invocations_aws_calls_are_counted_with_their_wait_for_the_lock_and_their_failures(moto, table):
    from ackline_local.invocation_stats import CURRENT_STATS, InvocationStats, watch_aws_calls

    watch_aws_calls()
    client, name = table
    stats = InvocationStats()
    token = CURRENT_STATS.set(stats)
    try:
        client.put_item(TableName=name, Item=_key("counted"))
        with pytest.raises(ClientError):
            client.get_item(TableName="no-such-table", Key=_key("x"))
    finally:
        CURRENT_STATS.reset(token)
    # no invocation running: not counted; moto's answer says how long the request queued for the lock
    outside = client.put_item(TableName=name, Item=_key("outside"))
    assert float(outside["ResponseMetadata"]["HTTPHeaders"]["x-ackline-lock-wait-ms"]) >= 0
    assert stats.calls == 2
    assert stats.failures and stats.failures[0].startswith("dynamodb.GetItem ResourceNotFoundException after ")
    assert stats.lock_wait_ms >= 0 and stats.unanswered_ms == 0  # moto answered both, each after its lock wait
