"""moto's server as the local stack runs it: DynamoDB requests serialised, and moto's unbounded memory bounded.

moto is a test double, not a database, and two of its habits break the guarantees ackline relies on:

- **Transactions are neither atomic nor isolated under concurrency.** The server handles requests on many threads
  at once, so a conditional write's check and its write interleave with other requests (two concurrent claims of
  one case both pass `#s = :from`), and a cancelled `TransactWriteItems` restores a deep copy of every table it
  touched, taken when it started, erasing whatever other threads wrote meanwhile. DynamoDB serialises conflicting
  writes per item; here `SerialisedDynamoDB` holds one lock while it serves any DynamoDB request, which is
  stricter (one DynamoDB request at a time) and therefore just as correct. moto is CPU-bound under the GIL
  anyway, so the lock costs little throughput. The invocations waiting for it take turns (`fair_lock`), so one
  invocation's many requests do not queue ahead of everyone else's.
- **Memory grows with every request.** Every instance of a moto model (`BaseModel`) is appended to a class-level
  `instances_tracked` list, for the `/moto-api/data.json` dashboard, and never released: every `Item` ever
  written, and every `Item` of the whole-table copy each transaction takes, stays in memory (the stack reached
  16.5 GB). SQS also keeps the receipt handle of every deleted message, and SNS every published message.

`apply_moto_patches()` fixes the memory (and the cost) at the source, process-wide and idempotently:

1. `BaseModel.__new__` tracks instances by weak reference, so the dashboard and moto's own readers of
   `instances_tracked` (S3's reset) still see every live model, and a discarded one is freed.
2. `DynamoDBBackend.transact_write_items` remembers only the items it writes (not a copy of each whole table) and
   puts exactly those back when the transaction is cancelled, so a transaction costs O(its items), not O(table).
   With requests serialised nothing else can have written them in between, so the rollback is exact.
3. An SQS queue remembers the receipt handles of at most the last `DELETED_HANDLES_KEPT` deleted messages (moto
   keeps them so a repeated DeleteMessage succeeds), and an SNS topic its last `SENT_NOTIFICATIONS_KEPT` messages.
   SNS publishes are also offered to `publish_listeners`, which is how the stack prints P1 alerts.

4. `UpdateItem` with `ReturnValues=UPDATED_NEW` returns every top-level attribute its SET, ADD or DELETE actions
   name, as DynamoDB does, not only those whose value changed: moto left out `SET rate_n = :n` when `rate_n` held
   that value already, and the author shield's read of it failed with a KeyError, so Ingest answered 503 to a
   webhook from an author seen in an earlier minute (issue 8: every 503 of a 2-minute soak was this one).

5. `backends.list_of_moto_modules` is read once: moto's server called it for every request, listing its own
   package directory and stat-ing each of its ~150 entries (a twentieth of the stack's CPU under a burst).

These are monkeypatches of moto internals, checked against the versions `pyproject.toml` allows
(`SUPPORTED_MOTO`); `apply_moto_patches()` refuses to run on a moto whose internals are not the expected ones
rather than silently doing nothing.
"""

from __future__ import annotations

import copy
import io
import logging
import re
import threading
import time
import weakref
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from moto.server import ThreadedMotoServer

from ackline_local.fair_lock import ANONYMOUS, FairLock
from ackline_local.intrinsics import LOCAL_ACCOUNT_ID, LOCAL_REGION
from ackline_local.invocation_stats import LOCK_WAIT_HEADER, TURN_HEADER

TURN_ENVIRON_KEY = "HTTP_" + TURN_HEADER.upper().replace("-", "_")

logger = logging.getLogger(__name__)

SUPPORTED_MOTO = ((5, 1), (6, 0))  # the `moto[server]>=5.1,<6` range in pyproject.toml
DYNAMODB_TARGET_PREFIX = "DynamoDB_20120810."
SQS_TARGET_PREFIX = "AmazonSQS."
DELETED_HANDLES_KEPT = 10_000
SENT_NOTIFICATIONS_KEPT = 100

SqsListener = Callable[[str, str, Any], None]
# ("add", queue name, the Message) when a message enters a queue (a send, or a redrive to a DLQ);
# ("delete", queue name, [message ids]) and ("purge", queue name, None): how the state journal follows SQS.
sqs_listeners: list[SqsListener] = []

PublishListener = Callable[[str, str | None, str], None]
# (topic ARN, subject, message) for every SNS Publish moto accepts; called on moto's request thread.
publish_listeners: list[PublishListener] = []

_patch_lock = threading.Lock()
_patched = False


# --- the server ------------------------------------------------------------------------------------------------


class SerialisedDynamoDB:
    """WSGI middleware: one DynamoDB request at a time (any `X-Amz-Target: DynamoDB_20120810.*`).

    SQS writes (send, delete, change visibility, purge; JSON protocol, as boto3 speaks it) hold the same lock,
    so a reader holding it (the state saver) sees moto between two requests, never an item stored without the
    message queued after it. ReceiveMessage does not: it long-polls, and would hold every DynamoDB request up.
    The response is produced inside the lock (moto builds it eagerly, but a lazy iterable would otherwise escape
    it). `on_write` is called, inside the lock, after every request that can change state, whatever its outcome
    (a state saver only needs "maybe changed"). Each serialised response carries how long its request queued for
    the lock (`X-Ackline-Lock-Wait-Ms`), and `lock_state()` says who holds it now: see `invocation_stats`.
    """

    _READ_ONLY = ("Get", "BatchGet", "Query", "Scan", "Describe", "List", "TransactGet")
    _SQS_WRITES = ("Send", "Delete", "ChangeMessageVisibility", "Purge")

    def __init__(self, app: Callable[..., Iterable[bytes]], lock: FairLock | None = None) -> None:
        self.app = app
        self.lock = lock or FairLock()
        self.waiting = 0  # requests queued for the lock (see `lock_state`)
        self.holder: tuple[str, float] | None = None  # (X-Amz-Target, monotonic time it took the lock)
        self._waiters_lock = threading.Lock()
        self.on_write: Callable[[], None] | None = None
        # called inside the lock with (X-Amz-Target, headers, body) of every DynamoDB write moto answered 200
        self.journal: Callable[[str, dict[str, str], bytes], None] | None = None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        target = str(environ.get("HTTP_X_AMZ_TARGET", ""))
        dynamodb = target.startswith(DYNAMODB_TARGET_PREFIX)
        if dynamodb:
            writes = not target[len(DYNAMODB_TARGET_PREFIX) :].startswith(self._READ_ONLY)
        elif target.startswith(SQS_TARGET_PREFIX) and target[len(SQS_TARGET_PREFIX) :].startswith(self._SQS_WRITES):
            writes = True
        else:
            return self.app(environ, start_response)
        queued = time.monotonic()
        with self._waiters_lock:
            self.waiting += 1
        # in turns between the invocations waiting (see `fair_lock`), first come first served within one
        with self.lock.turn(str(environ.get(TURN_ENVIRON_KEY, ANONYMOUS))):
            held_since = time.monotonic()
            with self._waiters_lock:
                self.waiting -= 1
            self.holder = (target, held_since)
            # how long this request queued for the lock, for the caller's account of where its time went
            waited = f"{(held_since - queued) * 1000:.1f}"

            def answer(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
                headers = [*headers, (LOCK_WAIT_HEADER, waited)]
                return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

            try:
                journal = self.journal if dynamodb and writes else None
                if journal is None:
                    body = list(self.app(environ, answer))
                else:
                    body = self._journalled(environ, answer, target, journal)
                if writes and self.on_write is not None:
                    self.on_write()
                return body
            finally:
                self.holder = None

    def lock_state(self) -> tuple[int, str, float]:
        """(requests waiting for the lock, the target holding it or "", for how many ms) now."""
        holder = self.holder
        if holder is None:
            return self.waiting, "", 0.0
        return self.waiting, holder[0], (time.monotonic() - holder[1]) * 1000

    def _journalled(
        self,
        environ: dict[str, Any],
        start_response: Callable[..., Any],
        target: str,
        journal: Callable[[str, dict[str, str], bytes], None],
    ) -> list[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        request = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(request)
        status: list[str] = []

        def capture(code: str, headers: Any, exc_info: Any = None) -> Any:
            status.append(code)
            return start_response(code, headers, exc_info) if exc_info else start_response(code, headers)

        body = list(self.app(environ, capture))
        if status and status[0].startswith("200"):
            headers = {
                name: str(environ[key])
                for name, key in (("Content-Type", "CONTENT_TYPE"), ("Authorization", "HTTP_AUTHORIZATION"))
                if environ.get(key)
            }
            journal(target, headers, request)
        return body


_serving: weakref.WeakSet[SerialisedDynamoDB] = weakref.WeakSet()


def lock_state() -> tuple[int, str, float]:
    """`SerialisedDynamoDB.lock_state()` of the moto server this process runs (zeros if none)."""
    for middleware in list(_serving):
        return middleware.lock_state()
    return 0, "", 0.0


class LocalMotoServer(ThreadedMotoServer):
    """`ThreadedMotoServer` with moto patched (`apply_moto_patches`) and its app wrapped in `SerialisedDynamoDB`.

    `dynamodb_lock` is held while any DynamoDB request is served; hold it to read or change moto's DynamoDB state
    in-process.
    """

    def __init__(self, ip_address: str = "127.0.0.1", port: int = 0, verbose: bool = False) -> None:
        apply_moto_patches()
        super().__init__(ip_address=ip_address, port=port, verbose=verbose)
        self.dynamodb_lock = FairLock()
        self.middleware: SerialisedDynamoDB | None = None

    def _server_entry(self) -> None:
        # Mirrors ThreadedMotoServer._server_entry (moto 5.1-5.x), with the app wrapped.
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )
        from werkzeug.serving import make_server

        class QuietRequestHandler(MotoRequestHandler):
            def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
                # werkzeug's access line for every request (thousands a second under a burst, each taking the
                # logging lock) said nothing the stack's own logs do not; errors are still logged
                pass

        self.middleware = SerialisedDynamoDB(DomainDispatcherApplication(create_backend_app), self.dynamodb_lock)
        _serving.add(self.middleware)
        handler = MotoRequestHandler if self._verbose else QuietRequestHandler
        self._server = make_server(self._ip_address, self._port, self.middleware, True, request_handler=handler)
        self._server_ready_event.set()
        self._server.serve_forever()


def dynamodb_backend() -> Any:
    """moto's in-process DynamoDB for the local account and region (hold `dynamodb_lock` while using it)."""
    from moto.dynamodb.models import dynamodb_backends

    return dynamodb_backends[LOCAL_ACCOUNT_ID][LOCAL_REGION]


def sqs_backend() -> Any:
    from moto.sqs.models import sqs_backends

    return sqs_backends[LOCAL_ACCOUNT_ID][LOCAL_REGION]


# --- the patches -----------------------------------------------------------------------------------------------


def moto_version() -> tuple[int, int]:
    import moto

    major, minor = (int(part) for part in moto.__version__.split(".")[:2])
    return major, minor


def apply_moto_patches() -> None:
    """Patch moto once per process (see the module docstring); raises on a moto outside `SUPPORTED_MOTO`."""
    global _patched
    with _patch_lock:
        if _patched:
            return
        low, high = SUPPORTED_MOTO
        if not low <= moto_version() < high:
            raise RuntimeError(
                f"ackline's moto patches are written for moto {low[0]}.{low[1]} to <{high[0]}.{high[1]};"
                f" this is moto {moto_version()}: check infra/local/ackline_local/moto_server.py against it"
            )
        _track_models_weakly()
        _patch_transactions()
        _bound_sqs_deleted_handles()
        _announce_sqs_changes()
        _bound_and_announce_sns_publishes()
        _return_every_updated_attribute()
        _list_moto_modules_once()
        _patched = True


def _list_moto_modules_once() -> None:
    from moto import backends

    modules = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: modules


class WeakInstances:
    """Stands in for a model class's `instances_tracked` list: append and iterate, holding weak references."""

    def __init__(self) -> None:
        self._refs: dict[int, weakref.ref[Any]] = {}
        self._lock = threading.Lock()

    def append(self, instance: Any) -> None:
        key = id(instance)

        def forget(ref: weakref.ref[Any], key: int = key) -> None:
            with self._lock:
                if self._refs.get(key) is ref:
                    del self._refs[key]

        with self._lock:
            self._refs[key] = weakref.ref(instance, forget)

    def __iter__(self) -> Iterator[Any]:
        with self._lock:
            refs = list(self._refs.values())
        return iter([obj for ref in refs if (obj := ref()) is not None])

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _track_models_weakly() -> None:
    from moto.core.common_models import BaseModel

    if not hasattr(BaseModel, "__new__"):
        raise RuntimeError("moto's BaseModel no longer defines __new__: review _track_models_weakly")

    def __new__(cls: type[Any], *args: Any, **kwargs: Any) -> Any:
        instance = super(BaseModel, cls).__new__(cls)
        tracked = cls.__dict__.get("instances_tracked")
        if not isinstance(tracked, WeakInstances):
            # a class's own list (made by moto's metaclass, or reset to [] by reset_model_data): swap it once
            tracked = WeakInstances()
            cls.instances_tracked = tracked
        tracked.append(instance)
        return instance

    setattr(BaseModel, "__new__", __new__)  # noqa: B010


class _ConditionFailed(Exception):
    """One operation's condition failed; carries the item for ReturnValuesOnConditionCheckFailure=ALL_OLD."""

    def __init__(self, message: str, item: dict[str, Any] | None) -> None:
        super().__init__(message)
        self.message = message
        self.item = item


def _patch_transactions() -> None:
    from moto.dynamodb.exceptions import (
        MockValidationException,
        MultipleTransactionsException,
        TooManyTransactionsException,
        TransactionCanceledException,
        TransactWriteSingleOpException,
    )
    from moto.dynamodb.models import DynamoDBBackend

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        """moto's own implementation, except that it snapshots only the items it writes (see the module docstring)."""
        if len(transact_items) > 100:
            raise TooManyTransactionsException()
        written: list[tuple[Any, Any, Any, Any]] = []  # (table, hash key, range key, the item before), in order
        seen: set[tuple[str, str]] = set()
        errors: list[tuple[str | None, str | None, dict[str, Any] | None]] = []
        for item in transact_items:
            if len(list(item.keys())) > 1:
                raise TransactWriteSingleOpException
            try:
                _transact_one(self, item, seen, written)
                errors.append((None, None, None))
            except (MultipleTransactionsException, MockValidationException):
                _roll_back(written)
                raise
            except _ConditionFailed as failed:
                errors.append(("ConditionalCheckFailed", failed.message, failed.item))
            except Exception as e:
                errors.append((type(e).__name__, str(e), None))
        if any(code is not None for code, _, _ in errors):
            _roll_back(written)
            raise TransactionCanceledException(errors)

    for name in ("transact_write_items", "get_item", "get_table", "get_keys_value", "put_item", "update_item"):
        if not callable(getattr(DynamoDBBackend, name, None)):
            raise RuntimeError(f"moto's DynamoDBBackend has no {name}: review _patch_transactions")
    setattr(DynamoDBBackend, "transact_write_items", transact_write_items)  # noqa: B010


def _transact_one(backend: Any, item: dict[str, Any], seen: set[tuple[str, str]], written: list[Any]) -> None:
    """Check and apply one operation of a transaction, remembering the item it is about to write."""
    from moto.dynamodb.comparisons import get_filter_expression
    from moto.dynamodb.exceptions import ConditionalCheckFailed, MultipleTransactionsException

    op_type, op = next(iter(item.items()))
    if op_type not in {"ConditionCheck", "Put", "Delete", "Update"}:
        raise ValueError("Unsupported transaction operation")
    table_name = op["TableName"]
    condition_expression = op.get("ConditionExpression")
    names = op.get("ExpressionAttributeNames")
    values = op.get("ExpressionAttributeValues")
    if op_type == "Put":
        table = backend.get_table(table_name)
        attrs = op["Item"]
        key = {table.hash_key_attr: attrs[table.hash_key_attr]}
        if table.range_key_attr is not None:
            key[table.range_key_attr] = attrs[table.range_key_attr]
    else:
        key = op["Key"]
    unique = (str(table_name), str(dict(sorted(key.items()))))
    if unique in seen:
        raise MultipleTransactionsException()
    seen.add(unique)

    current = backend.get_item(table_name, key)
    if condition_expression is not None:
        condition = get_filter_expression(condition_expression, names, values)
        if not condition.expr(current):
            old = (
                current.to_json()["Attributes"]
                if current and op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"
                else None
            )
            raise _ConditionFailed(str(ConditionalCheckFailed(item=old).message), old)
    if op_type == "ConditionCheck":
        return
    table = backend.get_table(table_name)
    hash_value, range_value = backend.get_keys_value(table, key)
    written.append((table, hash_value, range_value, copy.deepcopy(current)))
    expression = {
        "condition_expression": condition_expression,
        "expression_attribute_names": names,
        "expression_attribute_values": values,
    }
    if op_type == "Put":
        backend.put_item(table_name, op["Item"], **expression)
    elif op_type == "Delete":
        backend.delete_item(table_name, key, **expression)
    else:
        backend.update_item(table_name, key, update_expression=op["UpdateExpression"], **expression)


def _roll_back(written: list[tuple[Any, Any, Any, Any]]) -> None:
    for table, hash_value, range_value, before in reversed(written):
        _put_back(table, hash_value, range_value, before)


def _put_back(table: Any, hash_value: Any, range_value: Any, before: Any) -> None:
    """Restore one item of `table` to `before` (None: the item did not exist), bypassing conditions and streams."""
    if range_value is not None:
        if before is None:
            table.items.get(hash_value, {}).pop(range_value, None)
        else:
            table.items[hash_value][range_value] = before
    elif before is None:
        table.items.pop(hash_value, None)
    else:
        table.items[hash_value] = before


class BoundedSet:
    """The set operations moto's SQS queue uses on `deleted_messages`, keeping only the newest `limit` members."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._members: OrderedDict[str, None] = OrderedDict()

    def add(self, member: str) -> None:
        self._members[member] = None
        self._members.move_to_end(member)
        while len(self._members) > self._limit:
            self._members.popitem(last=False)

    def update(self, members: Iterable[str]) -> None:
        for member in members:
            self.add(member)

    def __contains__(self, member: object) -> bool:
        return member in self._members

    def __len__(self) -> int:
        return len(self._members)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._members))


def _bound_sqs_deleted_handles() -> None:
    from moto.sqs.models import Queue

    original_init = Queue.__init__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        if not isinstance(getattr(self, "deleted_messages", None), set):
            raise RuntimeError("moto's SQS Queue has no deleted_messages set: review _bound_sqs_deleted_handles")
        self.deleted_messages = BoundedSet(DELETED_HANDLES_KEPT)

    setattr(Queue, "__init__", __init__)  # noqa: B010


def _announce_sqs_changes() -> None:
    from moto.sqs.models import Queue, SQSBackend

    original_add, original_delete, original_purge = Queue.add_message, Queue.delete_message, SQSBackend.purge_queue

    def notify(event: str, queue: str, detail: Any) -> None:
        for listener in list(sqs_listeners):
            listener(event, queue, detail)

    def add_message(self: Any, message: Any) -> None:
        original_add(self, message)
        if self._messages and self._messages[-1] is message:  # not dropped as a FIFO duplicate
            notify("add", self.name, message)

    def delete_message(self: Any, receipt_handle: str) -> None:
        ids = [m.id for m in self._messages if m.had_receipt_handle(receipt_handle)] if sqs_listeners else []
        original_delete(self, receipt_handle)
        if ids:
            notify("delete", self.name, ids)

    def purge_queue(self: Any, queue_name: str) -> None:
        original_purge(self, queue_name)
        notify("purge", queue_name, None)

    setattr(Queue, "add_message", add_message)  # noqa: B010
    setattr(Queue, "delete_message", delete_message)  # noqa: B010
    setattr(SQSBackend, "purge_queue", purge_queue)  # noqa: B010


def _bound_and_announce_sns_publishes() -> None:
    from moto.sns.models import Topic

    original_init = Topic.__init__
    original_publish = Topic.publish

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        self.sent_notifications = deque(self.sent_notifications, maxlen=SENT_NOTIFICATIONS_KEPT)

    def publish(self: Any, message: str, subject: str | None = None, *args: Any, **kwargs: Any) -> Any:
        result = original_publish(self, message, subject, *args, **kwargs)
        for listener in list(publish_listeners):
            try:
                listener(str(self.arn), subject, message)
            except Exception:
                logger.exception("an SNS publish listener failed")
        return result

    setattr(Topic, "__init__", __init__)  # noqa: B010
    setattr(Topic, "publish", publish)  # noqa: B010


_UPDATE_CLAUSE = re.compile(r"\b(SET|REMOVE|ADD|DELETE)\b", re.IGNORECASE)
_TOP_LEVEL_NAME = re.compile(r"#?[A-Za-z0-9_]+")


def update_targets(expression: str, names: dict[str, str] | None) -> list[str]:
    """The top-level attributes an UpdateExpression's SET, ADD and DELETE actions write (REMOVE writes nothing;
    `SET a.b = :v` updates a fragment of `a`, which DynamoDB answers as a fragment, so it is not listed)."""
    names = names or {}
    parts = _UPDATE_CLAUSE.split(expression)
    targets: list[str] = []
    for keyword, body in zip(parts[1::2], parts[2::2], strict=True):
        if keyword.upper() == "REMOVE":
            continue
        for action in _split_outside_parentheses(body):
            path = action.split("=", 1)[0] if keyword.upper() == "SET" else (action.split() or [""])[0]
            path = path.strip()
            if _TOP_LEVEL_NAME.fullmatch(path):
                targets.append(names.get(path, path) if path.startswith("#") else path)
    return targets


def _split_outside_parentheses(text: str) -> list[str]:
    actions, depth, current = [], 0, ""
    for char in text:
        depth += (char == "(") - (char == ")")
        if char == "," and depth == 0:
            actions.append(current)
            current = ""
        else:
            current += char
    return [a for a in [*actions, current] if a.strip()]


def _return_every_updated_attribute() -> None:
    from moto.dynamodb.responses import DynamoHandler

    original = getattr(DynamoHandler, "_build_updated_new_attributes", None)
    if not callable(original):
        raise RuntimeError(
            "moto's DynamoHandler has no _build_updated_new_attributes: review _return_every_updated_attribute"
        )
    depth = threading.local()

    def _build_updated_new_attributes(self: Any, previous: Any, changed: Any) -> Any:
        # moto calls this for the whole item, then for each nested value: only the outermost call is the item
        outermost = not getattr(depth, "inside", False)
        depth.inside = True
        try:
            result = original(self, previous, changed)
        finally:
            if outermost:
                depth.inside = False
        if outermost and isinstance(result, dict) and isinstance(changed, dict):
            body = self.body if isinstance(getattr(self, "body", None), dict) else {}
            for name in update_targets(str(body.get("UpdateExpression") or ""), body.get("ExpressionAttributeNames")):
                if name in changed and name not in result:
                    result[name] = changed[name]  # written with the value it already held: still "updated"
        return result

    setattr(DynamoHandler, "_build_updated_new_attributes", _build_updated_new_attributes)  # noqa: B010
