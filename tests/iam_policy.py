"""A small IAM policy evaluator for the roles SAM generates, used to check recorded AWS calls against template.yaml.

moto does not enforce IAM; this does, for what the functions actually call. It takes the template translated to
CloudFormation by aws-sam-translator (`ackline_local.sam_transform.translate`, the same translation the local stack
is built from: inline `Policies` statements and SAM policy templates as SAM expands them), substitutes the local
stack's physical names and ARNs and the pseudo parameters (the same values the stack itself resolved, from the call
log's `stack` line), and decides each request the way IAM does for identity policies:
an explicit Deny wins, otherwise an Allow whose Action and Resource match (`*` and `?` wildcards; actions compare
case-insensitively) is needed.

Conditions: `dynamodb:LeadingKeys` is evaluated against the partition key values recorded for the request, with
StringEquals/StringLike/StringNotEquals/StringNotLike and the ForAllValues/ForAnyValue set qualifiers. Any other
condition key or operator, or a request whose partition keys were not recorded, fails closed: an Allow statement
with it does not apply, a Deny statement with it does.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ackline_local.intrinsics import Resolver

REPO_ROOT = Path(__file__).resolve().parents[1]
TEMPLATE_PATH = REPO_ROOT / "template.yaml"

# The AWS managed policies SAM attaches, as far as a function could use them. Any other managed policy is unknown
# and grants nothing here (fail closed).
KNOWN_MANAGED_POLICIES: dict[str, list[dict[str, Any]]] = {
    "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole": [
        {
            "Effect": "Allow",
            "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": "*",
        }
    ],
    "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess": [
        {
            "Effect": "Allow",
            "Action": [
                "xray:PutTraceSegments",
                "xray:PutTelemetryRecords",
                "xray:GetSamplingRules",
                "xray:GetSamplingTargets",
                "xray:GetSamplingStatisticSummaries",
            ],
            "Resource": "*",
        }
    ],
}

# DynamoDB authorises each item of a transaction (and each table of a batch) as its own action.
_TRANSACT_ITEM_ACTIONS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
    "Get": "GetItem",
}
# SQS batch APIs are authorised as their single-message action.
_SQS_BATCH_ACTIONS = {
    "SendMessageBatch": "SendMessage",
    "DeleteMessageBatch": "DeleteMessage",
    "ChangeMessageVisibilityBatch": "ChangeMessageVisibility",
}
_STRING_OPERATORS = {"StringEquals", "StringLike", "StringNotEquals", "StringNotLike"}
_UNDERSTOOD_CONDITION_KEYS = {"dynamodb:leadingkeys"}


# --- the template ----------------------------------------------------------------------------------------------


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def role_statements(cfn_template: Mapping[str, Any], function: str) -> list[dict[str, Any]]:
    """Every statement of the function's execution role: inline policies plus the known managed ones."""
    resources = cfn_template["Resources"]
    role_ref = resources[function]["Properties"]["Role"]
    role = resources[role_ref["Fn::GetAtt"][0]]
    if role["Type"] != "AWS::IAM::Role":
        raise ValueError(f"{function}'s role is a {role['Type']}")
    found: list[dict[str, Any]] = []
    for policy in role["Properties"].get("Policies", []):
        found.extend(as_list(policy["PolicyDocument"]["Statement"]))
    for arn in role["Properties"].get("ManagedPolicyArns", []):
        found.extend(copy.deepcopy(KNOWN_MANAGED_POLICIES.get(arn, [])))
    return found


def function_ids(cfn_template: Mapping[str, Any]) -> list[str]:
    return sorted(lid for lid, body in cfn_template["Resources"].items() if body["Type"] == "AWS::Lambda::Function")


# --- the local stack, as the call log describes it -------------------------------------------------------------


@dataclass(frozen=True)
class LocalStackFacts:
    """The `stack` line of the call log: physical resources and parameter values the local stack used."""

    stack_name: str
    region: str
    account_id: str
    parameters: Mapping[str, str]
    resources: Mapping[str, Mapping[str, str]]
    functions: Mapping[str, str]

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> LocalStackFacts:
        return cls(
            stack_name=record["stack_name"],
            region=record["region"],
            account_id=record["account_id"],
            parameters=record["parameters"],
            resources=record["resources"],
            functions=record["functions"],
        )

    def resolver(self, cfn_template: Mapping[str, Any]) -> Resolver:
        attributes: dict[tuple[str, str], str] = {}
        for logical_id, res in self.resources.items():
            attributes[(logical_id, "Arn")] = res["arn"]
            if res["type"] == "AWS::SQS::Queue":
                attributes[(logical_id, "QueueName")] = res["name"]
                attributes[(logical_id, "QueueUrl")] = res["ref"]
            if res["type"] == "AWS::SNS::Topic":
                attributes[(logical_id, "TopicName")] = res["name"]
        return Resolver(
            parameters={**_parameter_defaults(cfn_template), **self.parameters},
            refs={logical_id: res["ref"] for logical_id, res in self.resources.items()},
            attributes=attributes,
            conditions=cfn_template.get("Conditions", {}),
            mappings=cfn_template.get("Mappings", {}),
            region=self.region,
            account_id=self.account_id,
            stack_name=self.stack_name,
        )


def _parameter_defaults(cfn_template: Mapping[str, Any]) -> dict[str, str]:
    return {
        name: str(body["Default"]) for name, body in cfn_template.get("Parameters", {}).items() if "Default" in body
    }


# --- requests: what IAM is asked for one recorded call ---------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """One authorisation IAM performs: an action on a resource ARN (None: could not be determined)."""

    action: str
    resource: str | None
    leading_keys: tuple[str, ...] | None = None
    note: str = ""


def requests_for_call(call: Mapping[str, Any], account_id: str) -> list[Request]:
    """The authorisations one recorded call needs (a transaction: one per item; a batch: one per table)."""
    service, operation, region = call["service"], call["operation"], call["region"]
    found: list[Request] = []
    for res in call["resources"]:
        kind = res["kind"]
        if service == "dynamodb" and kind == "table":
            if "item_action" in res:
                action = _TRANSACT_ITEM_ACTIONS.get(res["item_action"], "Unknown" + res["item_action"])
            else:
                action = operation
            arn = _table_arn(res["table"], region, account_id)
            if res.get("index"):
                arn += f"/index/{res['index']}"
            keys = res.get("leading_keys")
            found.append(Request(f"dynamodb:{action}", arn, None if keys is None else tuple(keys)))
        elif service == "sqs" and kind == "queue":
            action = _SQS_BATCH_ACTIONS.get(operation, operation)
            found.append(Request(f"sqs:{action}", _queue_arn(res, region, account_id)))
        elif service == "sns" and kind == "topic":
            found.append(Request(f"sns:{operation}", res["topic_arn"]))
        elif service == "ssm" and kind == "parameter":
            found.append(Request(f"ssm:{operation}", _parameter_arn(res["name"], region, account_id)))
        else:
            found.append(Request(f"{service}:{operation}", None, note=f"unknown resource {res}"))
    if not found:
        found.append(Request(f"{service}:{operation}", None, note="no resource recorded"))
    return found


def _table_arn(table: str, region: str, account_id: str) -> str:
    return table if table.startswith("arn:") else f"arn:aws:dynamodb:{region}:{account_id}:table/{table}"


def _queue_arn(res: Mapping[str, Any], region: str, account_id: str) -> str:
    if "queue_url" in res:
        # https://sqs.<region>.amazonaws.com/<account>/<name> (moto: http://127.0.0.1:<port>/<account>/<name>)
        account, name = urlsplit(res["queue_url"]).path.strip("/").split("/", 1)
        return f"arn:aws:sqs:{region}:{account}:{name}"
    return f"arn:aws:sqs:{region}:{account_id}:{res['queue_name']}"


def _parameter_arn(name: str, region: str, account_id: str) -> str:
    if name.startswith("arn:"):
        return name
    name = name.split(":", 1)[0]  # a version or label selector (`/a/b:3`) names the same parameter
    return f"arn:aws:ssm:{region}:{account_id}:parameter{name if name.startswith('/') else '/' + name}"


# --- evaluation ------------------------------------------------------------------------------------------------


def wildcard_match(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """IAM's `*` (any run of characters) and `?` (one character); everything else literal."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.DOTALL | (re.IGNORECASE if ignore_case else 0)) is not None


@dataclass
class Decision:
    allowed: bool
    reason: str
    matched: list[int] = field(default_factory=list)


class RolePolicy:
    """One role's statements with every intrinsic resolved to local values."""

    def __init__(self, statements: Iterable[Mapping[str, Any]], resolver: Resolver) -> None:
        self.statements: list[dict[str, Any]] = [_resolved(s, resolver) for s in statements]

    def decide(self, request: Request) -> Decision:
        if request.resource is None:
            return Decision(False, f"resource unknown ({request.note}): fails closed")
        allows: list[int] = []
        for index, statement in enumerate(self.statements):
            if not (_action_matches(statement, request.action) and _resource_matches(statement, request.resource)):
                continue
            applies = _conditions_hold(statement.get("Condition"), request)
            if statement.get("Effect") == "Deny" and applies is not False:
                return Decision(False, f"explicit Deny (statement {index})", [index])
            if statement.get("Effect") == "Allow" and applies is True:
                allows.append(index)
        if allows:
            return Decision(True, "allowed", allows)
        return Decision(False, "no Allow statement matches (implicit deny)")


def _resolved(statement: Mapping[str, Any], resolver: Resolver) -> dict[str, Any]:
    """Intrinsics resolved field by field (a `Condition` key must not be taken for the Condition intrinsic)."""
    resolved = {key: resolver.resolve(copy.deepcopy(value)) for key, value in statement.items() if key != "Condition"}
    if "Condition" in statement:
        condition = statement["Condition"]
        resolved["Condition"] = (
            {
                operator: {key: resolver.resolve(copy.deepcopy(v)) for key, v in block.items()}
                for operator, block in condition.items()
            }
            if isinstance(condition, Mapping) and all(isinstance(b, Mapping) for b in condition.values())
            else condition
        )
    return resolved


def _action_matches(statement: Mapping[str, Any], action: str) -> bool:
    if "Action" in statement:
        return any(wildcard_match(p, action, ignore_case=True) for p in as_list(statement["Action"]))
    if "NotAction" in statement:
        return not any(wildcard_match(p, action, ignore_case=True) for p in as_list(statement["NotAction"]))
    return False


def _resource_matches(statement: Mapping[str, Any], resource: str) -> bool:
    if "Resource" in statement:
        return any(wildcard_match(str(p), resource) for p in as_list(statement["Resource"]))
    if "NotResource" in statement:
        return not any(wildcard_match(str(p), resource) for p in as_list(statement["NotResource"]))
    return False


def _conditions_hold(condition: Any, request: Request) -> bool | None:
    """True/False when every condition is understood; None when any is not (the caller fails closed)."""
    if not condition:
        return True
    if not isinstance(condition, Mapping):
        return None
    results: list[bool | None] = []
    for operator, block in condition.items():
        if not isinstance(block, Mapping):
            return None
        for key, values in block.items():
            results.append(_one_condition(str(operator), str(key), as_list(values), request))
    if any(r is None for r in results):
        return None
    return all(results)


def _one_condition(operator: str, key: str, policy_values: Sequence[Any], request: Request) -> bool | None:
    qualifier, _, base = operator.rpartition(":")
    if base not in _STRING_OPERATORS or qualifier not in ("", "ForAllValues", "ForAnyValue"):
        return None  # IfExists, Null, numeric, date, ARN, Bool ... not needed yet: fail closed
    if key.lower() not in _UNDERSTOOD_CONDITION_KEYS or request.leading_keys is None:
        return None
    if not request.action.lower().startswith("dynamodb:"):
        return None
    negated = "Not" in base
    like = base.endswith("Like")
    patterns = [str(v) for v in policy_values]

    def matches(value: str) -> bool:
        hit = any(wildcard_match(p, value) if like else p == value for p in patterns)
        return not hit if negated else hit

    values = list(request.leading_keys)
    if qualifier == "ForAllValues":
        return all(matches(v) for v in values)  # an empty set is true, as in IAM
    if qualifier == "ForAnyValue":
        return any(matches(v) for v in values)
    if len(values) != 1:
        return None  # a single-valued operator on several keys: ambiguous, fail closed
    return matches(values[0])


# --- the call log ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CallLog:
    facts: LocalStackFacts
    calls: list[dict[str, Any]]
    errors: list[dict[str, Any]]


def read_call_log(path: Path) -> CallLog:
    facts: LocalStackFacts | None = None
    calls: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        if record["kind"] == "stack":
            facts = LocalStackFacts.from_record(record)
        elif record["kind"] == "call":
            calls.append(record)
        elif record["kind"] == "record_error":
            errors.append(record)
    if facts is None:
        raise ValueError(f"{path} has no stack line: was the stack started with recording on?")
    return CallLog(facts, calls, errors)


@dataclass(frozen=True)
class Denied:
    function: str
    operation: str
    action: str
    resource: str
    reason: str
    leading_keys: tuple[str, ...] | None


def denied_calls(cfn_template: Mapping[str, Any], log: CallLog) -> list[Denied]:
    """Every authorisation the attributed calls needed that the function's role does not grant (deduplicated)."""
    resolver = log.facts.resolver(cfn_template)
    known = set(function_ids(cfn_template))
    roles = {lid: RolePolicy(role_statements(cfn_template, lid), resolver) for lid in known}
    found: dict[tuple[str, str, str, str], Denied] = {}
    for call in log.calls:
        function = call.get("logical_id")
        if function is None:
            continue
        for request in requests_for_call(call, log.facts.account_id):
            if function not in roles:
                decision = Decision(False, "not a function of this template")
            else:
                decision = roles[function].decide(request)
            if not decision.allowed:
                resource = request.resource or f"? {request.note}"
                key = (function, request.action, resource, decision.reason)
                denied = Denied(
                    function, call["operation"], request.action, resource, decision.reason, request.leading_keys
                )
                found.setdefault(key, denied)
    return sorted(found.values(), key=lambda d: (d.function, d.action, d.resource))


def denied_table(denied: Sequence[Denied]) -> str:
    rows = [("function", "call", "IAM action", "resource", "why", "leading keys")]
    rows += [
        (d.function, d.operation, d.action, d.resource, d.reason, ",".join(d.leading_keys or ()) or "-") for d in denied
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
