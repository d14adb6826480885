"""X, Telegram and Standard Webhooks: authenticated on the raw bytes, forgeries get 401; an escalated
X or Telegram message is answered (tests/e2e/test_platform_replies.py) and reaches a person."""

from __future__ import annotations

import time
import uuid

import requests

from ackline_local.config import load_config
from ackline_local.webhooks import (
    signed_generic_request,
    signed_telegram_request,
    signed_x_request,
    telegram_update,
    x_crc_response,
    x_mention,
)
from tests.running_stack import RunningStack, wait_for

CONFIG = load_config()


def _case_for(stack: RunningStack, author_id: str) -> dict | None:
    cases = stack.staff_get("/api/cases?status=open&limit=200").json()["cases"]
    return next((c for c in cases if c["author_id"] == author_id), None)


def test_x_crc_and_signed_mention_reach_a_person(stack):
    crc = requests.get(stack.gateway + "/webhooks/x", params={"crc_token": "challenge_string_123"}, timeout=5)
    assert crc.status_code == 200 and crc.json() == x_crc_response(CONFIG.x_consumer_secret, "challenge_string_123")
    author = "29" + str(uuid.uuid4().int)[:12]
    payload = x_mention("@brand my order never arrived", author_id=author)
    assert signed_x_request(payload, CONFIG.x_consumer_secret).send(stack.gateway)[0] == 200
    case = wait_for(lambda: _case_for(stack, author), timeout=10)
    assert case and case["platform"] == "x"
    tweet_id = payload["tweet_create_events"][0]["id_str"]
    replies = wait_for(
        lambda: [
            c
            for c in stack.sandbox_calls()
            if c["path"] == "/x/2/tweets" and c["body"]["reply"]["in_reply_to_tweet_id"] == tweet_id
        ],
        timeout=5,
    )
    assert len(replies) == 1
    assert signed_x_request(payload, "wrong-secret").send(stack.gateway)[0] == 401


def test_x_own_tweets_are_stored_but_never_reach_anyone(stack):
    payload = x_mention("our own announcement", author_id="1500000000000000001")
    before = len(stack.table_items())
    assert signed_x_request(payload, CONFIG.x_consumer_secret).send(stack.gateway)[0] == 200
    assert wait_for(lambda: len(stack.table_items()) == before + 1, timeout=5)
    time.sleep(0.5)
    assert _case_for(stack, "1500000000000000001") is None


def test_telegram_secret_header_and_private_message(stack):
    chat_id = int(str(uuid.uuid4().int)[:9])
    update = telegram_update("Hello, is anyone there?", chat_id=chat_id)
    assert signed_telegram_request(update, CONFIG.telegram_secret_token).send(stack.gateway)[0] == 200
    case = wait_for(lambda: _case_for(stack, str(chat_id)), timeout=10)
    assert case and case["platform"] == "telegram" and case["author_name"] == "Ana"
    assert signed_telegram_request(update, "wrong-token").send(stack.gateway)[0] == 401


def test_standard_webhook_is_stored_once_and_reaches_a_person(stack):
    request = signed_generic_request({"type": "review.created", "text": "Two stars."}, CONFIG.generic_webhook_secret)
    before = len(stack.table_items())
    assert request.send(stack.gateway)[0] == 200
    assert request.send(stack.gateway)[0] == 200  # the sender retrying with the same webhook-id
    assert wait_for(lambda: len(stack.table_items()) > before, timeout=5)
    time.sleep(1.0)
    generic = [i for i in stack.table_items() if i["pk"]["S"] == f"INT#generic#{request.headers['webhook-id']}"]
    assert len(generic) == 1
    stale = signed_generic_request({"x": 1}, CONFIG.generic_webhook_secret, timestamp=int(time.time()) - 600)
    assert stale.send(stack.gateway)[0] == 401
