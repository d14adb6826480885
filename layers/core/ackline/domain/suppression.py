"""Which suppressed messages staff can see, and the rule that no customer message ends in nothing.

A customer message is replied to, handed to a person (a case), or suppressed with a reason. Suppressing spam or
a comment that only tags friends is right for the queue but must not make the message vanish: those are listed
for staff under "suppressed" (`GET /api/suppressed`, newest first), like a spam folder — visible, searchable,
never paging anyone. Events that are not customer messages (reactions, edits, our own posts and echoes) are
suppressed without a listing: there is nobody waiting on them.
"""

from __future__ import annotations

from ackline.domain.model import Action, Decision, Interaction, Kind

# Reasons that mean "this is us", set by the readers (is_own) or by triage from the brand policy's own accounts.
_OUR_OWN = ("our own message",)


def listed_as_suppressed(interaction: Interaction, decision: Decision) -> bool:
    """A customer message we chose not to answer: staff see it under "suppressed"."""
    if decision.action is not Action.SUPPRESS or decision.escalate:
        return False
    if interaction.kind not in (Kind.COMMENT, Kind.MESSAGE) or interaction.is_own:
        return False
    return not any(reason.startswith(_OUR_OWN) for reason in decision.reasons)


def ends_somewhere(interaction: Interaction, decision: Decision) -> bool:
    """The invariant: a customer message is replied to, becomes a case, or is listed as suppressed with a reason."""
    if interaction.kind not in (Kind.COMMENT, Kind.MESSAGE) or interaction.is_own:
        return True  # not a customer message: nothing is owed
    if decision.action is Action.REPLY or decision.escalate:
        return True
    return bool(decision.reasons) and (
        listed_as_suppressed(interaction, decision) or any(r.startswith(_OUR_OWN) for r in decision.reasons)
    )
