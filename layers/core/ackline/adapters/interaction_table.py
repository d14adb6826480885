"""InteractionStore on the single DynamoDB table.

Item: pk `INT#<platform>#<external id>`, sk `INT` — the idempotency key is the primary key, so a
single conditional put both stores and deduplicates (1 write, no transaction). The conversation
(every interaction of one author with one brand account) is one Query on ConversationIndex:
gsi1pk `CONV#<conversation key>`, gsi1sk `<time>`.

A customer message suppressed without a reply (spam, a comment that only tags friends) is also in the sparse
QueueIndex under gsi2pk `SUPPRESSED#<bucket>`, gsi2sk `<received time>#<key>`, so staff can list what was not
answered; bucketed like the case queue so a spam wave is not one hot partition.

Write units are the cost unit (one per started KB written, on the table and on every index entry written), so:
- the raw webhook is kept compressed in a binary attribute `raw_z` (adapters.raw_payload; decoded when read;
  older items' plain `raw` still reads), and attributes equal to their model default are left out (they read
  back as the default), which keeps a typical comment's item near 1 KB;
- index sort keys are times alone (gsi1sk, gsi3sk, gsi4sk): an index's sort key need not be unique, its entries and
  pages carry the table key, so repeating the interaction key there only added billed bytes to every write;
- ConversationIndex projects keys only: an index entry is written once, when the interaction is put, and never
  again as its reply moves on (with a full projection every claim and finish was copied there too). Reading a
  conversation is a keys-only Query and a BatchGetItem of those items.

A reply's delivery state (WhatsApp statuses) lives on the interaction it answered: `delivery_state`,
`delivery_rank` (for the forward-only condition), `delivery_error`, `delivery_at`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError
from pydantic import BaseModel

from ackline.adapters.dynamodb_codec import decode, encode, encode_value, sortable_time
from ackline.adapters.dynamodb_failures import settle
from ackline.adapters.fan_out import MAX_THREADS, fan_out
from ackline.adapters.raw_payload import pack, unpack
from ackline.adapters.unsettled_keys import SETTLED_STATUSES, unsettled_keys
from ackline.domain.delivery import DeliveryReport
from ackline.domain.erasure import person_of
from ackline.domain.model import (
    Action,
    Decision,
    DeliveryState,
    Interaction,
    Kind,
    ReplyStatus,
    StoredInteraction,
)
from ackline.domain.suppression import listed_as_suppressed
from ackline.ports import AddResult

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

ACTIVITY_RETENTION_SECONDS = 90 * 24 * 3600
WRITE_THREADS = MAX_THREADS  # boto3 clients are thread-safe; 16 keeps a 1,000-update delivery well inside a second
BATCH_GET_LIMIT = 100  # DynamoDB's BatchGetItem maximum  # reactions and read receipts are kept 90 days, not forever
_CONDITION_FAILED = "ConditionalCheckFailedException"
SUPPRESSED_BUCKETS = 8


def _suppressed_partition(key: str) -> str:
    return f"SUPPRESSED#{int(hashlib.sha256(key.encode()).hexdigest(), 16) % SUPPRESSED_BUCKETS}"


_INTERACTION_FIELDS = set(Interaction.model_fields)
RAW_COMPRESSED = "raw_z"
_DECISION_FIELDS = {f"decision_{name}" for name in Decision.model_fields}


def interaction_pk(key: str) -> dict[str, Any]:
    return {"pk": {"S": f"INT#{key}"}, "sk": {"S": "INT"}}


def _without_defaults(values: dict[str, Any], model: type[BaseModel]) -> dict[str, Any]:
    # an attribute equal to its field's default carries nothing: left out, it reads back as the default
    defaults = {k: f.default for k, f in model.model_fields.items() if not f.is_required() and f.default is not None}
    return {k: v for k, v in values.items() if k not in defaults or defaults[k] != v}


def _to_item(interaction: Interaction, decision: Decision, status: ReplyStatus) -> dict[str, Any]:
    item: dict[str, Any] = _without_defaults(interaction.model_dump(mode="json"), Interaction)
    if raw := item.pop("raw", ""):
        item[RAW_COMPRESSED] = pack(raw)
    item.update({f"decision_{k}": v for k, v in _without_defaults(decision.model_dump(mode="json"), Decision).items()})
    item.update(
        pk=f"INT#{interaction.key}",
        sk="INT",
        gsi1pk=f"CONV#{interaction.conversation_key}",
        gsi1sk=sortable_time(interaction.created_at),
        reply_status=status.value,  # reply_attempts starts absent (read as 0); the claim ADDs to it
    )
    if person := person_of(interaction):
        # PersonIndex (keys only): everything one person said, so an erasure request finds it in one query
        item.update(gsi3pk=f"PERSON#{person}", gsi3sk=sortable_time(interaction.received_at))
    if listed_as_suppressed(interaction, decision):
        item.update(
            gsi2pk=_suppressed_partition(interaction.key),
            gsi2sk=f"{sortable_time(interaction.received_at)}#{interaction.key}",
        )
    # UnsettledIndex (sparse): only while a reply or a case is still owed, so the reconciler never scans
    item.update(unsettled_keys(interaction, decision, status))
    if interaction.kind is Kind.ACTIVITY:
        item["expires_at"] = int(interaction.received_at) + ACTIVITY_RETENTION_SECONDS
    return item


def _from_item(raw: dict[str, Any]) -> StoredInteraction:
    item = decode(raw)
    if (packed := item.pop(RAW_COMPRESSED, None)) is not None:
        item["raw"] = unpack(bytes(getattr(packed, "value", packed)))
    interaction = Interaction.model_validate({k: v for k, v in item.items() if k in _INTERACTION_FIELDS})
    decision = Decision.model_validate(
        {k.removeprefix("decision_"): v for k, v in item.items() if k in _DECISION_FIELDS}
    )
    return StoredInteraction(
        interaction=interaction,
        decision=decision,
        reply_status=ReplyStatus(item.get("reply_status", ReplyStatus.NONE)),
        reply_id=item.get("reply_id", ""),
        reply_text=item.get("reply_text", ""),
        reply_error=item.get("reply_error", ""),
        reply_attempts=item.get("reply_attempts", 0),
        reply_lease_until=item.get("reply_lease_until"),
        replied_at=item.get("replied_at"),
        ack_latency_ms=item.get("ack_latency_ms"),
        delivery_state=DeliveryState(item.get("delivery_state", DeliveryState.NONE)),
        delivery_error=item.get("delivery_error", ""),
        delivery_at=item.get("delivery_at"),
    )


class DynamoInteractionStore:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def add(self, interaction: Interaction, decision: Decision) -> StoredInteraction | None:
        status = ReplyStatus.PENDING if decision.action is Action.REPLY else ReplyStatus.NONE
        item = _to_item(interaction, decision, status)
        try:
            self._client.put_item(
                TableName=self._table, Item=encode(item), ConditionExpression="attribute_not_exists(pk)"
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == _CONDITION_FAILED:
                return None
            raise
        return _from_item(encode(item))

    def get(self, key: str) -> StoredInteraction | None:
        found = self._client.get_item(TableName=self._table, Key=interaction_pk(key), ConsistentRead=True)
        return _from_item(found["Item"]) if "Item" in found else None

    def add_many(self, items: Sequence[tuple[Interaction, Decision]]) -> list[AddResult]:
        # Conditional puts cannot be batched (BatchWriteItem takes no conditions), so a big delivery is written
        # by a few threads at once: 1,000 puts at ~5 ms each would otherwise outlast the platform's patience.
        # Each write settles on its own: one entry's failure is reported in its place, never raised, so the
        # entries written beside it are still known (and their work queued) whatever happened to it.
        return fan_out(lambda pair: self._add_settled(*pair), items, WRITE_THREADS)

    def _add_settled(self, interaction: Interaction, decision: Decision) -> AddResult:
        try:
            return self.add(interaction, decision)
        except Exception as exc:  # every failure is classified, none escapes a thread
            return settle(exc)

    def suppressed(self, limit: int) -> list[StoredInteraction]:
        found: list[dict[str, Any]] = []
        for bucket in range(SUPPRESSED_BUCKETS):
            result = self._client.query(
                TableName=self._table,
                IndexName="QueueIndex",
                KeyConditionExpression="gsi2pk = :q",
                ExpressionAttributeValues={":q": {"S": f"SUPPRESSED#{bucket}"}},
                ScanIndexForward=False,
                Limit=limit,
            )
            found.extend(result.get("Items", []))
        found.sort(key=lambda item: item["gsi2sk"]["S"], reverse=True)
        return [_from_item(item) for item in found[:limit]]

    def get_many(self, keys: Sequence[str]) -> dict[str, StoredInteraction]:
        found: dict[str, StoredInteraction] = {}
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), BATCH_GET_LIMIT):
            request: dict[str, Any] = {
                self._table: {
                    "Keys": [interaction_pk(k) for k in unique[start : start + BATCH_GET_LIMIT]],
                    "ConsistentRead": True,
                }
            }
            while request:
                result = self._client.batch_get_item(RequestItems=request)
                for raw in result.get("Responses", {}).get(self._table, []):
                    stored = _from_item(raw)
                    found[stored.interaction.key] = stored
                request = result.get("UnprocessedKeys") or {}
        return found

    def claim_reply(self, key: str, now: float, lease_seconds: int) -> StoredInteraction | None:
        try:
            result = self._client.update_item(
                TableName=self._table,
                Key=interaction_pk(key),
                UpdateExpression="SET reply_status = :sending, reply_lease_until = :lease ADD reply_attempts :one",
                # a missing item fails the condition too: the caller then finds it missing
                ConditionExpression="reply_status = :pending",
                ExpressionAttributeValues={
                    ":sending": {"S": ReplyStatus.SENDING.value},
                    ":pending": {"S": ReplyStatus.PENDING.value},
                    ":lease": encode_value(now + lease_seconds),
                    ":one": {"N": "1"},
                },
                ReturnValues="ALL_NEW",
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == _CONDITION_FAILED:
                return None
            raise
        return _from_item(result["Attributes"])

    def finish_reply(
        self,
        key: str,
        status: ReplyStatus,
        *,
        reply_id: str = "",
        reply_text: str = "",
        error: str = "",
        replied_at: float | None = None,
        ack_latency_ms: int | None = None,
    ) -> None:
        values: dict[str, Any] = {"reply_status": status.value}
        optional = {
            "reply_error": error[:1000],
            "reply_id": reply_id,
            "reply_text": reply_text,
            "replied_at": replied_at,
            "ack_latency_ms": ack_latency_ms,
        }
        values.update({k: v for k, v in optional.items() if v not in (None, "")})
        names = {f"#{k}": k for k in values}
        # a settled reply leaves UnsettledIndex in the same write (its follow-up, if any, was queued before its ack);
        # an empty error is removed rather than stored (it reads back as "")
        removed = "reply_lease_until" + (", gsi4pk, gsi4sk" if status in SETTLED_STATUSES else "")
        removed += "" if error else ", reply_error"
        self._client.update_item(
            TableName=self._table,
            Key=interaction_pk(key),
            UpdateExpression="SET " + ", ".join(f"#{k} = :{k}" for k in values) + f" REMOVE {removed}",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues={f":{k}": encode_value(v) for k, v in values.items()},
            ConditionExpression="attribute_exists(pk)",
        )

    def record_deliveries(self, updates: Sequence[tuple[str, DeliveryReport]]) -> list[bool]:
        # a delivery may carry many statuses: written by a few threads at once, like `add_many`
        return fan_out(lambda update: self._record_delivery(*update), updates, WRITE_THREADS)

    def _record_delivery(self, key: str, report: DeliveryReport) -> bool:
        # One conditional write: only the reply with this id, and only forward (read never falls back to
        # delivered when the reports arrive out of order). A refused condition costs the write, changes nothing.
        values: dict[str, Any] = {
            ":state": report.state.value,
            ":rank": report.rank,
            ":at": report.at,
            ":error": report.error[:500],
            ":reply": report.message_id,
        }
        try:
            self._client.update_item(
                TableName=self._table,
                Key=interaction_pk(key),
                UpdateExpression=(
                    "SET delivery_state = :state, delivery_rank = :rank, delivery_at = :at, delivery_error = :error"
                ),
                ConditionExpression=(
                    "reply_id = :reply AND (attribute_not_exists(delivery_rank) OR delivery_rank < :rank)"
                ),
                ExpressionAttributeValues={k: encode_value(v) for k, v in values.items()},
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == _CONDITION_FAILED:
                return False
            raise
        return True

    def conversation(self, conversation_key: str, limit: int = 100) -> list[StoredInteraction]:
        # the index holds keys only (see the module docstring): find the latest `limit`, then read them whole
        result = self._client.query(
            TableName=self._table,
            IndexName="ConversationIndex",
            KeyConditionExpression="gsi1pk = :c",
            ExpressionAttributeValues={":c": {"S": f"CONV#{conversation_key}"}},
            ScanIndexForward=False,  # newest first, then reversed: the latest `limit` in reading order
            Limit=limit,
        )
        keys = [item["pk"]["S"].removeprefix("INT#") for item in reversed(result.get("Items", []))]
        found = self.get_many(keys)
        # an item erased between the Query and the read is simply no longer part of the conversation
        return [found[key] for key in keys if key in found]
