"""ReplyMemory on the single DynamoDB table: the reply variants recently used under one post.

Item: pk `POST#<platform>#<post id>`, sk `RECENT`, `recent` a short list of `<template>#<index>@<tag>` (oldest
first; the tag is a hash of the interaction answered) and `expires_at` (TTL): a post's conversation dies down,
and so does the need to vary under it.
One GetItem before composing and one UpdateItem after a successful send; no index is touched.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

MEMORY_TTL_SECONDS = 30 * 24 * 3600


def _key(post_key: str) -> dict[str, Any]:
    return {"pk": {"S": f"POST#{post_key}"}, "sk": {"S": "RECENT"}}


class DynamoReplyMemory:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def recent(self, post_key: str) -> list[str]:
        found = self._client.get_item(
            TableName=self._table, Key=_key(post_key), ConsistentRead=True, ProjectionExpression="recent"
        )
        return [v["S"] for v in found.get("Item", {}).get("recent", {}).get("L", [])]

    def remember(self, post_key: str, recent: Sequence[str], now: float) -> None:
        # UpdateItem rather than PutItem: the responder already holds it (for its lease), so no new grant
        self._client.update_item(
            TableName=self._table,
            Key=_key(post_key),
            UpdateExpression="SET recent = :r, expires_at = :ttl",
            ExpressionAttributeValues={
                ":r": {"L": [{"S": v} for v in recent]},
                ":ttl": {"N": str(int(now) + MEMORY_TTL_SECONDS)},
            },
        )
