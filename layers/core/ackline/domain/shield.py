"""The abuse shield at the edge: a per-author rate limit, applied before any acknowledgement.

Beyond the policy's `author_messages_per_minute` from one author, further messages are stored (nothing is ever
lost) and counted, but neither answered nor queued, so a flood from one author costs no replies, no platform
rate limit and no queue time that other customers' replies need. The first message over the limit reaches a
person once (a case: "this author is flooding"); the rest are silent. Blocking an author outright is a human
decision (docs/DESIGN.md rule 6) kept in one place, the staff's blocklist (`domain.blocks`), not here.
"""

from __future__ import annotations

from dataclasses import dataclass

from ackline.domain.model import Action, Decision, Interaction, Kind, Priority

RATE_LIMITED_REASON = "abuse shield: over the per-author rate limit, stored but not answered"


@dataclass(frozen=True)
class AuthorRate:
    """What one author's counter said after counting this delivery's messages."""

    count: int  # messages from the author this minute, this delivery's included


def shielded(interaction: Interaction) -> bool:
    """Only customers' messages are limited (not the brand's own posts, reactions or statuses)."""
    return not interaction.is_own and interaction.kind in (Kind.COMMENT, Kind.MESSAGE)


def apply_shield(decision: Decision, position: int, limit: int) -> Decision:
    """`position`: this message's place among the author's messages this minute (1 = the first)."""
    if position <= limit:
        return decision
    # the first one over the limit tells a person once; the rest stay silent
    return _silenced(decision, RATE_LIMITED_REASON, escalate=position == limit + 1)


def _silenced(decision: Decision, reason: str, *, escalate: bool) -> Decision:
    reasons = (*dict.fromkeys((*decision.reasons, reason)),)
    update: dict[str, object] = {"action": Action.SUPPRESS, "reply_template": "", "reasons": reasons}
    if escalate:
        # at least P3: a flood is worth a look, but it is one person's behaviour, not an emergency
        priority = decision.priority if decision.escalate and decision.priority < Priority.P3 else Priority.P3
        update.update(action=Action.ESCALATE_ONLY, escalate=True, priority=priority)
    else:
        update["escalate"] = False
    return decision.model_copy(update=update)


def is_shielded(decision: Decision) -> bool:
    return RATE_LIMITED_REASON in decision.reasons
