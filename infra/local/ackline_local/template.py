"""Typed, read-only views of template.yaml: the single source the local stack builds itself from.

The local stack must equal the cloud one (DESIGN §3 "Local equals cloud"), so routes, tables, queues, event-source
settings and environment all come from here rather than from a second hand-written list. Values stay as the
template wrote them (long-form intrinsics included); `intrinsics.py` resolves them against real local resources.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ackline_local.cfn_yaml import load_cfn_yaml

FUNCTION_TYPE = "AWS::Serverless::Function"
HTTP_API_TYPE = "AWS::Serverless::HttpApi"
TABLE_TYPE = "AWS::DynamoDB::Table"
QUEUE_TYPE = "AWS::SQS::Queue"
TOPIC_TYPE = "AWS::SNS::Topic"
EVENT_SOURCE_MAPPING_TYPE = "AWS::Lambda::EventSourceMapping"

# SAM and SQS defaults, used when the template leaves a setting out.
DEFAULT_TIMEOUT_SECONDS = 3
DEFAULT_MEMORY_MB = 128
DEFAULT_SQS_BATCH_SIZE = 10
DEFAULT_VISIBILITY_TIMEOUT_SECONDS = 30


def default_template_path() -> Path:
    """`$ACKLINE_TEMPLATE`, else the repository's template.yaml (this package sits at infra/local/ackline_local)."""
    override = os.environ.get("ACKLINE_TEMPLATE")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[3] / "template.yaml"


@dataclass(frozen=True)
class HttpRoute:
    """One `Type: HttpApi` event: `authorized` is True when a JWT authorizer applies (explicit or the API default)."""

    method: str
    path: str
    authorized: bool
    event_name: str

    @property
    def route_key(self) -> str:
        return f"{self.method} {self.path}"


@dataclass(frozen=True)
class SqsEventSource:
    """One `Type: SQS` event: the event source mapping the poller emulates."""

    event_name: str
    queue_logical_id: str
    batch_size: int
    function_response_types: tuple[str, ...]
    maximum_batching_window_seconds: int
    enabled: bool

    @property
    def reports_batch_item_failures(self) -> bool:
        return "ReportBatchItemFailures" in self.function_response_types


@dataclass(frozen=True)
class FunctionSpec:
    """A function with Globals.Function already merged in."""

    logical_id: str
    code_uri: str
    handler: str
    timeout_seconds: int
    memory_mb: int
    environment: Mapping[str, Any]
    http_routes: tuple[HttpRoute, ...]
    sqs_sources: tuple[SqsEventSource, ...]
    properties: Mapping[str, Any] = field(repr=False)

    @property
    def handler_ref(self) -> str:
        """`functions/ingest/` + `app.lambda_handler` -> `functions.ingest.app:lambda_handler`."""
        return handler_ref(self.code_uri, self.handler)


@dataclass(frozen=True)
class TableSpec:
    """A DynamoDB table with its literal (unresolved) Properties."""

    logical_id: str
    properties: Mapping[str, Any]

    @property
    def key_schema(self) -> list[dict[str, str]]:
        return list(self.properties.get("KeySchema", []))

    @property
    def attribute_definitions(self) -> list[dict[str, str]]:
        return list(self.properties.get("AttributeDefinitions", []))

    @property
    def global_secondary_indexes(self) -> list[dict[str, Any]]:
        return list(self.properties.get("GlobalSecondaryIndexes", []))

    @property
    def billing_mode(self) -> str:
        return str(self.properties.get("BillingMode", "PROVISIONED"))

    @property
    def ttl_attribute(self) -> str | None:
        ttl = self.properties.get("TimeToLiveSpecification") or {}
        return str(ttl["AttributeName"]) if ttl.get("Enabled") and "AttributeName" in ttl else None


@dataclass(frozen=True)
class QueueSpec:
    """An SQS queue with its literal Properties and the redrive target read out of them."""

    logical_id: str
    properties: Mapping[str, Any]

    @property
    def visibility_timeout_seconds(self) -> int:
        return int(self.properties.get("VisibilityTimeout", DEFAULT_VISIBILITY_TIMEOUT_SECONDS))

    @property
    def message_retention_seconds(self) -> int | None:
        value = self.properties.get("MessageRetentionPeriod")
        return None if value is None else int(value)

    @property
    def redrive_target(self) -> str | None:
        """Logical id of the DLQ (from `deadLetterTargetArn: !GetAtt X.Arn`), or None."""
        policy = self.properties.get("RedrivePolicy") or {}
        return referenced_logical_id(policy.get("deadLetterTargetArn"))

    @property
    def max_receive_count(self) -> int | None:
        policy = self.properties.get("RedrivePolicy") or {}
        value = policy.get("maxReceiveCount")
        return None if value is None else int(value)


@dataclass(frozen=True)
class TopicSpec:
    """An SNS topic (its subscriptions are the deployer's business: e-mail, chat, paging)."""

    logical_id: str
    properties: Mapping[str, Any]


@dataclass(frozen=True)
class ParameterSpec:
    name: str
    type: str
    default: str | None
    allowed_values: tuple[str, ...] = ()


@dataclass(frozen=True)
class Template:
    """The parsed template plus typed views; `document` is the raw long-form dict for anything not covered."""

    path: Path | None
    document: Mapping[str, Any]
    functions: tuple[FunctionSpec, ...]
    tables: tuple[TableSpec, ...]
    queues: tuple[QueueSpec, ...]
    parameters: tuple[ParameterSpec, ...]
    topics: tuple[TopicSpec, ...] = ()

    @property
    def resources(self) -> Mapping[str, Any]:
        return self.document.get("Resources", {})  # type: ignore[no-any-return]

    @property
    def conditions(self) -> Mapping[str, Any]:
        return self.document.get("Conditions", {})  # type: ignore[no-any-return]

    @property
    def mappings(self) -> Mapping[str, Any]:
        return self.document.get("Mappings", {})  # type: ignore[no-any-return]

    def parameter_defaults(self) -> dict[str, str]:
        return {p.name: p.default for p in self.parameters if p.default is not None}

    def function(self, logical_id: str) -> FunctionSpec:
        for spec in self.functions:
            if spec.logical_id == logical_id:
                return spec
        raise KeyError(logical_id)

    def queue(self, logical_id: str) -> QueueSpec:
        for spec in self.queues:
            if spec.logical_id == logical_id:
                return spec
        raise KeyError(logical_id)


def load_template(path: Path | None = None) -> Template:
    """Read template.yaml (default: `default_template_path()`) into typed views."""
    resolved = path or default_template_path()
    if not resolved.is_file():
        raise FileNotFoundError(f"template not found: {resolved}")
    return parse_template(load_cfn_yaml(resolved), path=resolved)


def parse_template(document: Mapping[str, Any], path: Path | None = None) -> Template:
    resources: Mapping[str, Any] = document.get("Resources", {})
    globals_section: Mapping[str, Any] = document.get("Globals", {})
    function_globals = globals_section.get("Function", {})
    api_globals = globals_section.get("HttpApi", {})
    mappings = _event_source_mappings(resources)
    functions = tuple(
        _function_spec(
            logical_id,
            merge_globals(function_globals, body.get("Properties", {})),
            resources,
            api_globals,
            mappings.get(logical_id, []),
        )
        for logical_id, body in resources.items()
        if body.get("Type") == FUNCTION_TYPE
    )
    tables = tuple(
        TableSpec(logical_id, body.get("Properties", {}))
        for logical_id, body in resources.items()
        if body.get("Type") == TABLE_TYPE
    )
    queues = tuple(
        QueueSpec(logical_id, body.get("Properties", {}))
        for logical_id, body in resources.items()
        if body.get("Type") == QUEUE_TYPE
    )
    parameters = tuple(
        ParameterSpec(
            name=name,
            type=str(body.get("Type", "String")),
            default=None if body.get("Default") is None else str(body["Default"]),
            allowed_values=tuple(str(v) for v in body.get("AllowedValues", [])),
        )
        for name, body in document.get("Parameters", {}).items()
    )
    topics = tuple(
        TopicSpec(logical_id, body.get("Properties", {}))
        for logical_id, body in resources.items()
        if body.get("Type") == TOPIC_TYPE
    )
    return Template(path, document, functions, tables, queues, parameters, topics)


def merge_globals(globals_value: Any, local_value: Any) -> Any:
    """SAM's Globals rule: maps merge key by key, lists concatenate (globals first), scalars: the resource wins."""
    if isinstance(globals_value, Mapping) and isinstance(local_value, Mapping):
        merged = dict(copy.deepcopy(globals_value))
        for key, value in local_value.items():
            merged[key] = merge_globals(merged[key], value) if key in merged else copy.deepcopy(value)
        return merged
    if isinstance(globals_value, list) and isinstance(local_value, list):
        return copy.deepcopy(globals_value) + copy.deepcopy(local_value)
    return copy.deepcopy(local_value)


def handler_ref(code_uri: str, handler: str) -> str:
    """Turn CodeUri + Handler into an importable `package.module:attribute` reference."""
    package = ".".join(part for part in code_uri.replace("\\", "/").split("/") if part and part != ".")
    module, _, attribute = handler.rpartition(".")
    if not module or not attribute:
        raise ValueError(f"handler {handler!r} is not module.function")
    return f"{package}.{module}:{attribute}" if package else f"{module}:{attribute}"


def referenced_logical_id(value: Any) -> str | None:
    """The logical id behind `{"Ref": X}`, `{"Fn::GetAtt": [X, ...]}` or `Fn::Sub` of `${X.Arn}`; else None."""
    if not isinstance(value, Mapping) or len(value) != 1:
        return None
    ((key, arg),) = value.items()
    if key == "Ref" and isinstance(arg, str):
        return arg
    if key == "Fn::GetAtt":
        parts = arg.split(".", 1) if isinstance(arg, str) else list(arg)
        return str(parts[0])
    if key == "Fn::Sub" and isinstance(arg, str) and arg.startswith("${") and arg.endswith("}"):
        return arg[2:-1].split(".", 1)[0]
    return None


def _event_source_mappings(resources: Mapping[str, Any]) -> dict[str, list[SqsEventSource]]:
    """Explicit `AWS::Lambda::EventSourceMapping`s from a queue of this template, keyed by function logical id.

    The template may wire SQS consumers this way instead of SAM's `Events: Type: SQS` (to keep IAM scoped);
    both forms describe the same mapping, so both become `SqsEventSource`s.
    """
    found: dict[str, list[SqsEventSource]] = {}
    for logical_id, body in resources.items():
        if body.get("Type") != EVENT_SOURCE_MAPPING_TYPE:
            continue
        props: Mapping[str, Any] = body.get("Properties") or {}
        function_id = referenced_logical_id(props.get("FunctionName"))
        queue_id = referenced_logical_id(props.get("EventSourceArn"))
        if function_id is None or queue_id is None or resources.get(queue_id, {}).get("Type") != QUEUE_TYPE:
            continue
        found.setdefault(function_id, []).append(_sqs_source(logical_id, {**props, "Queue": props["EventSourceArn"]}))
    return found


def _function_spec(
    logical_id: str,
    props: Mapping[str, Any],
    resources: Mapping[str, Any],
    api_globals: Mapping[str, Any],
    mapped_sources: list[SqsEventSource],
) -> FunctionSpec:
    http_routes: list[HttpRoute] = []
    sqs_sources: list[SqsEventSource] = list(mapped_sources)
    for event_name, event in (props.get("Events") or {}).items():
        event_props: Mapping[str, Any] = event.get("Properties") or {}
        if event.get("Type") == "HttpApi":
            http_routes.append(_http_route(event_name, event_props, resources, api_globals))
        elif event.get("Type") == "SQS":
            sqs_sources.append(_sqs_source(event_name, event_props))
    environment = (props.get("Environment") or {}).get("Variables") or {}
    return FunctionSpec(
        logical_id=logical_id,
        code_uri=str(props.get("CodeUri", "")),
        handler=str(props.get("Handler", "")),
        timeout_seconds=int(props.get("Timeout", DEFAULT_TIMEOUT_SECONDS)),
        memory_mb=int(props.get("MemorySize", DEFAULT_MEMORY_MB)),
        environment=environment,
        http_routes=tuple(http_routes),
        sqs_sources=tuple(sqs_sources),
        properties=props,
    )


def _http_route(
    event_name: str, props: Mapping[str, Any], resources: Mapping[str, Any], api_globals: Mapping[str, Any]
) -> HttpRoute:
    method = str(props.get("Method", "ANY")).upper()
    path = str(props.get("Path", "$default"))
    authorizer = (props.get("Auth") or {}).get("Authorizer")
    if authorizer is None:
        # No per-route Auth: the API's DefaultAuthorizer applies (the implicit API takes Globals.HttpApi).
        api_id = referenced_logical_id(props.get("ApiId"))
        api_props = resources.get(api_id, {}).get("Properties", {}) if api_id else {}
        api_props = merge_globals(api_globals, api_props)
        authorizer = (api_props.get("Auth") or {}).get("DefaultAuthorizer")
    authorized = authorizer is not None and authorizer != "NONE"
    return HttpRoute(method=method, path=path, authorized=authorized, event_name=event_name)


def _sqs_source(event_name: str, props: Mapping[str, Any]) -> SqsEventSource:
    queue_id = referenced_logical_id(props.get("Queue"))
    if queue_id is None:
        raise ValueError(f"SQS event {event_name} must reference a queue of this template, got {props.get('Queue')!r}")
    return SqsEventSource(
        event_name=event_name,
        queue_logical_id=queue_id,
        batch_size=int(props.get("BatchSize", DEFAULT_SQS_BATCH_SIZE)),
        function_response_types=tuple(str(t) for t in props.get("FunctionResponseTypes", [])),
        maximum_batching_window_seconds=int(props.get("MaximumBatchingWindowInSeconds", 0)),
        enabled=bool(props.get("Enabled", True)),
    )
