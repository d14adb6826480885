"""Store every interaction of a delivery once, decide about it, and queue the work it needs.

The webhook is answered 2xx only after this returns: by then every interaction is durably stored and
its queue messages accepted. A redelivery stores nothing new. The platform redelivers only when it did
not get our 2xx — perhaps because queueing failed after storing — so for a duplicate the work still
outstanding is queued again: an ack only while the reply is still pending (the responder's lease keeps
it to one reply) and a follow-up for anything escalated (adding to a case is idempotent).

A delivery report about a reply ackline sent (a WhatsApp status) is not a customer message: it moves that
reply's delivery state forward and never asks for a reply; a `failed` one reaches a person with the
platform's error code. A report about a message ackline does not know is stored as conversation activity.

Per entry, never per delivery: every entry is bounded before it is written (`domain.storage_bounds`), each
write settles on its own, and an entry the store refuses as it is becomes a raw problem record in front of
a person. Only a transient failure (throttling, the store or queue unavailable) leaves entries for the
platform's retry — and then the work of everything that was stored is queued first, so nothing waits on it;
the retry stores what is missing and re-queues what is outstanding (the lease and idempotent cases absorb it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ackline.contracts.messages import AckRequest, FollowUpRequest, HumanResponseSeen
from ackline.contracts.whatsapp import delivery_report
from ackline.domain.blocks import author_of, silenced
from ackline.domain.decide import decide
from ackline.domain.delivery import DeliveryReport, failure_reason
from ackline.domain.demand import requests_by_topic
from ackline.domain.errors import DispatchFailed, StoreRejected, StoreUnavailable
from ackline.domain.model import (
    Decision,
    DeliveryState,
    Intent,
    Interaction,
    Platform,
    ReplyStatus,
    StoredInteraction,
)
from ackline.domain.policy import BrandPolicy, default_policy
from ackline.domain.storage_bounds import bounded, problem_record
from ackline.domain.triage import AuthorStanding, counts_as_abuse
from ackline.ports import (
    AddResult,
    Alerter,
    AuthorLedger,
    AuthorShield,
    Blocklist,
    CrisisStore,
    DemandCounter,
    Dispatcher,
    InteractionStore,
    ResponseQueue,
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
    problems: int = 0  # entries the store refused as they were, kept as raw problem records for a person
    left_for_retry: int = 0  # entries not stored (or their work not known) after a transient failure
    retry_cause: str = ""  # what that failure was (an error type and code, never content)
    crisis_on: tuple[str, ...] = ()  # accounts this delivery switched into crisis mode

    @property
    def complete(self) -> bool:
        """Everything in the delivery is stored and its work queued: the webhook may answer 2xx."""
        return self.left_for_retry == 0


class _Outcome:
    """What happened to each entry of one delivery, gathered as the steps run."""

    def __init__(self) -> None:
        self.fresh: list[StoredInteraction] = []
        self.duplicate_keys: list[str] = []
        self.problems = 0
        self.left_for_retry = 0
        self.causes: list[str] = []

    def leave_for_retry(self, count: int, cause: Exception) -> None:
        self.left_for_retry += count
        self.causes.append(f"{type(cause).__name__}: {cause}" if isinstance(cause, StoreUnavailable) else _name(cause))


def _name(exc: Exception) -> str:
    return type(exc).__name__


def _with_standing(
    interaction: Interaction, decision: Decision, policy: BrandPolicy, ledger: AuthorLedger | None
) -> Decision:
    if ledger is None or decision.intent is not Intent.ABUSE:
        return decision
    # Only abuse consults the ledger, so an ordinary message costs no extra request. The count is
    # idempotent per interaction, so a redelivered webhook does not count twice.
    author = interaction.conversation_key
    window = policy.thresholds.abuse_window_hours * 3600
    if counts_as_abuse(decision):
        count = ledger.record_abuse(author, interaction.key, interaction.received_at, window)
        standing = AuthorStanding(abuse_count=count, flagged=ledger.is_flagged(author))
    else:
        # abuse on the model's word alone, not sure enough for the record: judged by the record so far (a repeat
        # abuser still gets no public reply), but never counted, and never what flags the author (one read)
        count, flagged = ledger.standing(author, interaction.received_at, window)
        count += 1
        standing = AuthorStanding(abuse_count=count, flagged=flagged, counted=False)
    decision = decide(interaction, policy, standing)
    if decision.flag_author:
        ledger.flag(
            author, f"{count} abusive messages in {policy.thresholds.abuse_window_hours} h", interaction.received_at
        )
    return decision


def _apply_delivery_reports(
    interactions: Sequence[Interaction], store: InteractionStore, sent_replies: SentReplies
) -> tuple[list[Interaction], list[FollowUpRequest], int]:
    """Apply the reports about our replies; returns what is left to store, the follow-ups, and how many applied."""
    reports = _reports(interactions)
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


def _reports(interactions: Sequence[Interaction]) -> dict[str, DeliveryReport]:
    reports: dict[str, DeliveryReport] = {}
    for interaction in interactions:
        report = delivery_report(interaction)
        if report is not None and report.state is not DeliveryState.NONE:
            reports[interaction.key] = report
    return reports


def _decide_each(
    interactions: Sequence[Interaction], policy: BrandPolicy, ledger: AuthorLedger | None, outcome: _Outcome
) -> list[tuple[Interaction, Decision]]:
    pairs: list[tuple[Interaction, Decision]] = []
    for interaction in interactions:
        try:
            decision = decide(interaction, policy)
        except Exception as exc:  # triage could not read this content: a person reads it instead
            pairs.append(_as_problem(interaction, f"triage failed: {_name(exc)}", policy))
            continue
        try:
            pairs.append((interaction, _with_standing(interaction, decision, policy, ledger)))
        except Exception as exc:  # the ledger's store failed: this entry waits for the platform's retry
            outcome.leave_for_retry(1, exc)
    return pairs


def _as_problem(interaction: Interaction, why: str, policy: BrandPolicy) -> tuple[Interaction, Decision]:
    problem = problem_record(interaction, why)
    return problem, decide(problem, policy)


def _store_each(store: InteractionStore, pairs: Sequence[tuple[Interaction, Decision]]) -> list[AddResult]:
    try:
        return store.add_many(pairs)
    except Exception:  # a store that raised for the batch: settle entry by entry (puts are idempotent)
        return [_add_one(store, interaction, decision) for interaction, decision in pairs]


def _add_one(store: InteractionStore, interaction: Interaction, decision: Decision) -> AddResult:
    try:
        return store.add(interaction, decision)
    except (StoreRejected, StoreUnavailable) as exc:
        return exc
    except Exception as exc:  # unclassified: the retry decides, nothing is given up
        return StoreUnavailable(_name(exc))


def _store(
    store: InteractionStore, pairs: Sequence[tuple[Interaction, Decision]], policy: BrandPolicy, outcome: _Outcome
) -> None:
    problems: list[tuple[Interaction, Decision]] = []
    for (interaction, _), result in zip(pairs, _store_each(store, pairs), strict=True):
        if isinstance(result, StoreRejected):
            problems.append(_as_problem(interaction, str(result) or _name(result), policy))
        elif isinstance(result, StoreUnavailable):
            outcome.leave_for_retry(1, result)
        elif result is None:
            outcome.duplicate_keys.append(interaction.key)
        else:
            outcome.fresh.append(result)
    if not problems:
        return
    for (problem, _), result in zip(problems, _store_each(store, problems), strict=True):
        if isinstance(result, StoreRejected | StoreUnavailable):
            # even the small record was refused (permissions, a missing table): 5xx and an ERROR line, not a loss
            outcome.leave_for_retry(1, StoreUnavailable(f"problem record refused: {result}"))
        elif result is None:
            outcome.duplicate_keys.append(problem.key)
            outcome.problems += 1
        else:
            outcome.fresh.append(result)
            outcome.problems += 1


def _silence_blocked(
    interactions: Sequence[Interaction], decisions: list[Decision], blocklist: Blocklist
) -> list[Decision]:
    authors = {a for a in map(author_of, interactions) if a is not None}
    blocked = blocklist.blocked(authors) if authors else set()
    if not blocked:
        return decisions
    return [silenced(d) if author_of(i) in blocked else d for i, d in zip(interactions, decisions, strict=True)]


def _without_blocked_work(
    pairs: list[tuple[Interaction, Decision]], blocklist: Blocklist, outcome: _Outcome
) -> list[tuple[Interaction, Decision]]:
    """Authors staff blocked: their messages are stored with the reason, never answered nor queued for a person."""
    if not pairs:
        return pairs
    try:
        decided = [i for i, _ in pairs]
        return list(zip(decided, _silence_blocked(decided, [d for _, d in pairs], blocklist), strict=True))
    except Exception as exc:  # the blocklist could not be read: nothing is stored, the retry decides again
        outcome.leave_for_retry(len(pairs), exc)
        return []


def _under_watch(
    pairs: list[tuple[Interaction, Decision]],
    crisis: CrisisStore | None,
    shield: AuthorShield | None,
    policy: BrandPolicy,
    outcome: _Outcome,
) -> list[tuple[Interaction, Decision]]:
    """Crisis mode and the abuse shield, before anything is stored or acknowledged."""
    if not pairs or (crisis is None and shield is None):
        return pairs
    interactions = [i for i, _ in pairs]
    decisions = [d for _, d in pairs]
    try:
        if crisis is not None:
            # while an account is in crisis mode its negative messages get the holding statement and P1 cases
            decisions = crisis_decisions(interactions, decisions, crisis, policy)
        if shield is not None:
            # over the per-author limit, or blocked, a message is stored, not answered
            decisions = shield_decisions(interactions, decisions, shield, policy)
    except Exception as exc:  # the counters could not be read: nothing is stored, the retry decides again
        outcome.leave_for_retry(len(pairs), exc)
        return []
    return list(zip(interactions, decisions, strict=True))


def _request_human_responses(work: Sequence[StoredInteraction], responses: ResponseQueue) -> None:
    # our own account's messages that answer someone: perhaps a person answering from the platform's own app
    # (a redelivery's duplicates too: if this send failed last time, the retry is when it happens)
    own = [s.interaction for s in work if s.interaction.is_own]
    seen = [HumanResponseSeen(interaction_key=i.key) for i in own if i.counterpart_id or i.in_reply_to]
    if not seen:
        return
    try:
        responses.request_human_responses(seen)
    except Exception as exc:  # everything is stored: the platform's retry sends these again
        raise DispatchFailed(f"queue unavailable ({_name(exc)})") from exc


def ingest(
    interactions: Sequence[Interaction],
    store: InteractionStore,
    dispatcher: Dispatcher,
    *,
    policy: BrandPolicy | None = None,
    ledger: AuthorLedger | None = None,
    demand: DemandCounter | None = None,
    sent_replies: SentReplies | None = None,
    blocklist: Blocklist | None = None,
    responses: ResponseQueue | None = None,
    crisis: CrisisStore | None = None,
    alerter: Alerter | None = None,
    shield: AuthorShield | None = None,
) -> IngestResult:
    policy = policy or default_policy()
    outcome = _Outcome()
    entries = [bounded(interaction) for interaction in interactions]
    delivery_follow_ups: list[FollowUpRequest] = []
    applied = 0
    if sent_replies is not None:
        try:
            entries, delivery_follow_ups, applied = _apply_delivery_reports(entries, store, sent_replies)
        except Exception as exc:  # reports are idempotent: the retry applies them, the rest goes on
            reports = _reports(entries)
            entries = [e for e in entries if e.key not in reports]
            outcome.leave_for_retry(len(reports), exc)
    pairs = _decide_each(entries, policy, ledger, outcome)
    if blocklist is not None:
        pairs = _without_blocked_work(pairs, blocklist, outcome)
    pairs = _under_watch(pairs, crisis, shield, policy, outcome)
    _store(store, pairs, policy, outcome)
    outstanding: list[StoredInteraction] = []
    if outcome.duplicate_keys:
        try:
            outstanding = list(store.get_many(outcome.duplicate_keys).values())
        except Exception as exc:  # their work is re-queued by the retry; the fresh work goes now
            outcome.leave_for_retry(len(outcome.duplicate_keys), exc)
    work = (*outcome.fresh, *outstanding)
    acks = [AckRequest(interaction_key=s.interaction.key) for s in work if s.reply_status is ReplyStatus.PENDING]
    follow_ups = [
        FollowUpRequest(interaction_key=s.interaction.key, reasons=s.decision.reasons)
        for s in work
        if s.decision.escalate
    ] + delivery_follow_ups
    # Follow-ups first: if the process dies between the two sends, a person still hears of it.
    try:
        dispatcher.request_follow_ups(follow_ups)
        dispatcher.request_acks(acks)
    except DispatchFailed:
        raise
    except Exception as exc:  # the queue throttled or failed: everything is stored, the retry re-queues it
        raise DispatchFailed(f"queue unavailable ({_name(exc)})") from exc
    if responses is not None:
        _request_human_responses(work, responses)
    # Demand is counted once per interaction: only when it was freshly stored (a redelivery is not), and
    # last, so the customer's reply and case never wait on it. If this write fails the webhook answers 5xx;
    # the platform's retry finds everything stored (what it re-queues, the lease and the idempotent case
    # absorb) and counts nothing: the count is short by those requests, never doubled.
    fresh = outcome.fresh
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
        duplicates=len(outcome.duplicate_keys),
        acks=len(acks),
        follow_ups=len(follow_ups),
        delivery_reports=applied,
        problems=outcome.problems,
        left_for_retry=outcome.left_for_retry,
        retry_cause="; ".join(dict.fromkeys(outcome.causes))[:500],
    )
