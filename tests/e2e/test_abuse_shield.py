"""The abuse shield end to end: a flood of 1,000 messages from one author while 20 other customers write. The
20 all get their replies; the flood gets at most the policy's per-minute number; every message is stored.
Its own stack: a thousand extra items would crowd the shared stack's table for the other tests."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from ackline.domain.policy import default_policy
from ackline_local.webhooks import facebook_feed_comment, signed_meta_request
from tests.running_stack import RunningStack, launch_stack, wait_for

LIMIT = default_policy().thresholds.author_messages_per_minute
FLOODER = "79" + str(uuid.uuid4().int)[:14]


@pytest.fixture(scope="module")
def shield_stack() -> Iterator[RunningStack]:
    with launch_stack() as running:
        yield running


def _comment_id(payload: dict[str, Any]) -> str:
    return str(payload["entry"][0]["changes"][0]["value"]["comment_id"])


def _replied(stack: RunningStack) -> set[str]:
    """The comment ids the sandbox received a (non-faulted) reply to."""
    return {
        c["path"].split("/")[-2] for c in stack.sandbox_calls() if c["path"].endswith("/comments") and not c["fault"]
    }


def _stored(stack: RunningStack, author: str) -> int:
    dynamodb = boto3.client("dynamodb", endpoint_url=stack.moto, region_name="us-east-1")
    [table] = [t for t in dynamodb.list_tables()["TableNames"] if t.endswith("DataTable")]
    count, request = 0, {"TableName": table, "Select": "COUNT"}
    request["FilterExpression"] = "author_id = :a AND begins_with(pk, :interaction)"
    request["ExpressionAttributeValues"] = {":a": {"S": author}, ":interaction": {"S": "INT#"}}
    while True:
        page = dynamodb.scan(**request)
        count += page["Count"]
        if "LastEvaluatedKey" not in page:
            return count
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def test_a_flood_from_one_author_never_crowds_out_other_customers(shield_stack):
    stack = shield_stack
    others: list[str] = []
    flood_ids: list[str] = []
    # 1,000 messages from one author, as Meta delivers them (batches of 50), with 20 customers writing in between
    started = time.time()
    for _ in range(20):
        delivery = facebook_feed_comment("hello? hello? anyone there", author_id=FLOODER, author_name="Flo Od")
        for _more in range(49):
            delivery["entry"].extend(
                facebook_feed_comment("hello? hello? anyone there", author_id=FLOODER, author_name="Flo Od")["entry"]
            )
        flood_ids += [str(e["changes"][0]["value"]["comment_id"]) for e in delivery["entry"]]
        assert signed_meta_request(delivery, stack.meta_app_secret).send(stack.gateway)[0] == 200
        customer = facebook_feed_comment(
            "Thank you, the new one works perfectly", author_id="78" + str(uuid.uuid4().int)[:14], author_name="Sam Lee"
        )
        assert signed_meta_request(customer, stack.meta_app_secret).send(stack.gateway)[0] == 200
        others.append(_comment_id(customer))
    minutes = int(time.time() // 60) - int(started // 60) + 1  # the limit is per calendar minute
    # Then every other customer gets their reply
    missing = wait_for(lambda: not (set(others) - _replied(stack)), timeout=60, interval=0.5)
    assert missing, f"no reply for {sorted(set(others) - _replied(stack))}"
    time.sleep(2.0)  # anything of the flood still in flight
    # and the flood at most the configured number per minute it lasted
    flood_replies = set(flood_ids) & _replied(stack)
    assert 1 <= len(flood_replies) <= LIMIT * minutes
    # every message is stored, none lost
    assert _stored(stack, FLOODER) == 1000

    # and a person hears of the flood (a case), not 994 times
    # (the flood's earlier messages may open the case; the one over the limit adds its reason from the follow-up
    # queue, which can still be working when the last reply is sent)
    def flooder_cases() -> list[dict[str, Any]]:
        listed = stack.staff_get("/api/cases?status=open&limit=200").json()["cases"]
        return [c for c in listed if c["author_id"] == FLOODER]

    wait_for(lambda: any("rate limit" in r for c in flooder_cases() for r in c["reasons"]), timeout=30, interval=0.5)
    cases = flooder_cases()
    assert len(cases) == 1 and any("rate limit" in r for r in cases[0]["reasons"])
