"""AuthorShield on the single table: a per-author message counter and the blocklist.

The counter lives on the author's record (pk `AUTHOR#<conversation key>`, sk `AUTHOR`, shared with the abuse
ledger): `rate_minute` / `rate_n`, one atomic ADD while the minute is current, a conditional restart when it is
not. The same write returns the record, so whether the author is blocked costs no extra read. Each message is
counted as it arrives (a redelivered webhook counts again), which can only make the limit stricter for an
author whose webhooks were retried.

The blocklist is `blocked_by` / `blocked_at` on the same record, plus a listing item (pk `BLOCKLIST`, sk the
author) so staff can see every blocked author in one Query.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from ackline.adapters.dynamodb_codec import decode, encode_value
from ackline.adapters.fan_out import fan_out
from ackline.domain.shield import AuthorRate, ShieldBlock

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

WRITE_THREADS = 16
_CONDITION_FAILED = "ConditionalCheckFailedException"


def _key(author_key: str) -> dict[str, Any]:
    return {"pk": {"S": f"AUTHOR#{author_key}"}, "sk": {"S": "AUTHOR"}}


class DynamoAuthorShield:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def hit(self, messages: Mapping[str, int], now: float) -> dict[str, AuthorRate]:
        authors = list(messages)
        rates = fan_out(lambda author: self._hit(author, messages[author], int(now // 60)), authors, WRITE_THREADS)
        return dict(zip(authors, rates, strict=True))

    def _hit(self, author_key: str, n: int, minute: int) -> AuthorRate:
        values = {":n": {"N": str(n)}, ":m": {"N": str(minute)}}
        for _ in range(3):
            try:
                result = self._client.update_item(
                    TableName=self._table,
                    Key=_key(author_key),
                    UpdateExpression="ADD rate_n :n",
                    ConditionExpression="rate_minute = :m",
                    ExpressionAttributeValues=values,
                    ReturnValues="ALL_NEW",
                )
            except ClientError as exc:
                if exc.response["Error"]["Code"] != _CONDITION_FAILED:
                    raise
            else:
                return self._rate(result["Attributes"])
            try:
                # a new minute (or a new author): this delivery starts the count; only one writer restarts it
                result = self._client.update_item(
                    TableName=self._table,
                    Key=_key(author_key),
                    UpdateExpression="SET rate_minute = :m, rate_n = :n",
                    ConditionExpression="attribute_not_exists(rate_minute) OR rate_minute < :m",
                    ExpressionAttributeValues=values,
                    ReturnValues="ALL_NEW",
                )
            except ClientError as exc:
                if exc.response["Error"]["Code"] != _CONDITION_FAILED:
                    raise
            else:
                return self._rate(result["Attributes"])
        raise RuntimeError(f"the message count of {author_key} kept changing; retry the delivery")

    @staticmethod
    def _rate(raw: Mapping[str, Any]) -> AuthorRate:
        return AuthorRate(count=int(raw["rate_n"]["N"]), blocked="blocked_at" in raw)

    def block(self, author_key: str, blocked: bool, by: str, now: float) -> None:
        values = {":by": encode_value(by), ":now": encode_value(now)}
        listing = {"pk": {"S": "BLOCKLIST"}, "sk": {"S": author_key}}
        if blocked:
            self._client.update_item(
                TableName=self._table,
                Key=_key(author_key),
                UpdateExpression="SET blocked_by = :by, blocked_at = :now",
                ExpressionAttributeValues=values,
            )
            self._client.update_item(
                TableName=self._table,
                Key=listing,
                UpdateExpression="SET blocked_by = :by, blocked_at = :now",
                ExpressionAttributeValues=values,
            )
            return
        self._client.update_item(
            TableName=self._table, Key=_key(author_key), UpdateExpression="REMOVE blocked_by, blocked_at"
        )
        # the listing item is kept as a record of who unblocked, and when
        self._client.update_item(
            TableName=self._table,
            Key=listing,
            UpdateExpression="SET unblocked_by = :by, unblocked_at = :now REMOVE blocked_by, blocked_at",
            ExpressionAttributeValues=values,
        )

    def blocklist(self) -> list[ShieldBlock]:
        found: list[ShieldBlock] = []
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": "BLOCKLIST"}},
            "ConsistentRead": True,
        }
        while True:
            page = self._client.query(**request)
            for raw in page.get("Items", []):
                item = decode(raw)
                if "blocked_at" in item:
                    found.append(ShieldBlock(str(item["sk"]), str(item["blocked_by"]), float(item["blocked_at"])))
            if "LastEvaluatedKey" not in page:
                return found
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
