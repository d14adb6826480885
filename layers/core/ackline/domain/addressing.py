"""Who a message is addressed to: us (our own handles and account ids), or only other people.

Every mention on X starts with the brand's handle, so "@acme_support my wifi keeps dropping" must read as a
message to us — and the handle must not be read as a word of it. Our handles come from the brand policy
(`own_accounts`) and from the event itself: the account it was delivered for (X's `for_user_id`, the Page or
Instagram account id) and the handle the platform showed for that account.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ackline.domain.model import Interaction, Kind, Platform
from ackline.domain.policy import BrandPolicy

NOT_ADDRESSED_TO_US = "only tags other people: not addressed to us"
ADDRESSED_TO_US = "addressed to us: mentions our account"
OWN_ACCOUNT = "our own message (from one of the brand's own accounts)"

_MENTION = re.compile(r"(?<![\w.])@\w+")
# One-to-one chats: whatever a message there mentions, it is written to us.
_ONE_TO_ONE = frozenset({Platform.MESSENGER, Platform.WHATSAPP, Platform.INSTAGRAM, Platform.X})


@dataclass(frozen=True)
class Addressing:
    text: str  # the message without our own handles, so "@acme_support" is not read as a word
    mentions_us: bool
    mentions_others: bool
    one_to_one: bool  # a direct message: written to us whatever it mentions


def own_handles(interaction: Interaction, policy: BrandPolicy) -> frozenset[str]:
    """Our handles and account ids on the interaction's platform, lower-case and without "@"."""
    delivered_for = {h.lstrip("@").lower() for h in (interaction.account_id, interaction.account_handle) if h}
    return policy.own_handles(interaction.platform) | delivered_for


def from_us(interaction: Interaction, own: frozenset[str]) -> bool:
    """Sent by one of our own accounts (the readers already mark the account the event was delivered for)."""
    return bool(interaction.author_id) and interaction.author_id.lower() in own


def addressing(interaction: Interaction, own: frozenset[str]) -> Addressing:
    us = others = False

    def strip_ours(match: re.Match[str]) -> str:
        nonlocal us, others
        if match.group(0)[1:].lower() in own:
            us = True
            return ""
        others = True
        return match.group(0)

    text = interaction.text
    stripped = _MENTION.sub(strip_ours, text)
    one_to_one = interaction.kind is Kind.MESSAGE and interaction.platform in _ONE_TO_ONE
    return Addressing(
        text=" ".join(stripped.split()) if us else text, mentions_us=us, mentions_others=others, one_to_one=one_to_one
    )


def only_others(address: Addressing) -> bool:
    """It names other people and not us, outside a one-to-one chat ("@sam look at this" under our post)."""
    return address.mentions_others and not address.mentions_us and not address.one_to_one
