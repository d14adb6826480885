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
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from ackline.adapters.dynamodb_codec import decode, encode, encode_value, sortable_time
from ackline.adapters.fan_out import fan_out
from ackline.domain.cases import (
    SUMMARY_CHARS,
    CaseEvent,
    CaseEventKind,
    CasePage,
    CaseQuery,
    QueueView,
    appended,
    decode_cursor,
    due_in,
    encode_cursor,
    new_case,
    new_event_id,
    reopening_id,
    search_text,
)
from ackline.domain.erasure import SCRUBBED
from ackline.domain.errors import CaseConflict, CaseHeld, CaseNotFound
from ackline.domain.model import Case, CaseStatus, Interaction, Priority, ReplyStatus

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

QUEUE_BUCKETS = 8
# With filters the index cannot apply (platform, assignee, text), each partition reads this many items per page, so
# a selective filter still fills pages; DynamoDB applies the filter after the read (1 MB / page at most).
FILTERED_READ = 100
READ_THREADS = 8
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


def _last_case_key(conversation_key: str) -> dict[str, Any]:
    """The conversation's most recently resolved case: a customer who writes again soon reopens it."""
    return {"pk": {"S": f"CONV#{conversation_key}"}, "sk": {"S": "LASTCASE"}}


def _event_item(event: CaseEvent) -> dict[str, Any]:
    # human replies are keyed by their idempotency key (one put stores and dedupes); other events by time
    sk = (
        f"REPLY#{event.event_id}"
        if event.kind is CaseEventKind.HUMAN_REPLY
        else (f"EVENT#{sortable_time(event.at)}#{event.event_id}")
    )
    return event.model_dump(mode="json") | {"pk": f"CASE#{event.case_id}", "sk": sk}


def _event_from(raw: dict[str, Any]) -> CaseEvent:
    item = decode(raw)
    return CaseEvent.model_validate({k: v for k, v in item.items() if k in CaseEvent.model_fields})


def case_item(case: Case, searched: str) -> dict[str, Any]:
    """A case as stored: its fields, its keys, its place in QueueIndex and the text `q` searches."""
    return case.model_dump(mode="json") | {
        "pk": f"CASE#{case.case_id}",
        "sk": "CASE",
        "gsi2pk": _queue_pk(case.status, case.case_id),
        "gsi2sk": _queue_sk(case.priority, case.opened_at, case.case_id),
        "search_text": searched,
    }


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
        raw = self._get_raw(case_id)
        return _case_from(raw) if raw is not None else None

    def _get_raw(self, case_id: str) -> dict[str, Any] | None:
        found = self._client.get_item(TableName=self._table, Key=_case_key(case_id), ConsistentRead=True)
        return found.get("Item")

    def open_or_append(
        self,
        interaction: Interaction,
        priority: Priority,
        reasons: Sequence[str],
        now: float,
        sla_seconds: int | None = None,
        reopen_seconds: int = 0,
    ) -> Case:
        # Two followers of one conversation may race; the conditional writes make one of them retry.
        for _ in range(4):
            pointer = self._client.get_item(
                TableName=self._table, Key=_pointer_key(interaction.conversation_key), ConsistentRead=True
            ).get("Item")
            if pointer is None and reopen_seconds > 0:
                reopened = self._reopen_for(interaction, priority, reasons, now, sla_seconds, reopen_seconds)
                if reopened is not None:
                    return reopened
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
        item = case_item(case, search_text(interaction.author_name, interaction.text))
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
        raw = self._get_raw(case_id)
        case = _case_from(raw) if raw is not None else None
        if raw is None or case is None or case.status is CaseStatus.RESOLVED:
            return None
        if interaction.key in case.interaction_keys:
            new_reasons = [r for r in reasons if r not in case.reasons]
            return self._add_reasons(case, new_reasons, now) if new_reasons else case
        # the domain's rule (the fakes apply the same one; tests/contracts runs both)
        target = appended(case, interaction, priority, reasons, now, sla)
        try:
            result = self._client.update_item(
                TableName=self._table,
                Key=_case_key(case_id),
                UpdateExpression=(
                    "SET interaction_keys = list_append(interaction_keys, :k), updated_at = :now, summary = :summary,"
                    " priority = :p, reasons = :r, gsi2sk = :qsk, due_at = :due, search_text = :st"
                ),
                ConditionExpression="#s <> :resolved AND NOT contains(interaction_keys, :key)",
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues={
                    ":k": encode_value([interaction.key]),
                    ":key": {"S": interaction.key},
                    ":now": encode_value(now),
                    ":summary": encode_value(target.summary or "-"),
                    ":p": {"S": target.priority.value},
                    ":r": encode_value(list(target.reasons)),
                    ":qsk": {"S": _queue_sk(target.priority, case.opened_at, case_id)},
                    ":due": encode_value(target.due_at),
                    ":resolved": {"S": CaseStatus.RESOLVED.value},
                    ":st": {"S": search_text(case.author_name, interaction.text, decode(raw).get("search_text", ""))},
                },
                ReturnValues="ALL_NEW",
            )
        except ClientError as exc:
            if _code(exc) == "ConditionalCheckFailedException":
                return None
            raise
        return _case_from(result["Attributes"])

    def _reopen_for(
        self,
        interaction: Interaction,
        priority: Priority,
        reasons: Sequence[str],
        now: float,
        sla: int | None,
        reopen_seconds: int,
    ) -> Case | None:
        """The customer wrote again soon after their case was resolved: that case comes back with this message,
        rather than a new, unlinked one. None when there is no such case (or it changed meanwhile)."""
        marker = self._client.get_item(
            TableName=self._table, Key=_last_case_key(interaction.conversation_key), ConsistentRead=True
        ).get("Item")
        if marker is None or now - float(marker["resolved_at"]["N"]) > reopen_seconds:
            return None
        case_id = marker["case_id"]["S"]
        raw = self._get_raw(case_id)
        case = _case_from(raw) if raw is not None else None
        if (
            raw is None
            or case is None
            or case.status is not CaseStatus.RESOLVED
            or interaction.key in case.interaction_keys
        ):
            return None
        urgent = min(case.priority, priority, key=lambda p: p.value)
        event = CaseEvent(
            event_id=new_event_id(),
            case_id=case_id,
            kind=CaseEventKind.REOPENED,
            at=now,
            by="customer",
            text="the customer wrote again",
        )
        values = {
            ":to": "open",
            ":from": "resolved",
            ":none": "",
            ":now": now,
            ":k": [interaction.key],
            ":summary": interaction.text[:SUMMARY_CHARS] or case.summary or "-",
            ":p": urgent.value,
            ":r": list(dict.fromkeys((*case.reasons, *reasons))),
            ":qsk": _queue_sk(urgent, case.opened_at, case_id),
            ":qpk": _queue_pk(CaseStatus.OPEN, case_id),
            ":due": now + due_in(urgent, sla if urgent is priority else None),
            ":st": search_text(case.author_name, interaction.text, decode(raw).get("search_text", "")),
        }
        update = (
            "SET #s = :to, claimed_by = :none, reopened_at = :now, updated_at = :now, gsi2pk = :qpk, gsi2sk = :qsk,"
            " interaction_keys = list_append(interaction_keys, :k), summary = :summary, priority = :p, reasons = :r,"
            " due_at = :due, search_text = :st"
        )
        pointer = {"pk": f"CONV#{interaction.conversation_key}", "sk": "OPENCASE", "case_id": case_id}
        put_pointer = {
            "Put": {
                "TableName": self._table,
                "Item": encode(pointer),
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }
        if not self._change(case_id, update, "#s = :from", values, event, [put_pointer]):
            return None
        return self.get_case(case_id)

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
        return self.list_page(CaseQuery(view=QueueView(status.value), limit=limit)).cases

    def list_page(self, query: CaseQuery) -> CasePage:
        """One page of the queue in one round of Queries (one per partition of the view, in parallel), never a scan.

        Each partition is read in sort-key order from where the cursor left it; the merged page holds only keys up to
        the smallest point any partition has read to, so the pages together list every case once, in order
        (priority, then age) however many there are. The cursor stores each partition's position."""
        positions = decode_cursor(query)
        partitions = [f"{s.value}#{b}" for s in query.view.statuses for b in range(QUEUE_BUCKETS)]
        live = [p for p in partitions if positions.get(p, "") is not None]
        read = max(query.limit, FILTERED_READ) if query.filtered else query.limit
        slices = fan_out(lambda p: self._queue_slice(p, positions.get(p) or "", read, query), live, READ_THREADS)
        frontiers = [frontier for _, frontier in slices if frontier is not None]
        cutoff = min(frontiers) if frontiers else None
        merged = sorted(
            (item["gsi2sk"]["S"], partition, item)
            for partition, (items, _) in zip(live, slices, strict=True)
            for item in items
        )
        page = [entry for entry in merged if cutoff is None or entry[0] <= cutoff][: query.limit]
        taken = Counter(partition for _, partition, _ in page)
        last_taken = {partition: sk for sk, partition, _ in page}
        moved: dict[str, str | None] = dict(positions)
        for partition, (items, frontier) in zip(live, slices, strict=True):
            if taken[partition] == len(items):
                moved[partition] = frontier  # all it returned is on this page (or was filtered out): on to its frontier
            elif partition in last_taken:
                moved[partition] = last_taken[partition]
        more = any(moved.get(p, "") is not None for p in partitions)
        return CasePage(
            cases=[_case_from(item) for _, _, item in page], next_cursor=encode_cursor(query, moved) if more else None
        )

    def _queue_slice(
        self, partition: str, after: str, limit: int, query: CaseQuery
    ) -> tuple[list[dict[str, Any]], str | None]:
        """Up to `limit` index entries of one partition after `after`; and how far it read (None: to the end)."""
        names: dict[str, str] = {}
        values: dict[str, Any] = {":q": {"S": f"QUEUE#{partition}"}}
        key_condition = "gsi2pk = :q"
        if query.priority is not None:
            key_condition += " AND begins_with(gsi2sk, :prio)"
            values[":prio"] = {"S": f"{query.priority.value}#"}
        filters: list[str] = []
        if query.platform is not None:
            names["#pl"] = "platform"
            values[":pl"] = {"S": query.platform.value}
            filters.append("#pl = :pl")
        if query.assignee:
            names["#who"] = "claimed_by"
            values[":who"] = {"S": query.assignee}
            filters.append("#who = :who")
        if query.text:
            names["#st"] = "search_text"
            values[":text"] = {"S": query.text}
            filters.append("contains(#st, :text)")
        request: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": "QueueIndex",
            "KeyConditionExpression": key_condition,
            "ExpressionAttributeValues": values,
            "Limit": limit,
        }
        if filters:
            request["FilterExpression"] = " AND ".join(filters)
            request["ExpressionAttributeNames"] = names
        if after:
            request["ExclusiveStartKey"] = {
                "gsi2pk": {"S": f"QUEUE#{partition}"},
                "gsi2sk": {"S": after},
                **_case_key(after.rsplit("#", 1)[1]),
            }
        result = self._client.query(**request)
        frontier = result.get("LastEvaluatedKey", {}).get("gsi2sk", {}).get("S")
        return result.get("Items", []), frontier

    # -- what staff do to a case: each change is one conditional write of the case plus an event in its history --

    def _change(
        self,
        case_id: str,
        update: str,
        condition: str,
        values: dict[str, Any],
        event: CaseEvent,
        extra: Sequence[dict[str, Any]] = (),
    ) -> bool:
        """Update the case if `condition` holds and record `event`, atomically; False if the condition failed."""
        items: list[dict[str, Any]] = [
            {
                "Update": {
                    "TableName": self._table,
                    "Key": _case_key(case_id),
                    "UpdateExpression": update,
                    "ConditionExpression": f"attribute_exists(pk) AND ({condition})",
                    "ExpressionAttributeNames": {"#s": "status"},
                    "ExpressionAttributeValues": {k: encode_value(v) for k, v in values.items()},
                }
            },
            {"Put": {"TableName": self._table, "Item": encode(_event_item(event))}},
            *extra,
        ]
        try:
            self._client.transact_write_items(TransactItems=items)  # type: ignore[arg-type]
        except ClientError as exc:
            if _code(exc) == "TransactionCanceledException":
                return False
            raise
        return True

    def _require(self, case_id: str) -> Case:
        case = self.get_case(case_id)
        if case is None:
            raise CaseNotFound(case_id)
        return case

    def claim(self, case_id: str, by: str, now: float) -> Case:
        """Take an open case. Exactly one of many concurrent claims wins; claiming what you hold is a no-op."""
        event = CaseEvent(event_id=new_event_id(), case_id=case_id, kind=CaseEventKind.CLAIMED, at=now, by=by)
        values = {
            ":to": "claimed",
            ":from": "open",
            ":by": by,
            ":now": now,
            ":qpk": _queue_pk(CaseStatus.CLAIMED, case_id),
        }
        update = "SET #s = :to, claimed_by = :by, updated_at = :now, gsi2pk = :qpk"
        if not self._change(case_id, update, "#s = :from", values, event):
            case = self._require(case_id)
            if case.status is CaseStatus.CLAIMED and case.claimed_by == by:
                return case
            if case.status is CaseStatus.CLAIMED:
                raise CaseHeld(case_id, case.claimed_by)
            raise CaseConflict(f"case {case_id} is {case.status.value}; cannot be claimed")
        return self._require(case_id)

    def release(self, case_id: str, by: str, now: float) -> Case:
        """Hand a case you hold back to the queue (someone else's: assign it instead)."""
        event = CaseEvent(event_id=new_event_id(), case_id=case_id, kind=CaseEventKind.RELEASED, at=now, by=by)
        values = {
            ":to": "open",
            ":from": "claimed",
            ":by": by,
            ":none": "",
            ":now": now,
            ":qpk": _queue_pk(CaseStatus.OPEN, case_id),
        }
        update = "SET #s = :to, claimed_by = :none, updated_at = :now, gsi2pk = :qpk"
        if not self._change(case_id, update, "#s = :from AND claimed_by = :by", values, event):
            case = self._require(case_id)
            if case.status is CaseStatus.OPEN:
                return case
            if case.status is CaseStatus.CLAIMED:
                raise CaseHeld(case_id, case.claimed_by)
            raise CaseConflict(f"case {case_id} is {case.status.value}; cannot be released")
        return self._require(case_id)

    def assign(self, case_id: str, to: str, by: str, now: float) -> Case:
        """Give an open or claimed case to someone (a lead rebalancing, or an agent passing it on)."""
        event = CaseEvent(event_id=new_event_id(), case_id=case_id, kind=CaseEventKind.ASSIGNED, at=now, by=by, text=to)
        values = {
            ":to": "claimed",
            ":open": "open",
            ":claimed": "claimed",
            ":who": to,
            ":by": by,
            ":now": now,
            ":qpk": _queue_pk(CaseStatus.CLAIMED, case_id),
        }
        update = "SET #s = :to, claimed_by = :who, assigned_by = :by, updated_at = :now, gsi2pk = :qpk"
        if not self._change(case_id, update, "#s IN (:open, :claimed)", values, event):
            case = self._require(case_id)
            raise CaseConflict(f"case {case_id} is {case.status.value}; reopen it first")
        return self._require(case_id)

    def resolve(self, case_id: str, by: str, now: float) -> Case:
        """Close a case. The conversation's pointer goes, and a LASTCASE marker lets the customer's next message
        within the reopen window bring this case back rather than start an unlinked one."""
        case = self._require(case_id)
        if case.status is CaseStatus.RESOLVED:
            return case  # a double click
        event = CaseEvent(event_id=new_event_id(), case_id=case_id, kind=CaseEventKind.RESOLVED, at=now, by=by)
        values = {
            ":to": "resolved",
            ":open": "open",
            ":claimed": "claimed",
            ":by": by,
            ":now": now,
            ":qpk": _queue_pk(CaseStatus.RESOLVED, case_id),
        }
        update = "SET #s = :to, resolved_by = :by, resolved_at = :now, updated_at = :now, gsi2pk = :qpk"
        extra: list[dict[str, Any]] = [
            {
                "Delete": {
                    "TableName": self._table,
                    "Key": _pointer_key(case.conversation_key),
                    # an erased person's pointer is already gone: resolving their scrubbed case must still work
                    "ConditionExpression": "attribute_not_exists(pk) OR case_id = :id",
                    "ExpressionAttributeValues": {":id": {"S": case_id}},
                }
            }
        ]
        if case.conversation_key != SCRUBBED:
            marker = {**decode(_last_case_key(case.conversation_key)), "case_id": case_id, "resolved_at": now}
            extra.append({"Put": {"TableName": self._table, "Item": encode(marker)}})
        if not self._change(case_id, update, "#s IN (:open, :claimed)", values, event, extra):
            raise CaseConflict(f"case {case_id} changed meanwhile; reload it")
        return self._require(case_id)

    def reopen(self, case_id: str, by: str, now: float) -> Case:
        """Bring a resolved case back (its SLA starts again), unless its conversation has another open case."""
        case = self._require(case_id)
        if case.status is not CaseStatus.RESOLVED:
            return case
        if case.conversation_key == SCRUBBED:
            raise CaseConflict(f"case {case_id} belongs to a person who was erased; it cannot be reopened")
        event = CaseEvent(event_id=new_event_id(), case_id=case_id, kind=CaseEventKind.REOPENED, at=now, by=by)
        values = {
            ":to": "open",
            ":from": "resolved",
            ":none": "",
            ":now": now,
            ":due": now + due_in(case.priority),
            ":qpk": _queue_pk(CaseStatus.OPEN, case_id),
        }
        update = "SET #s = :to, claimed_by = :none, reopened_at = :now, updated_at = :now, due_at = :due, gsi2pk = :qpk"
        pointer = {"pk": f"CONV#{case.conversation_key}", "sk": "OPENCASE", "case_id": case_id}
        extra = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": encode(pointer),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            }
        ]
        if not self._change(case_id, update, "#s = :from", values, event, extra):
            again = self._require(case_id)
            if again.status is not CaseStatus.RESOLVED:
                return again
            raise CaseConflict(f"the conversation of case {case_id} has another open case; work there")
        return self._require(case_id)

    def transition(self, case_id: str, to: CaseStatus, by: str, now: float) -> Case:
        if to is CaseStatus.CLAIMED:
            return self.claim(case_id, by, now)
        if to is CaseStatus.RESOLVED:
            return self.resolve(case_id, by, now)
        return self.release(case_id, by, now)

    def add_event(self, event: CaseEvent) -> bool:
        """Record an event (a note; a human reply, stored once per idempotency key). False: it was already there."""
        try:
            self._client.put_item(
                TableName=self._table,
                Item=encode(_event_item(event)),
                ConditionExpression="attribute_not_exists(pk)",
            )
        except ClientError as exc:
            if _code(exc) == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def history(self, case_id: str) -> tuple[Case | None, list[CaseEvent]]:
        """The case and its whole history (notes, human replies, claims...) in one Query of its partition."""
        items: list[dict[str, Any]] = []
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": f"CASE#{case_id}"}},
            "ConsistentRead": True,
        }
        while True:
            result = self._client.query(**request)
            items.extend(result.get("Items", []))
            if "LastEvaluatedKey" not in result:
                break
            request["ExclusiveStartKey"] = result["LastEvaluatedKey"]
        case = next((_case_from(i) for i in items if i["sk"]["S"] == "CASE"), None)
        events = sorted((_event_from(i) for i in items if i["sk"]["S"] != "CASE"), key=lambda e: e.at)
        return case, events

    # -- human replies: stored on the case, leased and settled like automated replies --------------------------------

    def _reply_key(self, case_id: str, event_id: str) -> dict[str, Any]:
        return {"pk": {"S": f"CASE#{case_id}"}, "sk": {"S": f"REPLY#{event_id}"}}

    def get_event(self, case_id: str, event_id: str) -> CaseEvent | None:
        found = self._client.get_item(
            TableName=self._table, Key=self._reply_key(case_id, event_id), ConsistentRead=True
        ).get("Item")
        return _event_from(found) if found is not None else None

    def lease_human_reply(self, case_id: str, event_id: str, now: float, lease_seconds: int) -> CaseEvent | None:
        try:
            result = self._client.update_item(
                TableName=self._table,
                Key=self._reply_key(case_id, event_id),
                UpdateExpression="SET reply_status = :sending, reply_lease_until = :lease ADD reply_attempts :one",
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
            if _code(exc) == "ConditionalCheckFailedException":
                return None
            raise
        return _event_from(result["Attributes"])

    def finish_human_reply(
        self,
        case_id: str,
        event_id: str,
        status: ReplyStatus,
        *,
        reply_id: str = "",
        error: str = "",
        replied_at: float | None = None,
    ) -> None:
        values: dict[str, Any] = {"reply_status": status.value, "reply_error": error[:1000]}
        values.update(
            {k: v for k, v in {"reply_id": reply_id, "replied_at": replied_at}.items() if v not in (None, "")}
        )
        self._client.update_item(
            TableName=self._table,
            Key=self._reply_key(case_id, event_id),
            UpdateExpression="SET " + ", ".join(f"#{k} = :{k}" for k in values) + " REMOVE reply_lease_until",
            ConditionExpression="attribute_exists(pk)",
            ExpressionAttributeNames={f"#{k}": k for k in values},
            ExpressionAttributeValues={f":{k}": encode_value(v) for k, v in values.items()},
        )

    def record_human_response(self, case_id: str, by: str, at: float) -> None:
        try:
            self._client.update_item(
                TableName=self._table,
                Key=_case_key(case_id),
                UpdateExpression="SET first_human_response_at = :at, first_human_response_by = :by",
                ConditionExpression=(
                    "attribute_exists(pk) AND (attribute_not_exists(first_human_response_at)"
                    " OR first_human_response_at > :at)"
                ),
                ExpressionAttributeValues={":at": encode_value(at), ":by": {"S": by}},
            )
        except ClientError as exc:
            if _code(exc) != "ConditionalCheckFailedException":
                raise  # else an earlier response is already recorded (or the case is gone)

    def open_case_id(self, conversation_key: str) -> str | None:
        pointer = self._client.get_item(
            TableName=self._table, Key=_pointer_key(conversation_key), ConsistentRead=True
        ).get("Item")
        return pointer["case_id"]["S"] if pointer is not None else None

    # -- automation paused per conversation (a person answered from the platform's own app) --------------------------

    def pause(self, conversation_key: str, until: float, by: str) -> None:
        # only ever later: an older echo processed late must not shorten a newer pause
        try:
            self._client.update_item(
                TableName=self._table,
                Key={"pk": {"S": f"CONV#{conversation_key}"}, "sk": {"S": "PAUSE"}},
                UpdateExpression="SET paused_until = :until, paused_by = :by, expires_at = :expires",
                ConditionExpression="attribute_not_exists(paused_until) OR paused_until < :until",
                ExpressionAttributeValues={
                    ":until": encode_value(until),
                    ":by": {"S": by},
                    ":expires": encode_value(int(until) + 86_400),
                },
            )
        except ClientError as exc:
            if _code(exc) != "ConditionalCheckFailedException":
                raise

    def paused_until(self, conversation_key: str) -> float | None:
        found = self._client.get_item(
            TableName=self._table, Key={"pk": {"S": f"CONV#{conversation_key}"}, "sk": {"S": "PAUSE"}}
        ).get("Item")
        return float(found["paused_until"]["N"]) if found is not None else None

    def opened_since(self, since: float, limit: int) -> tuple[list[Case], bool]:
        """Cases of every status opened at or after `since` (at most `limit`; True when there were more). Reads the
        queue index's partitions with a filter: a report, not a hot path."""
        found: list[Case] = []
        for status in CaseStatus:
            for bucket in range(QUEUE_BUCKETS):
                request: dict[str, Any] = {
                    "TableName": self._table,
                    "IndexName": "QueueIndex",
                    "KeyConditionExpression": "gsi2pk = :q",
                    "FilterExpression": "opened_at >= :since",
                    "ExpressionAttributeValues": {
                        ":q": {"S": f"QUEUE#{status.value}#{bucket}"},
                        ":since": encode_value(since),
                    },
                }
                while True:
                    result = self._client.query(**request)
                    found.extend(_case_from(item) for item in result.get("Items", []))
                    if len(found) > limit:
                        return found[:limit], True
                    if "LastEvaluatedKey" not in result:
                        break
                    request["ExclusiveStartKey"] = result["LastEvaluatedKey"]
        return found, False
