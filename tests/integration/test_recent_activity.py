"""The backfill's readers against the sandbox: held Facebook and Instagram comments and X mentions come back
normalised with the same ids (and threads) the webhook readers give them."""

import time

from ackline.adapters.channel_probes import MetaSubscriptionProbe, TelegramWebhookProbe
from ackline.adapters.oauth1 import OAuth1Credentials
from ackline.adapters.recent_activity import GraphPageActivity, InstagramCommentActivity, XMentionActivity
from ackline.contracts.meta import parse_meta_delivery
from ackline.domain.model import Kind, Platform
from ackline_local.sandbox import Fault
from ackline_local.webhooks import facebook_feed_comment, instagram_comment
from tests.conftest import meta_wire_bytes

NOW = time.time()
CREDS = OAuth1Credentials("ck", "cs", "1500-token", "ts")


def test_facebook_comments_read_back_as_the_webhook_would_have_delivered_them(sandbox):
    payload = facebook_feed_comment("Where is my order?", page_id="104455", author_id="7311", author_name="Dana Rivers")
    value = payload["entry"][0]["changes"][0]["value"]
    sandbox.held.hold(
        {
            "platform": "facebook",
            "account": "104455",
            "post_id": value["post_id"],
            "id": value["comment_id"],
            "message": value["message"],
            "from": value["from"],
            "created_time": value["created_time"],
        }
    )
    sandbox.held.hold({"platform": "facebook", "account": "999", "post_id": "999_1", "id": "999_1_2", "message": "x"})
    [read] = GraphPageActivity(sandbox.base_urls["META_GRAPH_URL"], lambda: "page-token").recent(
        "104455", NOW - 3600, NOW
    )
    [webhook] = parse_meta_delivery(meta_wire_bytes(payload), NOW)
    for field in (
        "platform",
        "kind",
        "external_id",
        "account_id",
        "author_id",
        "author_name",
        "thread_id",
        "post_id",
        "text",
    ):
        assert getattr(read, field) == getattr(webhook, field), field
    assert abs(read.created_at - webhook.created_at) < 1 and not read.is_own
    [call] = sandbox.calls()
    assert call.method == "GET" and call.headers.get("Authorization") == "Bearer page-token"
    assert "page-token" not in call.path and "since" in call.query


def test_instagram_comments_and_their_replies_read_back_as_the_webhook_would_have_delivered_them(sandbox):
    payload = instagram_comment("my order still hasn't arrived", ig_account_id="17841400000000009")
    value = payload["entry"][0]["changes"][0]["value"]
    media, top = value["media"]["id"], value["id"]
    sandbox.held.hold(
        {"platform": "instagram", "account": "17841400000000009", "media_id": media}
        | {k: value[k] for k in ("id", "text", "from")}
        | {"timestamp": payload["entry"][0]["time"]}
    )
    reply = {"id": "17990000000000002", "text": "same here", "from": {"id": "1789000099990000", "username": "jo"}}
    sandbox.held.hold(
        {"platform": "instagram", "account": "17841400000000009", "media_id": media, "parent_id": top} | reply
    )
    old = {"id": "17990000000000003", "text": "old", "timestamp": NOW - 7200}  # before the lookback: not read back
    sandbox.held.hold({"platform": "instagram", "account": "17841400000000009", "media_id": media} | old)
    source = InstagramCommentActivity(sandbox.base_urls["INSTAGRAM_GRAPH_URL"], lambda: "ig-token")
    read = {i.external_id: i for i in source.recent("17841400000000009", NOW - 3600, NOW)}
    assert set(read) == {top, reply["id"]}
    [webhook] = parse_meta_delivery(meta_wire_bytes(payload), NOW)
    for field in ("platform", "kind", "external_id", "account_id", "author_id", "author_name", "thread_id", "post_id"):
        assert getattr(read[top], field) == getattr(webhook, field), field
    assert read[top].text == webhook.text and abs(read[top].created_at - webhook.created_at) < 1
    # a reply to a comment joins that comment's thread, as its webhook (with parent_id) would
    answer = read[reply["id"]]
    assert (answer.thread_id, answer.post_id, answer.author_name) == (top, media, "jo")
    [call] = sandbox.calls()
    assert call.method == "GET" and call.headers.get("Authorization") == "Bearer ig-token"
    assert "ig-token" not in call.path and "replies" in call.query["fields"][0]


def test_x_mentions_read_back_signed_and_normalised(sandbox):
    sandbox.held.hold(
        {
            "platform": "x",
            "account": "1500",
            "id": "1800000000000000999",
            "text": "@brand help",
            "author_id": "2900",
            "author_name": "Sam",
        }
    )
    [mention] = XMentionActivity(sandbox.base_urls["X_API_URL"], lambda: CREDS).recent("1500", NOW - 3600, NOW)
    assert (mention.platform, mention.kind, mention.external_id, mention.thread_id) == (
        Platform.X,
        Kind.COMMENT,
        "1800000000000000999",
        "1800000000000000999",
    )
    assert (mention.author_id, mention.author_name, mention.account_id, mention.is_own) == (
        "2900",
        "Sam",
        "1500",
        False,
    )
    [call] = sandbox.calls()
    assert call.headers["Authorization"].startswith("OAuth ") and "start_time" in call.query


def test_subscribed_apps_and_telegram_webhook_info_against_the_sandbox(sandbox):
    probe = MetaSubscriptionProbe(sandbox.base_urls["META_GRAPH_URL"], lambda: "page-token")
    assert probe.subscribed("104455")
    sandbox.held.hold({"unsubscribed": "104455"})  # what Meta does after an hour of failed deliveries
    assert not probe.subscribed("104455") and probe.subscribed("2088")
    telegram = TelegramWebhookProbe(sandbox.base_urls["TELEGRAM_API_URL"], lambda: "123:SECRET", clock=lambda: NOW)
    assert telegram.problem() == ""
    error = {"url": "https://example.invalid/hook", "pending_update_count": 12}
    error |= {"last_error_date": int(NOW) - 60, "last_error_message": "Connection timed out"}
    sandbox.add_fault(Fault(status=200, body={"ok": True, "result": error}, path_contains="getWebhookInfo"))
    assert telegram.problem() == "delivery error: Connection timed out (12 pending)"
    sandbox.add_fault(Fault(status=200, body={"ok": True, "result": {"url": ""}}, path_contains="getWebhookInfo"))
    assert "no webhook is set" in telegram.problem()
