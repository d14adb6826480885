"""The abuse shield in Ingest (the rules: `domain.shield`): a per-author rate limit."""

from __future__ import annotations

from collections.abc import Sequence

from ackline.domain.model import Decision, Interaction
from ackline.domain.policy import BrandPolicy
from ackline.domain.shield import apply_shield, shielded
from ackline.ports import AuthorShield


def shield_decisions(
    interactions: Sequence[Interaction], decisions: Sequence[Decision], shield: AuthorShield, policy: BrandPolicy
) -> list[Decision]:
    """Count each author's messages in this delivery (one write per author) and silence those over the limit."""
    by_author: dict[str, list[int]] = {}
    for index, interaction in enumerate(interactions):
        if shielded(interaction):
            by_author.setdefault(interaction.conversation_key, []).append(index)
    if not by_author:
        return list(decisions)
    now = max(i.received_at for i in interactions)
    rates = shield.hit({author: len(indexes) for author, indexes in by_author.items()}, now)
    limit = policy.thresholds.author_messages_per_minute
    adjusted = list(decisions)
    for author, indexes in by_author.items():
        rate = rates[author]
        first = rate.count - len(indexes) + 1  # this delivery's first message's place in the author's minute
        for offset, index in enumerate(indexes):
            adjusted[index] = apply_shield(adjusted[index], first + offset, limit)
    return adjusted
