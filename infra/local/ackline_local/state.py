"""The local stack's state on disk, so a restart of `make dev` keeps what was stored.

moto keeps everything in memory. With a state directory (`python -m ackline_local --state-dir .local-state`, which
`make dev` passes) the stack keeps:

- every item of every DynamoDB table in template.yaml, in DynamoDB's wire format;
- every message of every SQS queue in template.yaml (body, attributes, receive count, FIFO group), in flight or
  not: after a restart a message that was in flight is visible again, as it would be once its visibility timeout
  ran out, and keeps its receive count so the redrive to the DLQ still happens after maxReceiveCount.

SSM parameters are not saved: the stack writes the secrets (dev.env) and the brand policy at every start. SNS keeps
nothing worth saving. The platform sandbox appends every call it records to `sandbox-calls.jsonl` in the same
directory as it happens, so the replies sent before a restart stay listed at `/_sandbox/calls`.

Two files keep it, so nothing acknowledged is lost even when the process is killed:

- a **snapshot** (`moto-state.json`), taken when the stack stops (SIGTERM, Ctrl-C), once after every start, and
  every `interval` seconds while something changes. It is taken under moto's DynamoDB lock, which DynamoDB requests
  and SQS writes also hold (`SerialisedDynamoDB`), so it is one consistent point in time, and written whole and
  renamed into place, so a crash mid-save leaves the previous one intact;
- a **journal** (`moto-journal-<generation>.jsonl`) of every change since: each DynamoDB write moto answered 200
  (the request as it came) and each SQS change (a message added by a send or a redrive, deleted, purged), appended
  and flushed to the OS before moto answers. A snapshot starts the next generation under the same lock and then
  deletes the journals it covers. A restart loads the snapshot and replays the later journals in order: DynamoDB
  writes are sent to moto again and succeed again (same requests, same order, same state); SQS changes keep their
  message ids. A line cut short by a crash ends the replay there.

The journal survives a killed process, not a power cut (it is flushed, not fsynced per line). A redrive to a DLQ
happens inside ReceiveMessage, outside the lock; one that races a snapshot could be replayed onto a queue that
already holds it, so a replayed add first removes that message id from every queue.

Items and messages are keyed by the template's logical ids (DynamoDB journal lines carry the physical table name
of the request, which `make dev` keeps the same); a table or queue the template no longer has is skipped with a
warning.
"""

from __future__ import annotations

import base64
import fcntl
import json
import logging
import os
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ackline_local.moto_server import LocalMotoServer
    from ackline_local.resources import LocalResources

logger = logging.getLogger(__name__)

STATE_FILE = "moto-state.json"
SANDBOX_CALLS_FILE = "sandbox-calls.jsonl"
LOCK_FILE = ".lock"
JOURNAL_PREFIX, JOURNAL_SUFFIX = "moto-journal-", ".jsonl"
JOURNAL_GLOB = f"{JOURNAL_PREFIX}*{JOURNAL_SUFFIX}"
FORMAT_VERSION = 1
# The journal keeps every change between snapshots, so the interval bounds replay time at start, not data loss.
DEFAULT_SAVE_INTERVAL = 30.0


class StateDirInUse(ValueError):
    """Another running stack holds the state directory."""


@dataclass(frozen=True)
class StateSummary:
    """How much a save wrote or a restore put back."""

    items: int
    messages: int
    replayed: int = 0

    def __str__(self) -> str:
        replayed = f", then {self.replayed} journalled changes replayed" if self.replayed else ""
        return f"{self.items} DynamoDB items, {self.messages} SQS messages{replayed}"


def reset_state(directory: Path) -> None:
    """`--reset`: forget the saved state (the directory itself stays)."""
    for path in (directory / STATE_FILE, directory / SANDBOX_CALLS_FILE, *_journal_files(directory)):
        path.unlink(missing_ok=True)


def _journal_files(directory: Path) -> list[Path]:
    """The journal files in generation order."""
    found = []
    for path in directory.glob(JOURNAL_GLOB):
        generation = path.name.removeprefix(JOURNAL_PREFIX).removesuffix(JOURNAL_SUFFIX)
        if generation.isdigit():
            found.append((int(generation), path))
    return [path for _, path in sorted(found)]


def _generation(path: Path) -> int:
    return int(path.name.removeprefix(JOURNAL_PREFIX).removesuffix(JOURNAL_SUFFIX))


class Journal:
    """Append-only JSON lines, one file per generation; a line is flushed to the OS before moto answers."""

    def __init__(self, directory: Path, generation: int) -> None:
        self._directory = directory
        self._lock = threading.Lock()
        self.generation = generation
        self._file = self._open(generation)

    def _open(self, generation: int) -> Any:
        return (self._directory / f"{JOURNAL_PREFIX}{generation:08d}{JOURNAL_SUFFIX}").open("a", encoding="utf-8")

    def append(self, entry: dict[str, Any]) -> None:
        line = json.dumps(entry, default=_json_default, separators=(",", ":")) + "\n"
        with self._lock:
            self._file.write(line)
            self._file.flush()

    def rotate(self) -> int:
        """Start the next generation (call it under moto's lock, with the state copied); returns its number."""
        with self._lock:
            self._file.close()
            self.generation += 1
            self._file = self._open(self.generation)
            return self.generation

    def close(self) -> None:
        with self._lock:
            self._file.close()


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
        self._journal: Journal | None = None
        self._lock_file: Any = None
        self._queue_ids = {resources[q.logical_id].name: q.logical_id for q in resources.template.queues}

    # --- lifecycle -------------------------------------------------------------------------------------------

    def start(self) -> StateStore:
        """Restore what the directory holds, then journal every change and save periodically until `stop()`."""
        from ackline_local import moto_server

        self.directory.mkdir(parents=True, exist_ok=True)
        # two stacks on one directory would overwrite each other's snapshots and interleave journals
        self._lock_file = (self.directory / LOCK_FILE).open("w")
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            self._lock_file.close()
            raise StateDirInUse(f"{self.directory} is in use by another running local stack") from error
        middleware = self._moto.middleware
        if middleware is None:
            raise RuntimeError("moto's server is not running")
        try:
            summary = self.restore()
        except BaseException:
            self._lock_file.close()  # nothing was changed on disk; let the next start try again
            self._lock_file = None
            raise
        if summary is not None:
            logger.info("state restored from %s: %s", self.directory, summary)
        generation = _generation(_journal_files(self.directory)[-1]) + 1 if _journal_files(self.directory) else 1
        self._journal = Journal(self.directory, generation)
        middleware.journal = self._journal_dynamodb
        middleware.on_write = self._changed
        moto_server.sqs_listeners.append(self._journal_sqs)
        self.save()  # one snapshot of what was restored; the journals it replayed are deleted
        self._thread = threading.Thread(target=self._run, name="ackline-state-saver", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the periodic saves and save once more (call it after the gateway and pollers stopped)."""
        from ackline_local import moto_server

        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
        summary = self.save()
        if self._moto.middleware is not None:
            self._moto.middleware.on_write = None
            self._moto.middleware.journal = None
        if self._journal_sqs in moto_server.sqs_listeners:
            moto_server.sqs_listeners.remove(self._journal_sqs)
        if self._journal is not None:
            self._journal.close()
        if self._lock_file is not None:
            self._lock_file.close()  # releases the flock
            self._lock_file = None
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

    # --- the journal -----------------------------------------------------------------------------------------

    def _journal_dynamodb(self, target: str, headers: dict[str, str], body: bytes) -> None:
        if self._journal is not None:
            self._journal.append({"dynamodb": target, "headers": headers, "body": body.decode("utf-8")})

    def _journal_sqs(self, event: str, queue: str, detail: Any) -> None:
        logical_id = self._queue_ids.get(queue)
        if self._journal is None or logical_id is None:
            return
        if event == "add":
            self._journal.append({"sqs": "add", "queue": logical_id, "message": _saved_message(detail)})
        else:
            self._journal.append({"sqs": event, "queue": logical_id, "ids": detail or []})

    # --- save and restore ------------------------------------------------------------------------------------

    def save(self) -> StateSummary:
        with self._save_lock:
            with self._moto.dynamodb_lock:
                self._changes = 0
                tables = {logical_id: _table_items(table) for logical_id, table in self._tables().items()}
                queues = {logical_id: _queue_messages(queue) for logical_id, queue in self._queues().items()}
                # what happens from here on goes to the next journal; this snapshot covers everything before
                generation = self._journal.rotate() if self._journal is not None else 0
            document = {
                "version": FORMAT_VERSION,
                "saved_at": time.time(),
                "journal_generation": generation,
                "tables": tables,
                "queues": queues,
            }
            temporary = self.path.with_suffix(".tmp")
            with temporary.open("w", encoding="utf-8") as file:
                json.dump(document, file, default=_json_default, separators=(",", ":"))
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, self.path)
            for journal in _journal_files(self.directory):
                if _generation(journal) < generation:
                    journal.unlink(missing_ok=True)
        return StateSummary(sum(map(len, tables.values())), sum(map(len, queues.values())))

    def restore(self) -> StateSummary | None:
        """The saved snapshot, then every journal written after it, in order; None if there is nothing."""
        journals = _journal_files(self.directory)
        if not self.path.is_file() and not journals:
            return None
        first_generation = 0
        items = messages = 0
        if self.path.is_file():
            document = json.loads(self.path.read_text(encoding="utf-8"))
            if document.get("version") != FORMAT_VERSION:
                raise ValueError(f"{self.path} has state format {document.get('version')!r}, not {FORMAT_VERSION}")
            first_generation = int(document.get("journal_generation", 0))
            items, messages = self._restore_snapshot(document)
        replayed = 0
        for journal in journals:
            if _generation(journal) >= first_generation:
                replayed += self._replay(journal)
        return StateSummary(items, messages, replayed)

    def _restore_snapshot(self, document: dict[str, Any]) -> tuple[int, int]:
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
                    backend.put_item(tables[logical_id].name, _item_as_moto_holds_it(attributes))
                items += len(saved_items)
            for logical_id, saved_messages in document.get("queues", {}).items():
                if logical_id not in queues:
                    logger.warning("the saved queue %s is not in the template any more: skipped", logical_id)
                    continue
                queues[logical_id]._messages.extend(_message(saved) for saved in saved_messages)
                messages += len(saved_messages)
        return items, messages

    def _replay(self, journal: Path) -> int:
        """Apply one journal: DynamoDB writes are sent to moto again as they were (they succeed again, in the same
        order on the same state); SQS changes are applied to the queues directly, keeping message ids."""
        queues = self._queues()
        replayed = 0
        with journal.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                try:
                    entry = json.loads(line)
                except ValueError:
                    logger.warning("%s:%d is cut short (a crash mid-write): the journal ends there", journal, number)
                    break
                if "dynamodb" in entry:
                    self._replay_dynamodb(entry, f"{journal.name}:{number}")
                elif entry.get("queue") in queues:
                    _replay_sqs(entry, queues)
                replayed += 1
        return replayed

    def _replay_dynamodb(self, entry: dict[str, Any], where: str) -> None:
        host, port = self._moto.get_host_and_port()
        request = urllib.request.Request(
            f"http://{host}:{port}/",
            data=entry["body"].encode("utf-8"),
            headers={**entry["headers"], "X-Amz-Target": entry["dynamodb"]},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=30):  # noqa: S310
                pass
        except urllib.error.HTTPError as error:
            logger.warning("replaying %s (%s) failed: %s", where, entry["dynamodb"], error.read()[:300])

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


def _item_as_moto_holds_it(saved: dict[str, Any]) -> dict[str, Any]:
    """A saved item as moto holds one that a PutItem request stored, ready for `put_item` in-process.

    moto's request parser decodes an item's top-level binary values (B, BS) from base64 into bytes and keeps nested
    ones (inside M or L) as the base64 text they came as. The snapshot writes both as base64 text, so the top-level
    ones are decoded here. Without it they stayed text: GetItem still answered the right bytes, but UpdateItem's
    ReturnValues=ALL_NEW answered the base64 text itself, so after a restart the responder's claim read a
    compressed payload that would not decompress, failed on every delivery, and the message ended on the DLQ.
    """
    item = dict(saved)
    for name, value in saved.items():
        if "B" in value and isinstance(value["B"], str):
            item[name] = {"B": base64.b64decode(value["B"])}
        elif "BS" in value:
            item[name] = {"BS": [base64.b64decode(v) if isinstance(v, str) else v for v in value["BS"]]}
    return item


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
    return [_saved_message(message) for message in list(queue._messages)]


def _saved_message(message: Any) -> dict[str, Any]:
    fields = {name: getattr(message, name) for name in _MESSAGE_FIELDS}
    fields["message_attributes"] = _encode_binary(message.message_attributes or {})
    return fields


def _replay_sqs(entry: dict[str, Any], queues: dict[str, Any]) -> None:
    queue = queues[entry["queue"]]
    if entry["sqs"] == "add":
        message = _message(entry["message"])
        for other in queues.values():  # a redrive moves a message: it leaves its source queue
            other._messages = [m for m in other._messages if m.id != message.id]
        queue._messages.append(message)
    elif entry["sqs"] == "delete":
        gone = set(entry["ids"])
        queue._messages = [m for m in queue._messages if m.id not in gone]
    elif entry["sqs"] == "purge":
        queue._messages = []


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
