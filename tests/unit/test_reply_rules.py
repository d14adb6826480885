"""Pure reply rules: windows, lengths, backoff, OAuth 1.0a signing; and respond honouring them."""

from __future__ import annotations

import pytest

from ackline.adapters.oauth1 import OAuth1Credentials, authorization_header, sign
from ackline.domain.errors import TransientPlatformError
from ackline.domain.model import Kind, Platform, ReplyStatus, Visibility
from ackline.domain.platform_limits import reply_length, too_long, x_weighted_length
from ackline.domain.retry import backoff_seconds
from ackline.domain.windows import window_closed
from ackline.usecases.ingest import ingest
from ackline.usecases.respond import RetryLater, respond
from tests.fakes import InMemoryInteractionStore, RecordingDispatcher, ScriptedReplier
from tests.unit.builders import comment

DAY = 24 * 3600.0


def _message(platform: Platform, **overrides):
    return comment(platform=platform, kind=Kind.MESSAGE, created_at=0.0, **overrides)


@pytest.mark.parametrize(
    ("interaction", "age", "closed"),
    [
        (_message(Platform.MESSENGER), DAY - 1, False),
        (_message(Platform.MESSENGER), DAY + 1, True),
        (_message(Platform.INSTAGRAM), DAY + 1, True),
        (_message(Platform.WHATSAPP), DAY + 1, True),
        (_message(Platform.WHATSAPP), 3600, False),
        (_message(Platform.X), 30 * DAY, False),
        (_message(Platform.TELEGRAM), 30 * DAY, False),
        (comment(created_at=0.0), 30 * DAY, False),  # a public Facebook comment reply has no window
        (comment(platform=Platform.INSTAGRAM, created_at=0.0), 30 * DAY, False),  # nor a public Instagram one
    ],
)
def test_reply_windows(interaction, age, closed):
    reason = window_closed(interaction, interaction.created_at + age)
    assert bool(reason) is closed
    if closed:
        assert "reply window closed (24 h" in reason


@pytest.mark.parametrize("platform", [Platform.INSTAGRAM, Platform.FACEBOOK])
def test_private_reply_to_a_comment_window_is_seven_days(platform):
    c = comment(platform=platform, created_at=0.0)
    assert window_closed(c, 6.9 * DAY, Visibility.PRIVATE) is None
    assert "private reply window closed (168 h" in window_closed(c, 7.1 * DAY, Visibility.PRIVATE)
    assert window_closed(c, 30 * DAY, Visibility.PUBLIC) is None


def test_x_private_reply_to_a_mention_has_no_window():
    assert window_closed(comment(platform=Platform.X, created_at=0.0), 30 * DAY, Visibility.PRIVATE) is None


def test_x_counts_weighted_characters():
    assert x_weighted_length("a" * 280) == 280
    assert x_weighted_length("日本" * 70) == 280  # CJK weighs 2
    assert x_weighted_length("see https://example.com/a/very/long/path/indeed") == 4 + 23
    assert x_weighted_length("é") == x_weighted_length("e\u0301") == 1  # NFC first
    assert too_long(comment(platform=Platform.X), "日" * 141) == "reply is 282 long; x allows 280"
    assert too_long(comment(platform=Platform.X), "a" * 280) is None


def test_lengths_per_platform():
    assert too_long(_message(Platform.TELEGRAM), "a" * 4096) is None
    assert too_long(_message(Platform.TELEGRAM), "a" * 4097)
    assert too_long(_message(Platform.MESSENGER), "a" * 2000)
    assert reply_length(Platform.INSTAGRAM, Kind.MESSAGE, "é") == 2  # Instagram DMs count bytes
    assert reply_length(Platform.INSTAGRAM, Kind.COMMENT, "é") == 1


def test_backoff_grows_and_is_capped():
    assert [backoff_seconds(n) for n in (1, 2, 3, 4)] == [5, 10, 20, 40]
    assert backoff_seconds(20) == 300


def test_oauth1_signature_matches_the_published_example():
    # X's "Creating a signature" worked example (developer docs), with its fixed nonce and timestamp
    params = {
        "status": "Hello Ladies + Gentlemen, a signed OAuth request!",
        "include_entities": "true",
        "oauth_consumer_key": "xvz1evFS4wEEPTGEFPHBog",
        "oauth_nonce": "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg",
        "oauth_signature_method": "HMAC-SHA1",
        "oauth_timestamp": "1318622958",
        "oauth_token": "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
        "oauth_version": "1.0",
    }
    signature = sign(
        "POST",
        "https://api.twitter.com/1/statuses/update.json",
        params,
        "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
        "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
    )
    assert signature == "tnnArxj06cWHq44gCs1OSKk/jLY="


def test_oauth1_header_carries_no_secret():
    creds = OAuth1Credentials("key", "consumer-secret", "token", "token-secret")
    header = authorization_header("POST", "https://api.x.com/2/tweets", creds, nonce="n", timestamp=1)
    assert header.startswith('OAuth oauth_consumer_key="key", oauth_nonce="n"')
    assert "secret" not in header


# --- respond: windows and backoff ----------------------------------------------------------------------------


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _pending(store, dispatcher, interaction):
    ingest([interaction], store, dispatcher)
    [ack] = dispatcher.acks
    return ack


def test_outside_the_window_nothing_is_sent_and_a_person_gets_the_reason():
    store, dispatcher = InMemoryInteractionStore(), RecordingDispatcher()
    message = comment("Thanks, love it", platform=Platform.MESSENGER, kind=Kind.MESSAGE, created_at=1_000.0)
    ack = _pending(store, dispatcher, message)
    replier = ScriptedReplier()
    outcome = respond(ack, store, replier, dispatcher, Clock(1_000.0 + DAY + 60))
    assert outcome.status is ReplyStatus.FAILED and replier.sent == []
    [follow_up] = dispatcher.follow_ups[-1:]
    assert any("reply window closed" in r for r in follow_up.reasons)
    assert store.get(message.key).reply_status is ReplyStatus.FAILED


def test_a_transient_failure_is_retried_with_backoff():
    store, dispatcher = InMemoryInteractionStore(), RecordingDispatcher()
    ack = _pending(store, dispatcher, comment("Thanks, love it", created_at=1_000.0))
    with pytest.raises(RetryLater) as first:
        respond(ack, store, ScriptedReplier(TransientPlatformError("503")), dispatcher, Clock(1_001.0))
    with pytest.raises(RetryLater) as second:
        respond(ack, store, ScriptedReplier(TransientPlatformError("503")), dispatcher, Clock(1_010.0))
    assert (first.value.delay, second.value.delay) == (5, 10)
    assert store.get(comment().key).reply_status is ReplyStatus.PENDING
