"""Missed-webhook detection end to end: webhooks mark their channel; the watch notices a Page Meta no longer
delivers for (subscribed_apps) and a Telegram webhook Telegram reports failing."""

from __future__ import annotations

import time
import uuid

import requests

from ackline_local.config import load_config
from ackline_local.webhooks import facebook_feed_comment, signed_meta_request, signed_telegram_request, telegram_update


def test_the_watch_notices_an_unsubscribed_page_and_a_failing_telegram_webhook(stack):
    page = "1066" + str(uuid.uuid4().int)[:11]
    payload = facebook_feed_comment("Thank you, lovely service", page_id=page)
    assert signed_meta_request(payload, stack.meta_app_secret).send(stack.gateway)[0] == 200
    update = telegram_update("Hello, is anyone there?", chat_id=int(str(uuid.uuid4().int)[:9]))
    assert signed_telegram_request(update, load_config().telegram_secret_token).send(stack.gateway)[0] == 200
    channels = {i["sk"]["S"] for i in stack.table_items() if i["pk"]["S"] == "CHANNEL"}
    assert f"facebook#{page}" in channels and any(c.startswith("telegram#") for c in channels)
    # all is well: subscribed, and Telegram reports nothing
    healthy = stack.run_schedule("ChannelWatchFunction")
    assert f"facebook#{page}" not in healthy["unsubscribed"] and healthy["telegram_problem"] == ""
    # When Meta drops the app's subscription for the page, and Telegram starts failing to deliver
    requests.post(stack.sandbox + "/_sandbox/undelivered", json={"unsubscribed": page}, timeout=5).raise_for_status()
    info = {"url": "https://example.invalid/webhooks/telegram", "pending_update_count": 40}
    info |= {"last_error_date": int(time.time()) - 30, "last_error_message": "Wrong response from the webhook: 503"}
    # (every call, not the next one: the stack also runs the watch on its own period)
    stack.add_fault(status=200, count=None, body={"ok": True, "result": info}, path_contains="getWebhookInfo")
    # Then the watch says so (its metrics drive ChannelHealthAlarm)
    try:
        report = stack.run_schedule("ChannelWatchFunction")
    finally:
        requests.delete(stack.sandbox + "/_sandbox/faults", timeout=5).raise_for_status()
    assert f"facebook#{page}" in report["unsubscribed"]
    assert report["telegram_problem"] == "delivery error: Wrong response from the webhook: 503 (40 pending)"
