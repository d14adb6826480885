"""Least privilege, checked on the IAM roles SAM generates: each function may touch only its own resources."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

# Every template resource or parameter a function's policies may name. Anything else (a DLQ, the user pool, another
# function's queue) appearing in a role is a failure.
ALLOWED_REFERENCES = {
    # AlertTopic: the one alert when a wave switches an account into crisis mode
    "IngestFunction": {"DataTable", "AckQueue", "FollowUpQueue", "SecretsPath", "AlertTopic"},
    # AlertTopic: a reply refused because the example brand policy is in force alerts people
    "ResponderFunction": {"DataTable", "AckQueue", "FollowUpQueue", "SecretsPath", "AlertTopic"},
    # AlertTopic: P1 cases alert people; SecretsPath: the brand policy (the reopen window)
    "FollowUpFunction": {"DataTable", "FollowUpQueue", "AlertTopic", "SecretsPath"},
    # AckQueue: people's replies go out through the Responder; AlertTopic: the panic button alerts people;
    # SecretsPath: the brand policy (saved replies, crisis-mode thresholds)
    "StaffApiFunction": {"DataTable", "AckQueue", "AlertTopic", "SecretsPath"},
    # FollowUpQueue: a signed data-deletion request ackline cannot read is handed to a person
    "PrivacyFunction": {"DataTable", "SecretsPath", "FollowUpQueue"},
    # re-drives stuck interactions through the same queues
    "ReconcilerFunction": {"DataTable", "AckQueue", "FollowUpQueue"},
    "CrisisWatchFunction": {"DataTable", "AlertTopic", "SecretsPath"},
    # ingests what the webhooks missed, exactly as Ingest does
    "BackfillFunction": {"DataTable", "AckQueue", "FollowUpQueue", "SecretsPath", "AlertTopic"},
    "ChannelWatchFunction": {"DataTable", "SecretsPath"},
}
DYNAMODB_ACTIONS = {
    # BatchGetItem: a redelivery's outstanding work; UpdateItem also keeps the per-author abuse ledger and demand
    # Query: a crisis-mode window's counters (pk CRISIS#<account>)
    "IngestFunction": {"GetItem", "BatchGetItem", "PutItem", "UpdateItem", "Query"},
    # Query + BatchGetItem: the conversation's recent replies (ConversationIndex holds keys only), so consecutive
    # replies differ; GetItem/UpdateItem also read and write the variants used under a post, so replies under it differ
    "ResponderFunction": {"GetItem", "UpdateItem", "Query", "BatchGetItem"},
    # Query + BatchGetItem: a case's history and the conversation's replies (ConversationIndex holds keys only;
    # echoes of our own replies are not a person)
    "FollowUpFunction": {"GetItem", "PutItem", "UpdateItem", "Query", "BatchGetItem"},
    # Query also reads demand per topic (pk DEMAND) for GET /api/demand
    # PutItem: case history and the conversation's pointers only (checked below)
    # BatchGetItem: "forget this person" reads their interactions, as PrivacyFunction does; and a case's conversation
    "StaffApiFunction": {"GetItem", "Query", "UpdateItem", "DeleteItem", "PutItem", "BatchGetItem"},
    "PrivacyFunction": {"GetItem", "BatchGetItem", "PutItem", "UpdateItem", "Query", "DeleteItem"},
    # Query: UnsettledIndex only (never a Scan), its keys-only entries then read whole (BatchGetItem); UpdateItem: give
    # up a reply pending too long, drop settled entries
    "ReconcilerFunction": {"Query", "BatchGetItem", "UpdateItem"},
    "CrisisWatchFunction": {"Query", "UpdateItem"},
    "BackfillFunction": {"GetItem", "BatchGetItem", "PutItem", "UpdateItem", "Query"},
    "ChannelWatchFunction": {"Query"},
}
# Only the open-case pointer items (pk CONV#...) may be deleted in normal work; only the privacy function, erasing a
# person on request, may also delete interactions and per-author records. Cases are never deleted.
DELETE_CONDITION = {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["CONV#*"]}}
ERASURE_DELETE_CONDITION = {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["INT#*", "CONV#*", "AUTHOR#*"]}}
# Staff also erase a person on request ("forget") and unblock authors (BLOCK#... and its listing under BLOCKLIST);
# never a case.
STAFF_DELETE_CONDITION = {
    "ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["INT#*", "CONV#*", "AUTHOR#*", "BLOCK#*", "BLOCKLIST"]}
}
SECRET_FOLDERS = {
    # brand: the optional brand policy parameter (BrandPolicyParameterName)
    "IngestFunction": {"meta", "x", "telegram", "generic", "brand"},
    "ResponderFunction": {"meta", "x", "telegram", "brand"},
    "FollowUpFunction": {"brand"},  # the reopen window
    "StaffApiFunction": {"brand"},  # saved replies, crisis-mode thresholds
    "PrivacyFunction": {"meta"},
    "ReconcilerFunction": set(),
    "CrisisWatchFunction": {"brand"},
    "BackfillFunction": {"meta", "x", "brand"},
    "ChannelWatchFunction": {"meta", "telegram"},
}
SENDS_TO = {
    "IngestFunction": {"AckQueue", "FollowUpQueue"},
    "ResponderFunction": {"FollowUpQueue"},
    "FollowUpFunction": set(),
    "StaffApiFunction": {"AckQueue"},
    "PrivacyFunction": {"FollowUpQueue"},
    "ReconcilerFunction": {"AckQueue", "FollowUpQueue"},
    "CrisisWatchFunction": set(),
    "BackfillFunction": {"AckQueue", "FollowUpQueue"},
    "ChannelWatchFunction": set(),
}
# What an SQS event source mapping needs from its function's role.
POLL_ACTIONS = {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"}
# SAM always adds the first (CloudWatch Logs) and, for Tracing: Active, the second. AWSLambdaSQSQueueExecutionRole in
# particular must never appear: it grants receive/delete on every queue in the account.
ALLOWED_MANAGED_POLICIES = {
    "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess",
}
SSM_PREFIX = "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter${SecretsPath}/"
_SUB_VARIABLE = re.compile(r"\$\{([^}!][^}]*)\}")


def references(value: Any) -> set[str]:
    """Logical ids and parameters named anywhere in `value` via Ref, GetAtt or Sub (pseudo parameters excluded)."""
    found: set[str] = set()
    if isinstance(value, list):
        for item in value:
            found |= references(item)
    elif isinstance(value, dict):
        for key, arg in value.items():
            if key == "Ref":
                found.add(str(arg))
            elif key == "Fn::GetAtt":
                found.add(str(arg[0] if isinstance(arg, list) else arg.split(".", 1)[0]))
            elif key == "Fn::Sub":
                text, variables = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])
                names = {name.split(".", 1)[0] for name in _SUB_VARIABLE.findall(text)}
                found |= names - set(variables)
                found |= references(list(variables.values()))
            else:
                found |= references(arg)
    return {name for name in found if not name.startswith("AWS::")}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def role_of(cfn_resources: dict[str, Any], function: str) -> dict[str, Any]:
    role_ref = cfn_resources[function]["Properties"]["Role"]
    role: dict[str, Any] = cfn_resources[role_ref["Fn::GetAtt"][0]]
    assert role["Type"] == "AWS::IAM::Role"
    return role


def statements(cfn_resources: dict[str, Any], function: str) -> Iterator[dict[str, Any]]:
    for policy in role_of(cfn_resources, function)["Properties"].get("Policies", []):
        yield from as_list(policy["PolicyDocument"]["Statement"])


def grants(cfn_resources: dict[str, Any], function: str) -> dict[str, set[str]]:
    """Referenced resource -> actions allowed on it."""
    result: dict[str, set[str]] = {}
    for statement in statements(cfn_resources, function):
        for name in references(statement["Resource"]):
            result.setdefault(name, set()).update(as_list(statement["Action"]))
    return result


@pytest.fixture(scope="module", params=sorted(ALLOWED_REFERENCES))
def function(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_every_function_is_covered_here(cfn_resources: dict[str, Any]) -> None:
    functions = {lid for lid, body in cfn_resources.items() if body["Type"] == "AWS::Lambda::Function"}
    assert functions == set(ALLOWED_REFERENCES), "add the new function's allowed resources to this test"


def test_roles_name_only_the_functions_own_resources(cfn_resources: dict[str, Any], function: str) -> None:
    named = set(grants(cfn_resources, function))
    allowed = ALLOWED_REFERENCES[function]
    assert named <= allowed, f"{function}'s role reaches beyond its own resources: {sorted(named - allowed)}"
    assert named == allowed, f"{function}'s role lacks a grant it needs on: {sorted(allowed - named)}"


def test_no_wildcard_actions_or_resources(cfn_resources: dict[str, Any], function: str) -> None:
    for statement in statements(cfn_resources, function):
        assert statement["Effect"] == "Allow"
        assert "NotAction" not in statement and "NotResource" not in statement, statement
        for action in as_list(statement["Action"]):
            assert action != "*" and not action.endswith(":*"), f"{function}: wildcard action {action!r}"
        for resource in as_list(statement["Resource"]):
            assert resource != "*", f"{function}: Resource '*' in {statement}"


def test_managed_policies_are_only_logs_and_xray(cfn_resources: dict[str, Any], function: str) -> None:
    managed = set(role_of(cfn_resources, function)["Properties"].get("ManagedPolicyArns", []))
    assert managed <= ALLOWED_MANAGED_POLICIES, f"{function}: unexpected managed policies {managed}"


def test_dynamodb_actions_are_exactly_what_the_function_needs(cfn_resources: dict[str, Any], function: str) -> None:
    actions = {
        action.removeprefix("dynamodb:")
        for statement in statements(cfn_resources, function)
        for action in as_list(statement["Action"])
        if action.startswith("dynamodb:")
    }
    assert actions == DYNAMODB_ACTIONS[function]
    assert not actions & {"Scan", "DeleteTable", "BatchWriteItem", "PartiQLDelete"}


def test_deletes_are_confined_to_open_case_pointers(cfn_resources: dict[str, Any], function: str) -> None:
    for statement in statements(cfn_resources, function):
        actions = as_list(statement["Action"])
        if "dynamodb:DeleteItem" in actions:
            assert actions == ["dynamodb:DeleteItem"], f"{function}: keep DeleteItem in its own statement"
            expected = {"PrivacyFunction": ERASURE_DELETE_CONDITION, "StaffApiFunction": STAFF_DELETE_CONDITION}.get(
                function, DELETE_CONDITION
            )
            assert statement.get("Condition") == expected, f"{function}: unconditioned DeleteItem"


def test_ssm_reads_are_limited_to_the_functions_secret_folders(cfn_resources: dict[str, Any], function: str) -> None:
    folders = set()
    for statement in statements(cfn_resources, function):
        if not any(action.startswith("ssm:") for action in as_list(statement["Action"])):
            continue
        assert set(as_list(statement["Action"])) <= {"ssm:GetParameter", "ssm:GetParameters"}, statement
        for resource in as_list(statement["Resource"]):
            text = resource["Fn::Sub"]
            assert text.startswith(SSM_PREFIX) and text.endswith("/*"), text
            folders.add(text.removeprefix(SSM_PREFIX).removesuffix("/*"))
    assert folders == SECRET_FOLDERS[function]


def test_queue_sends_only_where_the_flow_sends(cfn_resources: dict[str, Any], function: str) -> None:
    granted = grants(cfn_resources, function)
    senders = {name for name, actions in granted.items() if any(a.startswith("sqs:SendMessage") for a in actions)}
    assert senders == SENDS_TO[function]


def test_each_event_source_can_poll_only_its_own_queue(cfn_resources: dict[str, Any]) -> None:
    polled: dict[str, set[str]] = {name: set() for name in ALLOWED_REFERENCES}
    for body in cfn_resources.values():
        if body["Type"] != "AWS::Lambda::EventSourceMapping":
            continue
        function = body["Properties"]["FunctionName"]["Ref"]
        queue = body["Properties"]["EventSourceArn"]["Fn::GetAtt"][0]
        polled[function].add(queue)
        assert grants(cfn_resources, function).get(queue, set()) >= POLL_ACTIONS, (function, queue)
    for function, queues in polled.items():
        receivers = {
            name for name, actions in grants(cfn_resources, function).items() if "sqs:ReceiveMessage" in actions
        }
        assert receivers == queues, f"{function} may receive from {receivers}, but consumes {queues}"


def test_references_helper_sees_every_form() -> None:
    value = [
        {"Ref": "A"},
        {"Fn::GetAtt": ["B", "Arn"]},
        {"Fn::GetAtt": "C.Arn"},
        {"Fn::Sub": "arn:${AWS::Partition}:x:${D}/${E.Arn}/${!Literal}"},
        {"Fn::Sub": ["${q}-${F}", {"q": {"Fn::GetAtt": ["G", "QueueName"]}}]},
    ]
    assert references(value) == {"A", "B", "C", "D", "E", "F", "G"}
