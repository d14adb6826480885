"""Development only: record every AWS API call the Lambda handlers make, so a test can check them against IAM.

moto does not enforce IAM, so a handler calling an API its role in template.yaml does not grant passes every local
test and fails in AWS with AccessDenied. With `ACKLINE_AWS_CALL_LOG=<path>` the local stack writes one JSON line per
AWS request to `<path>`: which function made it (None for the stack's own calls: resource creation, secrets seeding,
the pollers' ReceiveMessage/DeleteMessageBatch), the service, the operation and the resources it targets (DynamoDB
table/index, each item's table and action in a transaction, the partition key values for `dynamodb:LeadingKeys`;
SQS queue URLs; SSM parameter names). tests/e2e/test_iam_covers_calls.py evaluates them against the roles SAM
generates.

How calls are seen and attributed, with no change to Lambda code:

- `botocore.client.BaseClient._make_api_call` is wrapped while recording (and restored by `stop()`). Every client
  goes through it, whichever session made it: bootstrap's `boto3.client(...)`, Powertools Parameters' own SSM
  client, the stack's session. (botocore's event system is per client, so a handler registered on one session
  would miss the others.)
- The gateway and the pollers run a handler through `LambdaTarget.invoke`, which sets `CURRENT_FUNCTION` (a
  ContextVar) around the call. Handlers that fan out on a `concurrent.futures.ThreadPoolExecutor` (the interaction
  table's concurrent puts, the SQS dispatcher's batches) would lose it, because worker threads start with an empty
  context; while recording, `ThreadPoolExecutor.submit` runs each task in a copy of the submitter's context, which
  is what the Lambda runtime gives those threads for free (one invocation per process).
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

ENV_VAR = "ACKLINE_AWS_CALL_LOG"


@dataclass(frozen=True)
class InvokedFunction:
    """The function whose handler is running: its physical name and the template's logical id."""

    name: str
    logical_id: str | None = None


CURRENT_FUNCTION: contextvars.ContextVar[InvokedFunction | None] = contextvars.ContextVar(
    "ackline_current_function", default=None
)


@contextmanager
def invoking(function: InvokedFunction) -> Iterator[None]:
    """Mark everything that runs inside (in this context) as done by `function`."""
    token = CURRENT_FUNCTION.set(function)
    try:
        yield
    finally:
        CURRENT_FUNCTION.reset(token)


@dataclass(frozen=True)
class KeySchema:
    """A table's partition key attribute and each index's, for `dynamodb:LeadingKeys`."""

    hash_key: str
    index_hash_keys: Mapping[str, str] = field(default_factory=dict)

    def hash_key_of(self, index: str | None) -> str | None:
        return self.hash_key if index is None else self.index_hash_keys.get(index)


class AwsCallRecorder:
    """Writes one JSON line per AWS request made in this process while started (see the module docstring).

    Only one recorder can be active per process (it patches process-wide classes). Lines are flushed as written, so
    a reader may follow the file while the stack runs. A failure to describe a call is written as a
    `record_error` line and never breaks the call itself.
    """

    _active: AwsCallRecorder | None = None
    _active_lock = threading.Lock()

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._file: Any = None
        self._schemas: dict[str, KeySchema] = {}
        self._originals: dict[str, Any] = {}

    # --- lifecycle -------------------------------------------------------------------------------------------

    def start(self) -> AwsCallRecorder:
        from botocore.client import BaseClient

        with AwsCallRecorder._active_lock:
            if AwsCallRecorder._active is not None:
                raise RuntimeError("an AWS call recorder is already active in this process")
            AwsCallRecorder._active = self
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = self.path.open("a", encoding="utf-8")
        original_call = getattr(BaseClient, "_make_api_call")  # noqa: B009 - private, hence untyped
        original_submit = ThreadPoolExecutor.submit
        self._originals = {"call": original_call, "submit": original_submit}
        recorder = self

        def _make_api_call(client: Any, operation_name: str, api_params: dict[str, Any]) -> Any:
            recorder._record_call(client, operation_name, api_params)
            return original_call(client, operation_name, api_params)

        def submit(executor: ThreadPoolExecutor, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
            context = contextvars.copy_context()
            return original_submit(executor, context.run, fn, *args, **kwargs)

        setattr(BaseClient, "_make_api_call", _make_api_call)  # noqa: B010
        setattr(ThreadPoolExecutor, "submit", submit)  # noqa: B010
        self._write({"kind": "start", "time": time.time()})
        return self

    def stop(self) -> None:
        from botocore.client import BaseClient

        if not self._originals:
            return
        setattr(BaseClient, "_make_api_call", self._originals["call"])  # noqa: B010
        setattr(ThreadPoolExecutor, "submit", self._originals["submit"])  # noqa: B010
        self._originals = {}
        self._write({"kind": "stop", "time": time.time()})
        with self._lock:
            self._file.close()
            self._file = None
        with AwsCallRecorder._active_lock:
            if AwsCallRecorder._active is self:
                AwsCallRecorder._active = None

    def describe_stack(
        self,
        *,
        resources: Mapping[str, Mapping[str, Any]],
        parameters: Mapping[str, str],
        stack_name: str,
        region: str,
        account_id: str,
        functions: Mapping[str, str],
        key_schemas: Mapping[str, KeySchema],
    ) -> None:
        """Write the physical resources (for the policy evaluator) and learn the tables' key schemas."""
        self._schemas.update(key_schemas)
        self._write(
            {
                "kind": "stack",
                "stack_name": stack_name,
                "region": region,
                "account_id": account_id,
                "parameters": dict(parameters),
                "resources": {k: dict(v) for k, v in resources.items()},
                "functions": dict(functions),
            }
        )

    # --- recording -------------------------------------------------------------------------------------------

    def _record_call(self, client: Any, operation: str, params: Mapping[str, Any]) -> None:
        function = CURRENT_FUNCTION.get()
        try:
            service = str(client.meta.service_model.service_name)
            record: dict[str, Any] = {
                "kind": "call",
                "function": function.name if function else None,
                "logical_id": function.logical_id if function else None,
                "service": service,
                "operation": operation,
                "region": client.meta.region_name,
                "thread": threading.current_thread().name,
                "resources": describe_resources(service, operation, params, self._schemas),
            }
        except Exception as error:  # never break the call being recorded; the test fails on record_error lines
            logger.exception("could not describe an AWS call")
            record = {
                "kind": "record_error",
                "function": function.name if function else None,
                "operation": operation,
                "error": repr(error),
            }
        self._write(record)

    def _write(self, record: Mapping[str, Any]) -> None:
        line = json.dumps(record, sort_keys=True, default=str)
        with self._lock:
            if self._file is not None:
                self._file.write(line + "\n")
                self._file.flush()


# --- what a call targets -------------------------------------------------------------------------------------


def describe_resources(
    service: str, operation: str, params: Mapping[str, Any], schemas: Mapping[str, KeySchema]
) -> list[dict[str, Any]]:
    """The resources one request targets, as recorded (the evaluator maps them to IAM actions and ARNs).

    An operation this function does not know yields `[{"kind": "unknown", "params": [...]}]`, which the evaluator
    treats as denied: a new kind of call must be taught here before it can pass.
    """
    if service == "dynamodb":
        return _dynamodb_resources(operation, params, schemas)
    if service == "sqs":
        if "QueueUrl" in params:
            return [{"kind": "queue", "queue_url": params["QueueUrl"]}]
        if "QueueName" in params:
            return [{"kind": "queue", "queue_name": params["QueueName"]}]
    if service == "sns" and "TopicArn" in params:
        return [{"kind": "topic", "topic_arn": params["TopicArn"]}]
    if service == "ssm":
        names = [params["Name"]] if "Name" in params else list(params.get("Names", []))
        if "Path" in params:
            names.append(params["Path"])
        if names:
            return [{"kind": "parameter", "name": name} for name in names]
    return [{"kind": "unknown", "params": sorted(params)}]


_TRANSACT_ACTIONS = ("Put", "Update", "Delete", "ConditionCheck", "Get")
_BATCH_WRITE_ACTIONS = {"PutRequest": "Put", "DeleteRequest": "Delete"}


def _dynamodb_resources(
    operation: str, params: Mapping[str, Any], schemas: Mapping[str, KeySchema]
) -> list[dict[str, Any]]:
    if operation in ("TransactWriteItems", "TransactGetItems"):
        found: list[dict[str, Any]] = []
        for entry in params.get("TransactItems", []):
            [(action, body)] = [(a, entry[a]) for a in _TRANSACT_ACTIONS if a in entry]
            table = body["TableName"]
            item_keys = _item_leading_keys(body.get("Item") or body.get("Key"), schemas.get(table))
            found.append({"kind": "table", "table": table, "item_action": action, "leading_keys": item_keys})
        return found
    if operation == "BatchGetItem":
        return [
            {"kind": "table", "table": table, "leading_keys": _all_leading_keys(get.get("Keys", []), schemas, table)}
            for table, get in params.get("RequestItems", {}).items()
        ]
    if operation == "BatchWriteItem":
        found = []
        for table, requests in params.get("RequestItems", {}).items():
            items = [r[k].get("Item") or r[k].get("Key") for r in requests for k in _BATCH_WRITE_ACTIONS if k in r]
            found.append({"kind": "table", "table": table, "leading_keys": _all_leading_keys(items, schemas, table)})
        return found
    if "TableName" in params:
        table = params["TableName"]
        index = params.get("IndexName")
        schema = schemas.get(table)
        keys: list[str] | None
        if operation == "Query":
            hash_key = schema.hash_key_of(index) if schema else None
            keys = _query_leading_keys(params, hash_key)
        elif "Item" in params or "Key" in params:
            keys = _item_leading_keys(params.get("Item") or params.get("Key"), schema)
        else:
            keys = None  # Scan, DescribeTable, ...: no partition key to compare (the evaluator fails closed)
        resource: dict[str, Any] = {"kind": "table", "table": table, "leading_keys": keys}
        if index:
            resource["index"] = index
        return [resource]
    return [{"kind": "unknown", "params": sorted(params)}]


def _scalar(value: Any) -> str | None:
    """A key attribute's value as IAM compares it (S and N as written); anything else is unknown."""
    if isinstance(value, Mapping) and len(value) == 1:
        ((kind, raw),) = value.items()
        if kind in ("S", "N"):
            return str(raw)
    return None


def _item_leading_keys(item: Mapping[str, Any] | None, schema: KeySchema | None) -> list[str] | None:
    if item is None or schema is None or schema.hash_key not in item:
        return None
    value = _scalar(item[schema.hash_key])
    return None if value is None else [value]


def _all_leading_keys(
    items: Sequence[Mapping[str, Any] | None], schemas: Mapping[str, KeySchema], table: str
) -> list[str] | None:
    values: list[str] = []
    for item in items:
        keys = _item_leading_keys(item, schemas.get(table))
        if keys is None:
            return None
        values.extend(keys)
    return sorted(set(values))


_EQUALITY = re.compile(r"^\(?\s*([#:]?[\w.]+)\s*=\s*([#:]?[\w.]+)\s*\)?$")


def _query_leading_keys(params: Mapping[str, Any], hash_key: str | None) -> list[str] | None:
    """The partition key value of a Query, from `KeyConditionExpression` (or the legacy `KeyConditions`)."""
    if hash_key is None:
        return None
    legacy = params.get("KeyConditions")
    if legacy is not None:
        condition = legacy.get(hash_key) or {}
        values = condition.get("AttributeValueList") or []
        value = _scalar(values[0]) if condition.get("ComparisonOperator") == "EQ" and len(values) == 1 else None
        return None if value is None else [value]
    expression = params.get("KeyConditionExpression")
    if not isinstance(expression, str):
        return None
    names = params.get("ExpressionAttributeNames", {})
    values = params.get("ExpressionAttributeValues", {})
    for clause in re.split(r"\s+AND\s+", expression.strip(), flags=re.IGNORECASE):
        match = _EQUALITY.match(clause.strip())
        if match is None:
            continue
        left, right = match.groups()
        for attribute, placeholder in ((left, right), (right, left)):
            if placeholder.startswith(":") and names.get(attribute, attribute) == hash_key and placeholder in values:
                value = _scalar(values[placeholder])
                return None if value is None else [value]
    return None


def key_schemas_from_tables(tables: Mapping[str, Mapping[str, Any]]) -> dict[str, KeySchema]:
    """Physical table name -> KeySchema, from CloudFormation-style table properties."""

    def hash_of(schema: Sequence[Mapping[str, str]]) -> str:
        return next(k["AttributeName"] for k in schema if k["KeyType"] == "HASH")

    result: dict[str, KeySchema] = {}
    for name, props in tables.items():
        indexes = [*props.get("GlobalSecondaryIndexes", []), *props.get("LocalSecondaryIndexes", [])]
        result[name] = KeySchema(
            hash_key=hash_of(props["KeySchema"]),
            index_hash_keys={i["IndexName"]: hash_of(i["KeySchema"]) for i in indexes},
        )
    return result
