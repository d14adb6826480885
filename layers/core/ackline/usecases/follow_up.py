"""Make sure a person sees an escalated interaction: open a case for its conversation, or add to it; and
when the case cannot wait for the queue (crisis, safety, legal), alert people at once."""

from __future__ import annotations

from ackline.contracts.messages import FollowUpRequest
from ackline.domain.alerts import alert_text, needs_alert
from ackline.domain.crisis import in_crisis
from ackline.domain.model import Case, Intent, Priority, ReplyStatus
from ackline.ports import Alerter, CaseStore, InteractionStore, UnsettledInteractions
from ackline.usecases.respond import InteractionMissing

# Shorter than the FollowUpQueue's visibility timeout (120 s), so a message retried after a crash can alert.
ALERT_LEASE_SECONDS = 60


def follow_up(
    request: FollowUpRequest,
    interactions: InteractionStore,
    cases: CaseStore,
    now: float,
    alerter: Alerter | None = None,
    reopen_seconds: int = 0,
    unsettled: UnsettledInteractions | None = None,
) -> Case:
    stored = interactions.get(request.interaction_key)
    if stored is None:
        raise InteractionMissing(request.interaction_key)
    decision = stored.decision
    # A reply that failed still deserves at least normal priority even if the message itself was routine.
    priority = decision.priority if decision.escalate else Priority.P3
    # per-message sentiment scores say nothing a person needs and would grow the case item with every message
    reasons = tuple(r for r in dict.fromkeys((*decision.reasons, *request.reasons)) if not r.startswith("sentiment"))
    # the brand policy's SLA travels in the decision; hand-offs from the responder use the default for P3
    sla_seconds = decision.sla_minutes * 60 if decision.escalate and decision.sla_minutes else None
    # within the policy's reopen window a customer's new message reopens their resolved case (`reopen_seconds`)
    case = cases.open_or_append(stored.interaction, priority, reasons, now, sla_seconds, reopen_seconds)
    if unsettled is not None and decision.escalate and stored.reply_status is ReplyStatus.NONE:
        # an escalation with no reply is settled once its case is written: the reconciler stops watching it
        unsettled.case_recorded(stored.interaction.key)
    # A crisis-mode wave alerts people once for the whole wave (usecases.crisis), not once per case; a
    # message that is itself a crisis (safety, legal) still alerts on its own.
    wave = in_crisis(decision) and decision.intent is not Intent.CRISIS
    if (
        alerter is not None
        and needs_alert(case)
        and not wave
        and cases.claim_alert(case.case_id, now, ALERT_LEASE_SECONDS)
    ):
        # one follow-up of the case alerts (two of them can run at once); alert first, then record it: a crash in
        # between alerts again once the lease runs out (the message returns after its visibility timeout), never
        # not at all
        alerter.alert(*alert_text(case))
        cases.mark_alerted(case.case_id, now)
        case = case.model_copy(update={"alerted_at": now})
    return case
