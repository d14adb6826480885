"""Every AWS call a function makes locally is one its IAM role in template.yaml allows.

moto does not enforce IAM, so a handler calling an API its role lacks (Ingest's BatchGetItem, the Responder's Query on
ConversationIndex) passes every other local test and fails in AWS with AccessDenied. Here the local stack runs with
ACKLINE_AWS_CALL_LOG (infra/local/ackline_local/aws_call_log.py), which records every AWS request and the function
that made it; the real flows are driven over HTTP (every webhook route, a redelivery, a rate-limited reply, the
staff API) until the queues are drained; then tests/iam_policy.py evaluates each recorded call against the role SAM
generates for that function.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests

from ackline_local.aws_call_log import ENV_VAR
from ackline_local.config import load_config
from ackline_local.sam_transform import load_sam_template, translate
from ackline_local.webhooks import (
    DEMO_PAGE_ID,
    facebook_feed_comment,
    instagram_comment,
    messenger_message,
    signed_generic_request,
    signed_meta_request,
    signed_telegram_request,
    signed_x_request,
    telegram_update,
    whatsapp_text_message,
    x_direct_message,
    x_mention,
)
from tests.iam_policy import (
    TEMPLATE_PATH,
    CallLog,
    denied_calls,
    denied_table,
    function_ids,
    read_call_log,
)
from tests.running_stack import RunningStack, launch_stack, wait_for

CONFIG = load_config()
SHIPPED_POLICY = Path(str(resources.files("ackline").joinpath("policy/default_policy.json")))
Match = Callable[[dict[str, Any]], bool]

# What the local stack itself does outside any handler: create the template's resources, seed the secrets, and
# the pollers' receive/delete (in AWS the event source mapping does those, with the function's role).
STACK_OPERATIONS = {
    ("dynamodb", "CreateTable"),
    ("dynamodb", "UpdateTimeToLive"),
    ("dynamodb", "UpdateContinuousBackups"),
    ("sqs", "CreateQueue"),
    ("sns", "CreateTopic"),
    ("ssm", "PutParameter"),
    ("sqs", "ReceiveMessage"),
    ("sqs", "DeleteMessageBatch"),
}


def _digits(n: int) -> str:
    return str(uuid.uuid4().int)[:n]


def _comment_id(payload: dict[str, Any]) -> str:
    return str(payload["entry"][0]["changes"][0]["value"]["comment_id"])


def _to_comment(comment_id: str) -> Match:
    return lambda c: c["path"].endswith(f"/{comment_id}/comments")


def _open_case(stack: RunningStack, author_id: str) -> dict[str, Any] | None:
    cases = stack.staff_get("/api/cases?status=open&limit=200").json()["cases"]
    return next((c for c in cases if c["author_id"] == author_id), None)


def _queues_drained(stack: RunningStack) -> bool:
    sqs = boto3.client("sqs", endpoint_url=stack.moto, region_name="us-east-1")
    for url in sqs.list_queues().get("QueueUrls", []):
        if "DeadLetter" in url:
            continue
        attributes = sqs.get_queue_attributes(
            QueueUrl=url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        if any(int(value) for value in attributes.values()):
            return False
    return True


class Flows:
    """Drives every flow once and remembers what to wait for (a reply at the sandbox, an open case)."""

    def __init__(self, stack: RunningStack) -> None:
        self.stack = stack
        self.replies: dict[str, Match] = {}
        self.cases: dict[str, str] = {}

    def meta(self, label: str, payload: dict[str, Any]) -> None:
        status, body = signed_meta_request(payload, CONFIG.meta_app_secret).send(self.stack.gateway)
        assert status == 200, (label, status, body)

    def comment(self, label: str, text: str, *, escalates: bool = False, replies: bool = True) -> dict[str, Any]:
        author = "73" + _digits(14)
        payload = facebook_feed_comment(text, author_id=author, author_name="Dana Rivers")
        self.meta(label, payload)
        if replies:
            self.replies[label] = _to_comment(_comment_id(payload))
        if escalates:
            self.cases[label] = author
        return payload

    def wait(self) -> None:
        deadline = time.monotonic() + 30
        missing = list(self.replies)
        while missing and time.monotonic() < deadline:
            calls = [c for c in self.stack.sandbox_calls() if not c["fault"]]
            missing = [label for label, match in self.replies.items() if not any(match(c) for c in calls)]
            time.sleep(0.2)
        assert not missing, f"no reply at the sandbox for {missing}"
        for label, author in self.cases.items():
            assert wait_for(lambda author=author: _open_case(self.stack, author), timeout=15), f"no case for {label}"


def _drive_every_flow(stack: RunningStack) -> None:
    flows = Flows(stack)
    gateway = stack.gateway

    # Meta: the subscription handshake, and every kind of Page comment triage tells apart
    handshake = {"hub.mode": "subscribe", "hub.verify_token": stack.meta_verify_token, "hub.challenge": "42"}
    assert requests.get(gateway + "/webhooks/meta", params=handshake, timeout=10).text == "42"
    praise = flows.comment("praise", "I love this! Can't wait to get it!")
    flows.comment("complaint", "My order arrived broken and nobody answers my emails.", escalates=True)
    flows.comment("crisis", "My child was injured by the charger", escalates=True, replies=False)
    flows.comment("abuse", "you're all idiots", escalates=True, replies=False)
    flows.comment("question", "Can I change the delivery address on my order?", escalates=True, replies=False)
    # a redelivery: stored nothing new; the outstanding work is read back (BatchGetItem)
    flows.meta("redelivery", praise)
    # a big delivery: concurrent conditional puts and SQS batches from worker threads
    big = facebook_feed_comment("Thank you, great service")
    for _ in range(11):
        big["entry"].extend(
            facebook_feed_comment("Thanks a lot, lovely product", author_id="74" + _digits(14))["entry"]
        )
    flows.meta("big delivery", big)
    for entry in big["entry"]:
        flows.replies[f"big {entry['changes'][0]['value']['comment_id']}"] = _to_comment(
            entry["changes"][0]["value"]["comment_id"]
        )
    # a rate-limited reply: the Responder hands the message back (ChangeMessageVisibility) and sends on the retry
    limited = facebook_feed_comment("Brilliant quality, thank you", author_id="75" + _digits(14))
    stack.add_fault(
        status=429, count=1, path_contains=f"/{_comment_id(limited)}/comments", headers={"Retry-After": "1"}
    )
    flows.meta("rate limited", limited)
    flows.replies["rate limited"] = _to_comment(_comment_id(limited))

    # Messenger, Instagram (comment and DM with its echo), WhatsApp
    messenger = messenger_message("Hi, where is my order?", sender_id="66" + _digits(14))
    flows.meta("messenger", messenger)
    sender = messenger["entry"][0]["messaging"][0]["sender"]["id"]
    flows.replies["messenger"] = lambda c: (
        c["path"].endswith("/messages") and c["body"].get("recipient") == {"id": sender}
    )
    ig_comment = "179" + _digits(14)
    flows.meta("instagram comment", instagram_comment("Love this colour, thank you!", comment_id=ig_comment))
    flows.replies["instagram comment"] = lambda c: c["path"] == f"/instagram/{ig_comment}/replies"
    wa_id = "4477" + _digits(8)
    flows.meta("whatsapp", whatsapp_text_message("Thank you, that was quick!", wa_id=wa_id))
    flows.replies["whatsapp"] = lambda c: c["body"].get("to") == wa_id

    # X: the CRC, a mention that reaches a person, a DM
    crc = requests.get(gateway + "/webhooks/x", params={"crc_token": "challenge"}, timeout=10)
    assert crc.status_code == 200
    x_author = "29" + _digits(12)
    mention = x_mention("@brand my order never arrived", author_id=x_author)
    assert signed_x_request(mention, CONFIG.x_consumer_secret).send(gateway)[0] == 200
    flows.cases["x mention"] = x_author
    tweet_id = mention["tweet_create_events"][0]["id_str"]
    flows.replies["x mention"] = lambda c: (
        c["path"] == "/x/2/tweets" and c["body"]["reply"] == {"in_reply_to_tweet_id": tweet_id}
    )
    dm_sender = "29" + _digits(12)
    dm = x_direct_message("Thanks for the help, all sorted", sender_id=dm_sender, event_id="18" + _digits(17))
    assert signed_x_request(dm, CONFIG.x_consumer_secret).send(gateway)[0] == 200
    flows.replies["x dm"] = lambda c: c["path"] == f"/x/2/dm_conversations/with/{dm_sender}/messages"

    # Telegram and a Standard Webhook
    chat_id = int(_digits(9))
    update = telegram_update("Hello, is anyone there?", chat_id=chat_id)
    assert signed_telegram_request(update, CONFIG.telegram_secret_token).send(gateway)[0] == 200
    flows.cases["telegram"] = str(chat_id)
    generic = signed_generic_request({"type": "review.created", "text": "Two stars."}, CONFIG.generic_webhook_secret)
    assert generic.send(gateway)[0] == 200

    flows.wait()

    # the reconciler (scheduled): an interaction stored while queueing failed, re-driven through UnsettledIndex.
    # After the flows above have settled: run with no age limit it would also find their replies still in flight
    # and re-queue them, and a re-queued ack that meets a live lease waits out the lease (minutes) before it ends.
    stuck = facebook_feed_comment("Lovely colour, thanks", author_id="76" + _digits(14))
    stack.add_aws_fault(
        service="sqs", operation="SendMessageBatch", resource_contains="AckQueue", function="IngestFunction"
    )
    assert signed_meta_request(stuck, CONFIG.meta_app_secret).send(gateway)[0] >= 500
    assert stack.run_schedule("ReconcilerFunction", older_than_seconds=0)["acks_requeued"] >= 1
    flows.replies["reconciled"] = _to_comment(_comment_id(stuck))

    flows.wait()

    # WhatsApp statuses: one about our reply (looked up, applied to the reply), one ackline cannot place (parked)
    [wa_reply] = [c for c in stack.sandbox_calls() if not c["fault"] and flows.replies["whatsapp"](c)]
    ours = str(wa_reply["response"]["messages"][0]["id"])
    statuses = [
        {"id": wamid, "status": state, "timestamp": str(int(time.time())), "recipient_id": wa_id}
        for wamid, state in ((ours, "delivered"), ("wamid.not-ours-" + uuid.uuid4().hex, "read"))
    ]
    value = {"messaging_product": "whatsapp", "metadata": {"phone_number_id": "300400500600700"}, "statuses": statuses}
    flows.meta(
        "whatsapp statuses",
        {
            "object": "whatsapp_business_account",
            "entry": [{"id": "waba", "changes": [{"field": "messages", "value": value}]}],
        },
    )

    # the staff API: list, get, claim, resolve (and the public page and API description)
    case = _open_case(stack, flows.cases["complaint"])
    assert case is not None
    assert stack.staff_get("/api/cases?status=open").status_code == 200
    assert stack.staff_get(f"/api/cases/{case['case_id']}").status_code == 200
    assert stack.staff_post(f"/api/cases/{case['case_id']}/claim").status_code == 200
    assert stack.staff_post(f"/api/cases/{case['case_id']}/resolve").status_code == 200
    _staff_work(stack, case)
    assert requests.get(gateway + "/queue", timeout=10).status_code == 200
    assert requests.get(gateway + "/api/openapi.json", timeout=10).status_code == 200

    # the panic button (GET/POST /api/crisis: the switch, the alert) and the scheduled crisis watch
    headers = {"Authorization": f"Bearer {stack.staff_token}"}
    assert stack.staff_get("/api/crisis").status_code == 200
    assert requests.post(gateway + "/api/crisis", json={"on": True}, headers=headers, timeout=10).status_code == 200
    stack.run_schedule("CrisisWatchFunction")
    assert requests.post(gateway + "/api/crisis", json={"on": False}, headers=headers, timeout=10).status_code == 200
    # the backfill (scheduled): a held comment whose webhook never arrived, read back from the Graph API
    page, post = "1077" + _digits(11), _digits(15)
    held = {"platform": "facebook", "account": page, "post_id": f"{page}_{post}", "id": f"{post}_{_digits(15)}"}
    held |= {"message": "Lovely, thank you", "from": {"id": "72" + _digits(14), "name": "Noor Haddad"}}
    requests.post(stack.sandbox + "/_sandbox/undelivered", json=held, timeout=5).raise_for_status()
    assert stack.run_schedule("BackfillFunction", accounts=f"facebook#{page}")["stored"] == 1
    # missed-webhook detection (scheduled): the channels heard from, subscribed_apps, getWebhookInfo
    assert stack.run_schedule("ChannelWatchFunction")["channels"] >= 1

    # Meta's data-deletion callback for the praise comment's author, and its status page (when the template has them)
    _erase_person(stack, str(praise["entry"][0]["changes"][0]["value"]["from"]["id"]))

    assert wait_for(lambda: _queues_drained(stack), timeout=20), "the queues did not drain"
    time.sleep(0.5)  # a batch the pollers just received would show as in flight above; let it finish
    assert wait_for(lambda: _queues_drained(stack), timeout=20), "the queues did not drain"


def _staff_work(stack: RunningStack, case: dict[str, Any]) -> None:
    """The rest of the staff API: reopen, release, assign, notes, a person's reply (sent by the Responder), search,
    metrics, block/unblock, forget; and our Page answering in the thread (the follow-up's human-response path)."""
    path = f"{stack.gateway}/api/cases/{case['case_id']}"
    auth = {"Authorization": f"Bearer {stack.staff_token}"}
    assert stack.staff_post(f"/api/cases/{case['case_id']}/reopen").status_code == 200
    assert stack.staff_post(f"/api/cases/{case['case_id']}/claim").status_code == 200
    assert stack.staff_post(f"/api/cases/{case['case_id']}/release").status_code == 200
    assert requests.post(path + "/assign", json={"to": "bo@brand.example"}, headers=auth, timeout=10).status_code == 200
    assert requests.post(path + "/notes", json={"text": "checked the order"}, headers=auth, timeout=10).ok
    reply = {"text": "We are looking into it now."}
    assert requests.post(path + "/reply", json=reply, headers=auth | {"Idempotency-Key": "iam-1"}, timeout=10).ok
    assert stack.staff_get("/api/cases?status=active&q=broken&platform=facebook&assignee=me").status_code == 200
    assert stack.staff_get("/api/metrics/sla").status_code == 200
    assert stack.staff_get("/api/me").status_code == 200
    # our Page answers the customer's comment from Facebook itself
    comment = stack.staff_get(f"/api/cases/{case['case_id']}").json()["conversation"][0]
    external = comment["key"].split("#", 1)[1]
    page_reply = facebook_feed_comment(
        "Sam here from the team, on it.", author_id=DEMO_PAGE_ID, author_name="Northwind"
    )
    page_reply["entry"][0]["changes"][0]["value"]["parent_id"] = external
    assert signed_meta_request(page_reply, CONFIG.meta_app_secret).send(stack.gateway)[0] == 200

    def answered_from_facebook() -> bool:
        events = stack.staff_get(f"/api/cases/{case['case_id']}").json()["events"]
        kinds = {(e["kind"], e.get("reply_status")) for e in events}
        return ("human_response", None) in kinds and ("human_reply", "sent") in kinds

    assert wait_for(answered_from_facebook, timeout=20), (
        "the Page's reply and the person's reply were not both recorded"
    )
    author = f"/api/authors/facebook/{case['author_id']}"
    assert stack.staff_post(author + "/block").status_code == 200
    assert stack.staff_get("/api/authors/blocked").status_code == 200
    assert requests.delete(stack.gateway + author + "/block", headers=auth, timeout=10).status_code == 200
    assert stack.staff_post(author + "/forget").status_code == 200


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _erase_person(stack: RunningStack, user_id: str) -> None:
    payload = _b64url(
        json.dumps({"algorithm": "HMAC-SHA256", "user_id": user_id, "issued_at": int(time.time())}).encode()
    )
    signature = _b64url(hmac.new(CONFIG.meta_app_secret.encode(), payload.encode(), hashlib.sha256).digest())
    answer = requests.post(
        stack.gateway + "/webhooks/meta/data-deletion",
        data={"signed_request": f"{signature}.{payload}"},
        timeout=30,
    )
    if answer.status_code == 404 and answer.json() == {"message": "Not Found"}:
        return  # the gateway has no such route: this template has no data-deletion callback
    assert answer.status_code == 200, answer.text
    code = answer.json()["confirmation_code"]
    status = requests.get(stack.gateway + "/privacy/deletion-status", params={"code": code}, timeout=10)
    assert status.status_code == 200, status.text


@pytest.fixture(scope="module")
def call_log(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CallLog]:
    path: Path = tmp_path_factory.mktemp("aws-calls") / "calls.jsonl"
    # the shipped policy, but read from SSM as a deployment with BrandPolicyParameterName reads it, so the brand
    # policy read (${SecretsPath}/brand/policy) is checked against the roles too
    with launch_stack({ENV_VAR: str(path)}, ["--template", str(TEMPLATE_PATH)], brand_policy=SHIPPED_POLICY) as stack:
        _drive_every_flow(stack)
    # the stack has stopped: every handler has returned and the recorder has closed the log
    yield read_call_log(path)


@pytest.fixture(scope="module")
def cfn_template() -> dict[str, Any]:
    return translate(load_sam_template(TEMPLATE_PATH))


def test_the_recording_saw_every_function_and_only_stack_calls_are_unattributed(call_log, cfn_template):
    assert not call_log.errors, f"calls the recorder could not describe: {call_log.errors}"
    by_function: dict[str, int] = {}
    for call in call_log.calls:
        if call["logical_id"]:
            by_function[call["logical_id"]] = by_function.get(call["logical_id"], 0) + 1
    silent = set(function_ids(cfn_template)) - set(by_function)
    assert not silent, f"no AWS call recorded for {sorted(silent)}: drive a flow that runs it (recorded: {by_function})"
    unattributed = {(c["service"], c["operation"]) for c in call_log.calls if not c["logical_id"]}
    assert ("dynamodb", "CreateTable") in unattributed, "the stack's own calls were not recorded"
    leaked = unattributed - STACK_OPERATIONS
    assert not leaked, f"handler calls that lost their function (a new thread?): {sorted(leaked)}"
    # the client Powertools Parameters makes from its own session, and the adapters' worker threads, are covered
    assert any(c["service"] == "ssm" and c["logical_id"] for c in call_log.calls)
    brand_policy_readers = {
        c["logical_id"]
        for c in call_log.calls
        if c["service"] == "ssm" and {"kind": "parameter", "name": "/ackline/brand/policy"} in c["resources"]
    }
    # locally the functions share one process and Powertools' parameter cache, so whichever needs the policy
    # first reads it (Ingest); each recorded read is then checked against that function's role below
    assert brand_policy_readers & {"IngestFunction", "ResponderFunction"}, brand_policy_readers
    assert any(c["logical_id"] and c["thread"].startswith("ThreadPoolExecutor") for c in call_log.calls)


def test_every_recorded_call_is_allowed_by_the_functions_role(call_log, cfn_template):
    denied = denied_calls(cfn_template, call_log)
    if denied:
        table = denied_table(denied)
        pytest.fail(
            f"{len(denied)} AWS call(s) would fail with AccessDenied in AWS (grant them in template.yaml):\n{table}",
            pytrace=False,
        )
