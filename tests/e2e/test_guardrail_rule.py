"""The brand policy from SSM, and the guardrail rule, through the whole pipeline of a second local stack.

`python -m ackline_local --brand-policy FILE` validates the file, stores it in moto's SSM as
`/ackline/brand/policy` and sets `BrandPolicyParameterName` to it, so Ingest and the Responder read it exactly as
a deployment would (BRAND_POLICY_PARAM, Powertools Parameters). The policy here is the shipped one with two edits:

- a distinctive sign-off, which must reach the platform sandbox (the SSM path works end to end);
- the track-order FAQ answer points at the carrier's tracking site, a domain the policy forgot to list in
  `allowed_links`. It passes every load-time check (wording and length), but the link guardrail refuses every
  reply that carries it, and the composer cannot repair that: it only drops the name, the out-of-hours note and
  the sign-off. So the reply is not sent, and a person gets a case with the reason.

A policy that would break a guardrail on every send in a way the load-time checks see (here: an FAQ answer
too long for Messenger) is refused before the stack comes up.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from ackline.domain.policy import default_policy
from ackline.domain.policy_checks import parse_policy
from ackline_local.webhooks import facebook_feed_comment, signed_meta_request
from tests.running_stack import RunningStack, launch_stack, refused_start, wait_for

SIGN_OFF = "Kind regards, Ada at Northwind Care"
CARRIER_SITE = "track.northwind-parcels.com"
SETTLE = 1.5
FIRST_REPLY = 10  # this stack's functions start cold (the session stack's first tests allow 5 s)


def _policy(**edits: Any) -> dict[str, Any]:
    raw = default_policy().model_dump(mode="json", exclude_defaults=True)
    raw["brand"]["sign_off"] = SIGN_OFF
    track = next(e for e in raw["faq"] if e["id"] == "track_order")
    track["answer"] = f"You can follow any parcel at {CARRIER_SITE} with the number in your confirmation email."
    raw.update(edits)
    return raw


@pytest.fixture(scope="module")
def custom_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    path = tmp_path_factory.mktemp("policy") / "policy.json"
    path.write_text(
        parse_policy(_policy()).model_dump_json(indent=2, exclude_defaults=True), encoding="utf-8"
    )  # valid at load
    with launch_stack(brand_policy=path) as running:
        yield running


def _send(stack: RunningStack, text: str, author_id: str, author_name: str = "Dana Rivers") -> str:
    payload = facebook_feed_comment(text, author_id=author_id, author_name=author_name)
    assert signed_meta_request(payload, stack.meta_app_secret).send(stack.gateway)[0] == 200
    return str(payload["entry"][0]["changes"][0]["value"]["comment_id"])


def _replies(stack: RunningStack, comment_id: str) -> list[str]:
    calls = stack.sandbox_calls()
    return [c["body"]["message"] for c in calls if c["path"].endswith(f"/{comment_id}/comments") and not c["fault"]]


def _case(stack: RunningStack, author_id: str) -> dict[str, Any] | None:
    cases = stack.staff_get("/api/cases?status=open&limit=200").json()["cases"]
    return next((c for c in cases if c["author_id"] == author_id), None)


def _stored(stack: RunningStack, comment_id: str) -> dict[str, Any]:
    """The interaction as stored (reply status and error), for a failure message."""
    items = [i for i in stack.table_items() if i["pk"]["S"] == f"INT#facebook#{comment_id}"]
    return {k: v for k, v in (items[0] if items else {}).items() if k.startswith(("reply", "decision"))}


def _author() -> str:
    return "91" + str(uuid.uuid4().int)[:13]


def test_the_policy_is_stored_in_ssm_as_a_deployment_stores_it(custom_stack):
    ssm = boto3.client("ssm", endpoint_url=custom_stack.moto, region_name="us-east-1")
    parameter = ssm.get_parameter(Name="/ackline/brand/policy")["Parameter"]
    assert parameter["Type"] == "String" and parse_policy(parameter["Value"]).brand.sign_off == SIGN_OFF
    [described] = ssm.describe_parameters(ParameterFilters=[{"Key": "Name", "Values": ["/ackline/brand/policy"]}])[
        "Parameters"
    ]
    assert described["Tier"] == "Advanced"


def test_the_custom_policys_wording_reaches_the_platform(custom_stack):
    # Given the stack runs a policy from SSM whose sign-off the shipped policy does not have
    assert SIGN_OFF not in default_policy().brand.sign_off
    author = _author()
    # When a customer praises us on Facebook
    comment = _send(custom_stack, "One of my favourite products, love it.", author, author_name="Maya Chen")
    # Then the reply the platform receives carries the custom policy's sign-off
    replies = wait_for(lambda: _replies(custom_stack, comment), timeout=FIRST_REPLY)
    assert len(replies) == 1 and replies[0].endswith(f"\n{SIGN_OFF}"), (replies, _stored(custom_stack, comment))
    assert "Maya" in replies[0]


def test_a_reply_that_breaks_a_guardrail_is_not_sent_and_a_person_gets_the_case_with_the_reason(custom_stack):
    # Given a policy whose track-order answer links a domain missing from allowed_links (it loaded fine)
    author = _author()
    # When a customer asks how to track their order
    comment = _send(custom_stack, "How can I track my order?", author)
    # Then a person has a case saying which guardrail stopped the reply
    case = wait_for(lambda: _case(custom_stack, author), timeout=FIRST_REPLY)
    assert case, ("no case for the blocked reply", _stored(custom_stack, comment))
    assert f"reply blocked by guardrails: link: {CARRIER_SITE}" in case["reasons"], case["reasons"]
    # And nothing reached the platform
    time.sleep(SETTLE)
    assert _replies(custom_stack, comment) == []


def test_a_policy_too_long_for_a_platform_is_refused_at_startup(tmp_path: Path):
    # Given a policy whose FAQ answer no Messenger message can hold (it breaks no wording rule)
    raw = _policy()
    raw["faq"][0]["answer"] = "Our stores are open every day. " * 64 + "Welcome."
    path = tmp_path / "too-long.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    # When the local stack is started with it
    refused = refused_start(brand_policy=path)
    # Then it does not come up, and says which field is too long where
    assert refused.returncode == 2, refused.output
    assert "ACKLINE_READY" not in refused.output
    assert str(path) in refused.output
    assert "templates.faq.default[0] with faq.opening_hours: too long for messenger (2011 > 1999)" in refused.output


def test_a_policy_with_wording_that_breaks_a_guardrail_is_refused_at_startup(tmp_path: Path):
    raw = _policy()
    raw["templates"]["praise"]["default"][0] = "Thanks so much{name}, we'll definitely add more colours soon!"
    path = tmp_path / "promises.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    refused = refused_start(brand_policy=path)
    assert refused.returncode == 2 and "ACKLINE_READY" not in refused.output
    assert "templates.praise: promise" in refused.output, refused.output
