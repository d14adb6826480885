"""Meta's signed_request (data-deletion callback): verified with the app secret, on the encoded payload."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest

from ackline.domain.errors import AuthenticationFailed
from ackline.domain.signed_request import SignedRequestUnreadable, parse_signed_request, verify_signed_request


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def signed(payload: dict, secret: str) -> str:
    # the way Meta builds it (and its PHP sample parses it): base64url without padding, HMAC over the encoded part
    encoded = _b64url(json.dumps(payload).encode())
    return _b64url(hmac.new(secret.encode(), encoded.encode(), hashlib.sha256).digest()) + "." + encoded


PAYLOAD = {"algorithm": "HMAC-SHA256", "expires": 1767300000, "issued_at": 1767296400, "user_id": "2183749812"}


def test_a_correctly_signed_request_yields_the_user_with_either_rotating_secret():
    request = signed(PAYLOAD, "new-secret")
    assert parse_signed_request(request, ["old-secret", "new-secret"])["user_id"] == "2183749812"


@pytest.mark.parametrize(
    "request_text",
    [
        "",
        "no-dot",
        ".payload-only",
        "sig.",
        "!!!.@@@",
        signed(PAYLOAD, "other-secret"),
        signed(PAYLOAD, "app-secret")[:-2] + "xx",  # tampered payload
        signed(PAYLOAD, "app-secret") + "\u00e9",  # not base64url
        "x" * 70_000 + "." + "y",
    ],
)
def test_anything_unsigned_is_refused(request_text):
    with pytest.raises(AuthenticationFailed):
        parse_signed_request(request_text, ["app-secret"])


def test_no_configured_secret_refuses_everything():
    with pytest.raises(AuthenticationFailed):
        parse_signed_request(signed(PAYLOAD, ""), [""])


def _signed_raw(encoded_payload: str, secret: str) -> str:
    return _b64url(hmac.new(secret.encode(), encoded_payload.encode(), hashlib.sha256).digest()) + "." + encoded_payload


@pytest.mark.parametrize(
    "encoded_payload",
    [
        _b64url(b"[" * 10_000 + b"]" * 10_000),  # nested deeper than any parser's stack
        _b64url(b"\xff\xfe not utf-8"),
        _b64url(b"not json"),
        _b64url(b'{"algorithm": "HMAC-SHA256", "user_id": 1' + b"0" * 5000 + b"}"),  # an int json refuses
        _b64url(json.dumps(PAYLOAD | {"algorithm": "HMAC-SHA1"}).encode()),
        _b64url(json.dumps({"algorithm": "HMAC-SHA256"}).encode()),
        _b64url(json.dumps(PAYLOAD | {"user_id": {"id": "1"}}).encode()),
        _b64url(json.dumps([PAYLOAD]).encode()),
    ],
)
def test_a_signed_request_that_cannot_be_read_is_authentic_but_unreadable(encoded_payload):
    request = _signed_raw(encoded_payload, "app-secret")
    assert verify_signed_request(request, ["app-secret"]) == encoded_payload
    with pytest.raises(SignedRequestUnreadable):
        parse_signed_request(request, ["app-secret"])


def test_an_unsigned_deeply_nested_payload_is_refused_before_it_is_parsed():
    # with the wrong key, the same hostile payload never reaches a decoder: a plain 401, not a RecursionError
    request = _signed_raw(_b64url(b"[" * 10_000), "someone-else")
    with pytest.raises(AuthenticationFailed):
        parse_signed_request(request, ["app-secret"])
