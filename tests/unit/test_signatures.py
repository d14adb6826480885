"""Signature checks against published vectors and their negative cases."""

import base64
import hashlib
import hmac

import pytest

from ackline.domain.errors import AuthenticationFailed
from ackline.domain.signatures import (
    meta_verify_challenge,
    split_secrets,
    verify_meta_signature,
    verify_standard_webhook,
    verify_telegram_secret,
    verify_x_signature,
    x_crc_response_token,
)

# Standard Webhooks: the vector every official library tests (TEST_VECTORS.md §1)
SW_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SW_HEADERS = {"webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek", "webhook-timestamp": "1614265330"}
SW_BODY = b'{"test": 2432232314}'
SW_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_standard_webhooks_published_vector_verifies():
    headers = SW_HEADERS | {"webhook-signature": SW_SIGNATURE}
    assert verify_standard_webhook(SW_BODY, headers, [SW_SECRET], now=1614265330) == "msg_p5jXN8AQM9LWM0D4loKWxJek"


def test_standard_webhooks_accepts_one_valid_signature_among_several():
    headers = SW_HEADERS | {"webhook-signature": f"v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= {SW_SIGNATURE}"}
    assert verify_standard_webhook(SW_BODY, headers, [SW_SECRET], now=1614265330)


@pytest.mark.parametrize(
    "signature",
    [
        "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA=",
        "v1,",
        "",
        "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    ],
)
def test_standard_webhooks_negative_vectors_fail(signature):
    headers = SW_HEADERS | {"webhook-signature": signature}
    with pytest.raises(AuthenticationFailed):
        verify_standard_webhook(SW_BODY, headers, [SW_SECRET], now=1614265330)


@pytest.mark.parametrize("skew", [-301, 301])
def test_standard_webhooks_rejects_timestamps_outside_five_minutes(skew):
    headers = SW_HEADERS | {"webhook-signature": SW_SIGNATURE}
    with pytest.raises(AuthenticationFailed):
        verify_standard_webhook(SW_BODY, headers, [SW_SECRET], now=1614265330 + skew)


def test_standard_webhooks_rejects_a_modified_body():
    headers = SW_HEADERS | {"webhook-signature": SW_SIGNATURE}
    with pytest.raises(AuthenticationFailed):
        verify_standard_webhook(b'{"test":2432232314}', headers, [SW_SECRET], now=1614265330)


def test_meta_hex_path_matches_the_github_published_vector():
    # Same construction as Meta's header (HMAC-SHA256, lowercase hex, sha256= prefix)
    header = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    verify_meta_signature(b"Hello, World!", header, ["It's a Secret to Everybody"])


def test_meta_signature_is_over_the_escaped_wire_bytes_not_reserialised_json():
    wire = b'{"entry":[{"messaging":[{"message":{"text":"caf\\u00e9 https:\\/\\/x.io"}}]}]}'
    header = "sha256=adacb6ef6c99786ed1850543e530b30cf0c59a42e89436fb46383d13795b3e35"
    verify_meta_signature(wire, header, ["test_app_secret"])
    reserialised = '{"entry":[{"messaging":[{"message":{"text":"café https://x.io"}}]}]}'.encode()
    with pytest.raises(AuthenticationFailed):
        verify_meta_signature(reserialised, header, ["test_app_secret"])


@pytest.mark.parametrize("header", [None, "", "sha1=abc", "sha256=", "sha256=" + "0" * 64])
def test_meta_signature_missing_or_wrong_fails(header):
    with pytest.raises(AuthenticationFailed):
        verify_meta_signature(b"{}", header, ["secret"])


def test_meta_signature_accepts_either_secret_while_rolling():
    body = b'{"object":"page"}'
    old = "sha256=" + hmac.new(b"old", body, hashlib.sha256).hexdigest()
    new = "sha256=" + hmac.new(b"new", body, hashlib.sha256).hexdigest()
    secrets = split_secrets("new\nold")
    verify_meta_signature(body, old, secrets)
    verify_meta_signature(body, new, secrets)
    with pytest.raises(AuthenticationFailed):
        verify_meta_signature(body, old, ["new"])


def test_meta_handshake_echoes_the_challenge_only_for_the_right_token():
    params = {"hub.mode": "subscribe", "hub.verify_token": "tok", "hub.challenge": "1158201444"}
    assert meta_verify_challenge(params, ["tok"]) == "1158201444"
    assert meta_verify_challenge(params | {"hub.verify_token": "nope"}, ["tok"]) is None
    assert meta_verify_challenge(params | {"hub.mode": "unsubscribe"}, ["tok"]) is None
    assert meta_verify_challenge(params, []) is None


def test_x_crc_matches_the_reference_computation():
    assert x_crc_response_token("challenge_string_123", "test_consumer_secret") == (
        "sha256=Y3bbm5t/jVjq8REsPhnhzGu/jUV9nI+UJd5GexYmg5w="
    )


def test_x_signature_is_base64_over_the_raw_body():
    body = b'{"for_user_id":"111","tweet_create_events":[]}'
    verify_x_signature(body, "sha256=maJd02nYdGL7ZG9JwLYK8ytgEzi+j/c5UzHXC6GR8Ro=", ["test_consumer_secret"])
    hex_form = "sha256=" + hmac.new(b"test_consumer_secret", body, hashlib.sha256).hexdigest()
    with pytest.raises(AuthenticationFailed):
        verify_x_signature(body, hex_form, ["test_consumer_secret"])


def test_telegram_secret_header():
    verify_telegram_secret("s3cret-Token_1", ["s3cret-Token_1"])
    for wrong in (None, "", "s3cret-token_1"):
        with pytest.raises(AuthenticationFailed):
            verify_telegram_secret(wrong, ["s3cret-Token_1"])
    with pytest.raises(AuthenticationFailed):
        verify_telegram_secret("anything", [])


def test_standard_webhook_secret_must_be_base64():
    headers = SW_HEADERS | {"webhook-signature": SW_SIGNATURE}
    with pytest.raises(AuthenticationFailed):
        verify_standard_webhook(SW_BODY, headers, ["whsec_not base64!"], now=1614265330)
    assert base64.b64decode(SW_SECRET.removeprefix("whsec_"))
