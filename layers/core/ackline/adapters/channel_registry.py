"""ChannelRegistry on the single table: when each channel (platform account) was last heard from.

Item pk `CHANNEL`, sk `<platform>#<account id>`: `first_seen`, `last_seen`, `active_minutes`. Ingest marks a
channel at most once a minute per container (an in-memory note), so a busy channel costs one write a minute, not
one per webhook; `active_minutes` therefore counts minutes with traffic, which is what the usual gap needs.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ackline.adapters.dynamodb_codec import decode, encode_value
from ackline.adapters.fan_out import fan_out
from ackline.domain.channels import Channel

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

PK = "CHANNEL"


class DynamoChannelRegistry:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name
        self._marked: dict[str, int] = {}  # channel -> the minute this container last marked it
        self._lock = threading.Lock()

    def seen(self, channels: Iterable[str], now: float) -> None:
        minute = int(now // 60)
        with self._lock:
            due = [c for c in dict.fromkeys(channels) if self._marked.get(c) != minute]
            for channel in due:
                self._marked[channel] = minute
        fan_out(lambda channel: self._mark(channel, now), due, 8)

    def _mark(self, channel: str, now: float) -> None:
        self._client.update_item(
            TableName=self._table,
            Key={"pk": {"S": PK}, "sk": {"S": channel}},
            UpdateExpression=(
                "SET last_seen = :now, first_seen = if_not_exists(first_seen, :now) ADD active_minutes :one"
            ),
            ExpressionAttributeValues={":now": encode_value(now), ":one": {"N": "1"}},
        )

    def channels(self) -> list[Channel]:
        found: list[Channel] = []
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": PK}},
        }
        while True:
            page = self._client.query(**request)
            for raw in page.get("Items", []):
                item = decode(raw)
                found.append(
                    Channel(
                        key=str(item["sk"]),
                        first_seen=float(item["first_seen"]),
                        last_seen=float(item["last_seen"]),
                        active_minutes=int(item.get("active_minutes", 0)),
                    )
                )
            if "LastEvaluatedKey" not in page:
                return found
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
