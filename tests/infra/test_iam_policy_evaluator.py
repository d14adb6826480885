"""The IAM evaluator behind tests/e2e/test_iam_covers_calls.py: wildcards, per-item transaction actions,
dynamodb:LeadingKeys, explicit Deny, and failing closed on anything it does not understand."""

from __future__ import annotations

from ackline_local.intrinsics import Resolver
from tests.iam_policy import Request, RolePolicy, requests_for_call, wildcard_match

TABLE = "arn:aws:dynamodb:us-east-1:123456789012:table/T"


def _policy(*statements):
    return RolePolicy(statements, Resolver(parameters={}))


def test_wildcards():
    assert wildcard_match("arn:aws:ssm:*:parameter/ackline/meta/*", "arn:aws:ssm:us-east-1:1:parameter/ackline/meta/x")
    assert not wildcard_match("arn:aws:ssm:*:parameter/ackline/meta/*", "arn:aws:ssm:r:1:parameter/ackline/x/y")
    assert wildcard_match("dynamodb:Get?tem", "DynamoDB:GetItem", ignore_case=True)
    assert not wildcard_match("table/t", "table/T")  # resources compare case-sensitively
    assert not wildcard_match(TABLE, TABLE + "/index/I")


def test_transaction_items_and_batches_become_their_own_actions():
    call = {
        "service": "dynamodb",
        "operation": "TransactWriteItems",
        "region": "us-east-1",
        "resources": [
            {"kind": "table", "table": "T", "item_action": "Put", "leading_keys": ["CASE#1"]},
            {"kind": "table", "table": "T", "item_action": "ConditionCheck", "leading_keys": ["X"]},
        ],
    }
    assert [r.action for r in requests_for_call(call, "123456789012")] == [
        "dynamodb:PutItem",
        "dynamodb:ConditionCheckItem",
    ]
    queue = {
        "service": "sqs",
        "operation": "SendMessageBatch",
        "region": "us-east-1",
        "resources": [{"kind": "queue", "queue_url": "http://127.0.0.1:5000/123456789012/q"}],
    }
    assert requests_for_call(queue, "123456789012") == [
        Request("sqs:SendMessage", "arn:aws:sqs:us-east-1:123456789012:q")
    ]
    index = {**call, "operation": "Query", "resources": [{"kind": "table", "table": "T", "index": "I"}]}
    assert requests_for_call(index, "1")[0].resource == "arn:aws:dynamodb:us-east-1:1:table/T/index/I"


def test_leading_keys_condition():
    policy = _policy(
        {
            "Effect": "Allow",
            "Action": "dynamodb:DeleteItem",
            "Resource": TABLE,
            "Condition": {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["CONV#*"]}},
        }
    )
    assert policy.decide(Request("dynamodb:DeleteItem", TABLE, ("CONV#a",))).allowed
    assert not policy.decide(Request("dynamodb:DeleteItem", TABLE, ("CONV#a", "INT#b"))).allowed
    assert not policy.decide(Request("dynamodb:DeleteItem", TABLE, ("CASE#1",))).allowed
    assert not policy.decide(Request("dynamodb:DeleteItem", TABLE, None)).allowed  # keys unknown: fail closed
    assert not policy.decide(Request("dynamodb:PutItem", TABLE, ("CONV#a",))).allowed


def test_unknown_conditions_fail_closed_and_deny_wins():
    unknown = _policy(
        {
            "Effect": "Allow",
            "Action": "dynamodb:*",
            "Resource": TABLE,
            "Condition": {"Bool": {"aws:SecureTransport": "true"}},
        }
    )
    assert not unknown.decide(Request("dynamodb:GetItem", TABLE, ("A",))).allowed
    if_exists = _policy(
        {
            "Effect": "Allow",
            "Action": "dynamodb:GetItem",
            "Resource": TABLE,
            "Condition": {"StringLikeIfExists": {"dynamodb:LeadingKeys": "A"}},
        }
    )
    assert not if_exists.decide(Request("dynamodb:GetItem", TABLE, ("A",))).allowed
    deny = _policy(
        {"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "dynamodb:DeleteItem", "Resource": TABLE},
    )
    assert deny.decide(Request("dynamodb:GetItem", TABLE)).allowed
    assert not deny.decide(Request("dynamodb:DeleteItem", TABLE)).allowed
    assert not deny.decide(Request("s3:GetObject", None, note="unknown")).allowed
