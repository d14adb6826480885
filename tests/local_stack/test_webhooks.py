from __future__ import annotations

import hashlib
import hmac
import json

from ackline_local.demo import COMPLAINT, demo_requests
from ackline_local.webhooks import (
    facebook_feed_comment,
    messenger_message,
    meta_json_bytes,
    meta_signature,
    signed_generic_request,
    signed_meta_request,
    standard_webhooks_signature,
    x_crc_response,
    x_signature,
)

# Vectors from /work/shared/reference/platforms/TEST_VECTORS.md


def test_meta_bytes_are_escaped_like_meta_and_signed():
    payload = {"entry": [{"messaging": [{"message": {"text": "café https://x.io"}}]}]}
    body = meta_json_bytes(payload)
    assert body == b'{"entry":[{"messaging":[{"message":{"text":"caf\\u00e9 https:\\/\\/x.io"}}]}]}'
    assert meta_signature("test_app_secret", body) == (
        "sha256=adacb6ef6c99786ed1850543e530b30cf0c59a42e89436fb46383d13795b3e35"
    )
    assert json.loads(body) == payload


def test_hub_signature_construction_matches_githubs_published_vector():
    assert meta_signature("It's a Secret to Everybody", b"Hello, World!") == (
        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    )


def test_x_and_standard_webhooks_signatures():
    assert x_crc_response("test_consumer_secret", "challenge_string_123") == {
        "response_token": "sha256=Y3bbm5t/jVjq8REsPhnhzGu/jUV9nI+UJd5GexYmg5w="
    }
    body = b'{"for_user_id":"111","tweet_create_events":[]}'
    assert x_signature("test_consumer_secret", body) == "sha256=maJd02nYdGL7ZG9JwLYK8ytgEzi+j/c5UzHXC6GR8Ro="
    assert (
        standard_webhooks_signature(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            b'{"test": 2432232314}',
        )
        == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    )
    request = signed_generic_request({"type": "ticket.created"}, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_1", 5)
    assert request.headers["webhook-id"] == "msg_1" and request.headers["webhook-timestamp"] == "5"


def test_builders_make_documented_shapes_with_unique_ids():
    first, second = facebook_feed_comment("a"), facebook_feed_comment("a")
    value = first["entry"][0]["changes"][0]["value"]
    assert first["object"] == "page" and value["item"] == "comment" and value["verb"] == "add"
    assert value["comment_id"] != second["entry"][0]["changes"][0]["value"]["comment_id"]
    message = messenger_message("hi")["entry"][0]["messaging"][0]
    assert message["message"]["text"] == "hi" and message["message"]["mid"].startswith("m_")


def test_demo_requests_are_signed_over_the_exact_bytes():
    requests = demo_requests("secret")
    assert len(requests) == 5
    assert any(COMPLAINT in r.body.decode() for _, r in requests)
    for _, request in requests:
        expected = "sha256=" + hmac.new(b"secret", request.body, hashlib.sha256).hexdigest()
        assert request.headers["X-Hub-Signature-256"] == expected
        assert request.path == "/webhooks/meta"
        assert b"/" not in request.body.replace(b"\\/", b"")  # every slash escaped, as Meta sends it
    assert signed_meta_request({"u": "a/b"}, "s").body == b'{"u":"a\\/b"}'
