"""WhatsApp Cloud API `messages` changes -> interactions: customer messages, reactions and delivery statuses.

One change carries `messages[]` from customers and/or `statuses[]` about messages *we* sent. Each item is
read on its own; one that does not parse is kept raw beside the others. Statuses never ask for a reply.
A status about a reply ackline sent updates that reply's delivery state (`delivery_report`, applied by
ingest); one about a message ackline does not know is recorded in the customer's conversation. Only a
`failed` status reaches a person, because then our answer never arrived.
"""

from __future__ import annotations

import json
from typing import Any

from ackline.contracts.raw import UNREADABLE, raw_interaction, raw_json
from ackline.domain.delivery import DeliveryReport, delivery_state, failure_reason
from ackline.domain.model import Interaction, Kind, Platform

# Types that are a customer saying something; those without text (a photo, a voice note) reach a person.
MESSAGE_TYPES = frozenset(
    {"text", "image", "audio", "video", "document", "sticker", "location", "contacts", "button", "interactive", "order"}
)
_CAPTIONED = ("image", "video", "document")


def _text_of(message: dict[str, Any]) -> str:
    kind = message.get("type")
    if kind == "text":
        return str((message.get("text") or {}).get("body", ""))
    if kind in _CAPTIONED:
        return str((message.get(kind) or {}).get("caption", ""))
    if kind == "button":  # a tap on a template's quick-reply button
        return str((message.get("button") or {}).get("text", ""))
    if kind == "interactive":
        interactive = message.get("interactive") or {}
        chosen = interactive.get("button_reply") or interactive.get("list_reply") or {}
        return str(chosen.get("title", ""))
    return ""


def sender_of(message: dict[str, Any]) -> str:
    """Who wrote: the phone number (`from`) when WhatsApp shares it, else the business-scoped user id.

    Since 2026 a sender who adopted a username may arrive with only `from_user_id` (a BSUID such as
    `US.26852818834383302`). The phone number stays first while it is there, so conversations stored before
    BSUIDs keep their key; a BSUID-only message is still stored, answered (with `recipient`) and never dropped.
    """
    sender = str(message.get("from") or message.get("from_user_id") or "")
    if not sender:
        raise KeyError("a WhatsApp message names its sender by `from` or `from_user_id`")
    return sender


def _message(value: dict[str, Any], message: dict[str, Any], names: dict[str, str], received_at: float) -> Interaction:
    metadata = value.get("metadata") or {}
    account = str(metadata["phone_number_id"])
    sender = sender_of(message)
    common: dict[str, Any] = {
        "platform": Platform.WHATSAPP,
        "account_id": account,
        "author_id": sender,
        "author_name": names.get(sender, ""),
        "thread_id": sender,
        "created_at": float(message.get("timestamp") or received_at),
        "received_at": received_at,
        # WhatsApp sends our own messages only as statuses; this guards a misrouted number anyway
        "is_own": sender == str(metadata.get("display_phone_number", "")),
        "raw": raw_json(message),
    }
    kind = str(message.get("type", ""))
    wamid = str(message["id"])
    if kind in MESSAGE_TYPES:
        return Interaction(kind=Kind.MESSAGE, external_id=wamid, text=_text_of(message), **common)
    if kind == "reaction":
        emoji = (message.get("reaction") or {}).get("emoji") or ""
        return Interaction(
            kind=Kind.ACTIVITY, external_id=wamid, activity="reaction" if emoji else "reaction removed", **common
        )
    if kind == "system":
        system_type = str((message.get("system") or {}).get("type", "change"))
        return Interaction(kind=Kind.ACTIVITY, external_id=wamid, activity=f"system: {system_type}", **common)
    # "unsupported" and types newer than this reader: kept whole, under the wamid so redelivery dedupes
    return Interaction(
        kind=Kind.RAW,
        external_id=wamid,
        activity=f"WhatsApp message of type {kind or 'unknown'}: a person looks",
        **common,
    )


def _status(value: dict[str, Any], status: dict[str, Any], received_at: float) -> Interaction:
    state = str(status["status"])
    our_message = str(status["id"])
    common: dict[str, Any] = {
        "platform": Platform.WHATSAPP,
        "external_id": f"status.{our_message}.{state}",
        "account_id": str((value.get("metadata") or {})["phone_number_id"]),
        # the customer (phone number, else business-scoped user id): it joins their conversation
        "author_id": str(status.get("recipient_id") or status.get("recipient_user_id") or ""),
        "thread_id": our_message,
        "created_at": float(status.get("timestamp") or received_at),
        "received_at": received_at,
        "raw": raw_json(status),
    }
    if state != "failed":
        return Interaction(kind=Kind.ACTIVITY, activity=f"delivery status: {state}", **common)
    # RAW is the kind that always reaches a person, with `activity` as the reason
    return Interaction(kind=Kind.RAW, activity=failure_reason(Platform.WHATSAPP, _error_of(status)), **common)


def _error_of(status: dict[str, Any]) -> str:
    errors = status.get("errors") or [{}]
    first = errors[0] if isinstance(errors, list) and errors and isinstance(errors[0], dict) else {}
    return f"{first.get('code', '?')} {first.get('title', '')}".strip()


_STATUS_PREFIX = "status."


def delivery_report(interaction: Interaction) -> DeliveryReport | None:
    """The delivery report a status interaction (read by `_status`) carries; None for anything else."""
    if interaction.platform is not Platform.WHATSAPP or not interaction.external_id.startswith(_STATUS_PREFIX):
        return None
    # external_id is status.<wamid>.<state>; a wamid may contain dots, a state does not
    wamid, _, state = interaction.external_id.removeprefix(_STATUS_PREFIX).rpartition(".")
    if not wamid or wamid != interaction.thread_id:
        return None
    report = DeliveryReport(Platform.WHATSAPP, wamid, delivery_state(state), interaction.created_at)
    if state == "failed":
        try:
            status = json.loads(interaction.raw)
        except ValueError:
            status = {}
        error = _error_of(status) if isinstance(status, dict) else "?"
        report = DeliveryReport(report.platform, wamid, report.state, report.at, error)
    return report


def change_interactions(value: Any, received_at: float) -> list[Interaction]:
    """Every message and status in one `messages` change; raises ValueError when it holds neither."""
    if not isinstance(value, dict):
        raise ValueError("a WhatsApp change value is an object")
    messages, statuses = value.get("messages") or [], value.get("statuses") or []
    if not isinstance(messages, list) or not isinstance(statuses, list) or not (messages or statuses):
        raise ValueError("no messages or statuses in this change")
    contacts: list[Any] = value["contacts"] if isinstance(value.get("contacts"), list) else []
    # a contact is named by its phone number (wa_id) and/or its business-scoped user id (user_id)
    names = {
        str(c[id_field]): str(c["profile"].get("name", ""))
        for c in contacts
        if isinstance(c, dict) and isinstance(c.get("profile"), dict)
        for id_field in ("wa_id", "user_id")
        if c.get(id_field)
    }
    account = (
        str((value.get("metadata") or {}).get("phone_number_id", "")) if isinstance(value.get("metadata"), dict) else ""
    )
    out: list[Interaction] = []
    for items, read in ((messages, "message"), (statuses, "status")):
        for item in items:
            try:
                if read == "message":
                    out.append(_message(value, item, names, received_at))
                else:
                    out.append(_status(value, item, received_at))
            except UNREADABLE:
                out.append(raw_interaction(Platform.WHATSAPP, raw_json(item), received_at, account))
    return out
