"""Issue 7, classes 1, 8, 9 and 10 through the whole local stack: a signed webhook in, and out the reply the platform
sandbox received, the case staff see, or the suppressed listing staff see (`GET /api/suppressed`).

Most tests share the session's stack (the example policy, opted in by infra/local/dev.env). Two start their own:
one with a brand policy whose business hours are never open (P1 wording out of hours), and one with the
example policy and `ALLOW_EXAMPLE_POLICY=false`, as a deploy without a brand policy would run.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

import ackline
from ackline.domain.policy import ASKS_FOR_DM, default_policy
from ackline.domain.policy_checks import parse_policy
from ackline_local.config import load_config
from ackline_local.webhooks import (
    facebook_feed_comment,
    messenger_message,
    signed_meta_request,
    signed_x_request,
    whatsapp_text_message,
    x_mention,
)
from tests.running_stack import RunningStack, launch_stack, wait_for

POLICY = default_policy()
SHIPPED_POLICY = Path(ackline.__file__).parent / "policy" / "default_policy.json"
CONFIG = load_config()
WAIT = 15  # generous: the machine is shared, and a second stack's functions start cold
SETTLE = 1.5  # long enough for a reply or case that was coming to have arrived


def _id(prefix: str) -> str:
    return prefix + str(uuid.uuid4().int)[:13]


def _calls(stack: RunningStack, match: Callable[[dict[str, Any]], bool]) -> list[dict[str, Any]]:
    return [c for c in stack.sandbox_calls() if not c["fault"] and match(c)]


def _case(stack: RunningStack, author_id: str) -> dict[str, Any] | None:
    cases = stack.staff_get("/api/cases?status=open&limit=200").json()["cases"]
    return next((c for c in cases if c["author_id"] == author_id), None)


def _wait_case(stack: RunningStack, author_id: str) -> dict[str, Any]:
    case = wait_for(lambda: _case(stack, author_id), timeout=WAIT)
    assert case, f"no case for {author_id}"
    return dict(case)


def _comment(stack: RunningStack, text: str, author: str) -> str:
    payload = facebook_feed_comment(text, author_id=author, author_name="Dana Rivers")
    assert signed_meta_request(payload, stack.meta_app_secret).send(stack.gateway)[0] == 200
    return str(payload["entry"][0]["changes"][0]["value"]["comment_id"])


def _comment_replies(stack: RunningStack, comment_id: str) -> list[str]:
    return [c["body"]["message"] for c in _calls(stack, lambda c: c["path"].endswith(f"/{comment_id}/comments"))]


def _comment_reply(stack: RunningStack, comment_id: str) -> str:
    replies = wait_for(lambda: _comment_replies(stack, comment_id), timeout=WAIT)
    assert len(replies) == 1, replies
    return str(replies[0])


def _tweet(stack: RunningStack, text: str, author: str) -> str:
    payload = x_mention(text, author_id=author)
    assert signed_x_request(payload, CONFIG.x_consumer_secret).send(stack.gateway)[0] == 200
    return str(payload["tweet_create_events"][0]["id_str"])


def _tweet_replies(stack: RunningStack, tweet_id: str) -> list[str]:
    calls = _calls(stack, lambda c: c["path"] == "/x/2/tweets")
    return [c["body"]["text"] for c in calls if c["body"]["reply"]["in_reply_to_tweet_id"] == tweet_id]


def _suppressed(stack: RunningStack) -> list[dict[str, Any]]:
    response = stack.staff_get("/api/suppressed?limit=200")
    assert response.status_code == 200, response.text
    return list(response.json()["messages"])


# --- 1. own handles -------------------------------------------------------------------------------------------------


def test_an_x_mention_starting_with_our_handle_gets_one_reply(stack):
    author = _id("31")
    tweet = _tweet(stack, "@acme_support my wifi keeps dropping", author)
    replies = wait_for(lambda: _tweet_replies(stack, tweet), timeout=WAIT)
    assert len(replies) == 1, replies
    time.sleep(SETTLE)
    assert len(_tweet_replies(stack, tweet)) == 1
    assert not any(m["key"] == f"x#{tweet}" for m in _suppressed(stack))


def test_an_x_mention_with_a_problem_gets_an_apology_and_a_case(stack):
    author = _id("32")
    tweet = _tweet(stack, "@acme_support my order arrived broken and nobody answers my emails", author)
    [reply] = wait_for(lambda: _tweet_replies(stack, tweet), timeout=WAIT)
    assert "sorry" in reply.lower() and "acme_support" not in reply
    case = _wait_case(stack, author)
    assert case["priority"] == "P2" and "addressed to us: mentions our account" in case["reasons"]


def test_a_comment_only_tagging_a_friend_is_suppressed_and_listed_for_staff(stack):
    author = _id("33")
    comment_id = _comment(stack, "@sam_rivers look at this", author)
    listed = wait_for(lambda: [m for m in _suppressed(stack) if m["key"] == f"facebook#{comment_id}"], timeout=WAIT)
    assert listed and "only tags other people: not addressed to us" in listed[0]["reasons"]
    assert listed[0]["reply_status"] == "none"
    time.sleep(SETTLE)
    assert _comment_replies(stack, comment_id) == [] and _case(stack, author) is None  # nobody paged


def test_every_message_ends_in_a_reply_a_case_or_the_suppressed_listing(stack):
    texts = [
        "@acme_support my wifi keeps dropping",
        "@jo_b haha",
        "Buy followers cheap at http://spam.example/deal now",
        "ok",
        "Love it, thank you!",
        "mijn bestelling is kapot",
        "🙂",
        "@acme_support ?",
    ]
    sent = []
    for text in texts:
        author = _id("34")
        sent.append((text, author, _comment(stack, text, author)))

    def settled(author: str, comment_id: str) -> bool:
        return bool(
            _comment_replies(stack, comment_id)
            or _case(stack, author)
            or any(m["key"] == f"facebook#{comment_id}" and m["reasons"] for m in _suppressed(stack))
        )

    for text, author, comment_id in sent:
        assert wait_for(lambda a=author, c=comment_id: settled(a, c), timeout=WAIT), f"{text!r} ended in nothing"


# --- 8. language ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("nl", "Mijn pakket is kapot aangekomen en niemand reageert op mijn mails, echt belachelijk"),
        ("pl", "Paczka przyszła uszkodzona i nikt nie odpowiada na moje maile, to jest skandal"),
    ],
)
def test_dutch_and_polish_complaints_get_their_own_fallback_and_a_case(stack, language, text):
    author = _id("35")
    reply = _comment_reply(stack, _comment(stack, text, author))
    assert reply.startswith(POLICY.languages.fallback[language]), reply
    assert POLICY.business_hours.out_of_hours_note not in reply  # never English after the customer's language
    case = _wait_case(stack, author)
    assert any(r.startswith(f"language {language} is not covered") for r in case["reasons"]), case["reasons"]


def test_a_turkish_thank_you_is_answered_in_turkish_not_german(stack):
    reply = _comment_reply(stack, _comment(stack, "Çok teşekkürler, harika bir hizmet!", _id("36")))
    assert reply.startswith(POLICY.languages.fallback["tr"]) and POLICY.languages.fallback["de"] not in reply


def test_still_no_refund_is_english(stack):
    author = _id("37")
    reply = _comment_reply(stack, _comment(stack, "still no refund", author))
    assert not any(reply.startswith(text) for text in POLICY.languages.fallback.values()), reply
    assert reply.startswith("We"), reply  # one of the English templates


# --- 9. crisis wording in private chats -----------------------------------------------------------------------------

CRISIS = "The heater caught fire and my daughter was burned. I am so upset."


def _holding_statement_ok(text: str) -> None:
    assert text.lower().startswith(("we're so sorry", "we're truly sorry")), text
    assert not ASKS_FOR_DM.search(text) and "thank you for" not in text.lower(), text
    assert POLICY.business_hours.out_of_hours_note not in text


def test_a_p1_crisis_on_messenger_gets_sorrow_and_no_request_to_message_us_privately(stack):
    sender = _id("38")
    payload = messenger_message(CRISIS, sender_id=sender)
    assert signed_meta_request(payload, stack.meta_app_secret).send(stack.gateway)[0] == 200
    match = lambda c: c["path"].endswith("/messages") and c["body"].get("recipient") == {"id": sender}  # noqa: E731
    [reply] = wait_for(lambda: _calls(stack, match), timeout=WAIT)
    _holding_statement_ok(reply["body"]["message"]["text"])
    assert _wait_case(stack, sender)["priority"] == "P1"


def test_a_p1_crisis_on_whatsapp_gets_sorrow_and_no_request_to_message_us_privately(stack):
    wa_id = "4477" + str(uuid.uuid4().int)[:8]
    payload = whatsapp_text_message(CRISIS, wa_id=wa_id)
    assert signed_meta_request(payload, stack.meta_app_secret).send(stack.gateway)[0] == 200
    match = lambda c: c["body"].get("messaging_product") == "whatsapp" and c["body"].get("to") == wa_id  # noqa: E731
    [reply] = wait_for(lambda: _calls(stack, match), timeout=WAIT)
    _holding_statement_ok(reply["body"]["text"]["body"])
    assert _wait_case(stack, wa_id)["priority"] == "P1"


@pytest.fixture(scope="module")
def closed_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    """A brand whose care team is never in (no working days): every reply is out of business hours."""
    raw = json.loads(SHIPPED_POLICY.read_text(encoding="utf-8"))  # as written: no defaults spelled out
    raw["business_hours"]["days"] = []
    parse_policy(raw)  # still valid
    path = tmp_path_factory.mktemp("closed") / "policy.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    with launch_stack(brand_policy=path) as running:
        yield running


def test_a_p1_out_of_hours_on_a_public_platform_is_not_deferred_to_business_hours(closed_stack):
    # a P2 complaint on the same stack shows the hours are closed: its reply carries the business-hours note
    complaint = _comment_reply(closed_stack, _comment(closed_stack, "My order arrived broken. Really poor.", _id("39")))
    assert POLICY.business_hours.out_of_hours_note in complaint
    author = _id("40")
    reply = _comment_reply(closed_stack, _comment(closed_stack, CRISIS, author))
    assert reply.lower().startswith(("we're so sorry", "we're truly sorry")), reply
    assert POLICY.business_hours.out_of_hours_note not in reply and "thank you for" not in reply.lower()
    assert _wait_case(closed_stack, author)["priority"] == "P1"


# --- 10. the example brand refused in production --------------------------------------------------------------------


@pytest.fixture(scope="module")
def unconfigured_stack() -> Iterator[RunningStack]:
    """A deploy that never set BrandPolicyParameterName and did not opt in to the example policy."""
    with launch_stack({"ALLOW_EXAMPLE_POLICY": "false"}) as running:
        yield running


def _alert_inbox(stack: RunningStack) -> Callable[[], list[dict[str, Any]]]:
    """Subscribe a fresh queue to the stack's AlertTopic, as a team's e-mail or chat integration would be."""
    sns = boto3.client("sns", endpoint_url=stack.moto, region_name="us-east-1")
    sqs = boto3.client("sqs", endpoint_url=stack.moto, region_name="us-east-1")
    [topic] = [t["TopicArn"] for t in sns.list_topics()["Topics"] if t["TopicArn"].endswith("AlertTopic")]
    inbox = sqs.create_queue(QueueName=f"alerts-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    inbox_arn = sqs.get_queue_attributes(QueueUrl=inbox, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=inbox_arn)

    def received() -> list[dict[str, Any]]:
        got = sqs.receive_message(QueueUrl=inbox, WaitTimeSeconds=1, MaxNumberOfMessages=10).get("Messages", [])
        return [json.loads(m["Body"]) for m in got]

    return received


def test_without_the_opt_in_the_example_brand_sends_nothing_opens_cases_and_alerts_once(
    unconfigured_stack: RunningStack,
):
    alerts = _alert_inbox(unconfigured_stack)
    sent = []
    for text in ("Love it, thank you so much!", "My order arrived broken, really disappointed"):
        author = _id("41")
        sent.append((author, _comment(unconfigured_stack, text, author)))

    def refused(author: str) -> bool:
        case = _case(unconfigured_stack, author) or {"reasons": []}
        return any(r.startswith("reply refused: the brand policy in force is the example") for r in case["reasons"])

    for author, _ in sent:  # the complaint's case opens at once; the refusal's reason joins it
        assert wait_for(lambda a=author: refused(a), timeout=WAIT), _case(unconfigured_stack, author)
    [alert] = wait_for(alerts, timeout=WAIT)
    assert "example brand policy" in alert["Subject"] and "AllowExamplePolicy" in alert["Message"]
    time.sleep(SETTLE)
    assert alerts() == []  # one alert, not one per refused reply
    for _, comment_id in sent:
        assert _comment_replies(unconfigured_stack, comment_id) == []
    assert not _calls(unconfigured_stack, lambda c: "northwind" in str(c["body"]).lower())
