"""X (deliveries and the CRC GET), Telegram and the generic Standard Webhooks route under bad input: unauthenticated
-> a clear 4xx and nothing stored; authenticated -> nothing lost. Never a 5xx."""

from __future__ import annotations

import json
import time
import uuid

import pytest

from ackline.http.raw_body import MAX_BODY_BYTES
from ackline_local.webhooks import (
    standard_webhooks_signature,
    telegram_update,
    x_mention,
    x_signature,
)
from tests.badinput import payloads
from tests.badinput.harness import Deployment, Outcome

HOSTILE_BODIES = {
    "invalid json": payloads.INVALID_JSON,
    "invalid utf-8": payloads.INVALID_UTF8,
    "deep nesting": payloads.deep_json(leaf=7),
    "not an object": b'[1, "two", null]',
    "a bare number": b"1e999999",
    "4300 digits": b'{"update_id": ' + b"9" * 5000 + b"}",
    "NaN": b'{"for_user_id": NaN, "update_id": NaN, "tweet_create_events": [{"id_str": "1", "timestamp_ms": NaN}]}',
    "empty": b"",
}


def send(deployed: Deployment, path: str, body: bytes, headers: dict[str, str], query: str = "") -> Outcome:
    outcome = deployed.send("POST", path, body, headers, query)
    assert outcome.status < 500, outcome.body
    return outcome


def assert_kept(outcome: Outcome) -> None:
    assert outcome.status == 200, outcome.body
    assert outcome.interactions, "an authenticated delivery leaves at least one record"
    assert outcome.unreached() == []


# --- X ------------------------------------------------------------------------------------------------------------


def x_headers(deployed: Deployment, body: bytes, content_type: str = "application/json") -> dict[str, str]:
    return {
        "Content-Type": content_type,
        "x-twitter-webhooks-signature": x_signature(deployed.config.x_consumer_secret, body),
    }


@pytest.mark.parametrize("body", HOSTILE_BODIES.values(), ids=HOSTILE_BODIES.keys())
@pytest.mark.parametrize(
    "signature", [None, "sha256=", "sha256=AAAA", "sha256=\u00e9"], ids=["missing", "bare", "wrong", "non-ascii"]
)
def test_x_refuses_what_it_did_not_sign(deployed, body, signature):
    headers = {"Content-Type": "application/json"} | ({"x-twitter-webhooks-signature": signature} if signature else {})
    outcome = send(deployed, "/webhooks/x", body, headers)
    assert outcome.status == 401 and outcome.stored_nothing()


@pytest.mark.parametrize(
    "body", [b for b in HOSTILE_BODIES.values() if b], ids=[k for k, b in HOSTILE_BODIES.items() if b]
)
def test_x_keeps_whatever_it_signed(deployed, body):
    body = body.replace(b'"1"', f'"{uuid.uuid4().int}"'.encode())
    content_type = "application/octet-stream" if b"\xff" in body else "application/json"
    assert_kept(send(deployed, "/webhooks/x", body, x_headers(deployed, body, content_type)))


def test_x_keeps_mentions_with_extreme_numbers_and_long_ids(deployed):
    good = x_mention("Still waiting on my refund, three weeks now.")
    odd = x_mention("hello")
    odd["tweet_create_events"][0].update(timestamp_ms=10**300, id_str="5" * 3000)
    nan = x_mention("thanks!")
    nan["tweet_create_events"][0]["timestamp_ms"] = float("nan")
    events = [good["tweet_create_events"][0], odd["tweet_create_events"][0], nan["tweet_create_events"][0]]
    body = json.dumps({"for_user_id": good["for_user_id"], "tweet_create_events": events}).encode()
    outcome = send(deployed, "/webhooks/x", body, x_headers(deployed, body))
    assert_kept(outcome)
    assert len(outcome.interactions) == 3


def test_x_over_the_body_limit_is_413(deployed):
    body = b" " * (MAX_BODY_BYTES + 1)
    outcome = send(deployed, "/webhooks/x", body, x_headers(deployed, body))
    assert outcome.status == 413 and outcome.stored_nothing()


@pytest.mark.parametrize(
    "query",
    ["", "crc_token=", "crc_token=" + "a" * 20_000, "crc_token=%ED%A0%80", "crc_token=a&crc_token=b", "other=1"],
)
def test_x_crc_answers_or_refuses_but_never_fails(deployed, query):
    outcome = deployed.send("GET", "/webhooks/x", query=query)
    assert outcome.status in (200, 400) and outcome.stored_nothing()
    if outcome.status == 200:
        assert json.loads(outcome.body)["response_token"].startswith("sha256=")


# --- Telegram -----------------------------------------------------------------------------------------------------


def tg_headers(deployed: Deployment, content_type: str = "application/json") -> dict[str, str]:
    return {"Content-Type": content_type, "X-Telegram-Bot-Api-Secret-Token": deployed.config.telegram_secret_token}


@pytest.mark.parametrize("body", HOSTILE_BODIES.values(), ids=HOSTILE_BODIES.keys())
@pytest.mark.parametrize(
    "secret", [None, "", "wrong", "\u00e9" * 3, "x" * 10_000], ids=["missing", "empty", "wrong", "non-ascii", "long"]
)
def test_telegram_refuses_a_request_without_its_secret(deployed, body, secret):
    headers = {"Content-Type": "application/json"} | (
        {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    )
    outcome = send(deployed, "/webhooks/telegram", body, headers)
    assert outcome.status == 401 and outcome.stored_nothing()


def test_telegram_refuses_a_duplicated_secret_header(deployed):
    secret = deployed.config.telegram_secret_token
    body = json.dumps(telegram_update("hi")).encode()
    headers = [("X-Telegram-Bot-Api-Secret-Token", secret), ("X-Telegram-Bot-Api-Secret-Token", secret)]
    outcome = send(deployed, "/webhooks/telegram", body, headers)  # type: ignore[arg-type]
    assert outcome.status == 401 and outcome.stored_nothing()


@pytest.mark.parametrize(
    "body", [b for b in HOSTILE_BODIES.values() if b], ids=[k for k, b in HOSTILE_BODIES.items() if b]
)
def test_telegram_keeps_whatever_arrives_with_its_secret(deployed, body):
    content_type = "application/octet-stream" if b"\xff" in body else "application/json"
    assert_kept(send(deployed, "/webhooks/telegram", body, tg_headers(deployed, content_type)))


@pytest.mark.parametrize(
    "message",
    [
        {"date": 1e300},
        {"date": float("nan")},
        {"date": -0.0},
        {"date": 10**300},
        {"message_id": "9" * 3000},
        {"chat": {"id": "1" * 3000, "type": "private"}},
        {"text": "\ud800 lone surrogate"},
    ],
    ids=["1e300", "NaN", "-0", "huge int", "long id", "long chat", "surrogate"],
)
def test_telegram_keeps_messages_with_extreme_values(deployed, message):
    update = telegram_update("My order never arrived")
    update["message"].update(message)
    body = json.dumps(update).encode()
    assert_kept(send(deployed, "/webhooks/telegram", body, tg_headers(deployed)))


# --- generic (Standard Webhooks) ----------------------------------------------------------------------------------


def generic_headers(
    deployed: Deployment, body: bytes, msg_id: str | None = None, ts: int | None = None
) -> dict[str, str]:
    msg_id = msg_id or f"msg_{uuid.uuid4().hex}"
    ts = int(time.time()) if ts is None else ts
    signature = standard_webhooks_signature(deployed.config.generic_webhook_secret, msg_id, ts, body)
    return {
        "Content-Type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(ts),
        "webhook-signature": signature,
    }


@pytest.mark.parametrize(
    "change",
    [
        {"webhook-signature": None},
        {"webhook-id": None},
        {"webhook-timestamp": None},
        {"webhook-timestamp": "1e300"},
        {"webhook-timestamp": "NaN"},
        {"webhook-timestamp": "9" * 5000},
        {"webhook-timestamp": "-0"},
        {"webhook-timestamp": "1000"},
        {"webhook-signature": "v1,AAAA"},
        {"webhook-signature": "v1,\u00e9"},
    ],
)
def test_generic_refuses_what_does_not_verify(deployed, change):
    body = b'{"type":"order.created"}'
    headers = generic_headers(deployed, body)
    for name, value in change.items():
        if value is None:
            headers.pop(name)
        else:
            headers[name] = value
    outcome = send(deployed, "/webhooks/generic", body, headers)
    assert outcome.status == 401 and outcome.stored_nothing()


@pytest.mark.parametrize(
    "body", [b for b in HOSTILE_BODIES.values() if b], ids=[k for k, b in HOSTILE_BODIES.items() if b]
)
def test_generic_keeps_whatever_it_verified(deployed, body):
    headers = generic_headers(deployed, body)
    if b"\xff" in body:
        headers["Content-Type"] = "application/octet-stream"
    outcome = send(deployed, "/webhooks/generic", body, headers)
    assert_kept(outcome)
    assert len(outcome.interactions) == 1


def test_generic_over_dynamodbs_item_limit_is_cut_with_digest_and_reaches_a_person(deployed):
    body = json.dumps({"type": "export", "rows": ["row " * 25 for _ in range(6000)]}).encode()  # ~620 KB
    assert 400_000 < len(body) < MAX_BODY_BYTES
    outcome = send(deployed, "/webhooks/generic", body, generic_headers(deployed, body))
    assert_kept(outcome)
    [item] = outcome.interactions.values()
    assert item["raw_bytes"] == len(body) and len(item["raw_sha256"]) == 64
    assert body.decode().startswith(item["raw"])


def test_generic_long_webhook_id_is_hashed_and_a_retry_stores_nothing_new(deployed):
    body = b'{"type":"long id"}'
    headers = generic_headers(deployed, body, msg_id="m" * 5000)
    first = send(deployed, "/webhooks/generic", body, headers)
    again = send(deployed, "/webhooks/generic", body, headers)
    assert_kept(first)
    assert again.status == 200 and not again.items and again.follow_ups == first.follow_ups


def test_generic_over_the_body_limit_is_413(deployed):
    body = b"[" + b"1," * (MAX_BODY_BYTES // 2) + b"1]"
    outcome = send(deployed, "/webhooks/generic", body, generic_headers(deployed, body))
    assert outcome.status == 413 and outcome.stored_nothing()
