"""HumanReplyQueue on SQS: a person's reply joins the automated replies on AckQueue, so the responder sends it with
the same lease, window checks, rate-limit waits and retries."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ackline.contracts.messages import HumanReplyRequest

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient


class SqsHumanReplyQueue:
    def __init__(self, client: SQSClient, ack_queue_url: str) -> None:
        self._client = client
        self._url = ack_queue_url

    def request_human_reply(self, request: HumanReplyRequest) -> None:
        self._client.send_message(QueueUrl=self._url, MessageBody=request.model_dump_json())
