"""Webhook authentication, over the exact raw request bytes and always in constant time.

Every check accepts several secrets so a secret can be rolled without downtime: the new one and the
old one are both valid until the old one is removed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping

from ackline.domain.errors import AuthenticationFailed

STANDARD_WEBHOOK_TOLERANCE_SECONDS = 5 * 60
_TIMESTAMP = re.compile(r"[0-9]{1,12}")


def _hmac_sha256(key: bytes, message: bytes) -> bytes:
    return hmac.new(key, message, hashlib.sha256).digest()


def _any_equal(candidate: str, expected: Iterable[str]) -> bool:
    # compare_digest on every secret (no early exit) so timing reveals neither which secret nor how much matched
    matched = False
    for value in expected:
        matched |= hmac.compare_digest(_bytes(candidate), _bytes(value))
    return matched


def _bytes(text: str) -> bytes:
    # headers and query values are attacker-chosen text: a lone surrogate must fail the comparison, not raise
    return text.encode("utf-8", "surrogatepass")


def verify_meta_signature(body: bytes, header: str | None, app_secrets: Iterable[str]) -> None:
    """Meta (Pages, Messenger, Instagram, WhatsApp): `X-Hub-Signature-256: sha256=<lowercase hex>`."""
    if not header or not header.startswith("sha256="):
        raise AuthenticationFailed("missing or malformed X-Hub-Signature-256")
    expected = ["sha256=" + _hmac_sha256(s.encode(), body).hex() for s in app_secrets if s]
    if not expected or not _any_equal(header.strip().lower(), expected):
        raise AuthenticationFailed("X-Hub-Signature-256 does not match")


def meta_verify_challenge(params: Mapping[str, str], verify_tokens: Iterable[str]) -> str | None:
    """Meta's subscription handshake: the challenge to echo, or None when the token is wrong."""
    token = params.get("hub.verify_token", "")
    if params.get("hub.mode") != "subscribe" or not token or not _any_equal(token, [t for t in verify_tokens if t]):
        return None
    return params.get("hub.challenge", "")


def x_crc_response_token(crc_token: str, consumer_secret: str) -> str:
    """X's CRC answer: `sha256=` + base64(HMAC-SHA256(consumer secret, crc_token))."""
    digest = _hmac_sha256(consumer_secret.encode(), _bytes(crc_token))
    return "sha256=" + base64.b64encode(digest).decode()


def verify_x_signature(body: bytes, header: str | None, consumer_secrets: Iterable[str]) -> None:
    """X: `x-twitter-webhooks-signature: sha256=<base64 HMAC-SHA256(consumer secret, raw body)>`."""
    if not header or not header.startswith("sha256="):
        raise AuthenticationFailed("missing or malformed x-twitter-webhooks-signature")
    expected = ["sha256=" + base64.b64encode(_hmac_sha256(s.encode(), body)).decode() for s in consumer_secrets if s]
    if not expected or not _any_equal(header.strip(), expected):
        raise AuthenticationFailed("x-twitter-webhooks-signature does not match")


def verify_telegram_secret(header: str | None, secret_tokens: Iterable[str]) -> None:
    """Telegram signs nothing: `setWebhook(secret_token=...)` makes it send the secret in a header."""
    expected = [t for t in secret_tokens if t]
    if not header or not expected or not _any_equal(header, expected):
        raise AuthenticationFailed("X-Telegram-Bot-Api-Secret-Token does not match")


def _standard_webhook_key(secret: str) -> bytes:
    encoded = secret.removeprefix("whsec_")
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise AuthenticationFailed("webhook secret is not a base64 whsec_ key") from exc


def verify_standard_webhook(
    body: bytes,
    headers: Mapping[str, str],
    secrets: Iterable[str],
    now: float,
    tolerance: int = STANDARD_WEBHOOK_TOLERANCE_SECONDS,
) -> str:
    """Standard Webhooks v1: HMAC-SHA256 over `id.timestamp.body`; returns the webhook-id (the idempotency key)."""
    msg_id = headers.get("webhook-id", "")
    timestamp = headers.get("webhook-timestamp", "")
    signatures = headers.get("webhook-signature", "")
    if not msg_id or not timestamp or not signatures:
        raise AuthenticationFailed("missing webhook-id, webhook-timestamp or webhook-signature")
    # seconds, as digits: "1e300", "NaN" or 5,000 digits never reach int() or the arithmetic below
    if not _TIMESTAMP.fullmatch(timestamp):
        raise AuthenticationFailed("webhook-timestamp is not an integer")
    sent_at = int(timestamp)
    if abs(now - sent_at) > tolerance:
        raise AuthenticationFailed("webhook-timestamp outside the tolerance window")
    signed = _bytes(f"{msg_id}.{timestamp}.") + body
    expected = ["v1," + base64.b64encode(_hmac_sha256(_standard_webhook_key(s), signed)).decode() for s in secrets if s]
    offered = [sig for sig in signatures.split(" ") if sig.startswith("v1,")]
    # one valid signature among several (the sender rotating keys) is enough
    if not expected or not any(_any_equal(sig, expected) for sig in offered):
        raise AuthenticationFailed("webhook-signature does not match")
    return msg_id


def split_secrets(value: str) -> list[str]:
    """A stored secret may hold several values (newline- or comma-separated) while one is being rolled."""
    return [part.strip() for part in value.replace(",", "\n").splitlines() if part.strip()]
