"""What one interaction costs in AWS terms, metered on the local stack while it runs.

- AWS requests, by service and operation, made by the functions (and the SQS event source's receive/delete,
  which AWS bills to the account too; empty long polls are left out: they are a fixed cost, not per message).
- DynamoDB capacity units computed as DynamoDB bills them, since moto reports a flat 1 unit: a write costs one
  write unit per started KB of the larger of the item's before and after images (twice in a transaction), plus
  one per started KB of each global secondary index entry the write creates, changes or deletes (an index entry
  holds the keys and the projected attributes; an update touching nothing projected writes nothing there); a read
  costs one unit per started 4 KB (half for an eventually consistent read; a miss still costs its half unit). The
  before and after images are read with the meter's own client around each write, so they are exact.
- Lambda invocations and their durations per function (in-process here, so durations are an upper bound).
"""

from __future__ import annotations

import math
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from botocore.client import BaseClient

from ackline_local.lambda_runtime import LambdaTarget

_WRITE_OPS = {"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"}


def attribute_size(value: Mapping[str, Any]) -> int:
    """Bytes of one DynamoDB attribute value, by DynamoDB's published sizing rules."""
    (kind, raw), *_ = value.items()
    if kind == "S":
        return len(str(raw).encode("utf-8"))
    if kind == "B":
        return len(raw)
    if kind == "N":
        digits = Decimal(str(raw)).normalize().as_tuple().digits
        return math.ceil(len(digits) / 2) + 1
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(s.encode("utf-8")) for s in raw)
    if kind == "NS":
        return sum(attribute_size({"N": n}) for n in raw)
    if kind == "BS":
        return sum(len(b) for b in raw)
    if kind == "L":
        return 3 + sum(1 + attribute_size(v) for v in raw)
    if kind == "M":
        return 3 + sum(1 + len(k.encode("utf-8")) + attribute_size(v) for k, v in raw.items())
    raise ValueError(f"unknown DynamoDB type {kind}")


def item_size(item: Mapping[str, Any] | None) -> int:
    if not item:
        return 0
    return sum(len(name.encode("utf-8")) + attribute_size(value) for name, value in item.items())


@dataclass(frozen=True)
class IndexShape:
    name: str
    keys: tuple[str, ...]
    projection: str  # ALL | KEYS_ONLY | INCLUDE
    included: tuple[str, ...] = ()

    def entry(self, item: Mapping[str, Any] | None, table_keys: tuple[str, ...]) -> dict[str, Any] | None:
        """The index entry an item has (None when the item lacks the index keys: a sparse index)."""
        if not item or any(k not in item for k in self.keys):
            return None
        if self.projection == "ALL":
            return dict(item)
        wanted = {*table_keys, *self.keys, *(self.included if self.projection == "INCLUDE" else ())}
        return {k: v for k, v in item.items() if k in wanted}


@dataclass(frozen=True)
class TableShape:
    keys: tuple[str, ...]
    indexes: tuple[IndexShape, ...]


def _item_kind(item: Mapping[str, Any]) -> str:
    """An item's kind for the breakdown: its sort key's prefix (INTERACTION, CASE, SHIELD…), else its partition
    key's."""
    for name in ("sk", "pk", "id"):
        value = item.get(name, {})
        text = value.get("S") if isinstance(value, Mapping) else None
        if text:
            return text.split("#", 1)[0]
    return "?"


def _write_units(size: int) -> int:
    return max(1, math.ceil(size / 1024))


def _read_units(size: int, consistent: bool) -> float:
    return max(1, math.ceil(size / 4096)) * (1.0 if consistent else 0.5)


@dataclass
class Tally:
    """Everything metered since the last reset."""

    requests: Counter[str] = field(default_factory=Counter)
    write_units: float = 0.0
    index_write_units: float = 0.0
    # where the write units go: "<table item kind> <write kind>" and "<index name>" (see _item_kind)
    write_units_by: Counter[str] = field(default_factory=Counter)
    index_write_units_by: Counter[str] = field(default_factory=Counter)
    read_units: float = 0.0
    written_item_bytes: list[int] = field(default_factory=list)
    invocations: Counter[str] = field(default_factory=Counter)
    invocation_ms: defaultdict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    memory_mb: dict[str, int] = field(default_factory=dict)


class AwsMeter:
    """Patches botocore's one call path and `LambdaTarget.invoke` while started (bench only)."""

    def __init__(self, session: Any, endpoint_url: str, tables: list[str]) -> None:
        self._client = session.client("dynamodb", endpoint_url=endpoint_url)
        self._local = threading.local()
        self._lock = threading.Lock()
        self.tally = Tally()
        self.shapes = {name: self._shape(name) for name in tables}
        self._originals: dict[str, Any] = {}

    def _shape(self, table: str) -> TableShape:
        description = self._client.describe_table(TableName=table)["Table"]
        keys = tuple(k["AttributeName"] for k in description["KeySchema"])
        indexes = tuple(
            IndexShape(
                name=index["IndexName"],
                keys=tuple(k["AttributeName"] for k in index["KeySchema"]),
                projection=index["Projection"]["ProjectionType"],
                included=tuple(index["Projection"].get("NonKeyAttributes", ())),
            )
            for index in description.get("GlobalSecondaryIndexes", [])
        )
        return TableShape(keys, indexes)

    # --- lifecycle -------------------------------------------------------------------------------------------

    def reset(self) -> Tally:
        with self._lock:
            done, self.tally = self.tally, Tally()
        return done

    @contextmanager
    def running(self) -> Iterator[AwsMeter]:
        original_call = getattr(BaseClient, "_make_api_call")  # noqa: B009 - private, hence untyped
        original_invoke = LambdaTarget.invoke
        meter = self

        def _make_api_call(client: Any, operation: str, params: dict[str, Any]) -> Any:
            if getattr(meter._local, "inside", False):
                return original_call(client, operation, params)
            return meter._metered(client, operation, params, lambda: original_call(client, operation, params))

        def invoke(target: LambdaTarget, event: Any) -> Any:
            started = time.perf_counter()
            try:
                return original_invoke(target, event)
            finally:
                elapsed = (time.perf_counter() - started) * 1000
                with meter._lock:
                    name = target.logical_id or target.function_name
                    meter.tally.invocations[name] += 1
                    meter.tally.invocation_ms[name].append(elapsed)
                    meter.tally.memory_mb[name] = target.memory_mb

        setattr(BaseClient, "_make_api_call", _make_api_call)  # noqa: B010
        setattr(LambdaTarget, "invoke", invoke)  # noqa: B010
        try:
            yield self
        finally:
            setattr(BaseClient, "_make_api_call", original_call)  # noqa: B010
            setattr(LambdaTarget, "invoke", original_invoke)  # noqa: B010

    # --- metering --------------------------------------------------------------------------------------------

    def _metered(self, client: Any, operation: str, params: dict[str, Any], call: Any) -> Any:
        service = client.meta.service_model.service_name
        if service == "dynamodb" and operation in _WRITE_OPS:
            targets = self._write_targets(operation, params)
            before = [self._image(table, key) for table, key, _ in targets]
            try:
                response = call()
            except Exception:
                # a refused conditional write is billed too (its item is unchanged)
                self._count(service, operation)
                self._bill_writes(targets, before, before, params)
                raise
            after = [self._image(table, key) for table, key, _ in targets]
            self._count(service, operation)
            self._bill_writes(targets, before, after, params)
            return response
        response = call()
        if service == "sqs" and operation == "ReceiveMessage" and not response.get("Messages"):
            return response  # an empty long poll: a fixed cost of having a queue, not a per-message one
        self._count(service, operation)
        if service == "dynamodb":
            self._bill_reads(operation, params, response)
        return response

    def _count(self, service: str, operation: str) -> None:
        with self._lock:
            self.tally.requests[f"{service}.{operation}"] += 1

    def _image(self, table: str, key: dict[str, Any]) -> dict[str, Any] | None:
        self._local.inside = True
        try:
            return self._client.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")  # type: ignore[no-any-return]
        finally:
            self._local.inside = False

    def _key_of(self, table: str, item: Mapping[str, Any]) -> dict[str, Any]:
        return {k: item[k] for k in self.shapes[table].keys}

    def _write_targets(self, operation: str, params: dict[str, Any]) -> list[tuple[str, dict[str, Any], str]]:
        """(table, key, kind) for every item the write touches; kind is put/update/delete/check/tx-…"""
        if operation == "PutItem":
            return [(params["TableName"], self._key_of(params["TableName"], params["Item"]), "put")]
        if operation in ("UpdateItem", "DeleteItem"):
            return [(params["TableName"], params["Key"], operation[:6].lower())]
        targets = []
        if operation == "TransactWriteItems":
            for entry in params["TransactItems"]:
                (action, body), *_ = entry.items()
                key = body.get("Key") or self._key_of(body["TableName"], body["Item"])
                targets.append((body["TableName"], key, f"tx-{action}"))
        else:  # BatchWriteItem
            for table, requests in params["RequestItems"].items():
                for request in requests:
                    if "PutRequest" in request:
                        targets.append((table, self._key_of(table, request["PutRequest"]["Item"]), "put"))
                    else:
                        targets.append((table, request["DeleteRequest"]["Key"], "delete"))
        return targets

    def _bill_writes(
        self,
        targets: list[tuple[str, dict[str, Any], str]],
        before: list[dict[str, Any] | None],
        after: list[dict[str, Any] | None],
        params: dict[str, Any],
    ) -> None:
        table_units = index_units = 0.0
        sizes = []
        by: Counter[str] = Counter()
        index_by: Counter[str] = Counter()
        for (table, key, kind), old, new in zip(targets, before, after, strict=True):
            factor = 2.0 if kind.startswith("tx-") else 1.0
            size = max(item_size(old), item_size(new))
            if kind in ("put",) and "Item" in params:
                size = max(size, item_size(params["Item"]))  # a refused put is billed on what it tried to write
            table_units += factor * _write_units(size)
            by[f"{_item_kind(old or new or key)} {kind}"] += factor * _write_units(size)
            sizes.append(item_size(new))
            if kind == "tx-ConditionCheck":
                continue
            shape = self.shapes[table]
            for index in shape.indexes:
                old_entry, new_entry = index.entry(old, shape.keys), index.entry(new, shape.keys)
                if old_entry == new_entry:
                    continue  # nothing projected changed: the index is not written
                if old_entry is not None and new_entry is not None:
                    same_keys = all(old_entry[k] == new_entry[k] for k in index.keys)
                    if same_keys:
                        units = factor * _write_units(max(item_size(old_entry), item_size(new_entry)))
                    else:  # a changed index key is a delete and a put in the index
                        units = factor * (_write_units(item_size(old_entry)) + _write_units(item_size(new_entry)))
                else:
                    units = factor * _write_units(item_size(old_entry or new_entry))
                index_units += units
                index_by[f"{index.name} <- {_item_kind(old or new or key)}"] += units
        with self._lock:
            self.tally.write_units += table_units
            self.tally.index_write_units += index_units
            self.tally.write_units_by.update(by)
            self.tally.index_write_units_by.update(index_by)
            self.tally.written_item_bytes.extend(sizes)

    def _bill_reads(self, operation: str, params: dict[str, Any], response: Mapping[str, Any]) -> None:
        units = 0.0
        if operation == "GetItem":
            # billed on the whole item, whatever ProjectionExpression returns: read it whole
            whole = self._image(params["TableName"], params["Key"])
            units = _read_units(item_size(whole), bool(params.get("ConsistentRead")))
        elif operation in ("Query", "Scan"):
            total = sum(item_size(i) for i in response.get("Items", []))
            units = _read_units(total, bool(params.get("ConsistentRead")))
        elif operation == "BatchGetItem":
            for table, items in response.get("Responses", {}).items():
                consistent = bool(params["RequestItems"][table].get("ConsistentRead"))
                units += sum(_read_units(item_size(i), consistent) for i in items)
                missing = len(params["RequestItems"][table]["Keys"]) - len(items)
                units += max(0, missing) * _read_units(0, consistent)
        elif operation == "TransactGetItems":
            units = sum(2 * _read_units(item_size(r.get("Item")), True) for r in response.get("Responses", []))
        with self._lock:
            self.tally.read_units += units
