"""Find interactions stuck between steps and move them on through the same idempotent path, or to a person.

Every interaction that still owes a reply or a case sits in a sparse index until the write that settles it;
what stays there past a limit is stuck:

- a reply `pending` that was never attempted: stored, but its queue message never went out (the webhook got a
  5xx and the platform did not retry) or was lost. Its ack — and its follow-up, which ingest queues first — is
  queued again; the responder's lease keeps it to one reply, and adding to a case is idempotent;
- a reply `pending` after attempts: the responder schedules its own retries (up to a platform's rate-limit
  reset), so only after a longer limit is it queued again;
- a reply `pending` for longer than anyone should wait: a person answers instead (pending -> failed, only if
  still pending, so a responder that claims it meanwhile wins);
- a lease (`sending`) that expired: the worker died mid-send and the reply may be live. Its ack is queued again
  so the responder settles it as an unknown outcome and hands it to a person — never a resend;
- an escalation without a reply whose case was never recorded: its follow-up is queued again;
- anything else is an entry whose clean-up write was lost: it leaves the index.

The counts are the reconciler's findings: anything re-driven means a step failed somewhere, so they are
published as a metric with an alarm on it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ackline.contracts.messages import AckRequest, FollowUpRequest
from ackline.domain.model import ReplyStatus, StoredInteraction
from ackline.ports import Dispatcher, UnsettledInteractions


@dataclass(frozen=True)
class ReconcileLimits:
    never_attempted_seconds: int = 120  # a reply pending with no attempt: its message should have arrived by now
    retrying_seconds: int = 20 * 60  # past X's longest rate-limit wait (15 min) the responder's retries are lost
    give_up_seconds: int = 60 * 60  # a customer waiting an hour is a person's job
    batch: int = 500  # per run; the next run (minutes later) takes the rest


@dataclass(frozen=True)
class ReconcileReport:
    acks_requeued: int = 0
    follow_ups_requeued: int = 0
    handed_to_people: int = 0
    leases_expired: int = 0
    cleaned: int = 0
    examined: int = 0

    @property
    def findings(self) -> int:
        """Interactions that were stuck (clean-ups are housekeeping, not findings)."""
        return self.acks_requeued + self.follow_ups_requeued + self.handed_to_people


def _age(stored: StoredInteraction, now: float) -> float:
    return now - stored.interaction.received_at


def reconcile(
    unsettled: UnsettledInteractions,
    dispatcher: Dispatcher,
    now: float,
    limits: ReconcileLimits | None = None,
) -> ReconcileReport:
    limits = limits or ReconcileLimits()
    acks: list[AckRequest] = []
    follow_ups: list[FollowUpRequest] = []
    handed = expired = cleaned = 0
    candidates = unsettled.unsettled(now - limits.never_attempted_seconds, limits.batch)
    for stored in candidates:
        key = stored.interaction.key
        age = _age(stored, now)
        status = stored.reply_status
        if status is ReplyStatus.PENDING:
            if age >= limits.give_up_seconds:
                minutes = int(age // 60)
                reason = f"no automated reply after {minutes} minutes: a person answers"
                if unsettled.give_up_reply(key, reason):
                    follow_ups.append(FollowUpRequest(interaction_key=key, reasons=(reason,)))
                    handed += 1
                continue
            if stored.reply_attempts and age < limits.retrying_seconds:
                continue  # the responder's own retry is still scheduled
            if stored.decision.escalate:
                follow_ups.append(FollowUpRequest(interaction_key=key, reasons=stored.decision.reasons))
            acks.append(AckRequest(interaction_key=key))
        elif status is ReplyStatus.SENDING:
            lease = stored.reply_lease_until
            if lease is not None and lease < now:
                acks.append(AckRequest(interaction_key=key))  # the responder settles it as an unknown outcome
                expired += 1
        elif stored.decision.escalate and status is ReplyStatus.NONE:
            follow_ups.append(FollowUpRequest(interaction_key=key, reasons=stored.decision.reasons))
        elif unsettled.settle(key):
            cleaned += 1
    # follow-ups first, as ingest does: if the acks then fail, a person still hears of it
    dispatcher.request_follow_ups(follow_ups)
    dispatcher.request_acks(acks)
    return ReconcileReport(
        acks_requeued=len(acks),
        follow_ups_requeued=len(follow_ups) - handed,
        handed_to_people=handed,
        leases_expired=expired,
        cleaned=cleaned,
        examined=len(candidates),
    )
