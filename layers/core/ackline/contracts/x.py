"""X Account Activity deliveries -> interactions: mentions/replies and DMs; the rest is activity."""

from __future__ import annotations

import json
from typing import Any

from ackline.contracts.raw import UNREADABLE, body_text, raw_interaction, raw_json
from ackline.domain.model import Interaction, Kind, Platform


def _own_handle(for_user: str, tweet: dict[str, Any]) -> str:
    """Our screen name as this tweet mentions it: every mention of us starts with it, and triage must know it is us."""
    mentions = (tweet.get("entities") or {}).get("user_mentions") or []
    for mention in mentions if isinstance(mentions, list) else []:
        if isinstance(mention, dict) and str(mention.get("id_str", "")) == for_user and mention.get("screen_name"):
            return str(mention["screen_name"])
    return ""


def _tweet(for_user: str, tweet: dict[str, Any], received_at: float) -> Interaction:
    user = tweet.get("user") or {}
    text = (tweet.get("extended_tweet") or {}).get("full_text") or tweet.get("text") or ""
    created_ms = tweet.get("timestamp_ms")
    # a retweet of us says nothing to answer; quote tweets and replies do
    retweet = isinstance(tweet.get("retweeted_status"), dict)
    return Interaction(
        platform=Platform.X,
        kind=Kind.ACTIVITY if retweet else Kind.COMMENT,
        activity="retweet" if retweet else "",
        external_id=str(tweet["id_str"]),
        account_id=for_user,
        account_handle=_own_handle(for_user, tweet),
        author_id=str(user.get("id_str", "")),
        author_name=str(user.get("name", "")),
        thread_id=str(tweet["id_str"]),
        text=str(text),
        created_at=float(created_ms) / 1000 if created_ms else received_at,
        received_at=received_at,
        is_own=str(user.get("id_str", "")) == for_user,
        # our own reply tweet in a customer's thread: whom and what it answers
        counterpart_id=str(tweet.get("in_reply_to_user_id_str") or ""),
        in_reply_to=str(tweet.get("in_reply_to_status_id_str") or ""),
        raw=raw_json(tweet),
    )


def _dm(for_user: str, event: dict[str, Any], users: dict[str, Any], received_at: float) -> Interaction:
    create = event["message_create"]
    sender = str(create.get("sender_id", ""))
    return Interaction(
        platform=Platform.X,
        kind=Kind.MESSAGE,
        external_id=f"dm-{event['id']}",
        account_id=for_user,
        author_id=sender,
        author_name=str((users.get(sender) or {}).get("name", "")),
        thread_id=sender,
        text=str((create.get("message_data") or {}).get("text", "")),
        created_at=float(event.get("created_timestamp", received_at * 1000)) / 1000,
        received_at=received_at,
        is_own=sender == for_user,
        counterpart_id=str((create.get("target") or {}).get("recipient_id", "")) if sender == for_user else "",
        raw=raw_json(event),
    )


def parse_x_delivery(body: bytes, received_at: float) -> list[Interaction]:
    """Every event in one authenticated delivery; never raises for odd content."""
    try:
        return _read_delivery(body, received_at)
    except UNREADABLE:
        return [raw_interaction(Platform.X, body_text(body), received_at)]


def _read_delivery(body: bytes, received_at: float) -> list[Interaction]:
    payload = json.loads(body)
    if not isinstance(payload, dict):
        return [raw_interaction(Platform.X, raw_json(payload), received_at)]
    for_user = str(payload.get("for_user_id", ""))
    out: list[Interaction] = []
    for field, events in payload.items():
        if not isinstance(events, list):
            continue
        for event in events:
            try:
                if field == "tweet_create_events":
                    out.append(_tweet(for_user, event, received_at))
                elif field == "direct_message_events" and event.get("type") == "message_create":
                    out.append(_dm(for_user, event, payload.get("users") or {}, received_at))
                else:
                    activity = raw_interaction(Platform.X, raw_json(event), received_at, for_user)
                    out.append(activity.model_copy(update={"kind": Kind.ACTIVITY, "activity": field}))
            except UNREADABLE:
                out.append(raw_interaction(Platform.X, raw_json(event), received_at, for_user))
    return out or [raw_interaction(Platform.X, raw_json(payload), received_at, for_user)]
