"""Meta webhook deliveries (Pages feed, Messenger; one app, one endpoint) -> normalised interactions.

A delivery batches up to 1,000 updates across several entries. Each update is read on its own: one
that does not parse becomes a RAW interaction and never spoils the rest of the batch. Instagram
(comments in `contracts.instagram`, DMs in Messenger's shape here) and WhatsApp (`contracts.whatsapp`)
arrive on the same endpoint; a field no reader knows is kept raw for a person.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ackline.contracts import instagram, whatsapp
from ackline.contracts.raw import UNREADABLE, body_text, raw_interaction, raw_json
from ackline.domain.model import Interaction, Kind, Platform

_PUBLIC_ITEMS = {"comment", "post", "status", "photo", "video"}
_MESSAGING_PLATFORMS = {"page": Platform.MESSENGER, "instagram": Platform.INSTAGRAM}


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="allow", coerce_numbers_to_str=True)


class _From(_Lenient):
    id: str = ""
    name: str = ""


class FeedValue(_Lenient):
    item: str
    verb: str
    post_id: str = ""
    comment_id: str = ""
    parent_id: str = ""
    message: str = ""
    created_time: float | None = None
    sender_from: _From | None = Field(default=None, alias="from")


class _Party(_Lenient):
    id: str


class MessengerMessage(_Lenient):
    mid: str
    text: str = ""
    is_echo: bool = False
    is_deleted: bool = False


class MessagingEvent(_Lenient):
    sender: _Party
    recipient: _Party
    timestamp: float
    message: MessengerMessage | None = None


def _feed_interaction(page_id: str, value: FeedValue, raw: str, received_at: float) -> Interaction:
    author = value.sender_from or _From()
    created = value.created_time or received_at
    common: dict[str, Any] = {
        "account_id": page_id,
        "author_id": author.id,
        "author_name": author.name,
        "created_at": created,
        "received_at": received_at,
        "is_own": bool(author.id) and author.id == page_id,
        "raw": raw,
    }
    if value.verb == "add" and value.item in _PUBLIC_ITEMS and (value.comment_id or value.post_id):
        if value.item == "comment":
            # Facebook threads are two levels deep: an answer to a reply goes under the top-level comment.
            is_reply = bool(value.parent_id) and value.parent_id != value.post_id
            target = value.parent_id if is_reply else value.comment_id
            return Interaction(
                platform=Platform.FACEBOOK,
                kind=Kind.COMMENT,
                external_id=value.comment_id,
                thread_id=target,
                post_id=value.post_id,
                text=value.message,
                in_reply_to=value.parent_id if is_reply else "",  # the comment it answers (a Page reply: ours)
                **common,
            )
        return Interaction(
            platform=Platform.FACEBOOK,
            kind=Kind.COMMENT,
            external_id=value.post_id,
            thread_id=value.post_id,
            post_id=value.post_id,
            text=value.message,
            **common,
        )
    # reactions, likes, edits, removals, hides: recorded, never answered
    object_id = value.comment_id or value.post_id
    return Interaction(
        platform=Platform.FACEBOOK,
        kind=Kind.ACTIVITY,
        external_id=f"{value.item}.{value.verb}.{object_id}.{int(created)}.{author.id}",
        activity=f"{value.item} {value.verb}",
        **common,
    )


def _messaging_interaction(
    page_id: str, event: MessagingEvent, raw: str, received_at: float, platform: Platform = Platform.MESSENGER
) -> Interaction:
    """Messenger and Instagram DMs share this shape; `page_id` is the Page or the Instagram account."""
    common: dict[str, Any] = {
        "platform": platform,
        "account_id": page_id,
        "author_id": event.sender.id,
        "created_at": event.timestamp / 1000.0,  # messaging timestamps are milliseconds
        "received_at": received_at,
        "raw": raw,
    }
    if event.message is not None and event.message.is_deleted:
        return Interaction(
            kind=Kind.ACTIVITY, external_id=f"deleted.{event.message.mid}", activity="message deleted", **common
        )
    if event.message is not None:
        # Instagram includes echoes of our own sends on the `messages` field: is_echo, or sent by our account
        own = event.message.is_echo or event.sender.id == page_id
        return Interaction(
            kind=Kind.MESSAGE,
            external_id=event.message.mid,
            thread_id=event.sender.id,
            text=event.message.text,
            is_own=own,
            counterpart_id=event.recipient.id if own else "",  # an echo: the customer it was sent to
            **common,
        )
    known = ("delivery", "read", "reaction", "optin", "postback", "referral", "message_edit")
    kinds = [k for k in known if k in (event.model_extra or {})]
    if not kinds:
        raise ValueError("messaging event of an unknown type")
    return Interaction(
        kind=Kind.ACTIVITY,
        external_id=f"{kinds[0]}.{event.sender.id}.{int(event.timestamp)}",
        activity=kinds[0],
        **common,
    )


def _change_interactions(
    obj: str, page_id: str, entry: dict[str, Any], change: Any, raw: str, received_at: float
) -> list[Interaction]:
    field = change.get("field") if isinstance(change, dict) else None
    value = change.get("value") if isinstance(change, dict) else None
    if obj == "page" and field == "feed":
        return [_feed_interaction(page_id, FeedValue.model_validate(value), raw, received_at)]
    if obj == "instagram" and field in instagram.COMMENT_FIELDS:
        return [instagram.comment_interaction(page_id, entry.get("time"), value, raw, received_at)]
    if obj == "whatsapp_business_account" and field == "messages":
        return whatsapp.change_interactions(value, received_at)
    raise ValueError("a change no reader knows")


def _entry_interactions(obj: str, entry: dict[str, Any], received_at: float) -> list[Interaction]:
    page_id = str(entry.get("id", ""))
    changes, messaging = entry.get("changes") or [], entry.get("messaging") or []
    if not isinstance(changes, list) or not isinstance(messaging, list):
        return [raw_interaction(_platform_of(obj), raw_json(entry), received_at, page_id)]
    out: list[Interaction] = []
    for change in changes:
        raw = raw_json(change)
        try:
            out.extend(_change_interactions(obj, page_id, entry, change, raw, received_at))
        except UNREADABLE:
            out.append(raw_interaction(_platform_of(obj), raw, received_at, page_id))
    for event in messaging:
        raw = raw_json(event)
        try:
            if obj not in _MESSAGING_PLATFORMS:
                raise ValueError("not a messaging object")
            parsed = MessagingEvent.model_validate(event)
            out.append(_messaging_interaction(page_id, parsed, raw, received_at, _MESSAGING_PLATFORMS[obj]))
        except UNREADABLE:
            out.append(raw_interaction(_platform_of(obj), raw, received_at, page_id))
    if not out:
        out.append(raw_interaction(_platform_of(obj), raw_json(entry), received_at, page_id))
    return out


def _platform_of(obj: str) -> Platform:
    return {"page": Platform.FACEBOOK, "instagram": Platform.INSTAGRAM}.get(
        obj, Platform.WHATSAPP if obj == "whatsapp_business_account" else Platform.FACEBOOK
    )


def parse_meta_delivery(body: bytes, received_at: float) -> list[Interaction]:
    """Every update in one authenticated delivery, in order; never raises for odd content."""
    try:
        return _read_delivery(body, received_at)
    except UNREADABLE:
        # unreadable as a whole (nested deeper than the stack, say): kept whole for a person
        return [raw_interaction(Platform.FACEBOOK, body_text(body), received_at)]


def _read_delivery(body: bytes, received_at: float) -> list[Interaction]:
    payload = json.loads(body)
    if not isinstance(payload, dict) or not isinstance(payload.get("entry"), list):
        return [raw_interaction(Platform.FACEBOOK, raw_json(payload), received_at)]
    obj = str(payload.get("object", ""))
    out: list[Interaction] = []
    for entry in payload["entry"]:
        if isinstance(entry, dict):
            out.extend(_entry_interactions(obj, entry, received_at))
        else:
            out.append(raw_interaction(_platform_of(obj), raw_json(entry), received_at))
    # Messenger may deliver out of order; answering in the customer's order reads naturally.
    return sorted(out, key=lambda i: i.created_at)
