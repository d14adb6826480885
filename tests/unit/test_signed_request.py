"""Meta's signed_request (data-deletion callback): verified with the app secret, on the encoded payload."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest

from ackline.domain.errors import AuthenticationFailed
from ackline.domain.signed_request import parse_signed_request


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
        signed(PAYLOAD | {"algorithm": "HMAC-SHA1"}, "app-secret"),
        signed({"algorithm": "HMAC-SHA256"}, "app-secret"),
        signed(PAYLOAD, "app-secret")[:-2] + "xx",  # tampered payload
    ],
)
def test_anything_else_is_refused(request_text):
    with pytest.raises(AuthenticationFailed):
        parse_signed_request(request_text, ["app-secret"])


def test_no_configured_secret_refuses_everything():
    with pytest.raises(AuthenticationFailed):
        parse_signed_request(signed(PAYLOAD, ""), [""])
