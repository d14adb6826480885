"""Success answers of the platform APIs ackline calls (Meta Graph, X API v2, Telegram Bot API), for the sandbox.

Each function gets the path below the platform prefix and the parsed request body and returns (status, JSON body),
shaped like the real API's documented response so ackline's response parsing is exercised too. Ids come from
one counter so every reply the sandbox hands out is unique and traceable in tests.
"""

from __future__ import annotations

import itertools
import re
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

Answer = tuple[int, dict[str, Any]]

SANDBOX_X_USER_ID = "1500000000000000001"  # the brand account the sandbox pretends to be on X

_counter = itertools.count(1)
_counter_lock = threading.Lock()


def next_id() -> int:
    with _counter_lock:
        return next(_counter)


def meta_graph(path: str, body: Mapping[str, Any]) -> Answer:
    """`/{object_id}/comments`, `/{object_id}/replies` (Instagram) and `/{id}/messages` (Messenger or WhatsApp)."""
    match = re.fullmatch(r"(?:/v\d+\.\d+)?/([^/]+)/(comments|replies|messages)", path)
    if match is None:
        return 404, graph_error("Unknown path components", "OAuthException", 2500)
    object_id, edge = match.groups()
    n = next_id()
    if edge in ("comments", "replies"):
        return 200, {"id": f"{object_id}_{n}"}
    if body.get("messaging_product") == "whatsapp":
        # a phone number goes in `to`, a business-scoped user id (BSUID, "US.1234...") in `recipient`
        to, user_id = str(body.get("to", "")), str(body.get("recipient", ""))
        if not (to or user_id):
            return 400, graph_error("(#100) The parameter to or recipient is required.", "OAuthException", 100)
        contact = {"input": to, "wa_id": to} if to else {"input": user_id, "user_id": user_id}
        return 200, {
            "messaging_product": "whatsapp",
            "contacts": [contact],
            "messages": [{"id": f"wamid.sandbox{n:012d}"}],
        }
    recipient_field = body.get("recipient")
    recipient = recipient_field if isinstance(recipient_field, Mapping) else {}
    recipient_id = recipient.get("id") or recipient.get("comment_id") or recipient.get("post_id") or ""
    return 200, {"recipient_id": str(recipient_id), "message_id": f"m_sandbox{n:012d}"}


def private_reply_target(platform: str, path: str, body: Mapping[str, Any]) -> str | None:
    """The comment (or visitor post) a Graph private reply answers: `/{id}/messages` with `recipient.comment_id`
    or `recipient.post_id`; None for anything else. Meta allows one private reply per comment or post."""
    if platform not in ("meta", "instagram") or not re.fullmatch(r"(?:/v\d+\.\d+)?/[^/]+/messages", path):
        return None
    recipient = body.get("recipient")
    if not isinstance(recipient, Mapping):
        return None
    target = recipient.get("comment_id") or recipient.get("post_id")
    return f"{platform}:{target}" if target else None


def already_replied() -> Answer:
    """Graph's refusal of a second private reply to one comment (Page messages reference, error 10900)."""
    return 400, graph_error("(#10900) Activity already replied to", "OAuthException", 10900)


def x_api(path: str, body: Mapping[str, Any]) -> Answer:
    """`/2/tweets` and `/2/dm_conversations/with/{participant_id}/messages` (both 201 Created, like X)."""
    if path == "/2/tweets":
        return 201, {"data": {"id": str(1900000000000000000 + next_id()), "text": str(body.get("text", ""))}}
    match = re.fullmatch(r"/2/dm_conversations/with/([^/]+)/messages", path)
    if match is not None:
        participant = match.group(1)
        return 201, {
            "data": {
                "dm_conversation_id": f"{participant}-{SANDBOX_X_USER_ID}",
                "dm_event_id": str(1910000000000000000 + next_id()),
            }
        }
    return 404, {"title": "Not Found Error", "detail": f"Unknown path {path}", "type": "about:blank", "status": 404}


def telegram(path: str, body: Mapping[str, Any]) -> Answer:
    """`/bot{token}/sendMessage`; other Bot API methods answer 404 like Telegram does."""
    match = re.fullmatch(r"/bot[^/]+/(\w+)", path)
    if match is None or match.group(1) != "sendMessage":
        return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
    chat_id = body.get("chat_id")
    return 200, {
        "ok": True,
        "result": {
            "message_id": next_id(),
            "date": int(time.time()),
            "chat": {"id": _maybe_int(chat_id), "type": "private"},
            "text": str(body.get("text", "")),
        },
    }


def _maybe_int(value: Any) -> Any:
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def graph_error(message: str, error_type: str, code: int) -> dict[str, Any]:
    return {"error": {"message": message, "type": error_type, "code": code, "fbtrace_id": "sandbox"}}


def default_fault_body(platform: str, status: int) -> dict[str, Any]:
    """A realistic error body for an injected fault when the test did not give one."""
    if platform in ("meta", "instagram"):
        if status == 429:
            return graph_error("(#613) Calls to this api have exceeded the rate limit.", "OAuthException", 613)
        return graph_error("An unexpected error has occurred. Please retry your request later.", "OAuthException", 2)
    if platform == "telegram":
        description = "Too Many Requests: retry after 2" if status == 429 else "Internal Server Error"
        body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
        if status == 429:
            body["parameters"] = {"retry_after": 2}
        return body
    title = "Too Many Requests" if status == 429 else "Service Unavailable"
    return {"title": title, "detail": title, "type": "about:blank", "status": status}


PLATFORMS: dict[str, Callable[[str, Mapping[str, Any]], Answer]] = {
    "meta": meta_graph,
    "instagram": meta_graph,  # graph.instagram.com: the same Graph shapes
    "x": x_api,
    "telegram": telegram,
}
