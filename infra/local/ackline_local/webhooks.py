"""Realistic platform webhook payloads and their signatures, for `make demo` and for tests.

Signatures are computed over the exact bytes sent, so bodies are serialised the way each platform does
(Meta: compact, ASCII-escaped JSON with `/` written as `\\/`). A handler that re-serialises before verifying
fails against these requests, exactly as it would against the real platform.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

DEMO_PAGE_ID = "104455667788990"


@dataclass(frozen=True)
class SignedRequest:
    """A ready-to-send webhook delivery: POST `path` with `headers` and the exact `body` bytes."""

    path: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    method: str = "POST"

    def send(self, base_url: str, timeout: float = 10.0) -> tuple[int, bytes]:
        """Send to `base_url` (the gateway); returns (status, body) for any HTTP status."""
        request = urllib.request.Request(  # noqa: S310 - the caller chooses the (local) URL
            base_url.rstrip("/") + self.path, data=self.body, headers=self.headers, method=self.method
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                return int(response.status), bytes(response.read())
        except urllib.error.HTTPError as error:
            return int(error.code), bytes(error.read())


# --- serialisation and signing ---------------------------------------------------------------------------------


def meta_json_bytes(payload: Mapping[str, Any]) -> bytes:
    """Meta's wire format: compact JSON, non-ASCII as \\uXXXX, and `/` escaped as `\\/`."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=True).replace("/", "\\/").encode("ascii")


def meta_signature(app_secret: str, body: bytes) -> str:
    """`X-Hub-Signature-256` value: `sha256=` + lowercase hex HMAC-SHA256(app secret, body)."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def x_signature(consumer_secret: str, body: bytes) -> str:
    """`x-twitter-webhooks-signature` value: `sha256=` + base64 HMAC-SHA256(consumer secret, body)."""
    return "sha256=" + base64.b64encode(hmac.new(consumer_secret.encode(), body, hashlib.sha256).digest()).decode()


def x_crc_response(consumer_secret: str, crc_token: str) -> dict[str, str]:
    """What a correct answer to X's `GET ?crc_token=...` challenge contains."""
    return {"response_token": x_signature(consumer_secret, crc_token.encode())}


def standard_webhooks_signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """`webhook-signature` value: `v1,` + base64 HMAC-SHA256(base64-decoded whsec key, "id.timestamp.body")."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{msg_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def signed_meta_request(payload: Mapping[str, Any], app_secret: str, path: str = "/webhooks/meta") -> SignedRequest:
    body = meta_json_bytes(payload)
    headers = {"Content-Type": "application/json", "X-Hub-Signature-256": meta_signature(app_secret, body)}
    headers["User-Agent"] = "facebookexternalua"
    return SignedRequest(path, body, headers)


def signed_x_request(payload: Mapping[str, Any], consumer_secret: str, path: str = "/webhooks/x") -> SignedRequest:
    body = json.dumps(payload, separators=(",", ":")).encode()
    headers = {"Content-Type": "application/json", "x-twitter-webhooks-signature": x_signature(consumer_secret, body)}
    return SignedRequest(path, body, headers)


def signed_telegram_request(
    update: Mapping[str, Any], secret_token: str, path: str = "/webhooks/telegram"
) -> SignedRequest:
    """Telegram does not sign; it sends the shared secret in `X-Telegram-Bot-Api-Secret-Token`."""
    body = json.dumps(update, separators=(",", ":")).encode()
    headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret_token}
    return SignedRequest(path, body, headers)


def signed_generic_request(
    payload: Mapping[str, Any],
    secret: str,
    msg_id: str | None = None,
    timestamp: int | None = None,
    path: str = "/webhooks/generic",
) -> SignedRequest:
    body = json.dumps(payload, separators=(",", ":")).encode()
    msg_id = msg_id or f"msg_{uuid.uuid4().hex}"
    timestamp = int(time.time()) if timestamp is None else timestamp
    headers = {
        "Content-Type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": standard_webhooks_signature(secret, msg_id, timestamp, body),
    }
    return SignedRequest(path, body, headers)


# --- payload builders (shapes from the platforms' documented webhooks) -----------------------------------------


def _unique_digits(length: int = 15) -> str:
    return str(uuid.uuid4().int)[:length]


def facebook_feed_comment(
    message: str,
    *,
    page_id: str = DEMO_PAGE_ID,
    author_id: str = "7311002233445566",
    author_name: str = "Dana Rivers",
    comment_id: str | None = None,
    post_id: str | None = None,
    created_time: int | None = None,
) -> dict[str, Any]:
    """A Page `feed` change for a new comment (object "page", field "feed", item "comment", verb "add")."""
    now = int(time.time()) if created_time is None else created_time
    post_id = post_id or f"{page_id}_{_unique_digits()}"
    comment_id = comment_id or f"{post_id.split('_')[-1]}_{_unique_digits()}"
    return {
        "object": "page",
        "entry": [
            {
                "id": page_id,
                "time": now,
                "changes": [
                    {
                        "field": "feed",
                        "value": {
                            "from": {"id": author_id, "name": author_name},
                            "post": {"id": post_id, "status_type": "added_photos", "is_published": True},
                            "message": message,
                            "post_id": post_id,
                            "comment_id": comment_id,
                            "created_time": now,
                            "item": "comment",
                            "parent_id": post_id,
                            "verb": "add",
                        },
                    }
                ],
            }
        ],
    }


def messenger_message(
    text: str,
    *,
    page_id: str = DEMO_PAGE_ID,
    sender_id: str = "6677889900112233",
    mid: str | None = None,
    timestamp_ms: int | None = None,
) -> dict[str, Any]:
    """A Messenger `messages` delivery with one customer message."""
    now_ms = int(time.time() * 1000) if timestamp_ms is None else timestamp_ms
    return {
        "object": "page",
        "entry": [
            {
                "id": page_id,
                "time": now_ms,
                "messaging": [
                    {
                        "sender": {"id": sender_id},
                        "recipient": {"id": page_id},
                        "timestamp": now_ms,
                        "message": {"mid": mid or f"m_{uuid.uuid4().hex}", "text": text},
                    }
                ],
            }
        ],
    }


def instagram_comment(
    text: str,
    *,
    ig_account_id: str = "17841400000000001",
    author_id: str = "1789000011112222",
    username: str = "sam.trails",
    comment_id: str | None = None,
    media_id: str = "18030000000000001",
) -> dict[str, Any]:
    return {
        "object": "instagram",
        "entry": [
            {
                "id": ig_account_id,
                "time": int(time.time()),
                "changes": [
                    {
                        "field": "comments",
                        "value": {
                            "from": {"id": author_id, "username": username},
                            "media": {"id": media_id, "media_product_type": "FEED"},
                            "id": comment_id or _unique_digits(17),
                            "text": text,
                        },
                    }
                ],
            }
        ],
    }


def whatsapp_text_message(
    text: str,
    *,
    wa_id: str | None = "447700900123",
    name: str = "Priya Shah",
    phone_number_id: str = "300400500600700",
    waba_id: str = "200300400500600",
    wamid: str | None = None,
    user_id: str | None = None,
) -> dict[str, Any]:
    """`user_id`: the sender's business-scoped user id (`from_user_id`); `wa_id=None`: no phone number, as for a
    WhatsApp user with a username whose number Meta does not share."""
    message_id = wamid or "wamid." + base64.b64encode(uuid.uuid4().bytes).decode()
    contact: dict[str, Any] = {"profile": {"name": name}}
    message: dict[str, Any] = {
        "id": message_id,
        "timestamp": str(int(time.time())),
        "type": "text",
        "text": {"body": text},
    }
    if wa_id is not None:
        contact["wa_id"] = wa_id
        message["from"] = wa_id
    if user_id is not None:
        contact["user_id"] = user_id
        message["from_user_id"] = user_id
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": waba_id,
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {"display_phone_number": "15550001111", "phone_number_id": phone_number_id},
                            "contacts": [contact],
                            "messages": [message],
                        },
                    }
                ],
            }
        ],
    }


def telegram_update(
    text: str, *, chat_id: int = 512345678, first_name: str = "Ana", update_id: int | None = None
) -> dict[str, Any]:
    sender = {"id": chat_id, "is_bot": False, "first_name": first_name}
    return {
        "update_id": update_id if update_id is not None else int(_unique_digits(9)),
        "message": {
            "message_id": int(_unique_digits(5)),
            "from": sender,
            "chat": {"id": chat_id, "type": "private", "first_name": first_name},
            "date": int(time.time()),
            "text": text,
        },
    }


def x_mention(
    text: str,
    *,
    for_user_id: str = "1500000000000000001",
    author_id: str = "2900000000000000042",
    screen_name: str = "leemoreno",
    tweet_id: str | None = None,
) -> dict[str, Any]:
    tweet_id = tweet_id or "18" + _unique_digits(17)
    return {
        "for_user_id": for_user_id,
        "tweet_create_events": [
            {
                "created_at": time.strftime("%a %b %d %H:%M:%S +0000 %Y", time.gmtime()),
                "id": int(tweet_id),
                "id_str": tweet_id,
                "text": text,
                "in_reply_to_status_id_str": None,
                "in_reply_to_user_id_str": for_user_id,
                "user": {"id": int(author_id), "id_str": author_id, "name": "Lee Moreno", "screen_name": screen_name},
                "entities": {"user_mentions": [{"id_str": for_user_id, "screen_name": "acme_support"}]},
            }
        ],
    }


def x_direct_message(
    text: str,
    *,
    for_user_id: str = "1500000000000000001",
    sender_id: str = "2900000000000000042",
    event_id: str | None = None,
) -> dict[str, Any]:
    return {
        "for_user_id": for_user_id,
        "direct_message_events": [
            {
                "type": "message_create",
                "id": event_id or "18" + _unique_digits(17),
                "created_timestamp": str(int(time.time() * 1000)),
                "message_create": {
                    "target": {"recipient_id": for_user_id},
                    "sender_id": sender_id,
                    "message_data": {"text": text},
                },
            }
        ],
        "users": {
            sender_id: {"id": sender_id, "name": "Lee Moreno", "screen_name": "leemoreno"},
            for_user_id: {"id": for_user_id, "name": "Acme Support", "screen_name": "acme_support"},
        },
    }
