"""Meta's `signed_request` (data-deletion and deauthorize callbacks): `<sig>.<payload>`, both base64url.

The signature is HMAC-SHA256 with the app secret over the *encoded* payload part exactly as received,
compared in constant time against every configured secret (rotation); the payload must say
`"algorithm": "HMAC-SHA256"`. Only then is its `user_id` trusted.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Iterable
from typing import Any

from ackline.domain.errors import AuthenticationFailed


def _b64url(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def parse_signed_request(signed_request: str, app_secrets: Iterable[str]) -> dict[str, Any]:
    """The verified payload; AuthenticationFailed for anything malformed, unsigned or signed with another key."""
    encoded_sig, dot, encoded_payload = signed_request.strip().partition(".")
    if not dot or not encoded_sig or not encoded_payload:
        raise AuthenticationFailed("signed_request is not <signature>.<payload>")
    try:
        signature = _b64url(encoded_sig)
        payload: Any = json.loads(_b64url(encoded_payload))
    except (binascii.Error, ValueError):
        raise AuthenticationFailed("signed_request is not base64url JSON") from None
    matched = False
    for secret in (s for s in app_secrets if s):
        expected = hmac.new(secret.encode(), encoded_payload.encode(), hashlib.sha256).digest()
        matched |= hmac.compare_digest(signature, expected)
    if not matched:
        raise AuthenticationFailed("signed_request signature does not match")
    if not isinstance(payload, dict) or str(payload.get("algorithm", "")).upper() != "HMAC-SHA256":
        raise AuthenticationFailed("signed_request algorithm is not HMAC-SHA256")
    if not str(payload.get("user_id", "")):
        raise AuthenticationFailed("signed_request names no user")
    return payload
