"""The deployed Responder handler (functions/responder/app.py, as Lambda calls it) against moto and the platform
sandbox: a rate-limited reply is reported as a retry — a batch item failure, the message's visibility set to the
platform's wait, one WARNING — never a Lambda error; and the retried record then sends the reply once."""

from __future__ import annotations

import logging
import uuid

import boto3
import pytest

from ackline import bootstrap, settings
from ackline_local.lambda_runtime import LocalLambdaContext
from ackline_local.sandbox import Fault
from tests.faults.rig import REGION, everyday_traffic


def _clear_caches() -> None:
    settings.get_settings.cache_clear()
    for value in vars(bootstrap).values():
        if callable(getattr(value, "cache_clear", None)):
            value.cache_clear()


@pytest.fixture
def deployed_responder(rig, fault_moto_url, monkeypatch):
    """The Responder's environment as SAM sets it, pointing at this rig's table, queues and sandbox."""
    secrets_path = f"/ackline-{uuid.uuid4().hex[:8]}"
    ssm = boto3.client("ssm", endpoint_url=fault_moto_url, region_name=REGION)
    ssm.put_parameter(Name=f"{secrets_path}/meta/page-access-token", Value="page-token", Type="SecureString")
    environment = {
        "AWS_ENDPOINT_URL": fault_moto_url,
        "TABLE_NAME": rig.table,
        "ACK_QUEUE_URL": rig.ack_url,
        "FOLLOWUP_QUEUE_URL": rig.follow_up_url,
        "SECRETS_PATH": secrets_path,
        "META_GRAPH_URL": rig.sandbox.base_urls["META_GRAPH_URL"],
        # no brand policy is deployed here: allow the example one, as local stacks do, or every reply is refused
        "ALLOW_EXAMPLE_POLICY": "true",
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    _clear_caches()
    from functions.responder import app

    yield app.lambda_handler
    _clear_caches()


def _sqs_event(rig, message) -> dict:
    return {
        "Records": [
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {},
                "md5OfBody": message["MD5OfBody"],
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:AckQueue",
                "awsRegion": REGION,
            }
        ]
    }


def test_a_rate_limited_reply_is_a_retry_not_a_lambda_error(rig, deployed_responder, caplog):
    praise = everyday_traffic(rig.clock())[0]
    rig.deliver(praise.payload)
    [message] = rig.service_sqs.receive_message(QueueUrl=rig.ack_url, MaxNumberOfMessages=10)["Messages"]
    rig.sandbox.add_fault(Fault(status=429, count=1, headers={"Retry-After": "30"}))
    caplog.clear()

    response = deployed_responder(_sqs_event(rig, message), LocalLambdaContext("ResponderFunction", 256, 20))

    # reported as a batch item failure, and the invocation itself succeeded (nothing raised)
    assert response == {"batchItemFailures": [{"itemIdentifier": message["MessageId"]}]}
    retries = [r for r in caplog.records if r.getMessage() == "ack retry scheduled"]
    assert [r.levelname for r in retries] == ["WARNING"] and retries[0].delay_s == 30
    # no ERROR line from any logger (Powertools' Tracer logs an exception leaving a traced method at ERROR)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    # the message is hidden for the platform's wait, not the queue's two minutes and not zero
    assert rig.service_sqs.receive_message(QueueUrl=rig.ack_url, WaitTimeSeconds=0).get("Messages") is None

    # once the wait has passed (here: made visible at once), the retried record sends the reply once
    rig.service_sqs.change_message_visibility(
        QueueUrl=rig.ack_url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
    )
    [again] = rig.service_sqs.receive_message(QueueUrl=rig.ack_url, MaxNumberOfMessages=10)["Messages"]
    assert deployed_responder(_sqs_event(rig, again), LocalLambdaContext("ResponderFunction", 256, 20)) == {
        "batchItemFailures": []
    }
    sent = [c for c in rig.sandbox.calls() if c.status == 200]
    assert len(sent) == 1 and sent[0].path.endswith(f"/{praise.target}/comments")
