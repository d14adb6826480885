"""In-memory implementations of ackline's ports, with the same conditional semantics as DynamoDB's."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from ackline.contracts.messages import AckRequest, FollowUpRequest, HumanReplyRequest, HumanResponseSeen
from ackline.domain.blocks import BlockedAuthor
from ackline.domain.cases import (
    CaseEvent,
    CaseEventKind,
    CasePage,
    CaseQuery,
    appended,
    decode_cursor,
    encode_cursor,
    merged_reasons,
    new_case,
    reopening_id,
    searchable,
)
from ackline.domain.channels import Channel
from ackline.domain.crisis import CrisisState
from ackline.domain.delivery import RANK, DeliveryReport, furthest
from ackline.domain.demand import TopicDemand
from ackline.domain.erasure import SCRUBBED, ErasureRequest, person_of
from ackline.domain.errors import CaseConflict, CaseHeld, CaseNotFound, PlatformError
from ackline.domain.model import (
    Action,
    Case,
    CaseStatus,
    Decision,
    DeliveryState,
    Interaction,
    Platform,
    Priority,
    ReplyStatus,
    StoredInteraction,
    Visibility,
)
from ackline.domain.shield import AuthorRate
from ackline.domain.suppression import listed_as_suppressed
from ackline.ports import AddResult


class InMemoryInteractionStore:
    def __init__(self) -> None:
        self.items: dict[str, StoredInteraction] = {}

    def add(self, interaction: Interaction, decision: Decision) -> StoredInteraction | None:
        if interaction.key in self.items:
            return None
        status = ReplyStatus.PENDING if decision.action is Action.REPLY else ReplyStatus.NONE
        stored = StoredInteraction(
            interaction=interaction,
            decision=decision,
            reply_status=status,
        )
        self.items[interaction.key] = stored
        return stored

    def get(self, key: str) -> StoredInteraction | None:
        return self.items.get(key)

    def add_many(self, items: Sequence[tuple[Interaction, Decision]]) -> list[AddResult]:
        return [self.add(interaction, decision) for interaction, decision in items]

    def get_many(self, keys: Sequence[str]) -> dict[str, StoredInteraction]:
        return {k: self.items[k] for k in keys if k in self.items}

    def claim_reply(self, key: str, now: float, lease_seconds: int) -> StoredInteraction | None:
        current = self.items.get(key)
        if current is None or current.reply_status is not ReplyStatus.PENDING:
            return None
        claimed = current.model_copy(
            update={
                "reply_status": ReplyStatus.SENDING,
                "reply_lease_until": now + lease_seconds,
                "reply_attempts": current.reply_attempts + 1,
            }
        )
        self.items[key] = claimed
        return claimed

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
        current = self.items[key]
        update: dict[str, object] = {"reply_status": status, "reply_error": error, "reply_lease_until": None}
        optional = {"reply_id": reply_id, "reply_text": reply_text, "replied_at": replied_at}
        update |= {k: v for k, v in optional.items() if v not in (None, "")}
        if ack_latency_ms is not None:
            update["ack_latency_ms"] = ack_latency_ms
        self.items[key] = current.model_copy(update=update)

    def conversation(self, conversation_key: str, limit: int = 100) -> list[StoredInteraction]:
        found = [s for s in self.items.values() if s.interaction.conversation_key == conversation_key]
        return sorted(found, key=lambda s: s.interaction.created_at)[-limit:]

    def suppressed(self, limit: int) -> list[StoredInteraction]:
        found = [s for s in self.items.values() if listed_as_suppressed(s.interaction, s.decision)]
        return sorted(found, key=lambda s: s.interaction.received_at, reverse=True)[:limit]

    def record_deliveries(self, updates: Sequence[tuple[str, DeliveryReport]]) -> list[bool]:
        moved = []
        for key, report in updates:
            current = self.items.get(key)
            forward = current is not None and current.reply_id == report.message_id
            forward = forward and current is not None and RANK[current.delivery_state] < report.rank
            if forward and current is not None:
                update = {"delivery_state": report.state, "delivery_at": report.at, "delivery_error": report.error}
                self.items[key] = current.model_copy(update=update)
            moved.append(forward)
        return moved


class InMemoryCaseStore:
    def __init__(self) -> None:
        self.cases: dict[str, Case] = {}
        self.alert_leases: dict[str, float] = {}  # case id -> until when one worker holds the right to alert
        self.open_by_conversation: dict[str, str] = {}
        self.last_resolved: dict[str, tuple[str, float]] = {}  # conversation -> (case id, resolved at)
        self.events: dict[str, dict[str, CaseEvent]] = {}
        self.search: dict[str, str] = {}
        self.pauses: dict[str, float] = {}

    def _event(self, case_id: str, kind: CaseEventKind, at: float, by: str, text: str = "") -> None:
        event = CaseEvent(event_id=uuid.uuid4().hex[:20], case_id=case_id, kind=kind, at=at, by=by, text=text)
        self.add_event(event)

    def add_event(self, event: CaseEvent) -> bool:
        events = self.events.setdefault(event.case_id, {})
        if event.event_id in events:
            return False
        events[event.event_id] = event
        return True

    def history(self, case_id: str) -> tuple[Case | None, list[CaseEvent]]:
        return self.cases.get(case_id), sorted(self.events.get(case_id, {}).values(), key=lambda e: e.at)

    def update_event(self, event: CaseEvent) -> None:
        self.events.setdefault(event.case_id, {})[event.event_id] = event

    def get_event(self, case_id: str, event_id: str) -> CaseEvent | None:
        return self.events.get(case_id, {}).get(event_id)

    def lease_human_reply(self, case_id: str, event_id: str, now: float, lease_seconds: int) -> CaseEvent | None:
        event = self.get_event(case_id, event_id)
        if event is None or event.reply_status is not ReplyStatus.PENDING:
            return None
        leased = event.model_copy(
            update={
                "reply_status": ReplyStatus.SENDING,
                "reply_lease_until": now + lease_seconds,
                "reply_attempts": event.reply_attempts + 1,
            }
        )
        self.events[case_id][event_id] = leased
        return leased

    def finish_human_reply(
        self,
        case_id: str,
        event_id: str,
        status: ReplyStatus,
        *,
        reply_id: str = "",
        error: str = "",
        replied_at: float | None = None,
    ) -> None:
        event = self.events[case_id][event_id]
        update: dict[str, object] = {"reply_status": status, "reply_error": error, "reply_lease_until": None}
        if reply_id:
            update["reply_id"] = reply_id
        if replied_at is not None:
            update["replied_at"] = replied_at
        self.events[case_id][event_id] = event.model_copy(update=update)

    def record_human_response(self, case_id: str, by: str, at: float) -> None:
        case = self.cases.get(case_id)
        if case is not None and (case.first_human_response_at is None or case.first_human_response_at > at):
            self._set(case, first_human_response_at=at, first_human_response_by=by)

    def open_case_id(self, conversation_key: str) -> str | None:
        return self.open_by_conversation.get(conversation_key)

    def opened_since(self, since: float, limit: int) -> tuple[list[Case], bool]:
        found = [c for c in self.cases.values() if c.opened_at >= since]
        return found[:limit], len(found) > limit

    def pause(self, conversation_key: str, until: float, by: str) -> None:
        self.pauses[conversation_key] = max(until, self.pauses.get(conversation_key, 0.0))

    def paused_until(self, conversation_key: str) -> float | None:
        return self.pauses.get(conversation_key)

    def list_page(self, query: CaseQuery) -> CasePage:
        after = decode_cursor(query).get("all") or ""

        def sort_key(c: Case) -> str:
            return f"{c.priority.value}#{c.opened_at:017.6f}#{c.case_id}"

        found = sorted(
            (
                c
                for c in self.cases.values()
                if c.status in query.view.statuses
                and (query.platform is None or c.platform is query.platform)
                and (query.priority is None or c.priority is query.priority)
                and (not query.assignee or c.claimed_by == query.assignee)
                and (
                    not query.text
                    or query.text in self.search.get(c.case_id, searchable(c.author_name + " " + c.summary))
                )
                and sort_key(c) > after
            ),
            key=sort_key,
        )
        page = found[: query.limit]
        more = len(found) > query.limit
        return CasePage(page, encode_cursor(query, {"all": sort_key(page[-1])}) if more else None)

    def _set(self, case: Case, **update: object) -> Case:
        self.cases[case.case_id] = case = case.model_copy(update=update)
        return case

    def _require(self, case_id: str) -> Case:
        case = self.cases.get(case_id)
        if case is None:
            raise CaseNotFound(case_id)
        return case

    def claim(self, case_id: str, by: str, now: float) -> Case:
        case = self._require(case_id)
        if case.status is CaseStatus.CLAIMED:
            if case.claimed_by == by:
                return case
            raise CaseHeld(case_id, case.claimed_by)
        if case.status is not CaseStatus.OPEN:
            raise CaseConflict(case_id)
        self._event(case_id, CaseEventKind.CLAIMED, now, by)
        return self._set(case, status=CaseStatus.CLAIMED, claimed_by=by, updated_at=now)

    def release(self, case_id: str, by: str, now: float) -> Case:
        case = self._require(case_id)
        if case.status is CaseStatus.OPEN:
            return case
        if case.status is CaseStatus.CLAIMED and case.claimed_by != by:
            raise CaseHeld(case_id, case.claimed_by)
        if case.status is not CaseStatus.CLAIMED:
            raise CaseConflict(case_id)
        self._event(case_id, CaseEventKind.RELEASED, now, by)
        return self._set(case, status=CaseStatus.OPEN, claimed_by="", updated_at=now)

    def assign(self, case_id: str, to: str, by: str, now: float) -> Case:
        case = self._require(case_id)
        if case.status is CaseStatus.RESOLVED:
            raise CaseConflict(case_id)
        self._event(case_id, CaseEventKind.ASSIGNED, now, by, to)
        return self._set(case, status=CaseStatus.CLAIMED, claimed_by=to, assigned_by=by, updated_at=now)

    def resolve(self, case_id: str, by: str, now: float) -> Case:
        case = self._require(case_id)
        if case.status is CaseStatus.RESOLVED:
            return case
        self._event(case_id, CaseEventKind.RESOLVED, now, by)
        self.open_by_conversation.pop(case.conversation_key, None)
        self.last_resolved[case.conversation_key] = (case_id, now)
        return self._set(case, status=CaseStatus.RESOLVED, resolved_by=by, resolved_at=now, updated_at=now)

    def reopen(self, case_id: str, by: str, now: float) -> Case:
        case = self._require(case_id)
        if case.status is not CaseStatus.RESOLVED:
            return case
        if case.conversation_key in self.open_by_conversation:
            raise CaseConflict(case_id)
        self.open_by_conversation[case.conversation_key] = case_id
        self._event(case_id, CaseEventKind.REOPENED, now, by)
        return self._set(case, status=CaseStatus.OPEN, claimed_by="", reopened_at=now, updated_at=now)

    def open_or_append(
        self,
        interaction: Interaction,
        priority: Priority,
        reasons: Sequence[str],
        now: float,
        sla_seconds: int | None = None,
        reopen_seconds: int = 0,
    ) -> Case:
        case_id = self.open_by_conversation.get(interaction.conversation_key)
        last = self.last_resolved.get(interaction.conversation_key)
        if case_id is None and reopen_seconds and last is not None and now - last[1] <= reopen_seconds:
            previous = self.cases[last[0]]
            if previous.status is CaseStatus.RESOLVED and interaction.key not in previous.interaction_keys:
                self.cases[previous.case_id] = previous.model_copy(
                    update={"status": CaseStatus.OPEN, "claimed_by": "", "reopened_at": now}
                )
                self.open_by_conversation[interaction.conversation_key] = previous.case_id
                self._event(previous.case_id, CaseEventKind.REOPENED, now, "customer")
                case_id = previous.case_id
        if case_id is None:
            case = new_case(interaction, priority, reasons, now, sla_seconds)
            existing = self.cases.get(case.case_id)
            if existing is not None:
                if all(r in existing.reasons for r in reasons):
                    return existing  # a retried message
                if existing.status is not CaseStatus.RESOLVED:
                    return self._add_reasons(existing, reasons, now)
                # something new about an interaction whose case is closed: a case of its own
                case = new_case(interaction, priority, reasons, now, sla_seconds, reopening_id(interaction, reasons))
                if case.case_id in self.cases:
                    return self.cases[case.case_id]
            self.cases[case.case_id] = case
            self.open_by_conversation[interaction.conversation_key] = case.case_id
            return case
        case = self.cases[case_id]
        if interaction.key in case.interaction_keys:
            return self._add_reasons(case, reasons, now)
        # the domain's rule, as the DynamoDB adapter applies it (tests/contracts runs both)
        case = appended(case, interaction, priority, reasons, now, sla_seconds)
        self.cases[case_id] = case
        return case

    def _add_reasons(self, case: Case, reasons: Sequence[str], now: float) -> Case:
        if all(r in case.reasons for r in reasons):
            return case
        merged = case.model_copy(update={"reasons": merged_reasons(case.reasons, reasons), "updated_at": now})
        self.cases[case.case_id] = merged
        return merged

    def mark_alerted(self, case_id: str, now: float) -> None:
        case = self.cases[case_id]
        if case.alerted_at is None:
            self.cases[case_id] = case.model_copy(update={"alerted_at": now})

    def claim_alert(self, case_id: str, now: float, lease_seconds: int) -> bool:
        if self.cases[case_id].alerted_at is not None or self.alert_leases.get(case_id, float("-inf")) >= now:
            return False
        self.alert_leases[case_id] = now + lease_seconds
        return True

    def get_case(self, case_id: str) -> Case | None:
        return self.cases.get(case_id)

    def list_cases(self, status: CaseStatus, limit: int) -> list[Case]:
        found = [c for c in self.cases.values() if c.status is status]
        return sorted(found, key=lambda c: (c.priority.value, c.opened_at))[:limit]

    def transition(self, case_id: str, to: CaseStatus, by: str, now: float) -> Case:
        if to is CaseStatus.CLAIMED:
            return self.claim(case_id, by, now)
        if to is CaseStatus.RESOLVED:
            return self.resolve(case_id, by, now)
        return self.release(case_id, by, now)


class RecordingHumanReplyQueue:
    def __init__(self) -> None:
        self.requests: list[HumanReplyRequest] = []

    def request_human_reply(self, request: HumanReplyRequest) -> None:
        self.requests.append(request)


class RecordingDispatcher:
    def __init__(self, fail: bool = False) -> None:
        self.acks: list[AckRequest] = []
        self.follow_ups: list[FollowUpRequest] = []
        self.responses: list[HumanResponseSeen] = []
        self.fail = fail

    def request_acks(self, requests: Sequence[AckRequest]) -> None:
        if self.fail and requests:
            raise RuntimeError("queue unavailable")
        self.acks.extend(requests)

    def request_follow_ups(self, requests: Sequence[FollowUpRequest]) -> None:
        if self.fail and requests:
            raise RuntimeError("queue unavailable")
        self.follow_ups.extend(requests)

    def request_human_responses(self, requests: Sequence[HumanResponseSeen]) -> None:
        self.responses.extend(requests)


class RecordingRetryScheduler:
    """RetryScheduler: the waits asked for, per receipt handle (SQS would hide the message that long)."""

    def __init__(self) -> None:
        self.delays: list[tuple[str, float]] = []

    def delay(self, receipt_handle: str, seconds: float) -> bool:
        self.delays.append((receipt_handle, seconds))
        return True


class ScriptedReplier:
    """Answers each reply with the next scripted outcome: an id to return or an error to raise."""

    def __init__(self, *outcomes: str | PlatformError) -> None:
        self.outcomes = list(outcomes)
        self.sent: list[tuple[str, str]] = []
        self.visibilities: list[Visibility] = []  # where each sent reply went

    def reply(self, interaction: Interaction, text: str, visibility: Visibility) -> str:
        outcome = self.outcomes.pop(0) if self.outcomes else f"reply-{len(self.sent) + 1}"
        if isinstance(outcome, PlatformError):
            raise outcome
        self.sent.append((interaction.key, text))
        self.visibilities.append(visibility)
        return outcome


class InMemorySentReplies:
    """SentReplies with the DynamoDB adapter's semantics: link and park meet on one record per reply id."""

    def __init__(self) -> None:
        self.links: dict[tuple[Platform, str], str] = {}
        self.parked: dict[tuple[Platform, str], list[DeliveryReport]] = {}

    def link(self, platform: Platform, message_id: str, interaction_key: str, now: float) -> DeliveryReport | None:
        self.links[(platform, message_id)] = interaction_key
        early = self.parked.get((platform, message_id), [])
        state = furthest(r.state for r in early)
        if state is DeliveryState.NONE:
            return None
        return next(r for r in early if r.state is state)

    def owners(self, platform: Platform, message_ids: Sequence[str]) -> dict[str, str]:
        return {m: self.links[(platform, m)] for m in message_ids if (platform, m) in self.links}

    def park(self, report: DeliveryReport, now: float) -> str | None:
        self.parked.setdefault((report.platform, report.message_id), []).append(report)
        return self.links.get((report.platform, report.message_id))


class InMemoryAuthorLedger:
    """AuthorLedger with the DynamoDB adapter's semantics: a fixed window that restarts once it has passed,
    and an idempotent count (a set of interaction keys), so a redelivery never counts twice."""

    def __init__(self) -> None:
        self.abuse: dict[str, tuple[float, set[str]]] = {}
        self.flags: dict[str, str] = {}

    def record_abuse(self, author_key: str, interaction_key: str, now: float, window_seconds: int) -> int:
        started, keys = self.abuse.get(author_key, (now, set()))
        if started < now - window_seconds:
            started, keys = now, set()
        keys = keys | {interaction_key}
        self.abuse[author_key] = (started, keys)
        return len(keys)

    def standing(self, author_key: str, now: float, window_seconds: int) -> tuple[int, bool]:
        started, keys = self.abuse.get(author_key, (now, set()))
        return (0 if started < now - window_seconds else len(keys)), self.is_flagged(author_key)

    def is_flagged(self, author_key: str) -> bool:
        return author_key in self.flags

    def flag(self, author_key: str, reason: str, now: float) -> None:
        self.flags.setdefault(author_key, reason)


class InMemoryDemandCounter:
    """DemandCounter with the DynamoDB adapter's semantics: counts add up; first seen stays, last seen moves."""

    def __init__(self) -> None:
        self.demand: dict[str, TopicDemand] = {}

    def record(self, requests: Mapping[str, int], now: float) -> None:
        for topic, count in requests.items():
            if count <= 0:
                continue
            known = self.demand.get(topic)
            self.demand[topic] = TopicDemand(
                topic=topic,
                requests=(known.requests if known else 0) + count,
                first_seen=known.first_seen if known else now,
                last_seen=now,
            )

    def topics(self) -> list[TopicDemand]:
        return list(self.demand.values())


class InMemoryReplyMemory:
    """ReplyMemory: the latest list per post, last writer wins."""

    def __init__(self) -> None:
        self.posts: dict[str, list[str]] = {}

    def recent(self, post_key: str) -> list[str]:
        return list(self.posts.get(post_key, []))

    def remember(self, post_key: str, recent: Sequence[str], now: float) -> None:
        self.posts[post_key] = list(recent)


class InMemoryErasureStore:
    """ErasureStore over the in-memory interaction and case stores, with the DynamoDB adapter's semantics."""

    def __init__(self, interactions: InMemoryInteractionStore, cases: InMemoryCaseStore) -> None:
        self.interactions = interactions
        self.cases = cases
        self.requests: dict[str, ErasureRequest] = {}

    def person_interactions(self, person: str) -> list[str]:
        return [k for k, s in self.interactions.items.items() if person_of(s.interaction) == person]

    def erase(self, interaction_keys: Sequence[str], conversation_keys: Iterable[str]) -> None:
        for key in interaction_keys:
            self.interactions.items.pop(key, None)
        for conversation in conversation_keys:
            self.cases.open_by_conversation.pop(conversation, None)

    def scrub_cases(self, case_ids: Iterable[str]) -> int:
        found = [c for c in case_ids if c in self.cases.cases]
        for case_id in found:
            self.cases.cases[case_id] = self.cases.cases[case_id].model_copy(
                update={
                    "author_name": SCRUBBED,
                    "summary": SCRUBBED,
                    "author_id": SCRUBBED,
                    "conversation_key": SCRUBBED,
                }
            )
        return len(found)

    def save_request(self, request: ErasureRequest) -> None:
        self.requests[request.confirmation_code] = request

    def get_request(self, confirmation_code: str) -> ErasureRequest | None:
        return self.requests.get(confirmation_code)


class InMemoryAlertGate:
    def __init__(self) -> None:
        self.last: dict[str, float] = {}

    def take_turn(self, kind: str, now: float, period_seconds: int) -> bool:
        if kind in self.last and self.last[kind] >= now - period_seconds:
            return False
        self.last[kind] = now
        return True


class RecordingAlerter:
    def __init__(self) -> None:
        self.alerts: list[tuple[str, str]] = []

    def alert(self, subject: str, message: str) -> None:
        self.alerts.append((subject, message))


class InMemoryBlocklist:
    def __init__(self) -> None:
        self.entries: dict[tuple[Platform, str], BlockedAuthor] = {}

    def block(self, blocked: BlockedAuthor) -> None:
        # as the table's conditional put: the first block stays
        self.entries.setdefault((blocked.platform, blocked.author_id), blocked)

    def unblock(self, platform: Platform, author_id: str) -> None:
        self.entries.pop((platform, author_id), None)

    def get(self, platform: Platform, author_id: str) -> BlockedAuthor | None:
        return self.entries.get((platform, author_id))

    def blocked(self, authors: Iterable[tuple[Platform, str]]) -> set[tuple[Platform, str]]:
        return {a for a in authors if a in self.entries}

    def blocked_authors(self, limit: int) -> list[BlockedAuthor]:
        return sorted(self.entries.values(), key=lambda b: b.at, reverse=True)[:limit]


class InMemoryUnsettled:
    """UnsettledInteractions over an InMemoryInteractionStore: what the sparse index would hold."""

    def __init__(self, store: InMemoryInteractionStore) -> None:
        self.store = store
        self.cases_recorded: set[str] = set()
        self.settled: set[str] = set()

    def _owes(self, stored: StoredInteraction) -> bool:
        key = stored.interaction.key
        if key in self.settled:
            return False
        if stored.reply_status in (ReplyStatus.PENDING, ReplyStatus.SENDING):
            return True
        return stored.decision.escalate and stored.reply_status is ReplyStatus.NONE and key not in self.cases_recorded

    def unsettled(self, received_before: float, limit: int) -> list[StoredInteraction]:
        found = [s for s in self.store.items.values() if s.interaction.received_at < received_before and self._owes(s)]
        return sorted(found, key=lambda s: s.interaction.received_at)[:limit]

    def give_up_reply(self, key: str, reason: str) -> bool:
        current = self.store.items.get(key)
        if current is None or current.reply_status is not ReplyStatus.PENDING:
            return False
        self.store.items[key] = current.model_copy(update={"reply_status": ReplyStatus.FAILED, "reply_error": reason})
        return True

    def case_recorded(self, key: str) -> bool:
        self.cases_recorded.add(key)
        return self.settle(key)

    def settle(self, key: str) -> bool:
        current = self.store.items.get(key)
        if current is None or current.reply_status in (ReplyStatus.PENDING, ReplyStatus.SENDING):
            return False
        self.settled.add(key)
        return True


class InMemoryCrisisStore:
    """CrisisStore with DynamoDB's semantics: minute/hour counters and conditional switches."""

    def __init__(self) -> None:
        self.minutes: dict[tuple[str, int], int] = {}
        self.hours: dict[tuple[str, int], int] = {}
        self.switches: dict[str, CrisisState] = {}

    def states(self, accounts: Iterable[str]) -> dict[str, CrisisState]:
        return {a: self.switches[a] for a in accounts if a in self.switches}

    def all_states(self) -> list[CrisisState]:
        return list(self.switches.values())

    def count(self, negatives: Mapping[str, int], now: float) -> None:
        for account, n in negatives.items():
            self.minutes[(account, int(now // 60))] = self.minutes.get((account, int(now // 60)), 0) + n
            self.hours[(account, int(now // 3600))] = self.hours.get((account, int(now // 3600)), 0) + n

    def window_count(self, account: str, now: float, minutes: int) -> int:
        minute = int(now // 60)
        return sum(self.minutes.get((account, m), 0) for m in range(minute - minutes + 1, minute + 1))

    def baseline_count(self, account: str, now: float, hours: int) -> int:
        hour = int(now // 3600)
        return sum(self.hours.get((account, h), 0) for h in range(hour - hours, hour))

    def switch_on(
        self, account: str, now: float, *, manual: bool, by: str, reason: str, statement: str = ""
    ) -> CrisisState | None:
        current = self.switches.get(account)
        if current is not None and current.on:
            if manual:
                update: dict[str, object] = {"manual": True, "by": by, "changed_at": now}
                if statement:
                    update["statement"] = statement
                self.switches[account] = current.model_copy(update=update)
            return None
        state = CrisisState(
            account=account,
            on=True,
            manual=manual,
            since=now,
            reason=reason,
            statement=statement,
            by=by,
            changed_at=now,
        )
        self.switches[account] = state
        return state

    def switch_off(self, account: str, now: float, *, by: str, manual: bool) -> bool:
        current = self.switches.get(account)
        if current is None or not current.on or (current.manual and not manual):
            return False
        self.switches[account] = current.model_copy(
            update={"on": False, "manual": False, "by": by, "changed_at": now, "statement": ""}
        )
        return True

    def mark_alerted(self, account: str, since: float, now: float) -> bool:
        current = self.switches.get(account)
        if current is None or current.since != since or current.alerted_at is not None:
            return False
        self.switches[account] = current.model_copy(update={"alerted_at": now})
        return True


class InMemoryAuthorShield:
    """AuthorShield: a one-minute counter per author."""

    def __init__(self) -> None:
        self.minutes: dict[str, tuple[int, int]] = {}  # author -> (minute, count)

    def hit(self, messages: Mapping[str, int], now: float) -> dict[str, AuthorRate]:
        minute = int(now // 60)
        rates = {}
        for author, n in messages.items():
            seen_minute, count = self.minutes.get(author, (minute, 0))
            count = count + n if seen_minute == minute else n
            self.minutes[author] = (minute, count)
            rates[author] = AuthorRate(count=count)
        return rates


class ScriptedActivity:
    """ActivitySource: a platform's recent activity, the items given (per account), or a failed read."""

    def __init__(self, *items: Interaction, fail: bool = False) -> None:
        self.items, self.fail = list(items), fail
        self.asked: list[tuple[str, float]] = []

    def recent(self, account_id: str, since: float, now: float) -> list[Interaction]:
        self.asked.append((account_id, since))
        if self.fail:
            raise RuntimeError("Graph API 500")
        return [i for i in self.items if i.account_id == account_id and since <= i.created_at <= now]


class InMemoryChannelRegistry:
    """ChannelRegistry: when each channel was first and last heard from, and in how many minutes."""

    def __init__(self) -> None:
        self.seen_at: dict[str, Channel] = {}

    def seen(self, channels: Iterable[str], now: float) -> None:
        for key in channels:
            known = self.seen_at.get(key)
            if known is None:
                self.seen_at[key] = Channel(key, now, now, 1)
            elif int(now // 60) != int(known.last_seen // 60):
                self.seen_at[key] = Channel(key, known.first_seen, now, known.active_minutes + 1)

    def channels(self) -> list[Channel]:
        return sorted(self.seen_at.values(), key=lambda c: c.key)


# Each fake checked against its port: `make typecheck` runs mypy over this file, so a fake that drifts from its
# Protocol (a missing method, another signature) fails the build instead of passing tests the adapter would fail.
# Behaviour is held to the adapters' by the contract suite (tests/contracts).
if TYPE_CHECKING:
    from ackline import ports

    _interactions: ports.InteractionStore = InMemoryInteractionStore()
    _cases: ports.CaseStore = InMemoryCaseStore()
    _pauses: ports.AutomationPauses = InMemoryCaseStore()
    _human_replies: ports.HumanReplyQueue = RecordingHumanReplyQueue()
    _dispatcher: ports.Dispatcher = RecordingDispatcher()
    _responses: ports.ResponseQueue = RecordingDispatcher()
    _replier: ports.PlatformReplier = ScriptedReplier()
    _retries: ports.RetryScheduler = RecordingRetryScheduler()
    _sent: ports.SentReplies = InMemorySentReplies()
    _ledger: ports.AuthorLedger = InMemoryAuthorLedger()
    _demand: ports.DemandCounter = InMemoryDemandCounter()
    _memory: ports.ReplyMemory = InMemoryReplyMemory()
    _erasure: ports.ErasureStore = InMemoryErasureStore(InMemoryInteractionStore(), InMemoryCaseStore())
    _gate: ports.AlertGate = InMemoryAlertGate()
    _alerter: ports.Alerter = RecordingAlerter()
    _blocklist: ports.Blocklist = InMemoryBlocklist()
    _unsettled: ports.UnsettledInteractions = InMemoryUnsettled(InMemoryInteractionStore())
    _crisis: ports.CrisisStore = InMemoryCrisisStore()
    _shield: ports.AuthorShield = InMemoryAuthorShield()
    _channels: ports.ChannelRegistry = InMemoryChannelRegistry()
    _activity: ports.ActivitySource = ScriptedActivity()
