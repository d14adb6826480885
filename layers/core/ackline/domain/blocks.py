"""Authors a person decided to block: their messages are still stored (nothing is lost, erasure still finds them)
but never answered and never queued for a person. Blocking is a human decision; the abuse ledger only flags."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from ackline.domain.model import Action, Decision, Interaction, Platform

BLOCKED_REASON = "author blocked by staff"


class BlockedAuthor(BaseModel):
    model_config = ConfigDict(frozen=True)

    platform: Platform
    author_id: str = Field(min_length=1, max_length=256)
    by: str
    at: float


def author_of(interaction: Interaction) -> tuple[Platform, str] | None:
    """Who a block applies to; None for our own messages and events without an author."""
    if interaction.is_own or not interaction.author_id:
        return None
    return interaction.platform, interaction.author_id


def silenced(decision: Decision) -> Decision:
    """The decision for a blocked author's message: stored with the reason, no reply, no case."""
    return decision.model_copy(
        update={
            "action": Action.SUPPRESS,
            "escalate": False,
            "reply_template": "",
            "reasons": (*decision.reasons, BLOCKED_REASON),
        }
    )
