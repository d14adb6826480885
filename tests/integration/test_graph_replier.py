"""GraphReplier over HTTP against the platform sandbox: public and private comment replies, Messenger, the
windows (nothing sent outside them) and the failure paths."""

import pytest

from ackline.adapters.graph_api import GraphReplier
from ackline.domain.errors import OutcomeUnknown, PermanentPlatformError, RateLimited, TransientPlatformError
from ackline.domain.model import Kind, Platform, Visibility
from ackline_local.sandbox import Fault
from tests.unit.builders import comment

PUBLIC, PRIVATE = Visibility.PUBLIC, Visibility.PRIVATE
DAY = 24 * 3600.0
NOW = 1_000.0 + 60  # a minute after the builders' comments


def _replier(sandbox, timeouts=(1.0, 2.0), now=NOW):
    return GraphReplier(sandbox.base_urls["META_GRAPH_URL"], lambda: "page-token", timeouts=timeouts, clock=lambda: now)


def test_private_reply_to_a_comment_goes_through_the_pages_messenger(sandbox):
    reply = comment(external_id="123_789", thread_id="123_456", account_id="page-1")
    assert _replier(sandbox).reply(reply, "We've sent you a message", PRIVATE).startswith("m_")
    [call] = sandbox.calls()
    assert call.method == "POST" and call.path.endswith("/page-1/messages")
    # the customer's own comment is the recipient (not the top-level comment its reply sits under)
    assert call.body == {"recipient": {"comment_id": "123_789"}, "message": {"text": "We've sent you a message"}}


def test_private_reply_after_seven_days_sends_nothing_but_a_public_one_may_go(sandbox):
    old = comment(created_at=0.0)
    assert _replier(sandbox, now=6.9 * DAY).reply(old, "in time", PRIVATE)
    sandbox.reset_calls()
    with pytest.raises(PermanentPlatformError, match="facebook private reply window closed \\(168 h"):
        _replier(sandbox, now=7.1 * DAY).reply(old, "late", PRIVATE)
    assert sandbox.calls() == []
    assert _replier(sandbox, now=30 * DAY).reply(old, "public", PUBLIC)


def test_only_one_private_reply_per_comment(sandbox):
    _replier(sandbox).reply(comment(external_id="c_once"), "first", PRIVATE)
    with pytest.raises(PermanentPlatformError, match="code=10900"):
        _replier(sandbox).reply(comment(external_id="c_once"), "second", PRIVATE)


def test_messenger_after_24_hours_sends_nothing(sandbox):
    message = comment(platform=Platform.MESSENGER, kind=Kind.MESSAGE, created_at=0.0)
    with pytest.raises(PermanentPlatformError, match="messenger reply window closed \\(24 h"):
        _replier(sandbox, now=DAY + 1).reply(message, "late", PRIVATE)
    assert sandbox.calls() == []


def test_comment_reply_goes_to_the_comment_with_the_token_in_a_header(sandbox):
    reply_id = _replier(sandbox).reply(comment(thread_id="123_456"), "Thank you!", PUBLIC)
    [call] = sandbox.calls()
    assert call.method == "POST" and call.path.endswith("/123_456/comments")
    assert call.body == {"message": "Thank you!"}
    assert call.headers.get("Authorization", call.headers.get("authorization")) == "Bearer page-token"
    assert "page-token" not in call.path and reply_id


def test_messenger_reply_uses_the_send_api_inside_the_window(sandbox):
    message = comment(platform=Platform.MESSENGER, kind=Kind.MESSAGE, account_id="page-1", author_id="psid-1")
    assert _replier(sandbox).reply(message, "Thanks", PUBLIC).startswith("m_")
    [call] = sandbox.calls()
    assert call.path.endswith("/page-1/messages")
    assert call.body == {"recipient": {"id": "psid-1"}, "messaging_type": "RESPONSE", "message": {"text": "Thanks"}}


def test_http_429_is_rate_limited_with_retry_after(sandbox):
    sandbox.add_fault(Fault(status=429, headers={"Retry-After": "7"}))
    with pytest.raises(RateLimited) as raised:
        _replier(sandbox).reply(comment(), "x", PUBLIC)
    assert raised.value.retry_after == 7


def test_graph_rate_limit_code_613_is_rate_limited(sandbox):
    sandbox.add_fault(
        Fault(
            status=400,
            body={
                "error": {
                    "message": "Calls to this api have exceeded the rate limit",
                    "type": "OAuthException",
                    "code": 613,
                }
            },
        )
    )
    with pytest.raises(RateLimited):
        _replier(sandbox).reply(comment(), "x", PUBLIC)


def test_graph_downtime_code_2_is_transient(sandbox):
    # Graph's documented "temporary issue due to downtime, wait and retry"
    sandbox.add_fault(Fault(status=500, body={"error": {"message": "Service temporarily unavailable", "code": 2}}))
    with pytest.raises(TransientPlatformError):
        _replier(sandbox).reply(comment(), "x", PUBLIC)


def test_503_is_transient(sandbox):
    sandbox.add_fault(Fault(status=503))
    with pytest.raises(TransientPlatformError):
        _replier(sandbox).reply(comment(), "x", PUBLIC)


@pytest.mark.parametrize("status", [500, 502, 504])
def test_other_5xx_may_have_posted_so_the_outcome_is_unknown(sandbox, status):
    # a bare 500/502/504 (no Graph "temporary downtime" code) can come back after the comment was created:
    # retrying could post it twice
    sandbox.add_fault(Fault(status=status, body={"error": {"message": "gateway error", "type": "ServerError"}}))
    with pytest.raises(OutcomeUnknown):
        _replier(sandbox).reply(comment(), "x", PUBLIC)


def test_a_refused_comment_is_permanent(sandbox):
    sandbox.add_fault(Fault(status=400, body={"error": {"message": "Object does not exist", "code": 100}}))
    with pytest.raises(PermanentPlatformError):
        _replier(sandbox).reply(comment(), "x", PUBLIC)


def test_a_slow_platform_is_an_unknown_outcome_not_a_retry(sandbox):
    sandbox.add_fault(Fault(delay_seconds=1.5))
    with pytest.raises(OutcomeUnknown):
        _replier(sandbox, timeouts=(1.0, 0.5)).reply(comment(), "x", PUBLIC)


def test_nothing_listening_is_transient():
    replier = GraphReplier("http://127.0.0.1:9/meta", lambda: "t", timeouts=(0.5, 0.5))
    with pytest.raises(TransientPlatformError):
        replier.reply(comment(), "x", PUBLIC)
