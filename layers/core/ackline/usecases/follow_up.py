"""Make sure a person sees an escalated interaction: open a case for its conversation, or add to it."""

from __future__ import annotations

from ackline.contracts.messages import FollowUpRequest
from ackline.domain.model import Case, Priority
from ackline.ports import CaseStore, InteractionStore
from ackline.usecases.respond import InteractionMissing


def follow_up(request: FollowUpRequest, interactions: InteractionStore, cases: CaseStore, now: float) -> Case:
    stored = interactions.get(request.interaction_key)
    if stored is None:
        raise InteractionMissing(request.interaction_key)
    decision = stored.decision
    # A reply that failed still deserves at least normal priority even if the message itself was routine.
    priority = decision.priority if decision.escalate else Priority.P3
    reasons = tuple(dict.fromkeys((*decision.reasons, *request.reasons)))
    # the brand policy's SLA travels in the decision; hand-offs from the responder use the default for P3
    sla_seconds = decision.sla_minutes * 60 if decision.escalate and decision.sla_minutes else None
    return cases.open_or_append(stored.interaction, priority, reasons, now, sla_seconds)
