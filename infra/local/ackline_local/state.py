"""The local stack's state on disk, so a restart of `make dev` keeps what was stored.

moto keeps everything in memory. With a state directory (`python -m ackline_local --state-dir .local-state`, which
`make dev` passes) the stack saves, as one JSON file:

- every item of every DynamoDB table in template.yaml, in DynamoDB's wire format;
- every message of every SQS queue in template.yaml (body, attributes, receive count, FIFO group), in flight or
  not: after a restart a message that was in flight is visible again, as it would be once its visibility timeout
  ran out, and keeps its receive count so the redrive to the DLQ still happens after maxReceiveCount.

SSM parameters are not saved: the stack writes the secrets (dev.env) and the brand policy at every start. SNS keeps
nothing worth saving. The platform sandbox appends every call it records to `sandbox-calls.jsonl` in the same
directory as it happens, so the replies sent before a restart stay listed at `/_sandbox/calls`.

The state is saved when the stack stops (SIGTERM, Ctrl-C) and, while it runs, every `interval` seconds if a
DynamoDB write or an SQS send/delete happened since the last save; so a crash (SIGKILL, a power cut) loses at most
the last interval. A save is taken under moto's DynamoDB lock, which DynamoDB requests and SQS writes also hold
(`SerialisedDynamoDB`), so it is one consistent point in time: never an item without the message queued after it.
The file is written whole and renamed into place, so a crash mid-save leaves the previous one intact.

Items and messages are keyed by the template's logical ids, not physical names, so a state directory stays valid
across name prefixes; a table or queue the template no longer has is skipped with a warning.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ackline_local.moto_server import LocalMotoServer
    from ackline_local.resources import LocalResources

logger = logging.getLogger(__name__)

STATE_FILE = "moto-state.json"
SANDBOX_CALLS_FILE = "sandbox-calls.jsonl"
FORMAT_VERSION = 1
DEFAULT_SAVE_INTERVAL = 2.0


@dataclass(frozen=True)
class StateSummary:
    """How much a save wrote or a restore put back."""

    items: int
    messages: int

    def __str__(self) -> str:
        return f"{self.items} DynamoDB items, {self.messages} SQS messages"


def reset_state(directory: Path) -> None:
    """`--reset`: forget the saved state (the directory itself stays)."""
    for name in (STATE_FILE, SANDBOX_CALLS_FILE):
        (directory / name).unlink(missing_ok=True)


class StateStore:
    """Saves and restores one stack's moto state in `directory` (see the module docstring)."""

    def __init__(
        self,
        directory: Path,
        moto: LocalMotoServer,
        resources: LocalResources,
        *,
        interval: float = DEFAULT_SAVE_INTERVAL,
    ) -> None:
        self.directory = directory
        self.path = directory / STATE_FILE
        self._moto = moto
        self._resources = resources
        self._interval = interval
        self._changes = 0  # writes seen since the last save (counted under moto's lock)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._save_lock = threading.Lock()

    # --- lifecycle -------------------------------------------------------------------------------------------

    def start(self) -> StateStore:
        """Restore what the directory holds, then save periodically until `stop()`."""
        self.directory.mkdir(parents=True, exist_ok=True)
        summary = self.restore()
        if summary is not None:
            logger.info("state restored from %s: %s", self.path, summary)
        if self._moto.middleware is None:
            raise RuntimeError("moto's server is not running")
        self._moto.middleware.on_write = self._changed
        self._thread = threading.Thread(target=self._run, name="ackline-state-saver", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the periodic saves and save once more (call it after the gateway and pollers stopped)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
        if self._moto.middleware is not None:
            self._moto.middleware.on_write = None
        summary = self.save()
        logger.info("state saved to %s: %s", self.path, summary)

    def _changed(self) -> None:
        self._changes += 1

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            if self._changes:
                try:
                    self.save()
                except Exception:
                    logger.exception("saving the local state failed; retrying in %.0f s", self._interval)

    # --- save and restore ------------------------------------------------------------------------------------

    def save(self) -> StateSummary:
        with self._save_lock:
            with self._moto.dynamodb_lock:
                self._changes = 0
                tables = {logical_id: _table_items(table) for logical_id, table in self._tables().items()}
                queues = {logical_id: _queue_messages(queue) for logical_id, queue in self._queues().items()}
            document = {
                "version": FORMAT_VERSION,
                "saved_at": time.time(),
                "tables": tables,
                "queues": queues,
            }
            temporary = self.path.with_suffix(".tmp")
            with temporary.open("w", encoding="utf-8") as file:
                json.dump(document, file, default=_json_default, separators=(",", ":"))
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, self.path)
        return StateSummary(sum(map(len, tables.values())), sum(map(len, queues.values())))

    def restore(self) -> StateSummary | None:
        """Put the saved items and messages back (before the gateway and pollers start); None if nothing saved."""
        if not self.path.is_file():
            return None
        document = json.loads(self.path.read_text(encoding="utf-8"))
        if document.get("version") != FORMAT_VERSION:
            raise ValueError(f"{self.path} has state format {document.get('version')!r}, not {FORMAT_VERSION}")
        from ackline_local.moto_server import dynamodb_backend

        backend = dynamodb_backend()
        tables, queues = self._tables(), self._queues()
        items = messages = 0
        with self._moto.dynamodb_lock:
            for logical_id, saved_items in document.get("tables", {}).items():
                if logical_id not in tables:
                    logger.warning("the saved table %s is not in the template any more: skipped", logical_id)
                    continue
                for attributes in saved_items:
                    backend.put_item(tables[logical_id].name, attributes)
                items += len(saved_items)
            for logical_id, saved_messages in document.get("queues", {}).items():
                if logical_id not in queues:
                    logger.warning("the saved queue %s is not in the template any more: skipped", logical_id)
                    continue
                queues[logical_id]._messages.extend(_message(saved) for saved in saved_messages)
                messages += len(saved_messages)
        return StateSummary(items, messages)

    def _tables(self) -> dict[str, Any]:
        from ackline_local.moto_server import dynamodb_backend

        backend = dynamodb_backend()
        return {
            t.logical_id: backend.tables[self._resources[t.logical_id].name]
            for t in self._resources.template.tables
            if self._resources[t.logical_id].name in backend.tables
        }

    def _queues(self) -> dict[str, Any]:
        from ackline_local.moto_server import sqs_backend

        backend = sqs_backend()
        return {
            q.logical_id: backend.queues[self._resources[q.logical_id].name]
            for q in self._resources.template.queues
            if self._resources[q.logical_id].name in backend.queues
        }


def _table_items(table: Any) -> list[dict[str, Any]]:
    return [item.to_json()["Attributes"] for item in table.all_items()]


_MESSAGE_FIELDS = (
    "id",
    "body",
    "message_attributes",
    "system_attributes",
    "deduplication_id",
    "group_id",
    "sequence_number",
    "sent_timestamp",
    "approximate_receive_count",
    "approximate_first_receive_timestamp",
)


def _queue_messages(queue: Any) -> list[dict[str, Any]]:
    saved = []
    for message in list(queue._messages):
        fields = {name: getattr(message, name) for name in _MESSAGE_FIELDS}
        fields["message_attributes"] = _encode_binary(message.message_attributes or {})
        saved.append(fields)
    return saved


def _message(saved: dict[str, Any]) -> Any:
    from moto.sqs.models import Message

    message = Message(saved["id"], saved["body"], saved.get("system_attributes") or {})
    for name in _MESSAGE_FIELDS[2:]:
        if name in saved:
            setattr(message, name, saved[name])
    message.message_attributes = _decode_binary(saved.get("message_attributes") or {})
    # visible now: whatever held it in flight is gone with the process that crashed or stopped
    message.visible_at = 0.0
    message.delayed_until = 0.0
    return message


_BYTES = "__bytes_base64__"


def _encode_binary(attributes: dict[str, Any]) -> dict[str, Any]:
    """Message attributes with any bytes value marked, so a restore gives back bytes and strings as they were."""
    return {
        name: {
            k: ({_BYTES: base64.b64encode(v).decode("ascii")} if isinstance(v, bytes) else v) for k, v in value.items()
        }
        for name, value in attributes.items()
    }


def _decode_binary(attributes: dict[str, Any]) -> dict[str, Any]:
    return {
        name: {k: (base64.b64decode(v[_BYTES]) if isinstance(v, dict) and _BYTES in v else v) for k, v in value.items()}
        for name, value in attributes.items()
    }


def _json_default(value: Any) -> Any:
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"cannot save a {type(value).__name__} in the local state")
