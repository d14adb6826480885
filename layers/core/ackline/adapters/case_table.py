"""CaseStore on the single DynamoDB table.

Items:
- case: pk `CASE#<id>`, sk `CASE`; in QueueIndex under gsi2pk `QUEUE#<status>#<bucket>`,
  gsi2sk `<priority>#<opened>#<id>` so a query returns the most urgent, then the oldest, first.
- open-case pointer: pk `CONV#<conversation key>`, sk `OPENCASE` -> the one open case of a conversation.

Why buckets: `QUEUE#open` alone would put every case write on one partition key. Cases are spread
over QUEUE_BUCKETS keys by a hash of their id; each partition takes 1,000 writes/s, so the index
absorbs 8,000 case writes/s, and listing reads QUEUE_BUCKETS small queries (one page each) merged
in memory — at 50 cases a page that is 8 queries of at most ~50 items, a few read units.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from ackline.adapters.dynamodb_codec import decode, encode, encode_value, sortable_time
from ackline.domain.cases import SUMMARY_CHARS, due_in, new_case, reopening_id
from ackline.domain.errors import CaseConflict, CaseNotFound
from ackline.domain.model import Case, CaseStatus, Interaction, Priority

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

QUEUE_BUCKETS = 8
_ALLOWED = {
    CaseStatus.CLAIMED: (CaseStatus.OPEN,),
    CaseStatus.RESOLVED: (CaseStatus.OPEN, CaseStatus.CLAIMED),
    CaseStatus.OPEN: (CaseStatus.CLAIMED,),  # un-claim: hand it back to the queue
}


def _bucket(case_id: str) -> int:
    return int(hashlib.sha256(case_id.encode()).hexdigest(), 16) % QUEUE_BUCKETS


def _queue_pk(status: CaseStatus, case_id: str) -> str:
    return f"QUEUE#{status.value}#{_bucket(case_id)}"


def _queue_sk(priority: Priority, opened_at: float, case_id: str) -> str:
    return f"{priority.value}#{sortable_time(opened_at)}#{case_id}"


def _case_key(case_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"CASE#{case_id}"}, "sk": {"S": "CASE"}}


def _pointer_key(conversation_key: str) -> dict[str, Any]:
    return {"pk": {"S": f"CONV#{conversation_key}"}, "sk": {"S": "OPENCASE"}}


def _case_from(raw: dict[str, Any]) -> Case:
    item = decode(raw)
    return Case.model_validate({k: v for k, v in item.items() if k in Case.model_fields})


def _code(exc: ClientError) -> str:
    return exc.response["Error"]["Code"]


class DynamoCaseStore:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def get_case(self, case_id: str) -> Case | None:
        found = self._client.get_item(TableName=self._table, Key=_case_key(case_id), ConsistentRead=True)
        return _case_from(found["Item"]) if "Item" in found else None

    def open_or_append(
        self,
        interaction: Interaction,
        priority: Priority,
        reasons: Sequence[str],
        now: float,
        sla_seconds: int | None = None,
    ) -> Case:
        # Two followers of one conversation may race; the conditional writes make one of them retry.
        for _ in range(4):
            pointer = self._client.get_item(
                TableName=self._table, Key=_pointer_key(interaction.conversation_key), ConsistentRead=True
            ).get("Item")
            if pointer is None:
                opened = self._open(interaction, priority, reasons, now, sla_seconds)
                if opened is not None:
                    return opened
            else:
                appended = self._append(pointer["case_id"]["S"], interaction, priority, reasons, now, sla_seconds)
                if appended is not None:
                    return appended
        raise CaseConflict(f"could not settle the open case of {interaction.conversation_key}")

    def _open(
        self,
        interaction: Interaction,
        priority: Priority,
        reasons: Sequence[str],
        now: float,
        sla: int | None,
        case_id: str | None = None,
    ) -> Case | None:
        case = new_case(interaction, priority, reasons, now, sla, case_id)
        case_id = case.case_id
        item = case.model_dump(mode="json") | {
            "pk": f"CASE#{case_id}",
            "sk": "CASE",
            "gsi2pk": _queue_pk(case.status, case_id),
            "gsi2sk": _queue_sk(priority, now, case_id),
        }
        pointer = {"pk": f"CONV#{interaction.conversation_key}", "sk": "OPENCASE", "case_id": case_id}
        try:
            self._client.transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": self._table,
                            "Item": encode(pointer),
                            "ConditionExpression": "attribute_not_exists(pk)",
                        }
                    },
                    {
                        "Put": {
                            "TableName": self._table,
                            "Item": encode(item),
                            "ConditionExpression": "attribute_not_exists(pk)",
                        }
                    },
                ]
            )
        except ClientError as exc:
            if _code(exc) != "TransactionCanceledException":
                raise
            existing = self.get_case(case_id)
            if existing is None or interaction.key not in existing.interaction_keys:
                return None  # another interaction of the conversation opened a case meanwhile: append to it
            new_reasons = [r for r in reasons if r not in existing.reasons]
            if not new_reasons:
                return existing  # a retried message: its case is the answer
            if existing.status is CaseStatus.RESOLVED:
                # something new about an interaction whose case is closed (its reply failed later): a person must
                # see it, so it opens a case of its own rather than vanish into the resolved one
                return self._open(interaction, priority, reasons, now, sla, reopening_id(interaction, reasons))
            return self._add_reasons(existing, new_reasons, now)
        return case

    def _add_reasons(self, case: Case, new_reasons: Sequence[str], now: float) -> Case | None:
        """A later reason about an interaction already in an open case (e.g. its reply failed) joins the case."""
        try:
            result = self._client.update_item(
                TableName=self._table,
                Key=_case_key(case.case_id),
                UpdateExpression="SET reasons = :r, updated_at = :now",
                ConditionExpression="#s <> :resolved",
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues={
                    ":r": encode_value(list(dict.fromkeys((*case.reasons, *new_reasons)))),
                    ":now": encode_value(now),
                    ":resolved": {"S": CaseStatus.RESOLVED.value},
                },
                ReturnValues="ALL_NEW",
            )
        except ClientError as exc:
            if _code(exc) == "ConditionalCheckFailedException":
                return None  # resolved meanwhile: the caller starts over
            raise
        return _case_from(result["Attributes"])

    def _append(
        self,
        case_id: str,
        interaction: Interaction,
        priority: Priority,
        reasons: Sequence[str],
        now: float,
        sla: int | None,
    ) -> Case | None:
        case = self.get_case(case_id)
        if case is None or case.status is CaseStatus.RESOLVED:
            return None
        if interaction.key in case.interaction_keys:
            new_reasons = [r for r in reasons if r not in case.reasons]
            return self._add_reasons(case, new_reasons, now) if new_reasons else case
        urgent = min(case.priority, priority, key=lambda p: p.value)
        merged_reasons = tuple(dict.fromkeys((*case.reasons, *reasons)))
        try:
            result = self._client.update_item(
                TableName=self._table,
                Key=_case_key(case_id),
                UpdateExpression=(
                    "SET interaction_keys = list_append(interaction_keys, :k), updated_at = :now, summary = :summary,"
                    " priority = :p, reasons = :r, gsi2sk = :qsk, due_at = :due"
                ),
                ConditionExpression="#s <> :resolved AND NOT contains(interaction_keys, :key)",
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues={
                    ":k": encode_value([interaction.key]),
                    ":key": {"S": interaction.key},
                    ":now": encode_value(now),
                    ":summary": encode_value(interaction.text[:SUMMARY_CHARS] or case.summary or "-"),
                    ":p": {"S": urgent.value},
                    ":r": encode_value(list(merged_reasons)),
                    ":qsk": {"S": _queue_sk(urgent, case.opened_at, case_id)},
                    ":due": encode_value(min(case.due_at, now + due_in(urgent, sla if urgent is priority else None))),
                    ":resolved": {"S": CaseStatus.RESOLVED.value},
                },
                ReturnValues="ALL_NEW",
            )
        except ClientError as exc:
            if _code(exc) == "ConditionalCheckFailedException":
                return None
            raise
        return _case_from(result["Attributes"])

    def mark_alerted(self, case_id: str, now: float) -> None:
        self._client.update_item(
            TableName=self._table,
            Key=_case_key(case_id),
            UpdateExpression="SET alerted_at = if_not_exists(alerted_at, :now)",
            ConditionExpression="attribute_exists(pk)",
            ExpressionAttributeValues={":now": encode_value(now)},
        )

    def claim_alert(self, case_id: str, now: float, lease_seconds: int) -> bool:
        # two follow-ups of one case run side by side (Lambda's pollers): only the one that wins this write alerts
        try:
            self._client.update_item(
                TableName=self._table,
                Key=_case_key(case_id),
                UpdateExpression="SET alert_lease_until = :until",
                ConditionExpression=(
                    "attribute_exists(pk) AND attribute_not_exists(alerted_at)"
                    " AND (attribute_not_exists(alert_lease_until) OR alert_lease_until < :now)"
                ),
                ExpressionAttributeValues={":until": encode_value(now + lease_seconds), ":now": encode_value(now)},
            )
        except ClientError as exc:
            if _code(exc) == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def list_cases(self, status: CaseStatus, limit: int) -> list[Case]:
        found: list[dict[str, Any]] = []
        for bucket in range(QUEUE_BUCKETS):
            result = self._client.query(
                TableName=self._table,
                IndexName="QueueIndex",
                KeyConditionExpression="gsi2pk = :q",
                ExpressionAttributeValues={":q": {"S": f"QUEUE#{status.value}#{bucket}"}},
                Limit=limit,
            )
            found.extend(result.get("Items", []))
        found.sort(key=lambda item: item["gsi2sk"]["S"])
        return [_case_from(item) for item in found[:limit]]

    def transition(self, case_id: str, to: CaseStatus, by: str, now: float) -> Case:
        case = self.get_case(case_id)
        if case is None:
            raise CaseNotFound(case_id)
        if case.status not in _ALLOWED[to]:
            raise CaseConflict(f"case {case_id} is {case.status.value}; cannot become {to.value}")
        actor = {CaseStatus.CLAIMED: "claimed_by", CaseStatus.RESOLVED: "resolved_by", CaseStatus.OPEN: "claimed_by"}[
            to
        ]
        update: dict[str, Any] = {
            "Update": {
                "TableName": self._table,
                "Key": _case_key(case_id),
                "UpdateExpression": f"SET #s = :to, updated_at = :now, gsi2pk = :qpk, {actor} = :by",
                "ConditionExpression": "#s = :from",
                "ExpressionAttributeNames": {"#s": "status"},
                "ExpressionAttributeValues": {
                    ":to": {"S": to.value},
                    ":from": {"S": case.status.value},
                    ":now": encode_value(now),
                    ":qpk": {"S": _queue_pk(to, case_id)},
                    ":by": {"S": by if to is not CaseStatus.OPEN else ""},
                },
            }
        }
        items = [update]
        if to is CaseStatus.RESOLVED:
            # the conversation's next escalation opens a fresh case
            items.append(
                {
                    "Delete": {
                        "TableName": self._table,
                        "Key": _pointer_key(case.conversation_key),
                        # an erased person's pointer is already gone: resolving their scrubbed case must still work
                        "ConditionExpression": "attribute_not_exists(pk) OR case_id = :id",
                        "ExpressionAttributeValues": {":id": {"S": case_id}},
                    }
                }
            )
        try:
            self._client.transact_write_items(TransactItems=items)  # type: ignore[arg-type]
        except ClientError as exc:
            if _code(exc) == "TransactionCanceledException":
                raise CaseConflict(f"case {case_id} changed meanwhile; reload it") from exc
            raise
        updated = self.get_case(case_id)
        assert updated is not None
        return updated
