from __future__ import annotations

import json

import pytest
from aws_lambda_powertools.utilities.parser.models import SqsModel

from ackline_local.lambda_runtime import LambdaTarget
from ackline_local.poller import EventSource, QueuePoller, event_sources_from_resources
from ackline_local.resources import create_resources


class BatchRecorder:
    """Records each batch; fails the records whose body is in `fail_bodies` (ReportBatchItemFailures)."""

    def __init__(self, fail_bodies=(), raise_error=False, bad_identifier=False):
        self.batches = []
        self.fail_bodies = set(fail_bodies)
        self.raise_error = raise_error
        self.bad_identifier = bad_identifier

    def __call__(self, event, context):
        self.batches.append(event)
        if self.raise_error:
            raise RuntimeError("handler crashed")
        if self.bad_identifier:
            return {"batchItemFailures": [{"itemIdentifier": "not-in-this-batch"}]}
        failures = [{"itemIdentifier": r["messageId"]} for r in event["Records"] if r["body"] in self.fail_bodies]
        return {"batchItemFailures": failures}


@pytest.fixture
def queues(fixture_template, aws_session, moto_endpoint, name_prefix):
    # visibility_scale=0: failed messages are visible again at once, so retry tests take milliseconds
    resources = create_resources(
        fixture_template, session=aws_session, endpoint_url=moto_endpoint, name_prefix=name_prefix, visibility_scale=0
    )
    return resources, aws_session.client("sqs", endpoint_url=moto_endpoint)


def _poller(resources, sqs, handler, batch_size=10):
    ack = resources["AckQueue"]
    source = EventSource(ack.url, ack.arn, LambdaTarget("responder", handler), batch_size=batch_size)
    return QueuePoller(source, sqs)


def _send(sqs, url, *bodies):
    for body in bodies:
        sqs.send_message(
            QueueUrl=url, MessageBody=body, MessageAttributes={"kind": {"DataType": "String", "StringValue": "ack"}}
        )


def _count(sqs, url):
    attributes = sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(attributes["ApproximateNumberOfMessagesNotVisible"])


def test_records_are_real_sqs_events(queues):
    resources, sqs = queues
    handler = BatchRecorder()
    _send(sqs, resources["AckQueue"].url, json.dumps({"n": 1}))
    _poller(resources, sqs, handler).poll_once(wait_seconds=0)
    (event,) = handler.batches
    model = SqsModel.model_validate(event)
    (record,) = model.Records
    assert record.eventSource == "aws:sqs" and record.eventSourceARN == resources["AckQueue"].arn
    assert record.awsRegion == "us-east-1" and record.attributes.ApproximateReceiveCount == "1"
    assert record.messageAttributes["kind"].stringValue == "ack"
    assert json.loads(record.body) == {"n": 1} and record.md5OfBody


def test_batch_size_is_honoured(queues):
    resources, sqs = queues
    handler = BatchRecorder()
    _send(sqs, resources["AckQueue"].url, *[f"m{i}" for i in range(7)])
    poller = _poller(resources, sqs, handler, batch_size=3)
    delivered = [poller.poll_once(wait_seconds=0) for _ in range(4)]
    assert delivered == [3, 3, 1, 0]
    assert all(len(batch["Records"]) <= 3 for batch in handler.batches)
    assert _count(sqs, resources["AckQueue"].url) == 0


def test_only_successful_records_are_deleted(queues):
    resources, sqs = queues
    handler = BatchRecorder(fail_bodies={"bad"})
    _send(sqs, resources["AckQueue"].url, "good-1", "bad", "good-2")
    _poller(resources, sqs, handler).poll_once(wait_seconds=0)
    remaining = sqs.receive_message(QueueUrl=resources["AckQueue"].url, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in remaining] == ["bad"]


def test_a_crashing_handler_deletes_nothing(queues):
    resources, sqs = queues
    _send(sqs, resources["AckQueue"].url, "a", "b")
    _poller(resources, sqs, BatchRecorder(raise_error=True)).poll_once(wait_seconds=0)
    assert _count(sqs, resources["AckQueue"].url) == 2


def test_an_unknown_item_identifier_fails_the_whole_batch(queues):
    resources, sqs = queues
    _send(sqs, resources["AckQueue"].url, "a", "b")
    _poller(resources, sqs, BatchRecorder(bad_identifier=True)).poll_once(wait_seconds=0)
    assert _count(sqs, resources["AckQueue"].url) == 2


def test_a_failing_record_reaches_the_dlq_after_max_receive_count(queues):
    # Given a handler that always fails one record, on a queue with maxReceiveCount 5
    resources, sqs = queues
    handler = BatchRecorder(fail_bodies={"poison"})
    _send(sqs, resources["AckQueue"].url, "poison", "fine")
    poller = _poller(resources, sqs, handler)
    # When the poller keeps polling
    for _ in range(10):
        poller.poll_once(wait_seconds=0)
    # Then the record was delivered exactly maxReceiveCount times and then moved to the DLQ by the redrive policy
    deliveries = [r for batch in handler.batches for r in batch["Records"] if r["body"] == "poison"]
    assert [r["attributes"]["ApproximateReceiveCount"] for r in deliveries] == ["1", "2", "3", "4", "5"]
    dlq = sqs.receive_message(QueueUrl=resources["AckDeadLetterQueue"].url, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in dlq] == ["poison"]
    assert _count(sqs, resources["AckQueue"].url) == 0


def test_failures_wait_for_the_visibility_timeout(fixture_template, aws_session, moto_endpoint, name_prefix):
    # Given the template's 120 s visibility scaled to 2 s
    resources = create_resources(
        fixture_template,
        session=aws_session,
        endpoint_url=moto_endpoint,
        name_prefix=name_prefix,
        visibility_scale=0.01,
    )
    sqs = aws_session.client("sqs", endpoint_url=moto_endpoint)
    handler = BatchRecorder(fail_bodies={"retry-me"})
    _send(sqs, resources["AckQueue"].url, "retry-me")
    poller = _poller(resources, sqs, handler)
    # When the record fails once
    poller.poll_once(wait_seconds=0)
    # Then it is not redelivered before the timeout, and is after it
    assert poller.poll_once(wait_seconds=0) == 0
    assert poller.poll_once(wait_seconds=3) == 1


def test_running_poller_thread_consumes_and_stops(queues):
    resources, sqs = queues
    handler = BatchRecorder()
    poller = _poller(resources, sqs, handler).start()
    try:
        _send(sqs, resources["AckQueue"].url, "x")
        import time

        deadline = time.monotonic() + 5
        while not handler.batches and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        poller.stop()
    assert handler.batches and _count(sqs, resources["AckQueue"].url) == 0


def test_event_sources_come_from_the_template(queues):
    resources, _ = queues
    (source,) = event_sources_from_resources(resources)
    assert source.queue_url == resources["AckQueue"].url and source.batch_size == 10
    assert source.report_batch_item_failures
    assert source.target.handler == "functions.responder.app:lambda_handler" and source.target.timeout_seconds == 20
