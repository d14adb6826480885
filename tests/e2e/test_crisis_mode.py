"""Crisis mode end to end: a spike of complaints on one account switches it on (holding statement, one alert),
it switches off when the window calms; the panic button does the same. Its own stack: its brand policy counts
in a one-minute window, so calming takes a minute rather than ten."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests

from ackline_local.webhooks import facebook_feed_comment, signed_meta_request
from tests.running_stack import RunningStack, launch_stack, wait_for

PAGE = "1090" + str(uuid.uuid4().int)[:11]
ACCOUNT = f"facebook#{PAGE}"
HOLDING = (
    "We know some customers are affected by an issue right now, and our team is treating it as a priority."
    " If you need help, please send us a private message."
)
BUTTON = "Our team is looking into reports of delayed orders today. Please send us a private message with your order."


@pytest.fixture(scope="module")
def crisis_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    policy = json.loads(resources.files("ackline").joinpath("policy/default_policy.json").read_text(encoding="utf-8"))
    policy["crisis_mode"] = {"window_minutes": 1, "min_negative": 20, "calm_below": 5, "holding_statement": HOLDING}
    path: Path = tmp_path_factory.mktemp("crisis") / "policy.json"
    path.write_text(json.dumps(policy), encoding="utf-8")
    with launch_stack(brand_policy=path) as running:
        yield running


def _inbox(stack: RunningStack) -> Any:
    """An SQS queue subscribed to the AlertTopic (as a team's e-mail or chat integration would be)."""
    sns = boto3.client("sns", endpoint_url=stack.moto, region_name="us-east-1")
    sqs = boto3.client("sqs", endpoint_url=stack.moto, region_name="us-east-1")
    [topic] = [t["TopicArn"] for t in sns.list_topics()["Topics"] if t["TopicArn"].endswith("AlertTopic")]
    url = sqs.create_queue(QueueName=f"alerts-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    received: list[dict[str, Any]] = []

    def alerts() -> list[dict[str, Any]]:
        while got := sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1, MaxNumberOfMessages=10).get("Messages", []):
            received.extend(json.loads(m["Body"]) for m in got)
            sqs.delete_message_batch(
                QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(got)]
            )
        return list(received)

    return alerts


def _complain(stack: RunningStack, text: str = "My order arrived broken and nobody answers my emails") -> str:
    author = "71" + str(uuid.uuid4().int)[:14]
    payload = facebook_feed_comment(text, page_id=PAGE, author_id=author, author_name="Dana Rivers")
    assert signed_meta_request(payload, stack.meta_app_secret).send(stack.gateway)[0] == 200
    return str(payload["entry"][0]["changes"][0]["value"]["comment_id"])


def _reply_to(stack: RunningStack, comment_id: str) -> str | None:
    calls = [c for c in stack.sandbox_calls() if c["path"].endswith(f"/{comment_id}/comments") and not c["fault"]]
    return str(calls[0]["body"]["message"]) if calls else None


def _crisis(stack: RunningStack) -> dict[str, Any]:
    answer = stack.staff_get("/api/crisis")
    assert answer.status_code == 200, answer.text
    return {a["account"]: a for a in answer.json()["accounts"]}


def _press(stack: RunningStack, **switch: Any) -> requests.Response:
    return requests.post(
        stack.gateway + "/api/crisis",
        json=switch,
        headers={"Authorization": f"Bearer {stack.staff_token}"},
        timeout=10,
    )


def _case_of(stack: RunningStack, comment_id: str) -> dict[str, Any] | None:
    for case in stack.staff_get("/api/cases?status=open&limit=200").json()["cases"]:
        if any(key.endswith(comment_id) for key in case["interaction_keys"]):
            return dict(case)
    return None


def test_a_spike_of_complaints_switches_crisis_mode_on_then_off_when_calm(crisis_stack):
    stack = crisis_stack
    alerts = _inbox(stack)
    # Given 30 complaints on one page within two minutes
    first = [_complain(stack) for _ in range(30)]
    # Then crisis mode is on for that account, with the reason counted
    state = wait_for(lambda: _crisis(stack).get(ACCOUNT, {}).get("on") and _crisis(stack)[ACCOUNT], timeout=15)
    assert state and not state["manual"] and "negative messages in 1 min" in state["reason"]
    assert stack.staff_get("/api/crisis").json()["on"] is True  # the queue page's banner
    # and the early complaints were answered normally
    assert wait_for(lambda: _reply_to(stack, first[0]), timeout=15) not in (None, HOLDING)
    # When more complaints arrive, they are answered with the holding statement and their cases are P1
    later = [_complain(stack) for _ in range(2)]
    for comment_id in later:
        assert wait_for(lambda c=comment_id: _reply_to(stack, c), timeout=15) == HOLDING
        case = wait_for(lambda c=comment_id: _case_of(stack, c), timeout=15)
        assert case and case["priority"] == "P1"
    # and people got exactly one alert for the whole wave, naming the account and never a customer's words
    [alert] = wait_for(alerts, timeout=10)
    assert "CRISIS MODE ON" in alert["Subject"] and ACCOUNT in alert["Subject"]
    assert "broken" not in alert["Message"] and "Dana" not in alert["Message"]
    # When the window calms (a minute without complaints), the watch switches it off
    assert wait_for(
        lambda: stack.run_schedule("CrisisWatchFunction") and not _crisis(stack)[ACCOUNT]["on"], timeout=150, interval=5
    )
    assert stack.staff_get("/api/crisis").json()["on"] is False
    # Then a complaint gets the ordinary reply again, and still no second alert
    after = _complain(stack)
    assert wait_for(lambda: _reply_to(stack, after), timeout=15) not in (None, HOLDING)
    assert len(alerts()) == 1


def test_the_panic_button_does_the_same_by_hand(crisis_stack):
    stack = crisis_stack
    alerts = _inbox(stack)
    # a statement that breaks a guardrail is refused and switches nothing
    refused = _press(
        stack, on=True, statement="We guarantee a fix by tomorrow, see https://evil.example", account=ACCOUNT
    )
    assert refused.status_code == 400 and not _crisis(stack).get(ACCOUNT, {}).get("manual")
    # When a person switches crisis mode on for the account with a statement for the moment
    pressed = _press(stack, on=True, statement=BUTTON, account=ACCOUNT)
    assert pressed.status_code == 200 and pressed.json()["on"] is True
    state = _crisis(stack)[ACCOUNT]
    assert state["on"] and state["manual"] and state["statement"] == BUTTON and state["by"]
    # Then a complaint there is answered with that statement, and people are alerted once
    comment_id = _complain(stack)
    assert wait_for(lambda: _reply_to(stack, comment_id), timeout=15) == BUTTON
    [alert] = wait_for(alerts, timeout=10)
    assert "CRISIS MODE ON" in alert["Subject"] and "switched on by" in alert["Message"]
    # the watch never undoes a person's switch, however calm the window
    stack.run_schedule("CrisisWatchFunction")
    assert _crisis(stack)[ACCOUNT]["on"]
    # When the person switches it off, replies are ordinary again
    assert _press(stack, on=False, account=ACCOUNT).json()["on"] is False
    after = _complain(stack)
    assert wait_for(lambda: _reply_to(stack, after), timeout=15) not in (None, BUTTON, HOLDING)
    assert len(alerts()) == 1
