"""Blocklist on the single DynamoDB table: item pk `BLOCK#<platform>#<author id>`, sk `BLOCK`, and a listing item
pk `BLOCKLIST`, sk `AT#<blocked at, zero-padded>#<platform>#<author id>`, written and deleted together in one
transaction.

Ingest asks about every author of a delivery in one BatchGetItem (at most 100 keys a call), so a delivery
costs one read more, not one per message. Staff list blocked authors with one Query on the listing partition,
newest first, reading only the page they ask for (the time-ordered sort key makes `Limit` mean "the newest n");
never a Scan. One partition is enough: blocking is a rare human action, far below a partition's write limit."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from ackline.adapters.dynamodb_codec import decode, encode
from ackline.domain.blocks import BlockedAuthor
from ackline.domain.model import Platform

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

BATCH_GET_LIMIT = 100
LISTING_PK = "BLOCKLIST"
# the prefix keeps the listing apart from anything else ever written under pk BLOCKLIST
LISTING_PREFIX = "AT#"


def _key(platform: Platform, author_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"BLOCK#{platform.value}#{author_id}"}, "sk": {"S": "BLOCK"}}


def listing_sort_key(blocked: BlockedAuthor) -> str:
    # fixed width (17 characters until the year 2286), so text order is time order
    return f"{LISTING_PREFIX}{blocked.at:017.6f}#{blocked.platform.value}#{blocked.author_id}"


class DynamoBlocklist:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def block(self, blocked: BlockedAuthor) -> None:
        fields = blocked.model_dump(mode="json")
        listed = listing_sort_key(blocked)
        entry = fields | {"pk": f"BLOCK#{blocked.platform.value}#{blocked.author_id}", "sk": "BLOCK", "listed": listed}
        try:
            self._client.transact_write_items(
                TransactItems=[
                    # only the first block counts: a second listing item would list the author twice
                    {
                        "Put": {
                            "TableName": self._table,
                            "Item": encode(entry),
                            "ConditionExpression": "attribute_not_exists(pk)",
                        }
                    },
                    {"Put": {"TableName": self._table, "Item": encode(fields | {"pk": LISTING_PK, "sk": listed})}},
                ]
            )
        except ClientError as exc:
            if not _lost_to_an_earlier_block(exc):
                raise

    def unblock(self, platform: Platform, author_id: str) -> None:
        found = self._client.get_item(TableName=self._table, Key=_key(platform, author_id), ConsistentRead=True)
        if "Item" not in found:
            return
        deletes: list[Any] = [{"Delete": {"TableName": self._table, "Key": _key(platform, author_id)}}]
        listed = found["Item"].get("listed", {}).get("S")
        if listed:
            deletes.append(
                {"Delete": {"TableName": self._table, "Key": {"pk": {"S": LISTING_PK}, "sk": {"S": listed}}}}
            )
        self._client.transact_write_items(TransactItems=deletes)

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

    def blocked_authors(self, limit: int) -> list[BlockedAuthor]:
        page = self._client.query(
            TableName=self._table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :at)",
            ExpressionAttributeValues={":pk": {"S": LISTING_PK}, ":at": {"S": LISTING_PREFIX}},
            ScanIndexForward=False,
            Limit=limit,
        )
        return [_blocked_from(raw) for raw in page.get("Items", [])]


def _lost_to_an_earlier_block(exc: ClientError) -> bool:
    if exc.response["Error"]["Code"] != "TransactionCanceledException":
        return False
    reasons = exc.response.get("CancellationReasons", [])
    return bool(reasons) and reasons[0].get("Code") == "ConditionalCheckFailed"


def _blocked_from(raw: dict[str, Any]) -> BlockedAuthor:
    item = decode(raw)
    return BlockedAuthor.model_validate({k: v for k, v in item.items() if k in BlockedAuthor.model_fields})
