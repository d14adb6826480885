"""How long a reply may be on each platform, in one place so reply rendering and reply clients agree.

Counted the way each platform counts: X weighs characters (most scripts 1, CJK and emoji 2, every URL
23, after NFC normalisation); Instagram DMs count UTF-8 bytes; the others count characters. A reply
that does not fit is never cut short: it goes to a person instead.
"""

from __future__ import annotations

import re
import unicodedata

from ackline.domain.model import Interaction, Kind, Platform

# (platform, kind) -> the most a reply may weigh; a kind not listed takes the platform's (None) entry.
REPLY_LIMITS: dict[tuple[Platform, Kind | None], int] = {
    (Platform.FACEBOOK, None): 8000,  # Graph comment message
    (Platform.MESSENGER, None): 1999,  # Send API: "less than 2000 characters"
    (Platform.INSTAGRAM, Kind.COMMENT): 2200,  # an Instagram comment (public reply)
    (Platform.INSTAGRAM, None): 1000,  # Instagram messaging text, in UTF-8 bytes (DMs and private replies)
    (Platform.WHATSAPP, None): 4096,  # text.body
    (Platform.X, None): 280,  # weighted characters
    (Platform.TELEGRAM, None): 4096,  # sendMessage text, after entity parsing (we send plain text)
}

X_URL_WEIGHT = 23  # every link is wrapped by t.co
# twitter-text v3: code points in these ranges weigh 1, everything else 2
_X_LIGHT_RANGES = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
_URL = re.compile(r"https?://\S+", re.IGNORECASE)


def x_weighted_length(text: str) -> int:
    """X's weighted length. Emoji sequences joined by ZWJ are over-counted, which errs on the safe side."""
    normalised = unicodedata.normalize("NFC", text)
    urls = _URL.findall(normalised)
    rest = _URL.sub("", normalised)
    light = sum(1 for ch in rest if any(lo <= ord(ch) <= hi for lo, hi in _X_LIGHT_RANGES))
    return len(urls) * X_URL_WEIGHT + light + 2 * (len(rest) - light)


def reply_limit(platform: Platform, kind: Kind) -> int | None:
    return REPLY_LIMITS.get((platform, kind), REPLY_LIMITS.get((platform, None)))


def reply_length(platform: Platform, kind: Kind, text: str) -> int:
    """The length the platform measures the reply by."""
    if platform is Platform.X:
        return x_weighted_length(text)
    if platform is Platform.INSTAGRAM and kind is not Kind.COMMENT:
        return len(text.encode("utf-8"))
    return len(text)


def too_long(interaction: Interaction, text: str) -> str | None:
    """Why this reply cannot be sent as is, or None when it fits."""
    limit = reply_limit(interaction.platform, interaction.kind)
    length = reply_length(interaction.platform, interaction.kind, text)
    if limit is not None and length > limit:
        return f"reply is {length} long; {interaction.platform.value} allows {limit}"
    return None
