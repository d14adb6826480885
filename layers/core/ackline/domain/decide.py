"""The decision ingest records: triage's classification, bounded by the reply channels that exist.

Kept apart from triage because it answers a different question — not "what does this message need?"
but "can software deliver that here?" — and changes as reply clients land, not as the rules do.
"""

from __future__ import annotations

from ackline.domain.model import Action, Decision, Interaction, Platform
from ackline.domain.policy import BrandPolicy
from ackline.domain.triage import AuthorStanding, triage

# Platforms whose reply client has landed; elsewhere a person answers, and the case says why.
AUTOMATED_REPLY_PLATFORMS = frozenset(
    {Platform.FACEBOOK, Platform.MESSENGER, Platform.INSTAGRAM, Platform.WHATSAPP, Platform.X, Platform.TELEGRAM}
)


def decide(
    interaction: Interaction, policy: BrandPolicy | None = None, standing: AuthorStanding | None = None
) -> Decision:
    decision = triage(interaction, policy, standing)
    if decision.action is not Action.REPLY or interaction.platform in AUTOMATED_REPLY_PLATFORMS:
        return decision
    reason = f"no automated reply channel for {interaction.platform.value}: a person answers"
    return decision.model_copy(
        update={
            "action": Action.ESCALATE_ONLY,
            "escalate": True,
            "reasons": (*decision.reasons, reason),
            "reply_template": "",
        }
    )
