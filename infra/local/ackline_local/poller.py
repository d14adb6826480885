"""The local event source mapping: a few threads per SQS event source (as Lambda's pollers), calling the handler
with real SQS batch events.

SAM CLI does not poll SQS, and the retry behaviour is where bugs hide, so this follows Lambda's semantics:
batches of up to BatchSize records; with ReportBatchItemFailures only the records not listed in
`batchItemFailures` are deleted (an unknown identifier fails the whole batch, as in Lambda); if the handler
raises, nothing is deleted. Failed messages come back after the queue's visibility timeout, and moto's redrive
moves them to the DLQ after maxReceiveCount, exactly as SQS does.
"""

from __future__ import annotations

import base64
import logging
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ackline_local.intrinsics import LOCAL_REGION
from ackline_local.lambda_runtime import LambdaTarget
from ackline_local.resources import LocalResources

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import MessageTypeDef

logger = logging.getLogger(__name__)

RECEIVE_WAIT_SECONDS = 1  # short long-poll so stop() returns within about a second
# Lambda's SQS event source mapping starts five concurrent pollers, each invoking the function with its own batch,
# and scales up from there; one local consumer would make throughput a property of the emulator, not the design.
# Locally two: moto serves one DynamoDB request at a time, so more consumers only queue behind that lock and starve
# the webhooks (under a loaded CI machine Ingest's calls then outlast their 5 s read timeout and it answers 503).
CONSUMERS_PER_QUEUE = 2
_MAX_RECEIVE = 10  # SQS ReceiveMessage limit


@dataclass(frozen=True)
class EventSource:
    """What the poller needs about one SQS -> function mapping."""

    queue_url: str
    queue_arn: str
    target: LambdaTarget
    batch_size: int = 10
    report_batch_item_failures: bool = True
    consumers: int = CONSUMERS_PER_QUEUE  # concurrent invocations, as Lambda's pollers (see CONSUMERS_PER_QUEUE)


def sqs_record(message: MessageTypeDef, queue_arn: str, region: str = LOCAL_REGION) -> dict[str, Any]:
    """One `Records[]` entry shaped like Lambda's SQS event (camelCase keys, string attributes)."""
    record: dict[str, Any] = {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message.get("Body", ""),
        "attributes": dict(message.get("Attributes", {})),
        "messageAttributes": {
            name: {
                "stringValue": value.get("StringValue"),
                "binaryValue": _b64(value.get("BinaryValue")),
                "stringListValues": list(value.get("StringListValues", [])),
                "binaryListValues": [_b64(v) for v in value.get("BinaryListValues", [])],
                "dataType": value["DataType"],
            }
            for name, value in message.get("MessageAttributes", {}).items()
        },
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }
    if "MD5OfMessageAttributes" in message:
        record["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
    return record


def _b64(value: bytes | None) -> str | None:
    return None if value is None else base64.b64encode(value).decode("ascii")


def failed_message_ids(result: Any, message_ids: Sequence[str]) -> set[str]:
    """ReportBatchItemFailures: the ids to keep; a malformed response or unknown id fails the whole batch."""
    if result is None or (isinstance(result, Mapping) and not result.get("batchItemFailures")):
        return set()
    failures = result.get("batchItemFailures") if isinstance(result, Mapping) else None
    if not isinstance(failures, list):
        return set(message_ids)
    failed = {item.get("itemIdentifier") if isinstance(item, Mapping) else None for item in failures}
    if not failed <= set(message_ids):
        logger.warning("batchItemFailures names an unknown or empty itemIdentifier; the whole batch fails")
        return set(message_ids)
    return {str(i) for i in failed}


class QueuePoller:
    """Long-polls one queue on `consumers` threads, each feeding its own batches to the handler (see module
    docstring)."""

    def __init__(self, source: EventSource, sqs: SQSClient) -> None:
        self.source = source
        self._sqs = sqs
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._run, name=f"poller-{source.target.function_name}-{n}", daemon=True)
            for n in range(max(1, source.consumers))
        ]

    def start(self) -> QueuePoller:
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        self.request_stop()
        self.join(self.finish_deadline())

    def request_stop(self) -> None:
        """No new batch is received from here on; the batches in hand are finished (see `join`)."""
        self._stop.set()

    def finish_deadline(self) -> float:
        """How long (monotonic) a batch in hand may still take: its function's timeout, as Lambda would let an
        invocation run, after the last long poll returns."""
        return time.monotonic() + RECEIVE_WAIT_SECONDS + self.source.target.timeout_seconds + 5

    def join(self, deadline: float) -> None:
        """Wait until `deadline` for the consumers to finish the batch in hand. Stopping sooner would leave a handler
        writing after the stack's last snapshot (its writes, its delete, its reply's record unsaved) while the
        snapshot keeps the message and its lease."""
        for thread in self._threads:
            if thread.ident is not None:  # never started (e.g. LocalStack(start_pollers=False))
                thread.join(timeout=max(0.0, deadline - time.monotonic()))
                if thread.is_alive():
                    logger.warning("a consumer is still in its handler after the function's timeout: %s", thread.name)

    def poll_once(self, wait_seconds: int = RECEIVE_WAIT_SECONDS) -> int:
        """Receive one batch, invoke, delete successes; returns the number of records delivered."""
        messages = self._receive_batch(wait_seconds)
        if messages:
            self._deliver(messages)
        return len(messages)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.poll_once()
            except Exception:
                logger.exception("polling failed", extra={"queue": self.source.queue_url})
                self._stop.wait(1)

    def _receive_batch(self, wait_seconds: int) -> list[MessageTypeDef]:
        """Up to BatchSize messages; more than one ReceiveMessage only when BatchSize exceeds SQS's 10."""
        messages: list[MessageTypeDef] = []
        while len(messages) < self.source.batch_size and not self._stop.is_set():
            wanted = min(_MAX_RECEIVE, self.source.batch_size - len(messages))
            received = self._sqs.receive_message(
                QueueUrl=self.source.queue_url,
                MaxNumberOfMessages=wanted,
                WaitTimeSeconds=0 if messages else wait_seconds,
                AttributeNames=["All"],
                MessageAttributeNames=["All"],
            ).get("Messages", [])
            seen = {m["MessageId"] for m in messages}
            fresh = [m for m in received if m["MessageId"] not in seen]
            messages.extend(fresh)
            if len(received) < wanted or len(fresh) < len(received):
                break  # the queue is drained, or a zero visibility timeout handed back a message already in hand
        return messages

    def _deliver(self, messages: list[MessageTypeDef]) -> None:
        event = {"Records": [sqs_record(m, self.source.queue_arn) for m in messages]}
        ids = [m["MessageId"] for m in messages]
        try:
            result = self.source.target.invoke(event)
        except Exception:
            logger.exception("handler failed; the batch stays on the queue", extra={"records": len(ids)})
            return
        failed = failed_message_ids(result, ids) if self.source.report_batch_item_failures else set()
        done = [m for m in messages if m["MessageId"] not in failed]
        for start in range(0, len(done), _MAX_RECEIVE):
            chunk = done[start : start + _MAX_RECEIVE]
            self._sqs.delete_message_batch(
                QueueUrl=self.source.queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(chunk)],
            )
        logger.info(
            "batch delivered",
            extra={"function": self.source.target.function_name, "ok": len(done), "failed": len(failed)},
        )


def event_sources_from_resources(resources: LocalResources) -> list[EventSource]:
    """Every enabled SQS event of every function in the template, bound to the created queues."""
    sources: list[EventSource] = []
    for function in resources.template.functions:
        target = LambdaTarget(
            function_name=f"{resources.name_prefix}-{function.logical_id}",
            handler=function.handler_ref,
            timeout_seconds=function.timeout_seconds,
            memory_mb=function.memory_mb,
            logical_id=function.logical_id,
        )
        for sqs_source in function.sqs_sources:
            if not sqs_source.enabled:
                continue
            queue = resources[sqs_source.queue_logical_id]
            sources.append(
                EventSource(
                    queue_url=queue.ref,
                    queue_arn=queue.arn,
                    target=target,
                    batch_size=sqs_source.batch_size,
                    report_batch_item_failures=sqs_source.reports_batch_item_failures,
                )
            )
    return sources
