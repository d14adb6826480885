"""Telegram updates (one per POST) -> an interaction: private chats, and groups where the bot is addressed."""

from __future__ import annotations

import json
from typing import Any

from ackline.contracts.raw import UNREADABLE, body_text, raw_interaction, raw_json
from ackline.domain.model import Interaction, Kind, Platform


def _message(update: dict[str, Any], received_at: float) -> Interaction:
    message = update["message"]
    chat = message["chat"]
    sender = message.get("from") or {}
    name = " ".join(str(sender.get(k, "")) for k in ("first_name", "last_name")).strip()
    text = str(message.get("text") or message.get("caption") or "")
    private = chat.get("type") == "private"
    addressed = private or "@" in text or bool(message.get("reply_to_message"))
    kind = Kind.MESSAGE if addressed else Kind.ACTIVITY
    return Interaction(
        platform=Platform.TELEGRAM,
        kind=kind,
        external_id=f"{chat['id']}:{message['message_id']}",
        account_id="bot",
        author_id=str(sender.get("id", "")),
        author_name=name,
        thread_id=str(chat["id"]),
        text=text,
        created_at=float(message.get("date", received_at)),
        received_at=received_at,
        is_own=bool(sender.get("is_bot")),
        activity="" if addressed else "group chatter not addressed to the bot",
        raw=raw_json(update),
    )


def parse_telegram_update(body: bytes, received_at: float) -> list[Interaction]:
    try:
        update = json.loads(body)
        if isinstance(update.get("message"), dict):
            return [_message(update, received_at)]
        update_id = update["update_id"]
        kind = next((k for k in update if k != "update_id"), "update")
        activity = raw_interaction(Platform.TELEGRAM, raw_json(update), received_at, "bot")
    except UNREADABLE:
        return [raw_interaction(Platform.TELEGRAM, body_text(body), received_at)]
    return [activity.model_copy(update={"kind": Kind.ACTIVITY, "activity": kind, "external_id": f"u{update_id}"})]
