"""Private replies end to end, configured the way a deployment configures them.

The shipped policy answers comments where they were written (in public), so this suite runs its own local stack
with the real mechanism: a brand policy in SSM under ${SecretsPath}/brand/, named by the template's
BrandPolicyParameterName (here set in a copy of template.yaml), read by the functions through Powertools. That
policy answers Facebook and Instagram comments with a private reply and X mentions with a DM.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from ackline.domain.policy import default_policy
from ackline_local.config import load_config
from ackline_local.webhooks import (
    DEMO_PAGE_ID,
    facebook_feed_comment,
    instagram_comment,
    signed_meta_request,
    signed_x_request,
    x_mention,
)
from tests.iam_policy import TEMPLATE_PATH
from tests.running_stack import RunningStack, launch_stack, wait_for

CONFIG = load_config()
POLICY_PARAMETER = "/ackline/brand/policy"
IG_ACCOUNT = "17841400000000001"


def _digits(n: int) -> str:
    return str(uuid.uuid4().int)[:n]


def _template_naming_the_policy(tmp: Path) -> Path:
    text = TEMPLATE_PATH.read_text(encoding="utf-8")
    named, count = re.subn(
        r'(  BrandPolicyParameterName:\n(?:    .*\n)*?    Default: )""', rf'\g<1>"{POLICY_PARAMETER}"', text, count=1
    )
    assert count == 1, "template.yaml no longer has BrandPolicyParameterName with an empty default"
    path = tmp / "template.yaml"
    path.write_text(named, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def private_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    policy = default_policy().model_dump(mode="json", exclude_defaults=True)
    policy["reply_visibility"] |= {"facebook": "private", "instagram": "private", "x": "private"}
    template = _template_naming_the_policy(tmp_path_factory.mktemp("private-replies"))
    with launch_stack(extra_args=["--template", str(template)]) as stack:
        ssm = boto3.client("ssm", endpoint_url=stack.moto, region_name="us-east-1")
        ssm.put_parameter(Name=POLICY_PARAMETER, Value=json.dumps(policy), Type="String", Tier="Advanced")
        yield stack


def _calls(stack: RunningStack, match: Any) -> list[dict[str, Any]]:
    return [c for c in stack.sandbox_calls() if not c["fault"] and match(c)]


def _one_private_reply(stack: RunningStack, request: Any, path: str, comment_id: str) -> dict[str, Any]:
    def to_comment(c: dict[str, Any]) -> bool:
        return c["path"] == path and c["body"].get("recipient") == {"comment_id": comment_id}

    assert request.send(stack.gateway)[0] == 200
    replies = wait_for(lambda: _calls(stack, to_comment), timeout=10)
    assert len(replies) == 1, replies
    # redelivered: nothing more (and the sandbox, like Meta, would refuse a second private reply anyway)
    assert request.send(stack.gateway)[0] == 200
    time.sleep(1.0)
    assert len(_calls(stack, to_comment)) == 1
    return replies[0]


def test_facebook_comment_gets_one_private_reply_through_the_pages_messenger(private_stack):
    comment_id = f"{DEMO_PAGE_ID}_{_digits(12)}_{_digits(12)}"
    payload = facebook_feed_comment("Love this, thank you so much!", comment_id=comment_id)
    request = signed_meta_request(payload, CONFIG.meta_app_secret)
    reply = _one_private_reply(private_stack, request, f"/meta/{DEMO_PAGE_ID}/messages", comment_id)
    assert reply["body"]["message"]["text"] and reply["status"] == 200
    # and nothing in public under the comment
    assert not _calls(private_stack, lambda c: c["path"].endswith(f"/{comment_id}/comments"))


def test_instagram_comment_gets_one_private_reply(private_stack):
    comment_id = "179" + _digits(14)
    payload = instagram_comment("Love this colour, thank you!", comment_id=comment_id)
    request = signed_meta_request(payload, CONFIG.meta_app_secret)
    reply = _one_private_reply(private_stack, request, f"/instagram/{IG_ACCOUNT}/messages", comment_id)
    assert reply["body"]["message"]["text"]
    assert not _calls(private_stack, lambda c: c["path"] == f"/instagram/{comment_id}/replies")


def test_x_mention_gets_a_dm_to_its_author(private_stack):
    author, tweet_id = "29" + _digits(12), "18" + _digits(17)
    payload = x_mention("@acme_support thanks, great service!", tweet_id=tweet_id, author_id=author)
    assert signed_x_request(payload, CONFIG.x_consumer_secret).send(private_stack.gateway)[0] == 200
    dm_path = f"/x/2/dm_conversations/with/{author}/messages"
    [dm] = wait_for(lambda: _calls(private_stack, lambda c: c["path"] == dm_path), timeout=10)
    assert dm["body"]["text"]
    assert not _calls(private_stack, lambda c: c["path"] == "/x/2/tweets" and tweet_id in json.dumps(c["body"]))
