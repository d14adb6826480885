"""When a platform still lets software answer: the reply windows, as pure functions of time.

Messenger, Instagram DMs and WhatsApp allow a free-form reply only inside 24 hours of the customer's
message (WhatsApp's "customer service window"); an Instagram private reply to a comment only within 7
days of the comment. Public comment replies, X and Telegram have no window. Outside a window nothing
is sent: a person answers (they may use a template or tag the platform allows), and the case says why.
"""

from __future__ import annotations

from ackline.domain.model import Interaction, Kind, Platform

HOUR = 3600.0
MESSAGING_WINDOW_SECONDS = 24 * HOUR
PRIVATE_REPLY_WINDOW_SECONDS = 7 * 24 * HOUR

_MESSAGING_WINDOWS = {Platform.MESSENGER, Platform.INSTAGRAM, Platform.WHATSAPP}


def reply_window_seconds(interaction: Interaction, *, private_reply: bool = False) -> float | None:
    """How long after the customer's message a reply may go out; None when there is no window."""
    if interaction.platform is Platform.INSTAGRAM and interaction.kind is Kind.COMMENT:
        return PRIVATE_REPLY_WINDOW_SECONDS if private_reply else None
    if interaction.platform in _MESSAGING_WINDOWS and interaction.kind is Kind.MESSAGE:
        return MESSAGING_WINDOW_SECONDS
    return None


def window_closed(interaction: Interaction, now: float, *, private_reply: bool = False) -> str | None:
    """Why the reply window is closed, or None while a reply may still go out."""
    window = reply_window_seconds(interaction, private_reply=private_reply)
    if window is None or now - interaction.created_at <= window:
        return None
    hours = int(window // HOUR)
    return f"{interaction.platform.value} reply window closed ({hours} h after the customer's message)"
