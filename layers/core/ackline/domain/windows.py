"""Where a reply can go and until when: the reply channels and their windows, as pure functions of time.

Public vs private is the brand's choice per platform (`BrandPolicy.reply_visibility`, carried by
`Decision.visibility`), bounded by what each platform offers:

- a Facebook or Instagram comment can get a public reply, or one *private reply* through Messenger / the
  Instagram inbox (`recipient.comment_id`): one per comment, within 7 days of the comment;
- an X mention can get a reply tweet, or a DM to its author (no window; X refuses one the author does not accept);
- a direct message (Messenger, Instagram DM, WhatsApp, X DM, Telegram private chat) is private already;
- a Telegram group message is answered in the group: a bot cannot message a person who has not started it.

Messenger, Instagram DMs and WhatsApp allow a free-form reply only inside 24 hours of the customer's
message (WhatsApp's "customer service window"). Public comment replies, X and Telegram have no window.
Outside a window nothing is sent: a person answers (they may use a template or tag the platform allows),
and the case says why.
"""

from __future__ import annotations

from ackline.domain.model import Interaction, Kind, Platform, Visibility

HOUR = 3600.0
MESSAGING_WINDOW_SECONDS = 24 * HOUR
PRIVATE_REPLY_WINDOW_SECONDS = 7 * 24 * HOUR

_MESSAGING_WINDOWS = {Platform.MESSENGER, Platform.INSTAGRAM, Platform.WHATSAPP}
# comments that can be answered in private, and which of those private replies have a window
PRIVATE_COMMENT_REPLIES = frozenset({Platform.FACEBOOK, Platform.INSTAGRAM, Platform.X})
_PRIVATE_REPLY_WINDOWS = {Platform.FACEBOOK, Platform.INSTAGRAM}


def _telegram_group(interaction: Interaction) -> bool:
    # in a private chat the chat id is the person's own id; a group's is its own (negative) id
    return interaction.platform is Platform.TELEGRAM and interaction.thread_id != interaction.author_id


def deliverable_visibility(interaction: Interaction, chosen: Visibility) -> Visibility:
    """Where the reply actually goes: the brand's choice where the platform offers it, else the natural place.

    `chosen` UNSET (items stored before visibility was decided) means the natural place: a comment is
    answered in public, a direct message in private."""
    if _telegram_group(interaction):
        # A bot cannot start a private chat with someone who has not started it, so a group message is
        # answered in the group even when the brand prefers private replies.
        return Visibility.PUBLIC
    if interaction.kind is not Kind.COMMENT:
        return Visibility.PRIVATE  # a direct message is private already; its answer cannot be made public
    if chosen is Visibility.PRIVATE and interaction.platform in PRIVATE_COMMENT_REPLIES:
        return Visibility.PRIVATE
    return Visibility.PUBLIC


def reply_window_seconds(interaction: Interaction, visibility: Visibility = Visibility.UNSET) -> float | None:
    """How long after the customer's message a reply may go out; None when there is no window."""
    where = deliverable_visibility(interaction, visibility)
    if interaction.kind is Kind.COMMENT:
        private = where is Visibility.PRIVATE and interaction.platform in _PRIVATE_REPLY_WINDOWS
        return PRIVATE_REPLY_WINDOW_SECONDS if private else None
    if interaction.platform in _MESSAGING_WINDOWS and interaction.kind is Kind.MESSAGE:
        return MESSAGING_WINDOW_SECONDS
    return None


def window_closed(interaction: Interaction, now: float, visibility: Visibility = Visibility.UNSET) -> str | None:
    """Why the reply window is closed, or None while a reply may still go out."""
    window = reply_window_seconds(interaction, visibility)
    if window is None or now - interaction.created_at <= window:
        return None
    hours = int(window // HOUR)
    if interaction.kind is Kind.COMMENT:
        return (
            f"{interaction.platform.value} private reply window closed ({hours} h after the customer's comment; "
            "one private reply per comment, within 7 days)"
        )
    return f"{interaction.platform.value} reply window closed ({hours} h after the customer's message)"
