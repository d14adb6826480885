"""Store every interaction of a delivery once, decide about it, and queue the work it needs.

The webhook is answered 2xx only after this returns: by then every interaction is durably stored and
its queue messages accepted. A redelivery stores nothing new. The platform redelivers only when it did
not get our 2xx — perhaps because queueing failed after storing — so for a duplicate the work still
outstanding is queued again: an ack only while the reply is still pending (the responder's lease keeps
it to one reply) and a follow-up for anything escalated (adding to a case is idempotent).

A delivery report about a reply ackline sent (a WhatsApp status) is not a customer message: it moves that
reply's delivery state forward and never asks for a reply; a `failed` one reaches a person with the
platform's error code. A report about a message ackline does not know is stored as conversation activity.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ackline.contracts.messages import AckRequest, FollowUpRequest
from ackline.contracts.whatsapp import delivery_report
from ackline.domain.decide import decide
from ackline.domain.delivery import DeliveryReport, failure_reason
from ackline.domain.demand import requests_by_topic
from ackline.domain.model import Decision, DeliveryState, Intent, Interaction, Platform, ReplyStatus
from ackline.domain.policy import BrandPolicy, default_policy
from ackline.domain.triage import AuthorStanding
from ackline.ports import (
    Alerter,
    AuthorLedger,
    AuthorShield,
    CrisisStore,
    DemandCounter,
    Dispatcher,
    InteractionStore,
    SentReplies,
)
from ackline.usecases.crisis import crisis_decisions, watch_the_window
from ackline.usecases.shield import shield_decisions


@dataclass(frozen=True)
class IngestResult:
    stored: int
    duplicates: int
    acks: int
    follow_ups: int
    delivery_reports: int = 0  # statuses applied to our own replies (not stored as interactions)
    crisis_on: tuple[str, ...] = ()  # accounts this delivery switched into crisis mode


def _decide(interaction: Interaction, policy: BrandPolicy, ledger: AuthorLedger | None) -> Decision:
    decision = decide(interaction, policy)
    if ledger is None or decision.intent is not Intent.ABUSE:
        return decision
    # Only abuse consults the ledger, so an ordinary message costs no extra request. The count is
    # idempotent per interaction, so a redelivered webhook does not count twice.
    author = interaction.conversation_key
    window = policy.thresholds.abuse_window_hours * 3600
    count = ledger.record_abuse(author, interaction.key, interaction.received_at, window)
    decision = decide(interaction, policy, AuthorStanding(abuse_count=count, flagged=ledger.is_flagged(author)))
    if decision.flag_author:
        ledger.flag(
            author, f"{count} abusive messages in {policy.thresholds.abuse_window_hours} h", interaction.received_at
        )
    return decision


def _apply_delivery_reports(
    interactions: Sequence[Interaction], store: InteractionStore, sent_replies: SentReplies
) -> tuple[list[Interaction], list[FollowUpRequest], int]:
    """Apply the reports about our replies; returns what is left to store, the follow-ups, and how many applied."""
    reports: dict[str, DeliveryReport] = {}
    for interaction in interactions:
        report = delivery_report(interaction)
        if report is not None and report.state is not DeliveryState.NONE:
            reports[interaction.key] = report
    if not reports:
        return list(interactions), [], 0
    owners = sent_replies.owners(Platform.WHATSAPP, [r.message_id for r in reports.values()])
    remaining: list[Interaction] = []
    updates: list[tuple[str, DeliveryReport]] = []
    for interaction in interactions:
        report = reports.get(interaction.key)
        # a miss may be our link in flight: parking the report lets whichever write comes second apply it
        owner = None
        if report is not None:
            owner = owners.get(report.message_id) or sent_replies.park(report, interaction.received_at)
        if report is None or owner is None:
            remaining.append(interaction)
        else:
            updates.append((owner, report))
    store.record_deliveries(updates)
    # every failed report (a redelivered one too: adding to a case is idempotent) reaches a person
    follow_ups = [
        FollowUpRequest(interaction_key=owner, reasons=(failure_reason(report.platform, report.error),))
        for owner, report in updates
        if report.state is DeliveryState.FAILED
    ]
    return remaining, follow_ups, len(updates)


def ingest(
    interactions: Sequence[Interaction],
    store: InteractionStore,
    dispatcher: Dispatcher,
    *,
    policy: BrandPolicy | None = None,
    ledger: AuthorLedger | None = None,
    demand: DemandCounter | None = None,
    sent_replies: SentReplies | None = None,
    crisis: CrisisStore | None = None,
    alerter: Alerter | None = None,
    shield: AuthorShield | None = None,
) -> IngestResult:
    policy = policy or default_policy()
    delivery_follow_ups: list[FollowUpRequest] = []
    applied = 0
    if sent_replies is not None:
        interactions, delivery_follow_ups, applied = _apply_delivery_reports(interactions, store, sent_replies)
    decisions = [_decide(interaction, policy, ledger) for interaction in interactions]
    if crisis is not None:
        # while an account is in crisis mode its negative messages get the holding statement and P1 cases
        decisions = crisis_decisions(interactions, decisions, crisis, policy)
    if shield is not None:
        # before any acknowledgement: over the per-author limit, or blocked, a message is stored, not answered
        decisions = shield_decisions(interactions, decisions, shield, policy)
    results = store.add_many(list(zip(interactions, decisions, strict=True)))
    fresh = [stored for stored in results if stored is not None]
    duplicate_keys = [i.key for i, stored in zip(interactions, results, strict=True) if stored is None]
    outstanding = list(store.get_many(duplicate_keys).values()) if duplicate_keys else []
    acks = [
        AckRequest(interaction_key=s.interaction.key)
        for s in (*fresh, *outstanding)
        if s.reply_status is ReplyStatus.PENDING
    ]
    follow_ups = [
        FollowUpRequest(interaction_key=s.interaction.key, reasons=s.decision.reasons)
        for s in (*fresh, *outstanding)
        if s.decision.escalate
    ] + delivery_follow_ups
    # Follow-ups first: if the process dies between the two sends, a person still hears of it.
    dispatcher.request_follow_ups(follow_ups)
    dispatcher.request_acks(acks)
    # Demand is counted once per interaction: only when it was freshly stored (a redelivery is not), and
    # last, so the customer's reply and case never wait on it. If this write fails the webhook answers 5xx;
    # the platform's retry finds everything stored (what it re-queues, the lease and the idempotent case
    # absorb) and counts nothing: the count is short by those requests, never doubled.
    if demand is not None and (requested := requests_by_topic(s.decision for s in fresh)):
        demand.record(requested, max(s.interaction.received_at for s in fresh))
    # Crisis counters, like demand: once per freshly stored interaction, after the work is queued.
    switched = (
        watch_the_window(fresh, crisis, policy, max(s.interaction.received_at for s in fresh), alerter)
        if (crisis is not None and fresh)
        else []
    )
    return IngestResult(
        crisis_on=tuple(state.account for state in switched),
        stored=len(fresh),
        duplicates=len(duplicate_keys),
        acks=len(acks),
        follow_ups=len(follow_ups),
        delivery_reports=applied,
    )
