"""UnsettledIndex: the interactions ackline still owes something (a reply, or a case), for the reconciler.

Sparse GSI on the single table: an interaction carries gsi4pk/gsi4sk only while it is unsettled — its reply is
`pending` or `sending`, or it was escalated without a reply and its case is not recorded yet. The write that
settles it (the responder's final `finish_reply`, the follow-up's `case_recorded`, the reconciler giving up)
removes the keys, so the index holds only the few items in flight and the reconciler reads it with a handful of
Queries, never a Scan. Keys and sharding: `unsettled_keys`.

The index projects keys only: every write to an interaction that changes a projected attribute is copied into an
ALL index, and an interaction is written three times while it is unsettled (stored, claimed, settled) — with ALL
that was two write units per copy on every message; keys only, the claim is not copied at all. The reconciler,
which runs every few minutes over a handful of entries, reads what it found whole with one consistent
BatchGetItem, which also gives it the items' state as of now rather than the index's (eventually consistent) copy.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from ackline.adapters.dynamodb_codec import encode_value, sortable_time
from ackline.adapters.interaction_table import DynamoInteractionStore, interaction_pk
from ackline.adapters.unsettled_keys import BUCKETS, INDEX_NAME
from ackline.domain.model import ReplyStatus, StoredInteraction

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

_CONDITION_FAILED = "ConditionalCheckFailedException"


class DynamoUnsettledInteractions:
    """UnsettledInteractions on the table's UnsettledIndex (keys only: found there, read whole from the table)."""

    def __init__(self, client: DynamoDBClient, table_name: str, page_size: int = 100) -> None:
        self._client = client
        self._table = table_name
        self._page = page_size
        self._interactions = DynamoInteractionStore(client, table_name)

    def unsettled(self, received_before: float, limit: int) -> list[StoredInteraction]:
        keys = self._keys(received_before, limit)
        found = self._interactions.get_many(keys)
        # one erased between the Query and the read is gone; one settled meanwhile is read as it is now, and the
        # reconciler's idempotent paths (a re-queued follow-up finds its case, a settled reply is only cleaned up)
        # make that harmless, as it was when the index's own copy could be a moment old
        return [found[key] for key in keys if key in found]

    def _keys(self, received_before: float, limit: int) -> list[str]:
        keys: list[str] = []
        for bucket in range(BUCKETS):
            for raw in self._query(bucket, received_before):
                keys.append(raw["pk"]["S"].removeprefix("INT#"))
                if len(keys) >= limit:
                    return keys
        return keys

    def _query(self, bucket: int, received_before: float) -> Iterator[dict[str, Any]]:
        request: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": INDEX_NAME,
            "KeyConditionExpression": "gsi4pk = :b AND gsi4sk < :cutoff",
            "ExpressionAttributeValues": {
                ":b": {"S": f"UNSETTLED#{bucket}"},
                ":cutoff": {"S": sortable_time(received_before)},
            },
            "Limit": self._page,
        }
        while True:
            page = self._client.query(**request)
            yield from page.get("Items", [])
            if "LastEvaluatedKey" not in page:
                return
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def give_up_reply(self, key: str, reason: str) -> bool:
        """pending -> failed (leaving the index), only if still pending: a responder that claimed it meanwhile wins."""
        return self._conditional(
            key,
            "SET reply_status = :failed, reply_error = :why REMOVE gsi4pk, gsi4sk, reply_lease_until",
            "reply_status = :pending",
            {":failed": ReplyStatus.FAILED.value, ":why": reason[:1000], ":pending": ReplyStatus.PENDING.value},
        )

    def case_recorded(self, key: str) -> bool:
        """The escalation's case is written: leave the index unless a reply is still owed."""
        return self.settle(key)

    def settle(self, key: str) -> bool:
        """Leave the index when nothing is owed any more (no reply pending or in flight)."""
        return self._conditional(
            key,
            "REMOVE gsi4pk, gsi4sk",
            "attribute_exists(pk) AND NOT reply_status IN (:pending, :sending)",
            {":pending": ReplyStatus.PENDING.value, ":sending": ReplyStatus.SENDING.value},
        )

    def _conditional(self, key: str, update: str, condition: str, values: dict[str, str]) -> bool:
        try:
            self._client.update_item(
                TableName=self._table,
                Key=interaction_pk(key),
                UpdateExpression=update,
                ConditionExpression=condition,
                ExpressionAttributeValues={k: encode_value(v) for k, v in values.items()},
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == _CONDITION_FAILED:
                return False
            raise
        return True
