"""AuthorShield on the single table: a per-author message counter (blocking is the Blocklist's, `blocklist_table`).

The counter lives on the author's record (pk `AUTHOR#<conversation key>`, sk `AUTHOR`, shared with the abuse
ledger): `rate_minute` / `rate_n`, one atomic ADD while the minute is current, a conditional restart when it is
not. Each message is counted as it arrives (a redelivered webhook counts again), which can only make the limit
stricter for an author whose webhooks were retried.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from ackline.adapters.fan_out import fan_out
from ackline.domain.shield import AuthorRate

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
                    # just the count back, not the record (which also holds the abuse ledger's set of keys)
                    ReturnValues="UPDATED_NEW",
                )
            except ClientError as exc:
                if exc.response["Error"]["Code"] != _CONDITION_FAILED:
                    raise
            else:
                return self._rate(result["Attributes"])
            try:
                # a new minute (or a new author): this delivery starts the count; only one writer restarts it
                self._client.update_item(
                    TableName=self._table,
                    Key=_key(author_key),
                    UpdateExpression="SET rate_minute = :m, rate_n = :n",
                    ConditionExpression="attribute_not_exists(rate_minute) OR rate_minute < :m",
                    ExpressionAttributeValues=values,
                )
            except ClientError as exc:
                if exc.response["Error"]["Code"] != _CONDITION_FAILED:
                    raise
            else:
                # the count is what this write set: nothing to read back (moto's UPDATED_NEW leaves out an attribute
                # set to the value it already held, and the count must not hinge on an emulator's or API's echo)
                return AuthorRate(count=n)
        raise RuntimeError(f"the message count of {author_key} kept changing; retry the delivery")

    @staticmethod
    def _rate(raw: Mapping[str, Any]) -> AuthorRate:
        return AuthorRate(count=int(raw["rate_n"]["N"]))
