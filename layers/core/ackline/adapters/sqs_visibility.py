"""Delays an SQS message's next delivery, so a reply is retried when the platform says, not sooner.

A failed record left alone comes back after the queue's fixed visibility timeout (120 s). Setting its
visibility to the platform's retry-after (Graph `Retry-After`, X `x-rate-limit-reset`, Telegram
`retry_after`) or to a backoff, then reporting it as a batch item failure, retries it at the right time;
the send lease still guarantees that a retry never sends twice.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

MAX_VISIBILITY_SECONDS = 12 * 3600  # the SQS maximum


class SqsRetryScheduler:
    def __init__(self, client: SQSClient, queue_url: str) -> None:
        self._client = client
        self._queue_url = queue_url

    def delay(self, receipt_handle: str, seconds: float) -> bool:
        """True when SQS took the new visibility; False leaves the queue's own timeout in charge."""
        visibility = min(MAX_VISIBILITY_SECONDS, max(0, math.ceil(seconds)))
        try:
            self._client.change_message_visibility(
                QueueUrl=self._queue_url, ReceiptHandle=receipt_handle, VisibilityTimeout=visibility
            )
        except ClientError:
            return False
        return True
