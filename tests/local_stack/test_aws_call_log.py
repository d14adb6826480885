"""The AWS call recorder: every client is seen, calls are attributed to the invoking function, also from worker
threads, and the process is left as it was."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.client import BaseClient
from botocore.stub import Stubber

from ackline_local.aws_call_log import AwsCallRecorder, InvokedFunction, KeySchema, describe_resources, invoking

SCHEMAS = {"T": KeySchema("pk", {"ByConv": "gsi1pk"})}


def _client(service: str):
    return boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    ).client(service, endpoint_url="http://127.0.0.1:9")


def test_calls_are_attributed_in_handler_and_worker_threads_and_not_outside(tmp_path):
    original_call, original_submit = BaseClient._make_api_call, ThreadPoolExecutor.submit
    path = tmp_path / "calls.jsonl"
    recorder = AwsCallRecorder(path).start()
    try:
        dynamodb = _client("dynamodb")
        with Stubber(dynamodb) as stub:
            for _ in range(3):
                stub.add_response("get_item", {})
            dynamodb.get_item(TableName="T", Key={"pk": {"S": "STACK"}})
            with invoking(InvokedFunction("local-Fn", "Fn")):
                dynamodb.get_item(TableName="T", Key={"pk": {"S": "INT#1"}})
                with ThreadPoolExecutor(max_workers=1) as pool:
                    pool.submit(dynamodb.get_item, TableName="T", Key={"pk": {"S": "INT#2"}}).result()
    finally:
        recorder.stop()
    assert BaseClient._make_api_call is original_call and ThreadPoolExecutor.submit is original_submit
    calls = [json.loads(line) for line in path.read_text().splitlines() if '"call"' in line]
    assert [(c["logical_id"], c["resources"][0]["leading_keys"]) for c in calls] == [
        (None, None),  # no key schema known for T here: recorded, but no partition key
        ("Fn", None),
        ("Fn", None),
    ]
    assert calls[2]["thread"].startswith("ThreadPoolExecutor")


def test_resources_of_transactions_batches_queries_queues_and_parameters():
    transact = describe_resources(
        "dynamodb",
        "TransactWriteItems",
        {
            "TransactItems": [
                {"Update": {"TableName": "T", "Key": {"pk": {"S": "CASE#1"}, "sk": {"S": "CASE"}}}},
                {"Delete": {"TableName": "T", "Key": {"pk": {"S": "CONV#a"}, "sk": {"S": "OPENCASE"}}}},
                {"ConditionCheck": {"TableName": "T", "Key": {"pk": {"S": "X#1"}}}},
            ]
        },
        SCHEMAS,
    )
    assert [(r["item_action"], r["leading_keys"]) for r in transact] == [
        ("Update", ["CASE#1"]),
        ("Delete", ["CONV#a"]),
        ("ConditionCheck", ["X#1"]),
    ]
    batch = describe_resources(
        "dynamodb", "BatchGetItem", {"RequestItems": {"T": {"Keys": [{"pk": {"S": "B"}}, {"pk": {"S": "A"}}]}}}, SCHEMAS
    )
    assert batch == [{"kind": "table", "table": "T", "leading_keys": ["A", "B"]}]
    query = describe_resources(
        "dynamodb",
        "Query",
        {
            "TableName": "T",
            "IndexName": "ByConv",
            "KeyConditionExpression": "#p = :c AND begins_with(gsi1sk, :s)",
            "ExpressionAttributeNames": {"#p": "gsi1pk"},
            "ExpressionAttributeValues": {":c": {"S": "CONV#x"}, ":s": {"S": "2"}},
        },
        SCHEMAS,
    )
    assert query == [{"kind": "table", "table": "T", "index": "ByConv", "leading_keys": ["CONV#x"]}]
    assert describe_resources("sqs", "SendMessageBatch", {"QueueUrl": "http://h/1/q", "Entries": []}, {}) == [
        {"kind": "queue", "queue_url": "http://h/1/q"}
    ]
    assert describe_resources("ssm", "GetParameters", {"Names": ["/a/b", "/a/c"]}, {}) == [
        {"kind": "parameter", "name": "/a/b"},
        {"kind": "parameter", "name": "/a/c"},
    ]
    assert describe_resources("s3", "GetObject", {"Bucket": "b", "Key": "k"}, {})[0]["kind"] == "unknown"
