"""The deployed HTTP functions, in this process, over moto's server: requests in, what they left behind out.

Requests go through the local API Gateway's `handle` (no socket): the routes of template.yaml, payload-2.0
events built by the same code the local stack uses (base64 for non-text content types, repeated headers
joined with commas), the JWT authorizer emulated, and the real handlers of `functions/*/app.py`, which reach
moto through boto3 exactly as in the local stack. Each request reports the table items and queue messages
it added, so a test can say "nothing stored" or "every entry reached someone" about that request alone.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import boto3

from ackline import bootstrap, settings
from ackline.adapters.dynamodb_codec import decode
from ackline.adapters.interaction_table import RAW_COMPRESSED
from ackline.adapters.raw_payload import unpack
from ackline_local.config import load_config
from ackline_local.gateway import ApiGateway, routes_from_template
from ackline_local.http_payload import HttpRequest
from ackline_local.resources import LocalResources, create_resources
from ackline_local.template import load_template
from tests.fakes import (
    InMemoryAuthorLedger,
    InMemoryAuthorShield,
    InMemoryBlocklist,
    InMemoryCrisisStore,
    InMemoryDemandCounter,
    InMemoryInteractionStore,
    InMemorySentReplies,
    RecordingDispatcher,
)

STAFF_TOKEN = "bad-input-staff-token"


@dataclass
class Outcome:
    """One request's answer and everything it added to the table and queues."""

    status: int
    body: bytes
    items: dict[str, dict[str, Any]] = field(default_factory=dict)  # pk -> decoded item, new ones only
    acks: list[str] = field(default_factory=list)  # interaction keys asked to be answered
    follow_ups: list[str] = field(default_factory=list)  # interaction keys handed to a person

    @property
    def interactions(self) -> dict[str, dict[str, Any]]:
        """Interaction key -> item."""
        return {pk.removeprefix("INT#"): item for pk, item in self.items.items() if pk.startswith("INT#")}

    def problems(self) -> dict[str, dict[str, Any]]:
        return {key: item for key, item in self.interactions.items() if item.get("kind") == "raw"}

    def stored_nothing(self) -> bool:
        return not self.items and not self.acks and not self.follow_ups

    def unreached(self) -> list[str]:
        """Stored interactions that nobody will act on: neither answered (pending + queued) nor with a person."""
        missing = []
        for key, item in self.interactions.items():
            if item.get("kind") == "raw" or item.get("decision_escalate"):
                if key not in self.follow_ups:
                    missing.append(key)
            elif item.get("reply_status") == "pending" and key not in self.acks:
                missing.append(key)
        return missing


class Deployment:
    """The template's table, queues and secrets in moto, and its HTTP routes in this process."""

    def __init__(self, moto_url: str) -> None:
        self.moto_url = moto_url
        self.prefix = f"bad{uuid.uuid4().hex[:8]}"
        self.secrets_path = f"/{self.prefix}"
        self.config = load_config()
        self.resources: LocalResources = create_resources(
            load_template(), endpoint_url=moto_url, name_prefix=self.prefix
        )
        session = boto3.session.Session(region_name="us-east-1")
        self._dynamodb = session.client("dynamodb", endpoint_url=moto_url)
        self._sqs = session.client("sqs", endpoint_url=moto_url)
        ssm = session.client("ssm", endpoint_url=moto_url)
        for suffix, value in self.config.secrets().items():
            ssm.put_parameter(Name=f"{self.secrets_path}/{suffix}", Value=value, Type="SecureString", Overwrite=True)
        self.table = self.resources["DataTable"].name
        self.queues = {"ack": self.resources["AckQueue"].ref, "follow_up": self.resources["FollowUpQueue"].ref}
        self.gateway = ApiGateway(routes_from_template(load_template(), self.prefix), staff_token=STAFF_TOKEN)

    @contextmanager
    def active(self) -> Iterator[Deployment]:
        """The functions' environment pointed at this deployment (and put back afterwards)."""
        environment = self.resources.environment() | {
            "AWS_ENDPOINT_URL": self.moto_url,
            "SECRETS_PATH": self.secrets_path,
            "BRAND_POLICY_PARAM": "",
            "ALERT_TOPIC_ARN": "",
        }
        saved = {name: os.environ.get(name) for name in environment}
        os.environ.update(environment)
        _forget_adapters()
        try:
            yield self
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
            _forget_adapters()

    # --- requests -------------------------------------------------------------------------------------------

    def send(
        self,
        method: str,
        path: str,
        body: bytes = b"",
        headers: Sequence[tuple[str, str]] | Mapping[str, str] = (),
        query: str = "",
    ) -> Outcome:
        before = self._keys()
        self.drain()
        pairs = tuple(headers.items()) if isinstance(headers, Mapping) else tuple(headers)
        request = HttpRequest(method, path, query, pairs, body, "203.0.113.9", domain_name="api.example.test")
        response = self.gateway.handle(request)
        items = {pk: item for pk, item in self._items().items() if pk not in before}
        acks, follow_ups = self.drain()
        return Outcome(response.status, response.body, items, acks, follow_ups)

    def staff(self, method: str, path: str, query: str = "", token: str | None = STAFF_TOKEN) -> Outcome:
        headers = [("Authorization", f"Bearer {token}")] if token is not None else []
        return self.send(method, path, headers=headers, query=query)

    # --- what was left behind -------------------------------------------------------------------------------

    def _items(self) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        request: dict[str, Any] = {"TableName": self.table}
        while True:
            page = self._dynamodb.scan(**request)
            for raw in page.get("Items", []):
                item = decode(raw)
                if (packed := item.pop(RAW_COMPRESSED, None)) is not None:
                    item["raw"] = unpack(bytes(packed.value))  # the raw webhook as the adapter reads it back
                found[f"{item['pk']}|{item['sk']}" if item["sk"] != "INT" else item["pk"]] = item
            if "LastEvaluatedKey" not in page:
                return found
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def _keys(self) -> set[str]:
        return set(self._items())

    def drain(self) -> tuple[list[str], list[str]]:
        """Take every message off both queues; returns the interaction keys of the acks and the follow-ups."""
        taken: dict[str, list[str]] = {"ack": [], "follow_up": []}
        for name, url in self.queues.items():
            while True:
                messages = self._sqs.receive_message(
                    QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=60, WaitTimeSeconds=0
                ).get("Messages", [])
                if not messages:
                    break
                for message in messages:
                    taken[name].append(json.loads(message["Body"])["interaction_key"])
                self._sqs.delete_message_batch(
                    QueueUrl=url,
                    Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)],
                )
        return taken["ack"], taken["follow_up"]


def _forget_adapters() -> None:
    """Settings and adapters are built once per container; a new environment needs them built again."""
    settings.get_settings.cache_clear()
    for name in dir(bootstrap):
        cached = getattr(bootstrap, name)
        if callable(cached) and hasattr(cached, "cache_clear"):
            cached.cache_clear()


@dataclass
class InMemoryStores:
    interactions: InMemoryInteractionStore
    dispatcher: RecordingDispatcher


def in_memory_stores(monkeypatch: Any) -> InMemoryStores:
    """The webhook functions' stores and queues swapped for the in-memory fakes (same semantics), for volume."""
    stores = InMemoryStores(InMemoryInteractionStore(), RecordingDispatcher())
    monkeypatch.setattr(bootstrap, "interaction_store", lambda: stores.interactions)
    monkeypatch.setattr(bootstrap, "ingest_dispatcher", lambda: stores.dispatcher)
    monkeypatch.setattr(bootstrap, "author_ledger", InMemoryAuthorLedger)
    monkeypatch.setattr(bootstrap, "demand_counter", InMemoryDemandCounter)
    monkeypatch.setattr(bootstrap, "sent_replies", InMemorySentReplies)
    # every store the webhook path writes, so a volume run never waits on (or races) moto
    monkeypatch.setattr(bootstrap, "blocklist", InMemoryBlocklist)
    monkeypatch.setattr(bootstrap, "author_shield", InMemoryAuthorShield)
    monkeypatch.setattr(bootstrap, "crisis_store", InMemoryCrisisStore)
    return stores
