"""Fault injection at ackline's AWS call sites, through botocore's event hooks on the real clients.

Every call the adapters make is named by its *site*: the service, the operation and what it touches (the
key prefix of the item, the index, the queue), plus the reply state a write sets, e.g.
`dynamodb.UpdateItem.INT.finish:sent` or `sqs.SendMessageBatch.FollowUpQueue`. A rule makes chosen calls at a
site fail — with a `ClientError` as boto3 raises it once its own retries are spent, or by killing the function
(`Killed`, a BaseException no `except Exception` catches) — before the request leaves. Nothing in the adapters
or the use cases is mocked: they see exactly what a throttled table, a failing queue or a dead process gives.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

THROTTLING = ("ProvisionedThroughputExceededException", "ThrottlingException", "InternalServerError")
KILL = "kill"
_STATUS = {
    "ProvisionedThroughputExceededException": 400,
    "ThrottlingException": 400,
    "InternalServerError": 500,
    "ServiceUnavailable": 503,
}


class Killed(BaseException):
    """The function died here (timeout, out of memory, SystemExit): nothing after this point ran."""


def _prefix(key: Mapping[str, Any] | None) -> str:
    pk = (key or {}).get("pk", {}).get("S", "")
    return str(pk).split("#", 1)[0] or "?"


def _update_detail(params: Mapping[str, Any]) -> str:
    values = params.get("ExpressionAttributeValues", {})
    expression = str(params.get("UpdateExpression", ""))
    if ":sending" in values:
        return ".claim"
    if "#reply_status" in expression:
        return f".finish:{values.get(':reply_status', {}).get('S', '?')}"
    if "delivery_state" in expression:
        return ".delivery"
    if expression.startswith("SET interaction_key "):
        return ".link"
    if expression.startswith("ADD states "):
        return ".park"
    if "alerted_at" in expression:
        return ".alerted"
    if "interaction_keys" in expression:
        return ".append"
    if "reasons" in expression:
        return ".reasons"
    return ""


def _transaction_detail(params: Mapping[str, Any]) -> str:
    kinds = []
    for item in params.get("TransactItems", []):
        for action, body in item.items():
            kinds.append(f"{action}:{_prefix(body.get('Key') or body.get('Item'))}")
    return "." + "+".join(sorted(kinds))


def site_of(service: str, operation: str, params: Mapping[str, Any]) -> str:
    """The call site's name, from what the call touches (never from customer data)."""
    if service == "dynamodb":
        if operation in ("GetItem", "PutItem", "UpdateItem", "DeleteItem"):
            site = f"dynamodb.{operation}.{_prefix(params.get('Key') or params.get('Item'))}"
            return site + (_update_detail(params) if operation == "UpdateItem" else "")
        if operation == "Query":
            return f"dynamodb.Query.{params.get('IndexName', 'table')}"
        if operation == "BatchGetItem":
            keys = next(iter(params.get("RequestItems", {}).values()), {}).get("Keys", [{}])
            return f"dynamodb.BatchGetItem.{_prefix(keys[0] if keys else None)}"
        if operation == "TransactWriteItems":
            return "dynamodb.TransactWriteItems" + _transaction_detail(params)
        return f"dynamodb.{operation}"
    if service == "sqs":
        queue = str(params.get("QueueUrl", "")).rsplit("/", 1)[-1]
        return f"sqs.{operation}.{queue.rsplit('-', 1)[-1]}"
    return f"{service}.{operation}"


@dataclass
class Rule:
    """Fail the `calls` (1-based, counted per site from when the rule was added) at `site` with `error`."""

    site: str
    error: str
    calls: frozenset[int]
    fired: list[int] = field(default_factory=list)


class FaultInjector:
    """Counts every call per site (a census of what ran) and fires the rules that match."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.census: Counter[str] = Counter()
        self._rules: list[tuple[Rule, Counter[str]]] = []

    def attach(self, client: Any) -> Any:
        service = client.meta.service_model.service_name
        client.meta.events.register(
            f"before-parameter-build.{client.meta.service_model.service_id.hyphenize()}",
            lambda params, model, **_: self._before(service, model.name, params),
        )
        return client

    def fail(self, site: str, error: str, calls: Iterable[int] = (1,)) -> Rule:
        rule = Rule(site, error, frozenset(calls))
        with self._lock:
            self._rules.append((rule, Counter()))
        return rule

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def _before(self, service: str, operation: str, params: Mapping[str, Any]) -> None:
        site = site_of(service, operation, params)
        fire: Rule | None = None
        with self._lock:
            self.census[site] += 1
            for rule, seen in self._rules:
                if rule.site == site:
                    seen[site] += 1
                    if seen[site] in rule.calls and fire is None:
                        rule.fired.append(seen[site])
                        fire = rule
        if fire is None:
            return
        if fire.error == KILL:
            raise Killed(site)
        raise ClientError(
            {
                "Error": {"Code": fire.error, "Message": f"injected at {site}"},
                "ResponseMetadata": {"HTTPStatusCode": _STATUS.get(fire.error, 400)},
            },
            operation,
        )
