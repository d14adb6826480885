"""The ports the use cases depend on. Adapters implement them with boto3/requests; tests with fakes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from ackline.contracts.messages import AckRequest, FollowUpRequest
from ackline.domain.model import Case, CaseStatus, Decision, Interaction, Priority, ReplyStatus, StoredInteraction


class InteractionStore(Protocol):
    def add(self, interaction: Interaction, decision: Decision) -> StoredInteraction | None:
        """Store once. Returns None when it was already stored (a redelivery): nothing new happens."""

    def get(self, key: str) -> StoredInteraction | None: ...

    def add_many(self, items: Sequence[tuple[Interaction, Decision]]) -> list[StoredInteraction | None]:
        """`add` for a whole delivery (Meta batches up to 1,000 updates), in order."""

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


class CaseStore(Protocol):
    def open_or_append(
        self,
        interaction: Interaction,
        priority: Priority,
        reasons: Sequence[str],
        now: float,
        sla_seconds: int | None = None,
    ) -> Case:
        """One open case per conversation: open it, or add this interaction to it. Idempotent.

        `sla_seconds` (the brand policy's, for this priority) sets when a person must pick it up."""

    def get_case(self, case_id: str) -> Case | None: ...

    def list_cases(self, status: CaseStatus, limit: int) -> list[Case]:
        """Most urgent first: priority, then age."""

    def transition(self, case_id: str, to: CaseStatus, by: str, now: float) -> Case: ...


class Dispatcher(Protocol):
    def request_acks(self, requests: Sequence[AckRequest]) -> None: ...

    def request_follow_ups(self, requests: Sequence[FollowUpRequest]) -> None: ...


class PlatformReplier(Protocol):
    def reply(self, interaction: Interaction, text: str) -> str:
        """Send one reply; returns the platform's id for it. Raises the domain's PlatformError family."""


class AuthorLedger(Protocol):
    """What ackline remembers about one author (key: the interaction's conversation key), updated atomically."""

    def record_abuse(self, author_key: str, interaction_key: str, now: float, window_seconds: int) -> int:
        """Count one abusive message (idempotent per interaction); returns the author's count in the window."""

    def is_flagged(self, author_key: str) -> bool: ...

    def flag(self, author_key: str, reason: str, now: float) -> None:
        """Mark the author for a person's attention; blocking stays a human decision."""
