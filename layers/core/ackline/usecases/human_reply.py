"""A person answers the customer from the queue, through the same at-most-once path as automated replies.

The API stores the reply once per idempotency key (a double click or a retried request finds the same reply) and
queues it on AckQueue; the responder leases it (pending -> sending), checks the platform's window and length limit
again (time has passed), sends it with the same platform client, and records how it ended. Rate limits and
transient failures come back later, as automated replies do; an unknown outcome is never retried.

What refuses a reply, at once and with the reason: an empty or too long text, and a closed reply window (WhatsApp:
only an approved template may be sent after 24 hours). What only warns: the tone guardrails (promise, slang,
banned phrase, links...). A person is trusted to decide; the software keeps them from what the platform refuses.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from ackline.contracts.messages import HumanReplyRequest
from ackline.domain.cases import CaseEvent, CaseEventKind
from ackline.domain.errors import (
    CaseNotFound,
    OutcomeUnknown,
    PermanentPlatformError,
    PlatformError,
    RateLimited,
    ReplyRefused,
    TransientPlatformError,
)
from ackline.domain.guardrails import check_reply
from ackline.domain.model import Case, Platform, ReplyStatus, StoredInteraction
from ackline.domain.policy import BrandPolicy
from ackline.domain.replies import safe_first_name
from ackline.domain.retry import backoff_seconds
from ackline.domain.windows import deliverable_visibility, window_closed
from ackline.ports import CaseStore, HumanReplyQueue, InteractionStore, PlatformReplier
from ackline.usecases.respond import LEASE_SECONDS, MAX_ATTEMPTS, RetryLater

REFUSING_RULES = frozenset({"empty", "too_long"})  # the platform would refuse these; the rest are the tone rules


@dataclass(frozen=True)
class HumanReplyAccepted:
    reply: CaseEvent
    warnings: list[str]
    repeated: bool  # the same idempotency key was used before: nothing new was queued unless it was still pending


@dataclass(frozen=True)
class SavedReplyText:
    name: str
    text: str


def saved_replies_for(case: Case, policy: BrandPolicy) -> list[SavedReplyText]:
    """The policy's saved replies filled in for this customer (`{name}` only with a safe first name)."""
    name = safe_first_name(case.author_name)
    return [
        SavedReplyText(
            r.name,
            r.text.format(
                name=f", {name}" if name else "", brand=policy.brand.name, offline=policy.offline_channel.phrase
            ),
        )
        for r in policy.saved_replies
    ]


def reply_event_id(case_id: str, staff: str, idempotency_key: str) -> str:
    """One reply per (case, person, key): the same request repeated finds the same reply."""
    return hashlib.sha256(f"{case_id}\x1f{staff}\x1f{idempotency_key}".encode()).hexdigest()[:20]


def _target(case: Case, interactions: InteractionStore) -> StoredInteraction:
    """The customer's latest message in the case: what a reply answers (and whose window applies)."""
    for key in reversed(case.interaction_keys):
        stored = interactions.get(key)
        if stored is not None and not stored.interaction.is_own:
            return stored
    raise ReplyRefused("the customer's messages in this case are no longer stored (erased on request)")


def _refusal(
    target: StoredInteraction, text: str, now: float, policy: BrandPolicy
) -> tuple[ReplyRefused | None, list[str]]:
    interaction = target.interaction
    visibility = deliverable_visibility(interaction, target.decision.visibility)
    if closed := window_closed(interaction, now, visibility):
        if interaction.platform is Platform.WHATSAPP:
            return ReplyRefused(
                f"{closed}: WhatsApp allows only an approved message template now (send one from WhatsApp Manager)",
                template_needed=True,
            ), []
        return ReplyRefused(closed), []
    violations = check_reply(text, interaction.platform, visibility, policy)
    refusing = [str(v) for v in violations if v.rule in REFUSING_RULES]
    if refusing:
        return ReplyRefused("; ".join(refusing)), []
    return None, [str(v) for v in violations if v.rule not in REFUSING_RULES]


def request_human_reply(
    case_id: str,
    text: str,
    staff: str,
    idempotency_key: str,
    cases: CaseStore,
    interactions: InteractionStore,
    queue: HumanReplyQueue,
    policy: BrandPolicy,
    now: float,
) -> HumanReplyAccepted:
    case = cases.get_case(case_id)
    if case is None:
        raise CaseNotFound(case_id)
    event_id = reply_event_id(case_id, staff, idempotency_key)
    existing = cases.get_event(case_id, event_id)
    if existing is None:
        target = _target(case, interactions)
        refused, warnings = _refusal(target, text, now, policy)
        if refused is not None:
            raise refused
        reply = CaseEvent(
            event_id=event_id,
            case_id=case_id,
            kind=CaseEventKind.HUMAN_REPLY,
            at=now,
            by=staff,
            text=text,
            target_key=target.interaction.key,
            reply_status=ReplyStatus.PENDING,
        )
        if cases.add_event(reply):
            queue.request_human_reply(HumanReplyRequest(case_id=case_id, event_id=event_id))
            return HumanReplyAccepted(reply=reply, warnings=warnings, repeated=False)
        existing = cases.get_event(case_id, event_id)  # the same request, at the same moment
        if existing is None:
            raise ReplyRefused("the reply could not be stored; try again")
    if existing.reply_status is ReplyStatus.PENDING:
        # the first request may have stored it and died before queueing: queue again (the lease sends once)
        queue.request_human_reply(HumanReplyRequest(case_id=case_id, event_id=event_id))
    return HumanReplyAccepted(reply=existing, warnings=[], repeated=True)


def send_human_reply(
    request: HumanReplyRequest,
    cases: CaseStore,
    interactions: InteractionStore,
    replier: PlatformReplier,
    clock: Callable[[], float],
    policy: BrandPolicy,
) -> ReplyStatus:
    """The responder's side: at most one platform call per stored reply, whatever the queue redelivers."""
    now = clock()
    leased = cases.lease_human_reply(request.case_id, request.event_id, now, LEASE_SECONDS)
    if leased is None:
        current = cases.get_event(request.case_id, request.event_id)
        if current is None:
            return ReplyStatus.NONE  # the case's history is gone: nothing to send
        lease = current.reply_lease_until
        if current.reply_status is ReplyStatus.SENDING and lease is not None:
            if lease >= now:
                raise RetryLater("another worker holds the reply lease", lease - now + 1)
            cases.finish_human_reply(
                request.case_id, request.event_id, ReplyStatus.UNKNOWN, error="a previous send never reported back"
            )
            return ReplyStatus.UNKNOWN
        return current.reply_status or ReplyStatus.NONE
    finish = _finisher(request, cases)
    target = interactions.get(leased.target_key)
    if target is None:
        return finish(ReplyStatus.FAILED, "the customer's message is no longer stored (erased on request)")
    refused, _ = _refusal(target, leased.text, now, policy)
    if refused is not None:
        return finish(ReplyStatus.FAILED, refused.reason)
    visibility = deliverable_visibility(target.interaction, target.decision.visibility)
    try:
        reply_id = replier.reply(target.interaction, leased.text, visibility)
    except (RateLimited, TransientPlatformError) as exc:
        if leased.reply_attempts >= MAX_ATTEMPTS:
            return finish(ReplyStatus.FAILED, f"failed after {leased.reply_attempts} attempts: {exc}")
        cases.finish_human_reply(request.case_id, request.event_id, ReplyStatus.PENDING, error=str(exc))
        delay = exc.retry_after if isinstance(exc, RateLimited) else backoff_seconds(leased.reply_attempts)
        raise RetryLater(str(exc), delay) from exc
    except OutcomeUnknown as exc:
        return finish(ReplyStatus.UNKNOWN, f"outcome unknown: {exc}")
    except (PermanentPlatformError, PlatformError) as exc:
        return finish(ReplyStatus.FAILED, f"refused by the platform: {exc}")
    except Exception as exc:  # the client may have failed after the platform accepted it: never retried
        return finish(ReplyStatus.UNKNOWN, f"the reply client failed ({type(exc).__name__})")
    replied_at = clock()
    cases.finish_human_reply(
        request.case_id, request.event_id, ReplyStatus.SENT, reply_id=reply_id, replied_at=replied_at
    )
    # the second clock: the first time a person answered the customer
    cases.record_human_response(request.case_id, leased.by, replied_at)
    return ReplyStatus.SENT


def _finisher(request: HumanReplyRequest, cases: CaseStore) -> Callable[[ReplyStatus, str], ReplyStatus]:
    def finish(status: ReplyStatus, error: str) -> ReplyStatus:
        cases.finish_human_reply(request.case_id, request.event_id, status, error=error)
        return status

    return finish
