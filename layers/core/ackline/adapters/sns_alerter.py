"""Alerter on an SNS topic: whoever the brand subscribes (e-mail, chat, paging) hears of P1 cases at once."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_boto3_sns import SNSClient


class SnsAlerter:
    def __init__(self, client: SNSClient, topic_arn: str) -> None:
        self._client = client
        self._topic_arn = topic_arn

    def alert(self, subject: str, message: str) -> None:
        # SNS subjects are ASCII, one line, at most 100 characters (e-mail subscriptions use them as the subject)
        clean = "".join(c if 32 <= ord(c) < 127 else " " for c in subject)[:100]
        self._client.publish(TopicArn=self._topic_arn, Subject=clean, Message=message)
