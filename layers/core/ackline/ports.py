"""The ports the use cases depend on. Adapters implement them with boto3/requests; tests with fakes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

from ackline.contracts.messages import AckRequest, FollowUpRequest, HumanReplyRequest, HumanResponseSeen
from ackline.domain.blocks import BlockedAuthor
from ackline.domain.cases import CaseEvent, CasePage, CaseQuery
from ackline.domain.channels import Channel
from ackline.domain.crisis import CrisisState
from ackline.domain.delivery import DeliveryReport
from ackline.domain.demand import TopicDemand
from ackline.domain.erasure import ErasureRequest
from ackline.domain.errors import StoreRejected, StoreUnavailable
from ackline.domain.model import (
    Case,
    CaseStatus,
    Decision,
    Interaction,
    Platform,
    Priority,
    ReplyStatus,
    StoredInteraction,
    Visibility,
)
from ackline.domain.shield import AuthorRate

# One entry's outcome in `InteractionStore.add_many`: stored, already stored (None), or why it was not.
AddResult = StoredInteraction | None | StoreRejected | StoreUnavailable


class InteractionStore(Protocol):
    def add(self, interaction: Interaction, decision: Decision) -> StoredInteraction | None:
        """Store once. Returns None when it was already stored (a redelivery): nothing new happens."""

    def get(self, key: str) -> StoredInteraction | None: ...

    def add_many(self, items: Sequence[tuple[Interaction, Decision]]) -> list[AddResult]:
        """`add` for a whole delivery (Meta batches up to 1,000 updates), in order. Never raises for one entry:
        an entry whose write failed has StoreRejected (the same write would fail again) or StoreUnavailable
        (retry later) in its place, and the entries beside it are still written."""

    def get_many(self, keys: Sequence[str]) -> dict[str, StoredInteraction]: ...

    def claim_reply(self, key: str, now: float, lease_seconds: int) -> StoredInteraction | None:
        """Lease the reply (pending -> sending). None when it is not pending: sent, leased or given up."""

    def finish_reply(
        self,
        key: str,
        status: ReplyStatus,
        *,
        reply_id: str = "",
        reply_text: str = "",
        error: str = "",
        replied_at: float | None = None,
        ack_latency_ms: int | None = None,
    ) -> None:
        """Record how a leased reply ended (sent, failed, unknown) or hand it back (pending)."""

    def conversation(self, conversation_key: str, limit: int = 100) -> list[StoredInteraction]: ...

    def suppressed(self, limit: int) -> list[StoredInteraction]:
        """Customer messages suppressed without a reply (spam, not addressed to us), newest first."""

    def record_deliveries(self, updates: Sequence[tuple[str, DeliveryReport]]) -> list[bool]:
        """For each (interaction key, report): move that reply's delivery state forward to the report's, never
        back. False where it did not move (an older or repeated report, or no reply with that id there)."""


class CaseStore(Protocol):
    def open_or_append(
        self,
        interaction: Interaction,
        priority: Priority,
        reasons: Sequence[str],
        now: float,
        sla_seconds: int | None = None,
        reopen_seconds: int = 0,
    ) -> Case:
        """One open case per conversation: open it, or add this interaction to it. Idempotent.

        `sla_seconds` (the brand policy's, for this priority) sets when a person must pick it up; within
        `reopen_seconds` of the conversation's last case being resolved, that case reopens instead."""

    def mark_alerted(self, case_id: str, now: float) -> None:
        """Record that people were alerted about this case, so a retried follow-up does not alert again."""

    def claim_alert(self, case_id: str, now: float, lease_seconds: int) -> bool:
        """Whether this worker alerts people about the case: true for one worker until the alert is recorded
        (mark_alerted), and again once `lease_seconds` pass without it (that worker stopped before alerting)."""

    def get_case(self, case_id: str) -> Case | None: ...

    def list_cases(self, status: CaseStatus, limit: int) -> list[Case]:
        """Most urgent first: priority, then age."""

    def transition(self, case_id: str, to: CaseStatus, by: str, now: float) -> Case: ...

    def list_page(self, query: CaseQuery) -> CasePage:
        """One page of the view, most urgent first, from where `query.cursor` stopped."""

    def claim(self, case_id: str, by: str, now: float) -> Case:
        """Take an open case; CaseHeld when someone else holds it. Idempotent for the holder."""

    def release(self, case_id: str, by: str, now: float) -> Case:
        """Give a case you hold back to the queue; CaseHeld when someone else holds it."""

    def assign(self, case_id: str, to: str, by: str, now: float) -> Case: ...

    def resolve(self, case_id: str, by: str, now: float) -> Case: ...

    def reopen(self, case_id: str, by: str, now: float) -> Case: ...

    def add_event(self, event: CaseEvent) -> bool:
        """Record a note, a human reply (once per event id) or another event; False when it was already there."""

    def history(self, case_id: str) -> tuple[Case | None, list[CaseEvent]]:
        """The case and its events, oldest first."""

    def get_event(self, case_id: str, event_id: str) -> CaseEvent | None:
        """A human reply by its id (the hash of its idempotency key)."""

    def lease_human_reply(self, case_id: str, event_id: str, now: float, lease_seconds: int) -> CaseEvent | None:
        """pending -> sending, as `InteractionStore.claim_reply` does for automated replies; None when not pending."""

    def finish_human_reply(
        self,
        case_id: str,
        event_id: str,
        status: ReplyStatus,
        *,
        reply_id: str = "",
        error: str = "",
        replied_at: float | None = None,
    ) -> None: ...

    def record_human_response(self, case_id: str, by: str, at: float) -> None:
        """The first time a person answered the customer (kept if earlier): the case's second clock."""

    def open_case_id(self, conversation_key: str) -> str | None:
        """The conversation's open case, if it has one."""

    def opened_since(self, since: float, limit: int) -> tuple[list[Case], bool]:
        """Cases opened at or after `since`, any status (at most `limit`; True when there were more)."""


class HumanReplyQueue(Protocol):
    def request_human_reply(self, request: HumanReplyRequest) -> None:
        """Queue a stored human reply for the responder to send."""


class Dispatcher(Protocol):
    def request_acks(self, requests: Sequence[AckRequest]) -> None: ...

    def request_follow_ups(self, requests: Sequence[FollowUpRequest]) -> None: ...


class PlatformReplier(Protocol):
    def reply(self, interaction: Interaction, text: str, visibility: Visibility) -> str:
        """Send one reply, in public or in private (`domain.windows.deliverable_visibility`); returns the
        platform's id for it. Raises the domain's PlatformError family."""


class SentReplies(Protocol):
    """Which interaction each reply we sent answered, by the platform's id for the reply (WhatsApp's wamid),
    so a delivery report about it finds the reply. The responder links after a send; ingest looks up."""

    def link(self, platform: Platform, message_id: str, interaction_key: str, now: float) -> DeliveryReport | None:
        """Remember the reply; returns the furthest report that arrived before the link (else None)."""

    def owners(self, platform: Platform, message_ids: Sequence[str]) -> dict[str, str]:
        """message id -> interaction key, for the ids that are linked (a miss may be a link in flight)."""

    def park(self, report: DeliveryReport, now: float) -> str | None:
        """Keep a report about an id not (yet) linked, for `link` to apply; returns the interaction key if
        the link landed meanwhile (then the caller applies the report itself)."""


class AuthorLedger(Protocol):
    """What ackline remembers about one author (key: the interaction's conversation key), updated atomically."""

    def record_abuse(self, author_key: str, interaction_key: str, now: float, window_seconds: int) -> int:
        """Count one abusive message (idempotent per interaction); returns the author's count in the window."""

    def standing(self, author_key: str, now: float, window_seconds: int) -> tuple[int, bool]:
        """(abusive messages counted in the window so far, flagged): one read, nothing counted."""

    def is_flagged(self, author_key: str) -> bool: ...

    def flag(self, author_key: str, reason: str, now: float) -> None:
        """Mark the author for a person's attention; blocking stays a human decision."""


class DemandCounter(Protocol):
    """Feature requests per topic (the signal many customers asking for one thing gives the business)."""

    def record(self, requests: Mapping[str, int], now: float) -> None:
        """Add each topic's new requests atomically. Callers count each interaction once (on its fresh store)."""

    def topics(self) -> list[TopicDemand]: ...


class ReplyMemory(Protocol):
    """The reply variants recently used under one post (key: platform + post id), oldest first."""

    def recent(self, post_key: str) -> list[str]: ...

    def remember(self, post_key: str, recent: Sequence[str], now: float) -> None:
        """Replace the post's list (`<template>#<index>@<tag>` entries, oldest first; the tag names the
        interaction answered, so a retried send's bookkeeping adds nothing twice) after a successful send.

        Last writer wins: two replies sent at the same instant under one post may lose one entry, which at
        worst repeats a variant once; a conditional read-modify-write would cost a retry loop for that."""


class ErasureStore(Protocol):
    """One person's data, found, deleted or scrubbed on their request."""

    def person_interactions(self, person: str) -> list[str]:
        """Keys of every interaction this person authored."""

    def erase(self, interaction_keys: Sequence[str], conversation_keys: Iterable[str]) -> None:
        """Delete the interactions and everything kept per conversation (pointers, per-author records)."""

    def scrub_cases(self, case_ids: Iterable[str]) -> int:
        """Remove the person's name and words from these cases (those that exist); returns how many."""

    def save_request(self, request: ErasureRequest) -> None: ...

    def get_request(self, confirmation_code: str) -> ErasureRequest | None: ...


class Alerter(Protocol):
    """Tells people at once (e-mail, chat, paging through an SNS topic) when something cannot wait for the queue."""

    def alert(self, subject: str, message: str) -> None: ...


class AlertGate(Protocol):
    def take_turn(self, kind: str, now: float, period_seconds: int) -> bool:
        """True for the first caller of `kind` in each period (across every container): it sends the alert."""


class Blocklist(Protocol):
    """Authors staff blocked: stored, never answered, never queued."""

    def block(self, blocked: BlockedAuthor) -> None: ...

    def unblock(self, platform: Platform, author_id: str) -> None: ...

    def get(self, platform: Platform, author_id: str) -> BlockedAuthor | None: ...

    def blocked(self, authors: Iterable[tuple[Platform, str]]) -> set[tuple[Platform, str]]:
        """Which of these authors are blocked (one round trip for a whole delivery)."""

    def blocked_authors(self, limit: int) -> list[BlockedAuthor]:
        """The `limit` most recently blocked authors, newest first (one Query, never a Scan)."""


class ResponseQueue(Protocol):
    def request_human_responses(self, requests: Sequence[HumanResponseSeen]) -> None:
        """Queue our own messages for the follow-up to check: was that a person answering from the app?"""


class AutomationPauses(Protocol):
    """Per conversation: no automated reply until a time (a person answered from the platform's own app)."""

    def pause(self, conversation_key: str, until: float, by: str) -> None: ...

    def paused_until(self, conversation_key: str) -> float | None: ...


class UnsettledInteractions(Protocol):
    """Interactions ackline still owes a reply or a case (a sparse index, never a scan), for the reconciler."""

    def unsettled(self, received_before: float, limit: int) -> list[StoredInteraction]:
        """Up to `limit` unsettled interactions stored before `received_before`."""

    def give_up_reply(self, key: str, reason: str) -> bool:
        """pending -> failed, only if still pending; True when this call settled it."""

    def case_recorded(self, key: str) -> bool:
        """An escalation's case is written: settled unless a reply is still owed."""

    def settle(self, key: str) -> bool:
        """Drop an entry that owes nothing any more (a missed clean-up); False while a reply is owed."""


class CrisisStore(Protocol):
    """Per-account counters of negative messages (atomic, expiring) and the crisis-mode switches."""

    def states(self, accounts: Iterable[str]) -> dict[str, CrisisState]:
        """The switches of these accounts that exist (may be a few seconds old: read on every webhook)."""

    def all_states(self) -> list[CrisisState]:
        """Every switch there is (a handful), read fresh."""

    def count(self, negatives: Mapping[str, int], now: float) -> None:
        """Add each account's new negative messages to its minute and hour counters."""

    def window_count(self, account: str, now: float, minutes: int) -> int:
        """Negative messages in the last `minutes` (the current minute included)."""

    def baseline_count(self, account: str, now: float, hours: int) -> int:
        """Negative messages in the `hours` full hours before the current one (the account's usual rate)."""

    def switch_on(
        self, account: str, now: float, *, manual: bool, by: str, reason: str, statement: str = ""
    ) -> CrisisState | None:
        """Turn crisis mode on; the new state if this call turned it on (exactly one caller wins a wave),
        None if it was on already. A person's switch also takes over an automatic one (and its statement)."""

    def switch_off(self, account: str, now: float, *, by: str, manual: bool) -> bool:
        """Turn it off; an automatic switch-off never undoes a person's switch-on. True if it was on."""

    def mark_alerted(self, account: str, since: float, now: float) -> bool:
        """Record that people were told about the switch-on at `since`; False if someone already recorded it."""


class AuthorShield(Protocol):
    """Per-author message counters (a fixed one-minute window), for the abuse shield's rate limit.

    Blocking an author is the Blocklist's job (per platform author, as staff decide it), not the shield's."""

    def hit(self, messages: Mapping[str, int], now: float) -> dict[str, AuthorRate]:
        """Count each author's new messages in the current minute; their count now."""


class RetryScheduler(Protocol):
    """When a queue message that failed for now comes back (SQS visibility), so a retry waits as long as the
    platform asked."""

    def delay(self, receipt_handle: str, seconds: float) -> bool:
        """True when the queue took the new wait; False leaves the queue's own timeout in charge."""


class ActivitySource(Protocol):
    """A platform's recent activity for one brand account, read back for the backfill of missed webhooks."""

    def recent(self, account_id: str, since: float, now: float) -> list[Interaction]:
        """Customer activity since `since`, normalised exactly as the webhook reader would (same ids)."""


class ChannelRegistry(Protocol):
    """When each channel (platform account) was last heard from, for missed-webhook detection."""

    def seen(self, channels: Iterable[str], now: float) -> None:
        """Mark these channels ("<platform>#<account id>") as heard from now."""

    def channels(self) -> list[Channel]: ...


class WebhookSecrets(Protocol):
    """The values webhooks are verified with (SSM in AWS); each may hold several while one is being rolled."""

    def meta_app_secrets(self) -> list[str]: ...

    def meta_verify_tokens(self) -> list[str]: ...

    def x_consumer_secrets(self) -> list[str]: ...

    def telegram_secret_tokens(self) -> list[str]: ...

    def generic_webhook_secrets(self) -> list[str]: ...
