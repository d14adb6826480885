"""Send the automated acknowledgement for one interaction: at most once, and never silently lost.

A duplicate public reply is worse than a late one, so the send is guarded by a lease
(pending -> sending). Whatever cannot be settled by retrying becomes a case for a person:
a permanent refusal, too many attempts, or a send whose outcome is unknown.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ackline.contracts.messages import AckRequest, FollowUpRequest
from ackline.domain.delivery import DELIVERY_REPORT_PLATFORMS
from ackline.domain.errors import (
    OutcomeUnknown,
    PermanentPlatformError,
    PlatformError,
    RateLimited,
    TransientPlatformError,
)
from ackline.domain.guardrails import check_reply
from ackline.domain.model import Interaction, ReplyStatus, StoredInteraction
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


class RetryLater(Exception):
    """Nothing was sent and it is safe to try again after `delay` seconds."""

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


def _hand_to_person(key: str, reason: str, dispatcher: Dispatcher) -> None:
    dispatcher.request_follow_ups([FollowUpRequest(interaction_key=key, reasons=(reason,))])


def _settle_unclaimed(
    current: StoredInteraction, now: float, store: InteractionStore, dispatcher: Dispatcher
) -> ReplyStatus:
    lease = current.reply_lease_until
    if current.reply_status is ReplyStatus.SENDING and lease is not None:
        if lease >= now:
            # A live lease: another worker is sending, or one died moments ago. Settling now would delete this
            # message and leave the interaction 'sending' for good; come back once the lease has run out.
            raise RetryLater("another worker holds the reply lease", lease - now + 1)
        # the worker holding the lease died mid-send: the reply may be live, so a person checks
        key = current.interaction.key
        store.finish_reply(key, ReplyStatus.UNKNOWN, error="a previous send never reported back")
        _hand_to_person(key, "reply outcome unknown: check the platform before answering", dispatcher)
        return ReplyStatus.UNKNOWN
    return current.reply_status


def post_key(interaction: Interaction) -> str:
    """Which post's memory a reply belongs to; empty for private messages and posts we cannot name."""
    return f"{interaction.platform}#{interaction.post_id}" if interaction.post_id else ""


def _variant_entry(reply: ComposedReply) -> str:
    return f"{reply.template}#{reply.variant}"


def _compose(
    claimed: StoredInteraction, store: InteractionStore, policy: BrandPolicy, now: float, under_post: Sequence[str]
) -> ComposedReply:
    interaction = claimed.interaction
    history = store.conversation(interaction.conversation_key, limit=RECENT_REPLIES)
    previous = [s.reply_text for s in history if s.reply_text and s.interaction.key != interaction.key]
    template = claimed.decision.reply_template
    # the post's variants first, this author's last: on a tie the author's most recent weighs most
    post_used = [int(v) for t, _, v in (e.rpartition("#") for e in under_post) if t == template and v.isdigit()]
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
) -> RespondOutcome:
    now = clock()
    key = request.interaction_key
    # Claim first (one conditional write); read only when the claim is refused, which is the rare path.
    claimed = store.claim_reply(key, now, LEASE_SECONDS)
    if claimed is None:
        # Already sent, given up, or leased by a live worker: a redelivered request sends nothing.
        current = store.get(key)
        if current is None:
            raise InteractionMissing(key)
        return RespondOutcome(status=_settle_unclaimed(current, now, store, dispatcher), reply_id=current.reply_id)
    try:
        if refuse_example_policy and is_example_policy(policy or default_policy()):
            # Customers must never hear from a placeholder brand: nothing is sent, and a person gets the message.
            store.finish_reply(key, ReplyStatus.FAILED, error=EXAMPLE_POLICY_REFUSAL)
            _hand_to_person(key, EXAMPLE_POLICY_REFUSAL, dispatcher)
            return RespondOutcome(status=ReplyStatus.FAILED, refused_example_policy=True)
        if pauses is not None and (until := pauses.paused_until(claimed.interaction.conversation_key)) and until > now:
            # a person answered this conversation from the platform's own app: the bot does not talk over them
            store.finish_reply(
                key, ReplyStatus.NONE, error="automation paused: a person answered from the platform's app"
            )
            return RespondOutcome(status=ReplyStatus.NONE)
        return _send_claimed(claimed, store, replier, dispatcher, clock, now, policy, memory, sent_replies)
    except (RetryLater, InteractionMissing):
        raise
    except Exception as exc:
        # Anything that failed before a platform call (a throttled read, a compose error) sent nothing: hand the
        # lease back so the retried message can claim it, rather than leave the reply 'sending' for good.
        if claimed.reply_attempts >= MAX_ATTEMPTS:
            store.finish_reply(key, ReplyStatus.FAILED, error=f"could not prepare the reply: {type(exc).__name__}")
            _hand_to_person(
                key, f"reply failed after {claimed.reply_attempts} attempts: {type(exc).__name__}", dispatcher
            )
            return RespondOutcome(status=ReplyStatus.FAILED)
        store.finish_reply(key, ReplyStatus.PENDING, error=f"before sending: {type(exc).__name__}")
        raise RetryLater(f"before sending: {type(exc).__name__}", backoff_seconds(claimed.reply_attempts)) from exc


def _send_claimed(
    claimed: StoredInteraction,
    store: InteractionStore,
    replier: PlatformReplier,
    dispatcher: Dispatcher,
    clock: Callable[[], float],
    now: float,
    policy: BrandPolicy | None,
    memory: ReplyMemory | None,
    sent_replies: SentReplies | None,
) -> RespondOutcome:
    interaction = claimed.interaction
    key = interaction.key
    # Public or private is the brand's choice per platform, where the platform offers both.
    visibility = deliverable_visibility(interaction, claimed.decision.visibility)
    # Outside the platform's reply window nothing may be sent: a person answers, and the case says why.
    if closed := window_closed(interaction, now, visibility):
        store.finish_reply(key, ReplyStatus.FAILED, error=closed)
        _hand_to_person(key, f"no automated reply: {closed}", dispatcher)
        return RespondOutcome(status=ReplyStatus.FAILED)
    policy = policy or default_policy()
    post = post_key(interaction) if memory is not None else ""
    under_post = memory.recent(post) if memory is not None and post else []
    composed = _compose(claimed, store, policy, now, under_post)
    text = composed.text
    # The last check before anything leaves: a reply that breaks a guardrail is never sent.
    if violations := check_reply(text, interaction.platform, visibility, policy):
        reason = "reply blocked by guardrails: " + "; ".join(str(v) for v in violations)
        store.finish_reply(key, ReplyStatus.FAILED, error=reason, reply_text=text)
        _hand_to_person(key, reason, dispatcher)
        return RespondOutcome(status=ReplyStatus.FAILED)
    try:
        reply_id = replier.reply(interaction, text, visibility)
    except (RateLimited, TransientPlatformError) as exc:
        if claimed.reply_attempts >= MAX_ATTEMPTS:
            store.finish_reply(key, ReplyStatus.FAILED, error=str(exc), reply_text=text)
            _hand_to_person(key, f"reply failed after {claimed.reply_attempts} attempts: {exc}", dispatcher)
            return RespondOutcome(status=ReplyStatus.FAILED)
        store.finish_reply(key, ReplyStatus.PENDING, error=str(exc))
        delay = exc.retry_after if isinstance(exc, RateLimited) else backoff_seconds(claimed.reply_attempts)
        raise RetryLater(str(exc), delay) from exc
    except OutcomeUnknown as exc:
        store.finish_reply(key, ReplyStatus.UNKNOWN, error=str(exc), reply_text=text)
        _hand_to_person(key, f"reply outcome unknown: {exc}", dispatcher)
        return RespondOutcome(status=ReplyStatus.UNKNOWN)
    except (PermanentPlatformError, PlatformError) as exc:
        store.finish_reply(key, ReplyStatus.FAILED, error=str(exc), reply_text=text)
        _hand_to_person(key, f"reply refused by the platform: {exc}", dispatcher)
        return RespondOutcome(status=ReplyStatus.FAILED)
    except Exception as exc:
        # an unexpected failure inside the client may come after the platform accepted the reply: never retry it
        store.finish_reply(
            key, ReplyStatus.UNKNOWN, error=f"reply client failed: {type(exc).__name__}", reply_text=text
        )
        _hand_to_person(key, f"reply outcome unknown: the reply client failed ({type(exc).__name__})", dispatcher)
        return RespondOutcome(status=ReplyStatus.UNKNOWN)
    # the latency the customer saw: from their message to the platform accepting our reply
    replied_at = clock()
    latency_ms = max(0, round((replied_at - interaction.created_at) * 1000))
    store.finish_reply(
        key, ReplyStatus.SENT, reply_id=reply_id, reply_text=text, replied_at=replied_at, ack_latency_ms=latency_ms
    )
    if memory is not None and post:
        # after the reply is recorded as sent: a failure here retries the message, which then sends nothing
        memory.remember(post, [*under_post, _variant_entry(composed)][-RECENT_UNDER_POST:], replied_at)
    tracked = sent_replies is not None and bool(reply_id) and interaction.platform in DELIVERY_REPORT_PLATFORMS
    if tracked and sent_replies is not None:
        # So the platform's delivery reports find this reply. Also after the reply is recorded: if this write
        # fails, the retried message sends nothing and the reports are kept as conversation activity instead.
        # A report that raced ahead of this link was parked on the link item and comes back here.
        early = sent_replies.link(interaction.platform, reply_id, key, replied_at)
        if early is not None:
            store.record_deliveries([(key, early)])
    return RespondOutcome(status=ReplyStatus.SENT, reply_id=reply_id, ack_latency_ms=latency_ms)
