"""The local stack's scheduled functions and injected AWS failures (ackline_local.ops_control)."""

from __future__ import annotations

import time

import boto3
import pytest
import requests
from botocore.exceptions import ClientError

from ackline_local.aws_call_log import InvokedFunction, invoking
from ackline_local.lambda_runtime import LambdaTarget
from ackline_local.ops_control import AwsFault, OpsControl, ScheduledFunction, rate_seconds


def test_rate_expressions():
    assert rate_seconds("rate(5 minutes)") == 300
    assert rate_seconds("rate(1 minute)") == 60
    assert rate_seconds("rate(2 hours)") == 7200
    assert rate_seconds("cron(0 12 * * ? *)") is None


def test_a_schedule_runs_on_demand_and_on_its_period():
    events: list[dict] = []

    def handler(event, context):
        events.append(event)
        return {"ran": len(events)}

    schedule = ScheduledFunction("TickFunction", "Tick", "rate(1 minute)", LambdaTarget("local-Tick", handler))
    control = OpsControl([schedule], period_seconds=0.2).start()
    try:
        answer = requests.post(control.url + "/_schedules/TickFunction", json={"older_than_seconds": 0}, timeout=10)
        assert answer.status_code == 200 and answer.json()["result"]["ran"] >= 1
        assert any(e.get("older_than_seconds") == 0 and e["source"] == "aws.scheduler" for e in events)
        assert requests.post(control.url + "/_schedules/Nope", timeout=10).status_code == 404
        assert requests.get(control.url + "/_schedules", timeout=10).json() == {"TickFunction": "rate(1 minute)"}
        before = len(events)
        time.sleep(1.0)
        assert len(events) > before  # the period keeps running it
    finally:
        control.stop()


def test_an_injected_fault_fails_only_the_matching_handler_call_and_only_count_times():
    control = OpsControl([], period_seconds=0).start()
    sqs = boto3.client("sqs", region_name="us-east-1", endpoint_url="http://127.0.0.1:9")  # never reached
    try:
        control.add_fault(
            AwsFault.from_json({"service": "sqs", "operation": "SendMessageBatch", "function": "IngestFunction"})
        )
        with pytest.raises(ValueError):
            AwsFault.from_json({"service": "sqs", "bogus": 1})
        # outside any handler (the stack's own calls) nothing is injected: the call goes on (and fails to connect)
        with pytest.raises(Exception) as outside:
            sqs.send_message_batch(QueueUrl="http://127.0.0.1:9/q", Entries=[{"Id": "1", "MessageBody": "x"}])
        assert not isinstance(outside.value, ClientError)
        ingest = InvokedFunction("local-IngestFunction", "IngestFunction")
        with invoking(ingest), pytest.raises(ClientError) as injected:
            sqs.send_message_batch(QueueUrl="http://127.0.0.1:9/q", Entries=[{"Id": "1", "MessageBody": "x"}])
        assert injected.value.response["Error"]["Code"] == "ServiceUnavailable"
        assert control.faults() == []  # used up
    finally:
        control.stop()
