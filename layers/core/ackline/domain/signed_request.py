"""Meta's `signed_request` (data-deletion and deauthorize callbacks): `<sig>.<payload>`, both base64url.

The signature is HMAC-SHA256 with the app secret over the *encoded* payload part exactly as received,
compared in constant time against every configured secret (rotation). It is checked before the payload is
decoded or parsed at all: nothing an unauthenticated sender chooses reaches a base64 or JSON decoder. Only a
request Meta signed is read, and one that cannot be read (not base64url JSON, nested too deeply, another
algorithm, no `user_id`) is `SignedRequestUnreadable` — authentic, so a person handles it, never a 401.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from collections.abc import Iterable
from typing import Any

from ackline.domain.errors import AuthenticationFailed, BadRequest

_BASE64URL = re.compile(r"[A-Za-z0-9_-]+={0,2}")
MAX_SIGNED_REQUEST_CHARS = 64 * 1024  # Meta's are a few hundred characters


class SignedRequestUnreadable(BadRequest):
    """Meta signed it, but it says nothing ackline can act on: kept for a person (the request is real)."""


def _b64url(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def verify_signed_request(signed_request: str, app_secrets: Iterable[str]) -> str:
    """The encoded payload part once its signature verifies; AuthenticationFailed for anything else."""
    encoded_sig, dot, encoded_payload = signed_request.strip().partition(".")
    if not dot or not encoded_sig or not encoded_payload or len(signed_request) > MAX_SIGNED_REQUEST_CHARS:
        raise AuthenticationFailed("signed_request is not <signature>.<payload>")
    if not _BASE64URL.fullmatch(encoded_sig) or not _BASE64URL.fullmatch(encoded_payload):
        raise AuthenticationFailed("signed_request is not base64url")
    try:
        signature = _b64url(encoded_sig.rstrip("="))
    except (binascii.Error, ValueError):
        raise AuthenticationFailed("signed_request signature is not base64url") from None
    matched = False
    for secret in (s for s in app_secrets if s):
        expected = hmac.new(secret.encode(), encoded_payload.encode("ascii"), hashlib.sha256).digest()
        matched |= hmac.compare_digest(signature, expected)
    if not matched:
        raise AuthenticationFailed("signed_request signature does not match")
    return encoded_payload


def read_signed_payload(encoded_payload: str) -> dict[str, Any]:
    """The payload of a verified request; SignedRequestUnreadable when it cannot be acted on."""
    try:
        payload: Any = json.loads(_b64url(encoded_payload.rstrip("=")))
    except (binascii.Error, ValueError, RecursionError):  # ValueError covers invalid UTF-8 and JSON
        raise SignedRequestUnreadable("signed_request payload is not base64url JSON") from None
    if not isinstance(payload, dict) or str(payload.get("algorithm", "")).upper() != "HMAC-SHA256":
        raise SignedRequestUnreadable("signed_request algorithm is not HMAC-SHA256")
    user_id = payload.get("user_id")
    if not isinstance(user_id, str | int) or isinstance(user_id, bool) or not str(user_id) or len(str(user_id)) > 256:
        raise SignedRequestUnreadable("signed_request names no user")
    return payload


def parse_signed_request(signed_request: str, app_secrets: Iterable[str]) -> dict[str, Any]:
    """Verify, then read: AuthenticationFailed when not signed by us, SignedRequestUnreadable when signed but odd."""
    return read_signed_payload(verify_signed_request(signed_request, app_secrets))
