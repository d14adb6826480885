"""How a case starts: named after the interaction that opened it, due by its priority's SLA."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import unicodedata
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel

from ackline.domain.errors import BadRequest
from ackline.domain.model import Case, CaseStatus, Interaction, Platform, Priority, ReplyStatus, case_id_for
from ackline.domain.triage import SLA_SECONDS

SUMMARY_CHARS = 280  # what the queue shows of the latest message; the case view shows it all


def due_in(priority: Priority, sla_seconds: int | None = None) -> int:
    """The brand policy's SLA when the decision carries one, else the default for the priority."""
    return sla_seconds or SLA_SECONDS[priority]


def reopening_id(interaction: Interaction, reasons: Sequence[str]) -> str:
    """A new case for an interaction whose own case was resolved before this reason arrived (say, its reply
    failed later): named after the interaction and the reasons, so a retried follow-up opens it only once."""
    return case_id_for(interaction.key + "#" + "|".join(sorted(reasons)))


def new_case(
    interaction: Interaction,
    priority: Priority,
    reasons: Sequence[str],
    now: float,
    sla_seconds: int | None = None,
    case_id: str | None = None,
) -> Case:
    return Case(
        case_id=case_id or case_id_for(interaction.key),
        status=CaseStatus.OPEN,
        priority=priority,
        platform=interaction.platform,
        conversation_key=interaction.conversation_key,
        author_id=interaction.author_id,
        author_name=interaction.author_name,
        summary=interaction.text[:SUMMARY_CHARS],
        reasons=tuple(reasons),
        interaction_keys=(interaction.key,),
        opened_at=now,
        updated_at=now,
        due_at=now + due_in(priority, sla_seconds),
    )


def merged_reasons(earlier: Sequence[str], more: Sequence[str]) -> tuple[str, ...]:
    """Every reason once, in the order they first fired."""
    return tuple(dict.fromkeys((*earlier, *more)))


def appended(
    case: Case,
    interaction: Interaction,
    priority: Priority,
    reasons: Sequence[str],
    now: float,
    sla_seconds: int | None = None,
) -> Case:
    """Another escalated message of the conversation joins its open case (one truth for every CaseStore).

    The case takes the more urgent priority, and falls due sooner when the new message needs it sooner (never
    later: a customer writing again must not push their case back); `sla_seconds` is the policy's SLA for
    `priority`, so it counts only when that priority is the one the case now has. The summary becomes the
    latest words, as the queue shows what the customer said last."""
    urgent = min(case.priority, priority, key=lambda p: p.value)
    due = min(case.due_at, now + due_in(urgent, sla_seconds if urgent is priority else None))
    return case.model_copy(
        update={
            "interaction_keys": (*case.interaction_keys, interaction.key),
            "priority": urgent,
            "reasons": merged_reasons(case.reasons, reasons),
            "summary": interaction.text[:SUMMARY_CHARS] or case.summary,
            "updated_at": now,
            "due_at": due,
        }
    )


# -- the staff queue: which cases, in which order, one page at a time ---------------------------------------------

SEARCH_TEXT_CHARS = 4000  # how much of a case's words free-text search looks at (the newest, after the name)
QUEUE_PAGE_MAX = 200


class QueueView(StrEnum):
    """Which cases a list shows: one status, or `active` (open and claimed: everything not yet resolved)."""

    OPEN = "open"
    CLAIMED = "claimed"
    RESOLVED = "resolved"
    ACTIVE = "active"

    @property
    def statuses(self) -> tuple[CaseStatus, ...]:
        if self is QueueView.ACTIVE:
            return (CaseStatus.OPEN, CaseStatus.CLAIMED)
        return (CaseStatus(self.value),)


def searchable(text: str) -> str:
    """The form search compares: NFKC, case-folded, whitespace collapsed (so `Café  Owner` finds `café owner`)."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def search_text(author_name: str, text: str, previous: str = "") -> str:
    """What `q` searches in a case: the customer's name, a newline (never inside either part: `searchable`
    collapses whitespace), then their words so far and `text`, the newest kept when they grow too long."""
    earlier = previous.partition("\n")[2]
    words = " ".join(w for w in (earlier, searchable(text)) if w)[-SEARCH_TEXT_CHARS:]
    return f"{searchable(author_name)}\n{words}"


@dataclass(frozen=True)
class CaseQuery:
    """A page of the queue: the view, optional filters, and where the previous page stopped (`cursor`)."""

    view: QueueView = QueueView.OPEN
    platform: Platform | None = None
    priority: Priority | None = None
    assignee: str | None = None  # who holds the case (claimed_by); the route turns `me` into the caller
    text: str = ""  # free text over the customer's name and words, already `searchable`
    limit: int = 50
    cursor: str = ""

    @property
    def filtered(self) -> bool:
        """Filters the index cannot apply (a page may then hold fewer than `limit` cases: follow next_cursor)."""
        return bool(self.platform or self.assignee or self.text)

    def fingerprint(self) -> str:
        """Ties a cursor to the query it came from: a cursor replayed with other filters is refused, not misread."""
        parts = [self.view.value, self.platform or "", self.priority or "", self.assignee or "", self.text]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class CasePage:
    cases: list[Case]
    next_cursor: str | None  # None: this was the last page


def encode_cursor(query: CaseQuery, positions: Mapping[str, str | None]) -> str:
    """Where each index partition stopped (its last sort key, or None once it is exhausted), opaque to clients."""
    body = json.dumps({"f": query.fingerprint(), "p": dict(positions)}, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(body.encode()).decode().rstrip("=")


def decode_cursor(query: CaseQuery) -> dict[str, str | None]:
    """The positions in `query.cursor` ({} for the first page). A cursor that was not ours is a BadRequest."""
    if not query.cursor:
        return {}
    try:
        padded = query.cursor + "=" * (-len(query.cursor) % 4)
        body = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
        positions = body["p"]
        fingerprint = body["f"]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise BadRequest("cursor is not one this API issued") from exc
    if fingerprint != query.fingerprint():
        raise BadRequest("cursor belongs to a query with other filters")
    if not isinstance(positions, dict) or not all(
        isinstance(k, str) and (v is None or (isinstance(v, str) and _SORT_KEY.fullmatch(v)))
        for k, v in positions.items()
    ):
        raise BadRequest("cursor is not one this API issued")
    return positions


_SORT_KEY = re.compile(r"P[1-4]#[0-9.]{17}#c_[0-9a-f]{20}")


# -- what happened to a case besides the customer's messages: shown in the thread -----------------------------------


class CaseEventKind(StrEnum):
    NOTE = "note"  # internal, never sent
    HUMAN_REPLY = "human_reply"  # a person answered from the queue, through the send path
    HUMAN_RESPONSE = "human_response"  # a person answered from the platform's own app (an echo of our account)
    CLAIMED = "claimed"
    RELEASED = "released"
    ASSIGNED = "assigned"
    RESOLVED = "resolved"
    REOPENED = "reopened"


class CaseEvent(BaseModel):
    """One entry of a case's own history. Human replies carry their send state, like automated replies do."""

    event_id: str
    case_id: str
    kind: CaseEventKind
    at: float
    by: str = ""
    text: str = ""
    # human replies only: the interaction answered and how the send went (pending/sending/sent/failed/unknown)
    target_key: str = ""
    reply_status: ReplyStatus | None = None
    reply_id: str = ""
    reply_error: str = ""
    reply_attempts: int = 0
    reply_lease_until: float | None = None
    replied_at: float | None = None


def new_event_id() -> str:
    return uuid.uuid4().hex[:20]
