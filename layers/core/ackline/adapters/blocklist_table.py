"""Blocklist on the single DynamoDB table: item pk `BLOCK#<platform>#<author id>`, sk `BLOCK`.

Ingest asks about every author of a delivery in one BatchGetItem (at most 100 keys a call), so a delivery
costs one read more, not one per message."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ackline.adapters.dynamodb_codec import decode, encode
from ackline.domain.blocks import BlockedAuthor
from ackline.domain.model import Platform

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

BATCH_GET_LIMIT = 100


def _key(platform: Platform, author_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"BLOCK#{platform.value}#{author_id}"}, "sk": {"S": "BLOCK"}}


class DynamoBlocklist:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def block(self, blocked: BlockedAuthor) -> None:
        item = blocked.model_dump(mode="json") | {"pk": f"BLOCK#{blocked.platform.value}#{blocked.author_id}"}
        self._client.put_item(TableName=self._table, Item=encode(item | {"sk": "BLOCK"}))

    def unblock(self, platform: Platform, author_id: str) -> None:
        self._client.delete_item(TableName=self._table, Key=_key(platform, author_id))

    def get(self, platform: Platform, author_id: str) -> BlockedAuthor | None:
        found = self._client.get_item(TableName=self._table, Key=_key(platform, author_id), ConsistentRead=True)
        return _blocked_from(found["Item"]) if "Item" in found else None

    def blocked(self, authors: Iterable[tuple[Platform, str]]) -> set[tuple[Platform, str]]:
        unique = list(dict.fromkeys(authors))
        found: set[tuple[Platform, str]] = set()
        for start in range(0, len(unique), BATCH_GET_LIMIT):
            request: dict[str, Any] = {
                self._table: {
                    "Keys": [_key(p, a) for p, a in unique[start : start + BATCH_GET_LIMIT]],
                    "ProjectionExpression": "platform, author_id",
                }
            }
            while request:
                result = self._client.batch_get_item(RequestItems=request)
                for raw in result.get("Responses", {}).get(self._table, []):
                    item = decode(raw)
                    found.add((Platform(item["platform"]), item["author_id"]))
                request = result.get("UnprocessedKeys") or {}
        return found


def _blocked_from(raw: dict[str, Any]) -> BlockedAuthor:
    item = decode(raw)
    return BlockedAuthor.model_validate({k: v for k, v in item.items() if k in BlockedAuthor.model_fields})
