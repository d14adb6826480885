"""`python -m tests.faults.moto_process <port>`: the serialised moto server in a process of its own, so moto's
request handling and the suite's clients (botocore's signing and parsing) run on separate cores.

Two patches, for this process only, so that a 1,000-message burst takes a minute or two rather than many:
- Before each transaction moto deep-copies every table the transaction names, so that it can restore them if
  the transaction is cancelled: a copy of the whole table per transaction (about a second at 3,000 items, and
  it grows the process). With requests serialised nothing else changes a table during a transaction, so a
  snapshot that shares the untouched items and deep-copies only the items the transaction names restores
  exactly the same state on cancellation.
- Every Query on an index sorts the whole table with DynamoType comparisons; the table's keys are strings
  (template.yaml), so sorting by their plain values gives the same order at a fraction of the cost.
"""

from __future__ import annotations

import copy
import sys
import threading
from typing import Any

from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.table import Table

from tests.faults.rig import SerialMotoServer

_original_transact = DynamoDBBackend.transact_write_items


def _touched_hash_keys(transact_items: list[dict[str, Any]]) -> dict[str, set[str]]:
    touched: dict[str, set[str]] = {}
    for item in transact_items:
        _, op = next(iter(item.items()))
        key = op.get("Key") or op.get("Item") or {}
        for value in key.values():
            touched.setdefault(op.get("TableName", ""), set()).add(str(next(iter(value.values()))))
    return touched


def _lean_snapshot(table: Table, touched: set[str]) -> Table:
    snapshot = copy.copy(table)
    items = copy.copy(table.items)  # the same mapping type, the same entries
    for hash_key, value in table.items.items():
        if str(hash_key.value) in touched:
            items[hash_key] = copy.deepcopy(value)
        elif isinstance(value, dict):
            items[hash_key] = dict(value)  # range key -> item: an insert or delete under it must not leak
    snapshot.items = items
    return snapshot


class _SnapshotCopy:
    """Stands in for the `copy` module inside moto's DynamoDB models during one transaction."""

    def __init__(self, touched: dict[str, set[str]]) -> None:
        self._touched = touched

    def deepcopy(self, value: Any, memo: Any = None) -> Any:
        if isinstance(value, Table):
            return _lean_snapshot(value, self._touched.get(value.name, set()))
        return copy.deepcopy(value, memo)

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)


def _lean_transact(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    models = sys.modules[DynamoDBBackend.__module__]
    models.copy = _SnapshotCopy(_touched_hash_keys(transact_items))  # type: ignore[attr-defined]
    try:
        _original_transact(self, transact_items)
    finally:
        models.copy = copy  # type: ignore[attr-defined]


def _all_items_by_plain_keys(self: Table) -> list[Any]:
    items: list[Any] = []
    for hash_set in self.items.values():
        items.extend(hash_set.values() if self.range_key_attr else [hash_set])
    return sorted(items, key=lambda x: (x.hash_key.value, x.range_key.value if x.range_key else ""))


def main(port: int) -> None:
    DynamoDBBackend.transact_write_items = _lean_transact  # type: ignore[method-assign]
    Table.all_items = _all_items_by_plain_keys  # type: ignore[method-assign]
    server = SerialMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    sys.stdout.write("ready\n")  # the suite waits for this line before its first call
    sys.stdout.flush()
    threading.Event().wait()  # until the suite terminates the process


if __name__ == "__main__":
    main(int(sys.argv[1]))
