"""Send the automated acknowledgement for one interaction: at most once, and never silently lost.

A duplicate public reply is worse than a late one, so the send is guarded by a lease
(pending -> sending). Whatever cannot be settled by retrying becomes a case for a person:
a permanent refusal, too many attempts, or a send whose outcome is unknown.

One attempt has three steps, and each may fail in its own way:
1. **Prepare** (reads, compose, guardrails). Nothing has left: a failure hands the lease back and the message
   is retried.
2. **Send, then record the platform's answer** (sent, refused, unknown) before anything else, retrying that
   write. Once the platform may hold the reply nothing hands the lease back: if the answer cannot be recorded
   the lease is kept, and the message that comes back after it runs out finds the reply 'sending' with an
   expired lease, records it unknown and a person checks.
3. **Bookkeeping** that follows from the recorded answer: the post's reply memory and the delivery link after
   a send, the hand-off to a person after a refusal or an unknown outcome. It is derived from the stored state
   and idempotent, so when it fails the message is retried, finds the answer recorded, and finishes only the
   bookkeeping: a retry never sends.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ackline.contracts.messages import AckRequest, FollowUpRequest
from ackline.domain.crisis import in_crisis
from ackline.domain.delivery import DELIVERY_REPORT_PLATFORMS
from ackline.domain.errors import (
    OutcomeUnknown,
    PermanentPlatformError,
    PlatformError,
    RateLimited,
    TransientPlatformError,
)
from ackline.domain.guardrails import check_reply
from ackline.domain.model import Interaction, ReplyStatus, StoredInteraction, Visibility
from ackline.domain.policy import BrandPolicy, default_policy, is_example_policy
from ackline.domain.replies import ComposedReply, compose_reply, variants_used
from ackline.domain.retry import backoff_seconds
from ackline.domain.windows import deliverable_visibility, window_closed
from ackline.ports import (
    Alerter,
    AlertGate,
    AutomationPauses,
    Dispatcher,
    InteractionStore,
    PlatformReplier,
    ReplyMemory,
    SentReplies,
)

# Longer than the responder's timeout (20 s) so a live send is never taken over; a lease that
# expires means the worker died mid-send and the outcome is unknown.
LEASE_SECONDS = 120
MAX_ATTEMPTS = 5
RECENT_REPLIES = 10  # how far back a conversation is read so consecutive replies differ
RECENT_UNDER_POST = 8  # variants remembered per post (templates have 2-4 each), so replies under it differ
EXAMPLE_POLICY_ALERT_EVERY = 24 * 3600  # one alert a day while it lasts: each refused reply is a case regardless
EXAMPLE_POLICY_REFUSAL = (
    "reply refused: the brand policy in force is the example shipped with ackline (Northwind, care@northwind.example);"
    " set BrandPolicyParameterName to your brand's policy, or deploy with AllowExamplePolicy=true to opt in"
)
# Writes of the platform's answer are tried this often before the lease is left to run out. Each try is itself
# retried with backoff by the SDK (adaptive mode), so a throttled partition gets several seconds to recover.
RECORD_ATTEMPTS = 3
BOOKKEEPING_RETRY_SECONDS = 5.0  # the reply is settled; only its bookkeeping waits for this retry


class RetryLater(Exception):
    """Come back after `delay` seconds. Nothing was sent by this attempt, or what was sent is recorded and only
    bookkeeping is left, or the lease is kept until it runs out: in no case does the retry send a second reply."""

    def __init__(self, reason: str, delay: float) -> None:
        super().__init__(reason)
        self.delay = delay


class InteractionMissing(Exception):
    """An ack request for an interaction the store does not hold."""


@dataclass(frozen=True)
class RespondOutcome:
    status: ReplyStatus
    reply_id: str = ""
    ack_latency_ms: int | None = None
    refused_example_policy: bool = False  # nothing sent: the example brand policy is in force (a person answers)


def alert_example_policy(alerter: Alerter | None, gate: AlertGate, now: float) -> bool:
    """Tell people that replies are being refused because the example brand policy is in force, once a day across
    every container; True when this call sent the alert."""
    if alerter is None or not gate.take_turn("example-policy", now, EXAMPLE_POLICY_ALERT_EVERY):
        return False
    alerter.alert("ackline: replies refused, the example brand policy is in force", EXAMPLE_POLICY_REFUSAL)
    return True


@dataclass(frozen=True)
class _Answer:
    """How an attempt ended, recorded on the interaction before any bookkeeping. `reason` (why a person must
    look) is stored as the reply's error, so a retried hand-off gives the case the very same reason."""

    status: ReplyStatus
    reason: str = ""
    reply_id: str = ""
    text: str = ""
    replied_at: float | None = None
    latency_ms: int | None = None


@dataclass(frozen=True)
class _Plan:
    """A composed reply that passed the guardrails, and where it goes."""

    text: str
    visibility: Visibility
    composed: ComposedReply
    under_post: list[str]


def post_key(interaction: Interaction) -> str:
    """Which post's memory a reply belongs to; empty for private messages and posts we cannot name."""
    return f"{interaction.platform}#{interaction.post_id}" if interaction.post_id else ""


def _memory_tag(interaction_key: str) -> str:
    """A short tag naming the interaction in a post's memory, so remembering a reply twice changes nothing."""
    return hashlib.sha256(interaction_key.encode()).hexdigest()[:10]


def _variant_entry(template: str, variant: int, interaction_key: str) -> str:
    return f"{template}#{variant}@{_memory_tag(interaction_key)}"


def _entry_variant(entry: str) -> tuple[str, str]:
    """(template, variant) of a memory entry: `<template>#<index>@<tag>`, or `<template>#<index>` as first written."""
    head, tagged, tail = entry.rpartition("@")
    template, _, variant = (head if tagged else tail).rpartition("#")
    return template, variant


def _compose(
    claimed: StoredInteraction, store: InteractionStore, policy: BrandPolicy, now: float, under_post: Sequence[str]
) -> ComposedReply:
    interaction = claimed.interaction
    history = store.conversation(interaction.conversation_key, limit=RECENT_REPLIES)
    previous = [s.reply_text for s in history if s.reply_text and s.interaction.key != interaction.key]
    template = claimed.decision.reply_template
    # the post's variants first, this author's last: on a tie the author's most recent weighs most
    post_used = [int(v) for t, v in map(_entry_variant, under_post) if t == template and v.isdigit()]
    return compose_reply(
        claimed.decision,
        interaction,
        policy,
        recent_variants=post_used + variants_used(claimed.decision, interaction, policy, previous),
        out_of_hours=not policy.business_hours.is_open(now),
    )


def respond(
    request: AckRequest,
    store: InteractionStore,
    replier: PlatformReplier,
    dispatcher: Dispatcher,
    clock: Callable[[], float],
    *,
    policy: BrandPolicy | None = None,
    memory: ReplyMemory | None = None,
    sent_replies: SentReplies | None = None,
    refuse_example_policy: bool = False,
    pauses: AutomationPauses | None = None,
    holding_statement: Callable[[Interaction], str | None] | None = None,
) -> RespondOutcome:
    now = clock()
    key = request.interaction_key
    policy = policy or default_policy()
    # Claim first (one conditional write); read only when the claim is refused, which is the rare path.
    claimed = store.claim_reply(key, now, LEASE_SECONDS)
    if claimed is None:
        # Already settled, or leased by a live worker: a redelivered request sends nothing, and finishes only
        # the bookkeeping an earlier attempt may have left undone.
        current = store.get(key)
        if current is None:
            raise InteractionMissing(key)
        return _resume(current, now, store, dispatcher, policy, memory, sent_replies)
    plan: _Plan | _Answer | None = None
    try:
        if refuse_example_policy and is_example_policy(policy):
            # Customers must never hear from a placeholder brand: nothing is sent, and a person gets the message.
            plan = _Answer(ReplyStatus.FAILED, reason=EXAMPLE_POLICY_REFUSAL)
        elif pauses is not None and (pauses.paused_until(claimed.interaction.conversation_key) or 0) > now:
            # a person answered this conversation from the platform's own app: the bot does not talk over them
            plan = _Answer(ReplyStatus.NONE, reason="automation paused: a person answered from the platform's app")
        else:
            plan = _prepare(claimed, store, policy, memory, now, holding_statement)
    except Exception as exc:
        # A throttled read or a compose error: nothing has left, so the lease goes back (or, after too many
        # attempts, a person takes over) rather than leave the reply 'sending' for good.
        answer = _not_sent(claimed, store, clock, f"could not prepare the reply: {type(exc).__name__}", exc)
    else:
        answer = _send(claimed, plan, store, replier, clock) if isinstance(plan, _Plan) else plan
    _record(claimed, answer, store, clock)
    recorded = claimed.model_copy(
        update={
            "reply_status": answer.status,
            "reply_error": answer.reason,
            "reply_id": answer.reply_id or claimed.reply_id,
            "reply_text": answer.text or claimed.reply_text,
            "replied_at": answer.replied_at,
        }
    )
    under_post = plan.under_post if isinstance(plan, _Plan) else None
    entry = plan.composed if isinstance(plan, _Plan) and answer.status is ReplyStatus.SENT else None
    _bookkeeping(recorded, store, dispatcher, policy, memory, sent_replies, under_post=under_post, composed=entry)
    return RespondOutcome(
        status=answer.status,
        reply_id=answer.reply_id,
        ack_latency_ms=answer.latency_ms,
        refused_example_policy=answer.reason == EXAMPLE_POLICY_REFUSAL,
    )


def _prepare(
    claimed: StoredInteraction,
    store: InteractionStore,
    policy: BrandPolicy,
    memory: ReplyMemory | None,
    now: float,
    holding_statement: Callable[[Interaction], str | None] | None = None,
) -> _Plan | _Answer:
    """The reply to send, or why none may be sent (a FAILED answer for a person)."""
    interaction = claimed.interaction
    # Public or private is the brand's choice per platform, where the platform offers both.
    visibility = deliverable_visibility(interaction, claimed.decision.visibility)
    # Outside the platform's reply window nothing may be sent: a person answers, and the case says why.
    if closed := window_closed(interaction, now, visibility):
        return _Answer(ReplyStatus.FAILED, reason=f"no automated reply: {closed}")
    post = post_key(interaction) if memory is not None else ""
    under_post = memory.recent(post) if memory is not None and post else []
    composed = _compose(claimed, store, policy, now, under_post)
    text = composed.text
    if holding_statement is not None and in_crisis(claimed.decision) and (statement := holding_statement(interaction)):
        # crisis mode: the statement staff (or the policy) set for the moment, checked below like any reply
        text = statement
    # The last check before anything leaves: a reply that breaks a guardrail is never sent.
    if violations := check_reply(text, interaction.platform, visibility, policy):
        reason = "reply blocked by guardrails: " + "; ".join(str(v) for v in violations)
        return _Answer(ReplyStatus.FAILED, reason=reason, text=text)
    return _Plan(text, visibility, composed, under_post)


def _send(
    claimed: StoredInteraction,
    plan: _Plan,
    store: InteractionStore,
    replier: PlatformReplier,
    clock: Callable[[], float],
) -> _Answer:
    interaction, text = claimed.interaction, plan.text
    try:
        reply_id = replier.reply(interaction, text, plan.visibility)
    except (RateLimited, TransientPlatformError) as exc:
        # the platform did not take it: safe to try again when it allows
        delay = exc.retry_after if isinstance(exc, RateLimited) else None
        return _not_sent(claimed, store, clock, str(exc), exc, delay=delay, text=text)
    except OutcomeUnknown as exc:
        return _Answer(ReplyStatus.UNKNOWN, reason=f"reply outcome unknown: {exc}", text=text)
    except (PermanentPlatformError, PlatformError) as exc:
        return _Answer(ReplyStatus.FAILED, reason=f"reply refused by the platform: {exc}", text=text)
    except Exception as exc:
        # an unexpected failure inside the client may come after the platform accepted the reply: never retry it
        reason = f"reply outcome unknown: the reply client failed ({type(exc).__name__})"
        return _Answer(ReplyStatus.UNKNOWN, reason=reason, text=text)
    # the latency the customer saw: from their message to the platform accepting our reply
    replied_at = clock()
    latency_ms = max(0, round((replied_at - interaction.created_at) * 1000))
    return _Answer(ReplyStatus.SENT, reply_id=reply_id, text=text, replied_at=replied_at, latency_ms=latency_ms)


def _not_sent(
    claimed: StoredInteraction,
    store: InteractionStore,
    clock: Callable[[], float],
    reason: str,
    exc: Exception,
    *,
    delay: float | None = None,
    text: str = "",
) -> _Answer:
    """Nothing was sent: hand the lease back and retry later, or after too many attempts give it to a person."""
    attempts = claimed.reply_attempts
    if attempts >= MAX_ATTEMPTS:
        return _Answer(ReplyStatus.FAILED, reason=f"reply failed after {attempts} attempts: {reason}", text=text)
    key = claimed.interaction.key
    if not _write_answer(lambda: store.finish_reply(key, ReplyStatus.PENDING, error=reason)):
        # The lease could not be handed back: it stays until it runs out, and then a person checks.
        raise RetryLater(f"{reason}; lease kept", _lease_left(claimed, clock)) from exc
    raise RetryLater(reason, backoff_seconds(attempts) if delay is None else delay) from exc


def _write_answer(write: Callable[[], None]) -> bool:
    """Try a write of the reply's state a few times (it decides whether a reply may ever be sent again)."""
    for attempt in range(1, RECORD_ATTEMPTS + 1):
        try:
            write()
            return True
        except Exception:
            if attempt == RECORD_ATTEMPTS:
                return False  # the caller keeps the lease (or asks for a retry) and says so
    return False


def _lease_left(claimed: StoredInteraction, clock: Callable[[], float]) -> float:
    lease = claimed.reply_lease_until if claimed.reply_lease_until is not None else clock() + LEASE_SECONDS
    return max(1.0, lease - clock() + 1)


def _record(claimed: StoredInteraction, answer: _Answer, store: InteractionStore, clock: Callable[[], float]) -> None:
    """Record the platform's answer before anything else. If it cannot be written the lease is kept: it must not
    look 'pending' to a retry, because the platform may hold the reply."""
    key = claimed.interaction.key
    written = _write_answer(
        lambda: store.finish_reply(
            key,
            answer.status,
            reply_id=answer.reply_id,
            reply_text=answer.text,
            error=answer.reason,
            replied_at=answer.replied_at,
            ack_latency_ms=answer.latency_ms,
        )
    )
    if not written:
        # the platform's id goes into the retry's reason (logged by the handler), so the person who checks
        # can find the reply; it is the platform's id, never customer text
        sent_as = f" as {answer.reply_id}" if answer.reply_id else ""
        raise RetryLater(
            f"reply {answer.status.value}{sent_as} but not recorded; the lease runs out and a person checks",
            _lease_left(claimed, clock),
        )


def _resume(
    current: StoredInteraction,
    now: float,
    store: InteractionStore,
    dispatcher: Dispatcher,
    policy: BrandPolicy,
    memory: ReplyMemory | None,
    sent_replies: SentReplies | None,
) -> RespondOutcome:
    """A request whose reply is not pending: wait for a live lease, settle a dead one, finish the bookkeeping."""
    lease = current.reply_lease_until
    if current.reply_status is ReplyStatus.SENDING and lease is not None:
        if lease >= now:
            # A live lease: another worker is sending, or one died moments ago. Settling now would delete this
            # message and leave the interaction 'sending' for good; come back once the lease has run out.
            raise RetryLater("another worker holds the reply lease", lease - now + 1)
        # the worker holding the lease died mid-send (or could not record the answer): the reply may be live,
        # so a person checks
        reason = "reply outcome unknown: a previous send never reported back; check the platform before answering"
        key = current.interaction.key
        if not _write_answer(lambda: store.finish_reply(key, ReplyStatus.UNKNOWN, error=reason)):
            raise RetryLater("could not record an expired lease", BOOKKEEPING_RETRY_SECONDS)
        current = current.model_copy(
            update={"reply_status": ReplyStatus.UNKNOWN, "reply_error": reason, "reply_lease_until": None}
        )
    _bookkeeping(current, store, dispatcher, policy, memory, sent_replies)
    return RespondOutcome(status=current.reply_status, reply_id=current.reply_id)


def _bookkeeping(
    stored: StoredInteraction,
    store: InteractionStore,
    dispatcher: Dispatcher,
    policy: BrandPolicy,
    memory: ReplyMemory | None,
    sent_replies: SentReplies | None,
    *,
    under_post: list[str] | None = None,
    composed: ComposedReply | None = None,
) -> None:
    """What follows from a recorded answer; idempotent, so a retried message may run it again. A failure here
    asks for that retry: the answer is recorded, so the retry finishes this and never sends."""
    try:
        if stored.reply_status is ReplyStatus.SENT:
            _remember_variant(stored, policy, memory, under_post, composed)
            _link_reply(stored, store, sent_replies)
        elif stored.reply_status in (ReplyStatus.FAILED, ReplyStatus.UNKNOWN):
            reason = stored.reply_error or f"reply {stored.reply_status.value}"
            dispatcher.request_follow_ups([FollowUpRequest(interaction_key=stored.interaction.key, reasons=(reason,))])
    except Exception as exc:
        raise RetryLater(
            f"reply {stored.reply_status.value}; bookkeeping left: {type(exc).__name__}", BOOKKEEPING_RETRY_SECONDS
        ) from exc


def _remember_variant(
    stored: StoredInteraction,
    policy: BrandPolicy,
    memory: ReplyMemory | None,
    under_post: list[str] | None,
    composed: ComposedReply | None,
) -> None:
    """Add the variant used to the post's memory, once, so the next reply under the post differs."""
    interaction = stored.interaction
    post = post_key(interaction)
    if memory is None or not post:
        return
    if composed is not None:
        template, variant = composed.template, composed.variant
    else:
        # a retry: which variant was sent is read back from the text recorded with the answer
        found = variants_used(stored.decision, interaction, policy, [stored.reply_text]) if stored.reply_text else []
        if not found:
            return  # variety is a nicety: a reply whose variant cannot be told is not worth a retry loop
        template, variant = stored.decision.reply_template, found[0]
    recent = memory.recent(post) if under_post is None else under_post
    tag = _memory_tag(interaction.key)
    if any(e.endswith(f"@{tag}") for e in recent):
        return  # remembered by an earlier attempt
    entry = _variant_entry(template, variant, interaction.key)
    memory.remember(post, [*recent, entry][-RECENT_UNDER_POST:], stored.replied_at or interaction.received_at)


def _link_reply(stored: StoredInteraction, store: InteractionStore, sent_replies: SentReplies | None) -> None:
    """So the platform's delivery reports find this reply. A report that raced ahead of this link was parked on
    the link item and comes back here; both writes are idempotent (the link is a SET, the state only moves on)."""
    interaction = stored.interaction
    if sent_replies is None or not stored.reply_id or interaction.platform not in DELIVERY_REPORT_PLATFORMS:
        return
    early = sent_replies.link(
        interaction.platform, stored.reply_id, interaction.key, stored.replied_at or interaction.received_at
    )
    if early is not None:
        store.record_deliveries([(interaction.key, early)])
