"""Instagram, WhatsApp, X and Telegram reply clients over HTTP against the platform sandbox, incl. failures,
public and private replies, and replies outside the platform's window (nothing sent)."""

from __future__ import annotations

from typing import ClassVar

import pytest

from ackline.adapters.instagram_api import InstagramReplier
from ackline.adapters.oauth1 import OAuth1Credentials
from ackline.adapters.repliers import PlatformRouter
from ackline.adapters.telegram_api import TelegramReplier
from ackline.adapters.whatsapp_api import WhatsAppReplier
from ackline.adapters.x_api import XReplier
from ackline.domain.errors import OutcomeUnknown, PermanentPlatformError, RateLimited, TransientPlatformError
from ackline.domain.model import Kind, Platform, Visibility
from ackline_local.sandbox import Fault
from tests.unit.builders import comment

NOW = 1_767_300_000.0
FAST = (1.0, 2.0)
CREDS = OAuth1Credentials("ck", "cs", "1500-token", "ts")
PUBLIC, PRIVATE = Visibility.PUBLIC, Visibility.PRIVATE
DAY = 24 * 3600


def _ig(sandbox, timeouts=FAST):
    url = sandbox.base_urls["INSTAGRAM_GRAPH_URL"]
    return InstagramReplier(url, lambda: "ig-token", timeouts=timeouts, clock=lambda: NOW)


def _wa(sandbox, timeouts=FAST):
    return WhatsAppReplier(
        sandbox.base_urls["META_GRAPH_URL"], lambda: "wa-token", timeouts=timeouts, clock=lambda: NOW
    )


def _x(sandbox, timeouts=FAST):
    return XReplier(sandbox.base_urls["X_API_URL"], lambda: CREDS, timeouts=timeouts, clock=lambda: NOW)


def _tg(sandbox, timeouts=FAST):
    return TelegramReplier(sandbox.base_urls["TELEGRAM_API_URL"], lambda: "123:SECRET", timeouts=timeouts)


def ig_comment(**overrides):
    fields = {
        "platform": Platform.INSTAGRAM,
        "external_id": "1790042",
        "thread_id": "1790001",
        "account_id": "17841400000000001",
    }
    return comment(**({"created_at": NOW - 60} | fields | overrides))


def ig_dm(**overrides):
    fields = {
        "platform": Platform.INSTAGRAM,
        "kind": Kind.MESSAGE,
        "external_id": "aWdf_mid",
        "author_id": "9988",
        "thread_id": "9988",
    }
    return comment(**({"account_id": "17841400000000001", "created_at": NOW - 60} | fields | overrides))


def wa_message(**overrides):
    fields = {
        "platform": Platform.WHATSAPP,
        "kind": Kind.MESSAGE,
        "external_id": "wamid.IN1",
        "account_id": "300400500600700",
        "author_id": "447700900123",
        "thread_id": "447700900123",
    }
    return comment(**({"created_at": NOW - 60} | fields | overrides))


def x_mention(**overrides):
    fields = {"platform": Platform.X, "external_id": "1800000000000000123", "thread_id": "1800000000000000123"}
    return comment(account_id="1500000000000000001", author_id="2900", **(fields | overrides))


def tg_message(**overrides):
    fields = {
        "platform": Platform.TELEGRAM,
        "kind": Kind.MESSAGE,
        "external_id": "512345678:5120",
        "thread_id": "512345678",
    }
    return comment(account_id="bot", author_id="512345678", **(fields | overrides))


def _auth(call):
    return call.headers.get("Authorization", call.headers.get("authorization", ""))


# --- happy paths -------------------------------------------------------------------------------------------


def test_instagram_public_comment_reply(sandbox):
    reply_id = _ig(sandbox).reply(ig_comment(), "Thank you!", PUBLIC)
    [call] = sandbox.calls()
    assert call.path == "/instagram/1790001/replies" and call.body == {"message": "Thank you!"}
    assert _auth(call) == "Bearer ig-token" and reply_id.startswith("1790001_")


def test_instagram_private_reply_names_the_comment(sandbox):
    assert _ig(sandbox).reply(ig_comment(), "We sent you a message", PRIVATE).startswith("m_")
    [call] = sandbox.calls()
    assert call.path == "/instagram/17841400000000001/messages"
    assert call.body == {"recipient": {"comment_id": "1790042"}, "message": {"text": "We sent you a message"}}


def test_instagram_private_reply_after_seven_days_sends_nothing(sandbox):
    assert _ig(sandbox).reply(ig_comment(created_at=NOW - 6 * DAY), "in time", PRIVATE)
    sandbox.reset_calls()
    stale = ig_comment(created_at=NOW - 8 * DAY)
    with pytest.raises(PermanentPlatformError, match="private reply window closed"):
        _ig(sandbox).reply(stale, "late", PRIVATE)
    assert sandbox.calls() == []
    # the public reply to the same comment has no window
    assert _ig(sandbox).reply(stale, "late but public", PUBLIC)


def test_instagram_second_private_reply_to_one_comment_is_refused(sandbox):
    _ig(sandbox).reply(ig_comment(), "first", PRIVATE)
    with pytest.raises(PermanentPlatformError, match="code=10900"):
        _ig(sandbox).reply(ig_comment(), "second", PRIVATE)


def test_instagram_dm_after_24_hours_sends_nothing(sandbox):
    with pytest.raises(PermanentPlatformError, match="reply window closed \\(24 h"):
        _ig(sandbox).reply(ig_dm(created_at=NOW - DAY - 60), "late", PRIVATE)
    assert sandbox.calls() == []


def test_whatsapp_after_24_hours_sends_nothing(sandbox):
    with pytest.raises(PermanentPlatformError, match="whatsapp reply window closed"):
        _wa(sandbox).reply(wa_message(created_at=NOW - DAY - 60), "late", PRIVATE)
    assert sandbox.calls() == []


def test_x_mention_answered_in_private_is_a_dm_to_its_author(sandbox):
    assert _x(sandbox).reply(x_mention(), "We've sent you a message", PRIVATE)
    [call] = sandbox.calls()
    assert call.path == "/x/2/dm_conversations/with/2900/messages" and call.body == {"text": "We've sent you a message"}
    assert _auth(call).startswith("OAuth ")


def test_x_dm_the_author_does_not_accept_is_permanent(sandbox):
    body = {"detail": "You cannot send messages to this user.", "status": 403, "title": "Forbidden"}
    sandbox.add_fault(Fault(status=403, body=body, path_contains="/dm_conversations/"))
    with pytest.raises(PermanentPlatformError, match="cannot send messages"):
        _x(sandbox).reply(x_mention(), "x", PRIVATE)


def test_telegram_group_message_is_answered_in_the_group_even_when_private_is_preferred(sandbox):
    group = tg_message(external_id="-100200300:77", thread_id="-100200300")  # author 512345678
    _tg(sandbox).reply(group, "Thanks, we're looking into it", PRIVATE)
    [call] = sandbox.calls()
    assert call.body["chat_id"] == -100200300 and call.body["reply_parameters"]["message_id"] == 77


def test_instagram_dm_reply(sandbox):
    _ig(sandbox).reply(ig_dm(), "Hello", PUBLIC)
    [call] = sandbox.calls()
    assert call.path == "/instagram/17841400000000001/messages"
    assert call.body == {"recipient": {"id": "9988"}, "message": {"text": "Hello"}}


def test_whatsapp_text_reply_quotes_the_customer(sandbox):
    reply_id = _wa(sandbox).reply(wa_message(), "Thanks, Priya", PUBLIC)
    [call] = sandbox.calls()
    assert call.path == "/meta/300400500600700/messages" and _auth(call) == "Bearer wa-token"
    assert call.body == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "447700900123",
        "type": "text",
        "text": {"body": "Thanks, Priya", "preview_url": False},
        "context": {"message_id": "wamid.IN1"},
    }
    assert reply_id.startswith("wamid.sandbox")


def test_whatsapp_reply_to_a_business_scoped_user_id_uses_recipient(sandbox):
    # a sender with a username and no shared phone number: Meta's send API takes the BSUID in `recipient`
    bsuid = "US.26852818834383302"
    reply_id = _wa(sandbox).reply(wa_message(author_id=bsuid, thread_id=bsuid), "Thanks, Priya", PUBLIC)
    [call] = sandbox.calls()
    assert call.body["recipient"] == bsuid and "to" not in call.body
    assert call.body["context"] == {"message_id": "wamid.IN1"} and call.status == 200
    assert call.response["contacts"] == [{"input": bsuid, "user_id": bsuid}]
    assert reply_id.startswith("wamid.sandbox")


def test_x_reply_tweet_and_dm_are_oauth1_signed(sandbox):
    assert _x(sandbox).reply(x_mention(), "We're sorry to hear this.", PUBLIC)
    assert _x(sandbox).reply(x_mention(kind=Kind.MESSAGE, external_id="dm-1", thread_id="2900"), "Hi", PUBLIC)
    tweet, dm = sandbox.calls()
    assert tweet.path == "/x/2/tweets"
    assert tweet.body == {"text": "We're sorry to hear this.", "reply": {"in_reply_to_tweet_id": "1800000000000000123"}}
    assert dm.path == "/x/2/dm_conversations/with/2900/messages" and dm.body == {"text": "Hi"}
    header = _auth(tweet)
    assert header.startswith("OAuth ") and 'oauth_consumer_key="ck"' in header and 'oauth_token="1500-token"' in header
    assert 'oauth_signature_method="HMAC-SHA1"' in header and "cs" not in header.split("oauth_signature=")[0]


def test_telegram_send_message_replies_to_the_message(sandbox):
    reply_id = _tg(sandbox).reply(tg_message(), "Hello Ana", PUBLIC)
    [call] = sandbox.calls()
    assert call.path == "/telegram/bot123:SECRET/sendMessage"
    assert call.body == {
        "chat_id": 512345678,
        "text": "Hello Ana",
        "reply_parameters": {"message_id": 5120, "allow_sending_without_reply": True},
    }
    assert reply_id.isdigit()


def test_router_dispatches_by_platform_and_refuses_unknown_ones(sandbox):
    router = PlatformRouter({Platform.TELEGRAM: _tg(sandbox), Platform.WHATSAPP: _wa(sandbox)})
    router.reply(wa_message(), "a", PUBLIC)
    router.reply(tg_message(), "b", PUBLIC)
    assert [c.platform for c in sandbox.calls()] == ["meta", "telegram"]
    with pytest.raises(PermanentPlatformError, match="no reply client for x"):
        router.reply(x_mention(), "c", PUBLIC)


# --- failures: 429, 5xx, timeouts, refusals --------------------------------------------------------------

CLIENTS = {
    "instagram": (_ig, ig_comment, "/instagram/"),
    "whatsapp": (_wa, wa_message, "/meta/"),
    "x": (_x, x_mention, "/x/"),
    "telegram": (_tg, tg_message, "/telegram/"),
}


@pytest.mark.parametrize("name", sorted(CLIENTS))
def test_5xx_is_transient(sandbox, name):
    make, interaction, prefix = CLIENTS[name]
    sandbox.add_fault(Fault(status=503, path_contains=prefix))
    with pytest.raises(TransientPlatformError):
        make(sandbox).reply(interaction(), "x", PUBLIC)


@pytest.mark.parametrize("name", sorted(CLIENTS))
def test_a_slow_platform_is_an_unknown_outcome_never_a_retry(sandbox, name):
    make, interaction, prefix = CLIENTS[name]
    sandbox.add_fault(Fault(delay_seconds=1.2, path_contains=prefix))
    with pytest.raises(OutcomeUnknown):
        make(sandbox, timeouts=(1.0, 0.4)).reply(interaction(), "x", PUBLIC)


@pytest.mark.parametrize("name", sorted(CLIENTS))
def test_nothing_listening_is_transient(name):
    make, interaction, _ = CLIENTS[name]

    class Nowhere:
        base_urls: ClassVar[dict[str, str]] = dict.fromkeys(
            ("INSTAGRAM_GRAPH_URL", "META_GRAPH_URL", "X_API_URL", "TELEGRAM_API_URL"), "http://127.0.0.1:9"
        )

    with pytest.raises(TransientPlatformError):
        make(Nowhere(), timeouts=(0.5, 0.5)).reply(interaction(), "x", PUBLIC)


def test_instagram_rate_limit_code_and_429(sandbox):
    sandbox.add_fault(Fault(status=400, body={"error": {"message": "limit", "code": 4}}, path_contains="/instagram/"))
    with pytest.raises(RateLimited):
        _ig(sandbox).reply(ig_comment(), "x", PUBLIC)
    sandbox.add_fault(Fault(status=429, headers={"Retry-After": "9"}, path_contains="/instagram/"))
    with pytest.raises(RateLimited) as raised:
        _ig(sandbox).reply(ig_dm(), "x", PUBLIC)
    assert raised.value.retry_after == 9


def test_whatsapp_throughput_and_pair_rate_limits_wait(sandbox):
    for code in (130429, 131056, 80007):
        sandbox.add_fault(Fault(status=400, body={"error": {"message": "slow down", "code": code}}))
        with pytest.raises(RateLimited):
            _wa(sandbox).reply(wa_message(), "x", PUBLIC)


def test_whatsapp_outside_the_customer_service_window_is_permanent(sandbox):
    body = {"error": {"message": "(#131047) Re-engagement message", "code": 131047}}
    sandbox.add_fault(Fault(status=400, body=body))
    with pytest.raises(PermanentPlatformError, match="131047"):
        _wa(sandbox).reply(wa_message(), "x", PUBLIC)


def test_x_429_waits_until_the_rate_limit_resets(sandbox):
    reset = str(int(NOW) + 42)
    sandbox.add_fault(Fault(status=429, headers={"x-rate-limit-reset": reset}, path_contains="/x/"))
    with pytest.raises(RateLimited) as raised:
        _x(sandbox).reply(x_mention(), "x", PUBLIC)
    assert raised.value.retry_after == 42


def test_x_refusal_is_permanent(sandbox):
    body = {
        "detail": "You are not allowed to create a Tweet with duplicate content.",
        "status": 403,
        "title": "Forbidden",
    }
    sandbox.add_fault(Fault(status=403, body=body, path_contains="/x/"))
    with pytest.raises(PermanentPlatformError, match="duplicate content"):
        _x(sandbox).reply(x_mention(), "x", PUBLIC)


def test_telegram_flood_control_uses_retry_after(sandbox):
    sandbox.add_fault(Fault(status=429, path_contains="/telegram/"))  # the sandbox's default: retry_after 2
    with pytest.raises(RateLimited) as raised:
        _tg(sandbox).reply(tg_message(), "x", PUBLIC)
    assert raised.value.retry_after == 2


def test_telegram_blocked_bot_is_permanent_and_no_error_names_the_token(sandbox):
    body = {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
    sandbox.add_fault(Fault(status=403, body=body, path_contains="/telegram/"))
    with pytest.raises(PermanentPlatformError) as refused:
        _tg(sandbox).reply(tg_message(), "x", PUBLIC)
    sandbox.add_fault(Fault(delay_seconds=1.2, path_contains="/telegram/"))
    with pytest.raises(OutcomeUnknown) as slow:
        _tg(sandbox, timeouts=(1.0, 0.4)).reply(tg_message(), "x", PUBLIC)
    for error in (refused.value, slow.value):
        # nothing chained: a requests exception would carry the URL, and the URL carries the token
        assert "SECRET" not in str(error) and error.__cause__ is None
        assert error.__context__ is None or error.__suppress_context__


def test_x_unreadable_credentials_are_retried_not_lost(sandbox):
    from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError

    def missing() -> OAuth1Credentials:
        raise GetParameterError("ParameterNotFound")

    with pytest.raises(TransientPlatformError, match="credentials"):
        XReplier(sandbox.base_urls["X_API_URL"], missing).reply(x_mention(), "x", PUBLIC)
    assert sandbox.calls() == []
