"""The reconciler end to end: an interaction stored while queueing failed is re-driven and answered once."""

from __future__ import annotations

import time

import boto3

from ackline_local.webhooks import facebook_feed_comment, signed_meta_request
from tests.running_stack import RunningStack, wait_for


def _comment_id(payload: dict) -> str:
    return str(payload["entry"][0]["changes"][0]["value"]["comment_id"])


def _replies_to(stack: RunningStack, comment_id: str) -> list[dict]:
    return [c for c in stack.sandbox_calls() if c["path"].endswith(f"/{comment_id}/comments") and not c["fault"]]


def _unsettled_keys(stack: RunningStack) -> set[str]:
    """What the sparse UnsettledIndex holds (read the way the reconciler reads it: Queries, one per bucket)."""
    dynamodb = boto3.client("dynamodb", endpoint_url=stack.moto, region_name="us-east-1")
    [table] = [t for t in dynamodb.list_tables()["TableNames"] if t.endswith("DataTable")]
    keys: set[str] = set()
    for bucket in range(16):
        items = dynamodb.query(
            TableName=table,
            IndexName="UnsettledIndex",
            KeyConditionExpression="gsi4pk = :b",
            ExpressionAttributeValues={":b": {"S": f"UNSETTLED#{bucket}"}},
        )["Items"]
        keys |= {item["pk"]["S"] for item in items}
    return keys


def test_an_interaction_stored_while_queueing_failed_is_redriven_and_answered_once(stack):
    # Given AckQueue refuses Ingest's next send (injected before the call reaches moto)
    stack.add_aws_fault(
        service="sqs", operation="SendMessageBatch", resource_contains="AckQueue", function="IngestFunction"
    )
    payload = facebook_feed_comment("Thank you, the new one works perfectly", author_name="Noor Haddad")
    comment_id = _comment_id(payload)
    # When the webhook arrives, it is stored but not queued: the platform is told to retry (5xx)...
    status, _ = signed_meta_request(payload, stack.meta_app_secret).send(stack.gateway)
    assert status >= 500
    key = f"INT#facebook#{comment_id}"
    assert key in _unsettled_keys(stack)
    # ...and it never does: nothing is answered
    time.sleep(1.5)
    assert _replies_to(stack, comment_id) == []
    # Then the reconciler's run finds it through the index and re-queues its ack
    report = stack.run_schedule("ReconcilerFunction", older_than_seconds=0)
    assert report["acks_requeued"] >= 1 and report["findings"] >= 1
    replies = wait_for(lambda: _replies_to(stack, comment_id), timeout=15)
    assert len(replies) == 1 and "Noor" in replies[0]["body"]["message"]
    # And it is settled: it leaves the index, and another run changes nothing for it
    assert wait_for(lambda: key not in _unsettled_keys(stack), timeout=10)
    stack.run_schedule("ReconcilerFunction", older_than_seconds=0)
    time.sleep(1.5)
    assert len(_replies_to(stack, comment_id)) == 1


def test_the_reconciler_runs_locally_on_demand_and_lists_its_schedule(stack):
    import requests

    schedules = requests.get(stack.control + "/_schedules", timeout=5).json()
    assert schedules["ReconcilerFunction"] == "rate(5 minutes)"
    report = stack.run_schedule("ReconcilerFunction")
    assert set(report) >= {"acks_requeued", "follow_ups_requeued", "handed_to_people", "findings", "examined"}
