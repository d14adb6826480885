"""THE one loader that creates template.yaml's tables, queues and topics in moto (dev stack and tests alike).

Creating resources from the template, never from a second description, is what keeps local and cloud equal:
tables get their key schema, GSIs, billing mode, TTL, PITR and SSE; queues get their attributes and a RedrivePolicy
that points at the DLQ's real ARN (so moto's redrive moves poison messages after maxReceiveCount). The returned
`LocalResources` maps each logical id to its physical name/URL/ARN and resolves the functions' Environment.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ackline_local.intrinsics import LOCAL_ACCOUNT_ID, LOCAL_REGION, LOCAL_STACK_NAME, Resolver
from ackline_local.template import FunctionSpec, QueueSpec, TableSpec, Template

if TYPE_CHECKING:
    import boto3
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_sqs import SQSClient

logger = logging.getLogger(__name__)

# CloudFormation queue properties that map 1:1 onto SQS queue attributes.
_QUEUE_ATTRIBUTES = (
    "DelaySeconds",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "VisibilityTimeout",
    "FifoQueue",
    "ContentBasedDeduplication",
    "DeduplicationScope",
    "FifoThroughputLimit",
    "SqsManagedSseEnabled",
    "KmsMasterKeyId",
    "KmsDataKeyReusePeriodSeconds",
)


@dataclass(frozen=True)
class PhysicalResource:
    """What CloudFormation would return for a resource: `ref` is its `!Ref` value (table name, queue URL)."""

    logical_id: str
    type: str
    name: str
    arn: str
    url: str | None = None

    @property
    def ref(self) -> str:
        if self.type == "AWS::SNS::Topic":
            return self.arn  # a topic's !Ref is its ARN
        return self.url if self.url is not None else self.name


@dataclass(frozen=True)
class LocalResources:
    """The created resources plus the resolver that substitutes them into the template."""

    template: Template
    physical: Mapping[str, PhysicalResource]
    parameters: Mapping[str, str]
    name_prefix: str

    def __getitem__(self, logical_id: str) -> PhysicalResource:
        return self.physical[logical_id]

    def resolver(self) -> Resolver:
        attributes: dict[tuple[str, str], str] = {}
        for res in self.physical.values():
            attributes[(res.logical_id, "Arn")] = res.arn
            if res.type == "AWS::SQS::Queue":
                attributes[(res.logical_id, "QueueName")] = res.name
                attributes[(res.logical_id, "QueueUrl")] = res.ref
            if res.type == "AWS::SNS::Topic":
                attributes[(res.logical_id, "TopicName")] = res.name
        return Resolver(
            parameters=self.parameters,
            refs={logical_id: res.ref for logical_id, res in self.physical.items()},
            attributes=attributes,
            conditions=self.template.conditions,
            mappings=self.template.mappings,
            stack_name=self.name_prefix,
        )

    def function_environment(self, function: FunctionSpec) -> dict[str, str]:
        """One function's Environment.Variables with every intrinsic resolved to local values."""
        resolver = self.resolver()
        return {name: resolver.resolve_string(value) for name, value in function.environment.items()}

    def environment(self) -> dict[str, str]:
        """The union of all functions' resolved environments (they run in one process locally)."""
        union: dict[str, str] = {}
        for function in self.template.functions:
            for name, value in self.function_environment(function).items():
                if name in union and union[name] != value:
                    logger.warning("functions disagree on %s; keeping the first value", name)
                union.setdefault(name, value)
        return union


def physical_name(name_prefix: str, logical_id: str) -> str:
    """`ackline-local-DataTable` style names, unique per prefix so tests can share one moto server."""
    return f"{name_prefix}-{logical_id}"


def create_resources(
    template: Template,
    *,
    session: boto3.session.Session | None = None,
    endpoint_url: str | None = None,
    name_prefix: str = LOCAL_STACK_NAME,
    parameter_overrides: Mapping[str, str] | None = None,
    visibility_scale: float = 1.0,
) -> LocalResources:
    """Create exactly the template's tables and queues (DLQs first) and return logical id -> physical resource.

    `visibility_scale` multiplies each queue's VisibilityTimeout (rounded, minimum 0) so retry tests need not wait
    minutes; the default 1.0 keeps the template's value.
    """
    import boto3

    session = session or boto3.session.Session(region_name=LOCAL_REGION)
    dynamodb: DynamoDBClient = session.client("dynamodb", endpoint_url=endpoint_url)
    sqs: SQSClient = session.client("sqs", endpoint_url=endpoint_url)
    parameters = {**template.parameter_defaults(), **(parameter_overrides or {})}
    physical: dict[str, PhysicalResource] = {}

    for table in template.tables:
        resolver = _resolver(template, parameters, physical, name_prefix)
        physical[table.logical_id] = _create_table(dynamodb, table, resolver, name_prefix)
    for queue in queues_in_creation_order(template.queues):
        resolver = _resolver(template, parameters, physical, name_prefix)
        physical[queue.logical_id] = _create_queue(sqs, queue, resolver, name_prefix, visibility_scale)
    for topic in template.topics:
        name = physical_name(name_prefix, topic.logical_id)
        arn = session.client("sns", endpoint_url=endpoint_url).create_topic(Name=name)["TopicArn"]
        physical[topic.logical_id] = PhysicalResource(topic.logical_id, "AWS::SNS::Topic", name, arn)
    logger.info("local resources created", extra={"resources": sorted(physical)})
    return LocalResources(template=template, physical=physical, parameters=parameters, name_prefix=name_prefix)


def queues_in_creation_order(queues: tuple[QueueSpec, ...]) -> list[QueueSpec]:
    """Dead-letter queues before the queues that redrive into them (their ARN must exist first)."""
    by_id = {q.logical_id: q for q in queues}
    ordered: list[QueueSpec] = []
    visiting: set[str] = set()

    def visit(queue: QueueSpec) -> None:
        if queue in ordered:
            return
        if queue.logical_id in visiting:
            raise ValueError(f"redrive cycle through {queue.logical_id}")
        visiting.add(queue.logical_id)
        target = queue.redrive_target
        if target is not None and target in by_id:
            visit(by_id[target])
        ordered.append(queue)

    for queue in queues:
        visit(queue)
    return ordered


def _resolver(
    template: Template, parameters: Mapping[str, str], physical: Mapping[str, PhysicalResource], prefix: str
) -> Resolver:
    return LocalResources(template, dict(physical), parameters, prefix).resolver()


def _create_table(client: DynamoDBClient, table: TableSpec, resolver: Resolver, prefix: str) -> PhysicalResource:
    props: dict[str, Any] = resolver.resolve(dict(table.properties))
    name = physical_name(prefix, table.logical_id)
    billing_mode = props.get("BillingMode", "PROVISIONED")
    request: dict[str, Any] = {
        "TableName": name,
        "KeySchema": props["KeySchema"],
        "AttributeDefinitions": props["AttributeDefinitions"],
        "BillingMode": billing_mode,
    }
    if billing_mode == "PROVISIONED":
        request["ProvisionedThroughput"] = _throughput(props.get("ProvisionedThroughput"))
    if props.get("GlobalSecondaryIndexes"):
        request["GlobalSecondaryIndexes"] = [_index(i, billing_mode) for i in props["GlobalSecondaryIndexes"]]
    if props.get("LocalSecondaryIndexes"):
        request["LocalSecondaryIndexes"] = [_index(i, "PAY_PER_REQUEST") for i in props["LocalSecondaryIndexes"]]
    stream = props.get("StreamSpecification")
    if stream:
        request["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": stream["StreamViewType"]}
    sse = props.get("SSESpecification")
    if sse:
        request["SSESpecification"] = {"Enabled": bool(sse.get("SSEEnabled", False))}
        if sse.get("SSEType"):
            request["SSESpecification"]["SSEType"] = sse["SSEType"]
    description = client.create_table(**request)["TableDescription"]
    ttl = props.get("TimeToLiveSpecification")
    if ttl and ttl.get("Enabled"):
        client.update_time_to_live(
            TableName=name, TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": True}
        )
    pitr = props.get("PointInTimeRecoverySpecification") or {}
    if pitr.get("PointInTimeRecoveryEnabled"):
        client.update_continuous_backups(
            TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
        )
    return PhysicalResource(table.logical_id, "AWS::DynamoDB::Table", name, description["TableArn"])


def _throughput(value: Any) -> dict[str, int]:
    value = value or {}
    return {
        "ReadCapacityUnits": int(value.get("ReadCapacityUnits", 5)),
        "WriteCapacityUnits": int(value.get("WriteCapacityUnits", 5)),
    }


def _index(index: Mapping[str, Any], billing_mode: str) -> dict[str, Any]:
    result: dict[str, Any] = {
        "IndexName": index["IndexName"],
        "KeySchema": index["KeySchema"],
        "Projection": index.get("Projection", {"ProjectionType": "ALL"}),
    }
    if billing_mode == "PROVISIONED":
        result["ProvisionedThroughput"] = _throughput(index.get("ProvisionedThroughput"))
    return result


def _create_queue(
    client: SQSClient, queue: QueueSpec, resolver: Resolver, prefix: str, visibility_scale: float
) -> PhysicalResource:
    props: dict[str, Any] = resolver.resolve(dict(queue.properties))
    fifo = bool(props.get("FifoQueue"))
    name = physical_name(prefix, queue.logical_id) + (".fifo" if fifo else "")
    attributes = {key: _attribute(props[key]) for key in _QUEUE_ATTRIBUTES if key in props}
    if "VisibilityTimeout" in props or visibility_scale != 1.0:
        attributes["VisibilityTimeout"] = str(scaled_visibility(queue.visibility_timeout_seconds, visibility_scale))
    if props.get("RedrivePolicy"):
        attributes["RedrivePolicy"] = json.dumps(props["RedrivePolicy"])
    url = client.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]  # type: ignore[arg-type]
    arn = f"arn:aws:sqs:{LOCAL_REGION}:{LOCAL_ACCOUNT_ID}:{name}"
    return PhysicalResource(queue.logical_id, "AWS::SQS::Queue", name, arn, url)


def scaled_visibility(seconds: int, scale: float) -> int:
    return max(0, math.ceil(seconds * scale)) if scale != 1.0 else seconds


def _attribute(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
