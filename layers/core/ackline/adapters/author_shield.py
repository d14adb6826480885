"""AuthorShield on the single table: a per-author message counter (blocking is the Blocklist's, `blocklist_table`).

One small item per author and minute (pk `AUTHOR#<conversation key>`, sk `RATE#<minute>`, `rate_n`, `expires_at`
for TTL): one unconditional ADD counts a delivery's messages and returns the count, whatever the author did before.
A counter on the author's record with a restart each new minute cost two writes for every author who had not
written that minute — most customers, who write once — and the record (shared with the abuse ledger's set of keys)
can outgrow a write unit. The items sit under the author's partition, so an erasure request takes them with the
rest. Each message is counted as it arrives (a redelivered webhook counts again), which can only make the limit
stricter for an author whose webhooks were retried.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ackline.adapters.fan_out import MAX_THREADS, fan_out
from ackline.domain.shield import AuthorRate

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

WRITE_THREADS = MAX_THREADS
# a minute's counter is read only during that minute; TTL deletes it within a day or two of this
RETENTION_SECONDS = 3600


def _key(author_key: str, minute: int) -> dict[str, Any]:
    return {"pk": {"S": f"AUTHOR#{author_key}"}, "sk": {"S": f"RATE#{minute}"}}


class DynamoAuthorShield:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def hit(self, messages: Mapping[str, int], now: float) -> dict[str, AuthorRate]:
        authors = list(messages)
        rates = fan_out(lambda author: self._hit(author, messages[author], int(now // 60)), authors, WRITE_THREADS)
        return dict(zip(authors, rates, strict=True))

    def _hit(self, author_key: str, n: int, minute: int) -> AuthorRate:
        result = self._client.update_item(
            TableName=self._table,
            Key=_key(author_key, minute),
            UpdateExpression="ADD rate_n :n SET expires_at = :expires",
            ExpressionAttributeValues={
                ":n": {"N": str(n)},
                ":expires": {"N": str(minute * 60 + RETENTION_SECONDS)},
            },
            ReturnValues="UPDATED_NEW",  # ADD always changes rate_n, so it is always returned
        )
        return self._rate(result["Attributes"])

    @staticmethod
    def _rate(raw: Mapping[str, Any]) -> AuthorRate:
        return AuthorRate(count=int(raw["rate_n"]["N"]))
