"""Typed, read-only views of template.yaml: the single source the local stack builds itself from.

The local stack must equal the cloud one (DESIGN §3 "Local equals cloud"), so routes, tables, queues, event-source
settings and environment all come from here rather than from a second hand-written list. They are read from the
CloudFormation that aws-sam-translator makes of the template (`sam_transform`, shared with the IAM tests), so SAM's
own code decides Globals, event sources, authorizers and implicit resources. Values stay as CloudFormation gets them
(long-form intrinsics included); `intrinsics.py` resolves them against real local resources.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ackline_local.sam_transform import local_code_folder, translated_template

FUNCTION_TYPE = "AWS::Lambda::Function"
HTTP_API_TYPE = "AWS::ApiGatewayV2::Api"
SCHEDULER_TYPE = "AWS::Scheduler::Schedule"
EVENT_RULE_TYPE = "AWS::Events::Rule"
TABLE_TYPE = "AWS::DynamoDB::Table"
QUEUE_TYPE = "AWS::SQS::Queue"
TOPIC_TYPE = "AWS::SNS::Topic"
EVENT_SOURCE_MAPPING_TYPE = "AWS::Lambda::EventSourceMapping"

# Lambda and SQS defaults, used when the CloudFormation leaves a setting out.
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
    """One route of an HTTP API's OpenAPI body: `authorized` is True when its security names one of the API's
    authorizers (SAM writes the API's DefaultAuthorizer there, or `NONE`, which names none)."""

    method: str
    path: str
    authorized: bool

    @property
    def route_key(self) -> str:
        return f"{self.method} {self.path}"


@dataclass(frozen=True)
class SqsEventSource:
    """One `AWS::Lambda::EventSourceMapping` from a queue of this template (written out, or SAM's for a `Type: SQS`
    event): the mapping the poller emulates."""

    logical_id: str
    queue_logical_id: str
    batch_size: int
    function_response_types: tuple[str, ...]
    maximum_batching_window_seconds: int
    enabled: bool

    @property
    def reports_batch_item_failures(self) -> bool:
        return "ReportBatchItemFailures" in self.function_response_types


@dataclass(frozen=True)
class ScheduleSpec:
    """One enabled schedule (`AWS::Scheduler::Schedule` or an `AWS::Events::Rule` with a ScheduleExpression)."""

    name: str
    expression: str


@dataclass(frozen=True)
class FunctionSpec:
    """One `AWS::Lambda::Function` whose code is a local folder (Globals already merged in by SAM)."""

    logical_id: str
    code_uri: str
    handler: str
    timeout_seconds: int
    memory_mb: int
    environment: Mapping[str, Any]
    http_routes: tuple[HttpRoute, ...]
    sqs_sources: tuple[SqsEventSource, ...]
    properties: Mapping[str, Any] = field(repr=False)
    schedules: tuple[ScheduleSpec, ...] = ()

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
    """The translated template plus typed views; `document` is the CloudFormation dict for anything not covered."""

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
    """Read and translate template.yaml (default: `default_template_path()`) into typed views."""
    resolved = path or default_template_path()
    if not resolved.is_file():
        raise FileNotFoundError(f"template not found: {resolved}")
    return parse_template(translated_template(resolved), path=resolved)


def parse_template(document: Mapping[str, Any], path: Path | None = None) -> Template:
    """Typed views of a CloudFormation template (what `sam_transform.translate` returns; no SAM types left)."""
    resources: Mapping[str, Any] = document.get("Resources", {})
    routes = _http_routes(resources)
    sources = _event_source_mappings(resources)
    schedules = _schedules(resources)
    functions = tuple(
        _function_spec(
            logical_id,
            body.get("Properties", {}),
            routes.get(logical_id, []),
            sources.get(logical_id, []),
            schedules.get(logical_id, []),
        )
        for logical_id, body in resources.items()
        if body.get("Type") == FUNCTION_TYPE and local_code_folder(body.get("Properties", {}).get("Code")) is not None
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


# An integration's `uri`: `Fn::Sub` of "arn:...:lambda:path/2015-03-31/functions/${Function.Arn}/invocations".
_INTEGRATION_TARGET = re.compile(r"/functions/\$\{([A-Za-z0-9]+)\.Arn\}/invocations$")
_ANY_METHOD = "x-amazon-apigateway-any-method"


def _http_routes(resources: Mapping[str, Any]) -> dict[str, list[HttpRoute]]:
    """Every Lambda-proxy operation in the HTTP APIs' OpenAPI bodies, keyed by the function it invokes."""
    found: dict[str, list[HttpRoute]] = {}
    for body in resources.values():
        if body.get("Type") != HTTP_API_TYPE:
            continue
        openapi: Mapping[str, Any] = (body.get("Properties") or {}).get("Body") or {}
        schemes = set((openapi.get("components") or {}).get("securitySchemes") or {})
        for path, operations in (openapi.get("paths") or {}).items():
            for method, operation in operations.items():
                integration = operation.get("x-amazon-apigateway-integration") if isinstance(operation, dict) else None
                uri = (integration or {}).get("uri")
                sub = uri.get("Fn::Sub") if isinstance(uri, Mapping) else None
                target = _INTEGRATION_TARGET.search(sub) if isinstance(sub, str) else None
                if target is None:
                    continue
                # an operation's own `security` (even an empty one) replaces the document's
                security = operation["security"] if "security" in operation else openapi.get("security") or []
                authorized = any(name in schemes for requirement in security for name in requirement)
                http_method = "ANY" if method == _ANY_METHOD else method.upper()
                found.setdefault(target.group(1), []).append(HttpRoute(http_method, path, authorized))
    return found


def _event_source_mappings(resources: Mapping[str, Any]) -> dict[str, list[SqsEventSource]]:
    """`AWS::Lambda::EventSourceMapping`s from a queue of this template, keyed by function logical id."""
    found: dict[str, list[SqsEventSource]] = {}
    for logical_id, body in resources.items():
        if body.get("Type") != EVENT_SOURCE_MAPPING_TYPE:
            continue
        props: Mapping[str, Any] = body.get("Properties") or {}
        function_id = referenced_logical_id(props.get("FunctionName"))
        queue_id = referenced_logical_id(props.get("EventSourceArn"))
        if function_id is None or queue_id is None or resources.get(queue_id, {}).get("Type") != QUEUE_TYPE:
            continue
        found.setdefault(function_id, []).append(
            SqsEventSource(
                logical_id=logical_id,
                queue_logical_id=queue_id,
                batch_size=int(props.get("BatchSize", DEFAULT_SQS_BATCH_SIZE)),
                function_response_types=tuple(str(t) for t in props.get("FunctionResponseTypes", [])),
                maximum_batching_window_seconds=int(props.get("MaximumBatchingWindowInSeconds", 0)),
                enabled=bool(props.get("Enabled", True)),
            )
        )
    return found


def _schedules(resources: Mapping[str, Any]) -> dict[str, list[ScheduleSpec]]:
    """Enabled schedules (EventBridge Scheduler schedules and scheduled rules), keyed by target function."""
    found: dict[str, list[ScheduleSpec]] = {}
    for logical_id, body in resources.items():
        props: Mapping[str, Any] = body.get("Properties") or {}
        if body.get("Type") == SCHEDULER_TYPE:
            targets = [props.get("Target") or {}]
        elif body.get("Type") == EVENT_RULE_TYPE and props.get("ScheduleExpression"):
            targets = list(props.get("Targets") or [])
        else:
            continue
        if props.get("State") == "DISABLED":
            continue
        name = str(props.get("Name") or logical_id)
        for target in targets:
            function_id = referenced_logical_id(target.get("Arn"))
            if function_id is not None:
                found.setdefault(function_id, []).append(ScheduleSpec(name, str(props["ScheduleExpression"])))
    return found


def _function_spec(
    logical_id: str,
    props: Mapping[str, Any],
    http_routes: list[HttpRoute],
    sqs_sources: list[SqsEventSource],
    schedules: list[ScheduleSpec],
) -> FunctionSpec:
    environment = (props.get("Environment") or {}).get("Variables") or {}
    return FunctionSpec(
        logical_id=logical_id,
        code_uri=local_code_folder(props.get("Code")) or "",
        handler=str(props.get("Handler", "")),
        timeout_seconds=int(props.get("Timeout", DEFAULT_TIMEOUT_SECONDS)),
        memory_mb=int(props.get("MemorySize", DEFAULT_MEMORY_MB)),
        environment=environment,
        http_routes=tuple(http_routes),
        sqs_sources=tuple(sqs_sources),
        properties=props,
        schedules=tuple(schedules),
    )
