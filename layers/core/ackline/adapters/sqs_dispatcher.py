"""Dispatcher on SQS: queue messages go out in batches of ten (one request per ten messages)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from pydantic import BaseModel

from ackline.adapters.fan_out import fan_out
from ackline.contracts.messages import AckRequest, FollowUpRequest, HumanResponseSeen
from ackline.domain.errors import DispatchFailed

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import SendMessageBatchRequestEntryTypeDef

SQS_BATCH = 10
SEND_THREADS = 8


class SqsDispatcher:
    def __init__(self, client: SQSClient, ack_queue_url: str, follow_up_queue_url: str) -> None:
        self._client = client
        self._ack_url = ack_queue_url
        self._follow_up_url = follow_up_queue_url

    def request_acks(self, requests: Sequence[AckRequest]) -> None:
        self._send(self._ack_url, requests)

    def request_follow_ups(self, requests: Sequence[FollowUpRequest]) -> None:
        self._send(self._follow_up_url, requests)

    def request_human_responses(self, requests: Sequence[HumanResponseSeen]) -> None:
        self._send(self._follow_up_url, requests)

    def _send(self, queue_url: str, messages: Sequence[BaseModel]) -> None:
        if messages and not queue_url:
            raise DispatchFailed("queue URL is not configured for this function")
        chunks = [messages[start : start + SQS_BATCH] for start in range(0, len(messages), SQS_BATCH)]
        # a 1,000-update delivery is 100 batch calls: a few threads keep the webhook's answer inside its deadline
        fan_out(lambda chunk: self._send_chunk(queue_url, chunk), chunks, SEND_THREADS)

    def _send_chunk(self, queue_url: str, chunk: Sequence[BaseModel]) -> None:
        entries: list[SendMessageBatchRequestEntryTypeDef] = [
            {"Id": str(i), "MessageBody": m.model_dump_json()} for i, m in enumerate(chunk)
        ]
        result = self._client.send_message_batch(QueueUrl=queue_url, Entries=entries)
        if failed := result.get("Failed"):
            raise DispatchFailed(f"{len(failed)} of {len(chunk)} messages refused: {failed[0].get('Code')}")
