"""CrisisStore on the single table: atomic, expiring counters per account, and the crisis-mode switches.

Counters: pk `CRISIS#<platform>#<account>`, sk `M#<epoch minute>` (kept 2 hours) and `H#<epoch hour>` (kept
8 days), each an atomic ADD, so the sliding window is one Query over at most `window_minutes` small items and
the usual rate one Query over `baseline_hours` items; never a scan. TTL removes old buckets by itself.

Switches: pk `CRISIS`, sk `STATE#<account>` (or `STATE#*` for every account): a handful of items, all read with
one Query. Turning one on is a conditional write, so of all the webhooks of a wave exactly one wins (and alerts).
Ingest reads two switches per webhook (its account's and every account's) and the Responder per crisis-mode
reply, so switches are cached for a few seconds (a switch this container makes is seen at once).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from ackline.adapters.dynamodb_codec import decode, encode_value
from ackline.adapters.fan_out import fan_out
from ackline.domain.crisis import CrisisState

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

MINUTE_RETENTION_SECONDS = 2 * 3600
HOUR_RETENTION_SECONDS = 8 * 24 * 3600
STATE_PK = "CRISIS"
_CONDITION_FAILED = "ConditionalCheckFailedException"
# every attribute by name: several (by, statement, ...) are DynamoDB reserved words
_NAMES = {
    f"#{name}": name for name in ("active", "manual", "since", "changed_at", "by", "reason", "statement", "alerted_at")
}


def _state_key(account: str) -> dict[str, Any]:
    return {"pk": {"S": STATE_PK}, "sk": {"S": f"STATE#{account}"}}


def _state(raw: Mapping[str, Any]) -> CrisisState:
    item = decode(dict(raw))
    return CrisisState(
        account=str(item["sk"]).removeprefix("STATE#"),
        on=bool(item.get("active", False)),
        manual=bool(item.get("manual", False)),
        since=item.get("since"),
        reason=item.get("reason", ""),
        statement=item.get("statement", ""),
        by=item.get("by", ""),
        alerted_at=item.get("alerted_at"),
        changed_at=item.get("changed_at"),
    )


class DynamoCrisisStore:
    def __init__(self, client: DynamoDBClient, table_name: str, cache_seconds: float = 5.0) -> None:
        self._client = client
        self._table = table_name
        self._cache_seconds = cache_seconds
        self._cache: dict[str, tuple[float, CrisisState | None]] = {}
        self._lock = threading.Lock()

    # --- switches ---------------------------------------------------------------------------------------------

    def states(self, accounts: Iterable[str]) -> dict[str, CrisisState]:
        wanted = list(dict.fromkeys(accounts))
        now = time.monotonic()
        found: dict[str, CrisisState] = {}
        with self._lock:
            fresh = {
                a: self._cache[a] for a in wanted if a in self._cache and now - self._cache[a][0] < self._cache_seconds
            }
        missing = [a for a in wanted if a not in fresh]
        # GetItem per switch (a webhook needs two: its account's and every account's), cached a few seconds
        loaded = {state.account: state for state in fan_out(self._get_state, missing, 8) if state is not None}
        with self._lock:
            for account in missing:
                self._cache[account] = (now, loaded.get(account))
        for account in wanted:
            cached = fresh[account][1] if account in fresh else loaded.get(account)
            if cached is not None:
                found[account] = cached
        return found

    def _get_state(self, account: str) -> CrisisState | None:
        found = self._client.get_item(TableName=self._table, Key=_state_key(account), ConsistentRead=True)
        return _state(found["Item"]) if "Item" in found else None

    def all_states(self) -> list[CrisisState]:
        result = self._client.query(
            TableName=self._table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :state)",
            ExpressionAttributeValues={":pk": {"S": STATE_PK}, ":state": {"S": "STATE#"}},
            ConsistentRead=True,
        )
        return [_state(raw) for raw in result.get("Items", [])]

    def switch_on(
        self, account: str, now: float, *, manual: bool, by: str, reason: str, statement: str = ""
    ) -> CrisisState | None:
        values = {":true": True, ":manual": manual, ":now": now, ":by": by, ":reason": reason, ":false": False}
        set_statement = ", #statement = :statement" if statement else ""
        if statement:
            values[":statement"] = statement
        try:
            result = self._update(
                account,
                "SET #active = :true, #manual = :manual, #since = :now, #changed_at = :now, #by = :by,"
                " #reason = :reason"
                + set_statement
                + (" REMOVE #alerted_at" if statement else " REMOVE #alerted_at, #statement"),
                values,
                "attribute_not_exists(#active) OR #active = :false",
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] != _CONDITION_FAILED:
                raise
            if manual:
                # already on: a person takes the switch over (only a person switches it off now) and its wording
                self._update(
                    account,
                    "SET #manual = :true, #changed_at = :now, #by = :by" + set_statement,
                    {k: v for k, v in values.items() if k in (":true", ":now", ":by", ":statement")},
                    None,
                )
            return None
        return _state(result["Attributes"])

    def switch_off(self, account: str, now: float, *, by: str, manual: bool) -> bool:
        condition = "#active = :true" if manual else "#active = :true AND #manual = :false"
        try:
            self._update(
                account,
                "SET #active = :false, #manual = :false, #changed_at = :now, #by = :by REMOVE #statement",
                {":true": True, ":false": False, ":now": now, ":by": by},
                condition,
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == _CONDITION_FAILED:
                return False
            raise
        return True

    def mark_alerted(self, account: str, since: float, now: float) -> bool:
        try:
            self._update(
                account,
                "SET #alerted_at = :now",
                {":now": now, ":since": since},
                "#since = :since AND attribute_not_exists(#alerted_at)",
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == _CONDITION_FAILED:
                return False
            raise
        return True

    def _update(self, account: str, update: str, values: Mapping[str, Any], condition: str | None) -> Any:
        text = update + " " + (condition or "")
        used = {k: v for k, v in _NAMES.items() if re.search(re.escape(k) + r"\b", text)}
        request: dict[str, Any] = {
            "TableName": self._table,
            "Key": _state_key(account),
            "UpdateExpression": update,
            "ExpressionAttributeNames": used,
            "ExpressionAttributeValues": {k: encode_value(v) for k, v in values.items()},
            "ReturnValues": "ALL_NEW",
        }
        if condition:
            request["ConditionExpression"] = condition
        with self._lock:
            self._cache.pop(account, None)  # this container sees its own switch at once
        return self._client.update_item(**request)

    # --- counters ---------------------------------------------------------------------------------------------

    def count(self, negatives: Mapping[str, int], now: float) -> None:
        minute, hour = int(now // 60), int(now // 3600)
        writes = [
            (f"CRISIS#{account}", f"M#{minute:010d}", n, minute * 60 + MINUTE_RETENTION_SECONDS)
            for account, n in negatives.items()
        ] + [
            (f"CRISIS#{account}", f"H#{hour:08d}", n, hour * 3600 + HOUR_RETENTION_SECONDS)
            for account, n in negatives.items()
        ]
        fan_out(self._add, writes, 8)

    def _add(self, write: tuple[str, str, int, int]) -> None:
        pk, sk, n, expires_at = write
        self._client.update_item(
            TableName=self._table,
            Key={"pk": {"S": pk}, "sk": {"S": sk}},
            UpdateExpression="ADD #n :n SET expires_at = if_not_exists(expires_at, :exp)",
            ExpressionAttributeNames={"#n": "n"},
            ExpressionAttributeValues={":n": {"N": str(n)}, ":exp": {"N": str(expires_at)}},
        )

    def window_count(self, account: str, now: float, minutes: int) -> int:
        minute = int(now // 60)
        return self._sum(account, f"M#{minute - minutes + 1:010d}", f"M#{minute:010d}")

    def baseline_count(self, account: str, now: float, hours: int) -> int:
        hour = int(now // 3600)
        return self._sum(account, f"H#{hour - hours:08d}", f"H#{hour - 1:08d}")

    def _sum(self, account: str, low: str, high: str) -> int:
        total = 0
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk AND sk BETWEEN :low AND :high",
            "ExpressionAttributeNames": {"#n": "n"},
            "ExpressionAttributeValues": {":pk": {"S": f"CRISIS#{account}"}, ":low": {"S": low}, ":high": {"S": high}},
            "ProjectionExpression": "#n",
        }
        while True:
            page = self._client.query(**request)
            total += sum(int(item["n"]["N"]) for item in page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                return total
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
