"""Response shapes of the staff API (they are also its OpenAPI schema)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from ackline.domain.cases import CaseEvent
from ackline.domain.demand import TopicDemand
from ackline.domain.model import Case, StoredInteraction

# a staff identity as Cognito gives it (e-mail or user name): printable, no spaces or control characters
StaffName = Annotated[str, Field(min_length=1, max_length=254, pattern=r"^[^\s\x00-\x1f\x7f]+$")]


class CaseList(BaseModel):
    cases: list[Case]
    count: int
    next_cursor: str | None = None  # pass as `cursor` for the next page; absent on the last one


class Me(BaseModel):
    """Who the API takes the caller to be (the page shows it, and warns when someone else holds a case)."""

    staff: str


class AssignRequest(BaseModel):
    to: StaffName


class ReplyRequest(BaseModel):
    text: Annotated[str, Field(min_length=1, max_length=5000)]


class HumanReplyView(BaseModel):
    reply: CaseEvent
    warnings: list[str]  # tone guardrails that fired: the reply still goes, a person chose these words
    repeated: bool  # the Idempotency-Key was seen before: this is the reply it made, nothing new was sent


class SavedReplyView(BaseModel):
    name: str
    text: str


class AuthorStatus(BaseModel):
    platform: str
    author_id: str
    blocked: bool
    blocked_by: str = ""
    blocked_at: float | None = None


class BlockedAuthors(BaseModel):
    """Authors staff blocked (stored, never answered, never queued), most recently blocked first."""

    authors: list[AuthorStatus]
    count: int


class ForgetResult(BaseModel):
    """What the erasure did (the person's id is not kept, only the code and the counts)."""

    confirmation_code: str
    interactions_erased: int
    cases_scrubbed: int


class NoteRequest(BaseModel):
    text: Annotated[str, Field(min_length=1, max_length=4000)]


class DemandList(BaseModel):
    """Feature requests per topic, most requested first."""

    topics: list[TopicDemand]
    total: int


class ConversationEntry(BaseModel):
    key: str
    platform: str
    kind: str
    author_name: str
    author_id: str
    text: str
    created_at: float
    intent: str
    reasons: list[str]
    reply_status: str
    reply_text: str
    reply_error: str
    ack_latency_ms: int | None
    # what the platform later reported about our reply (WhatsApp): "", sent, delivered, read or failed
    delivery_state: str = ""
    delivery_error: str = ""
    raw: str  # shown to a person only for events ackline could not read


class SuppressedList(BaseModel):
    """Customer messages deliberately not answered (spam, not addressed to us), newest first, with the reasons."""

    messages: list[ConversationEntry]
    count: int


class CaseDetailView(BaseModel):
    case: Case
    conversation: list[ConversationEntry]
    # the case's own history, oldest first: internal notes, replies by people, claims, assignments, reopenings
    events: list[CaseEvent] = []
    saved_replies: list[SavedReplyView] = []  # the brand policy's saved replies, filled in for this customer
    author_blocked: bool = False


def conversation_entry(stored: StoredInteraction) -> ConversationEntry:
    i, d = stored.interaction, stored.decision
    return ConversationEntry(
        key=i.key,
        platform=i.platform.value,
        kind=i.kind.value,
        author_name=i.author_name,
        author_id=i.author_id,
        text=i.text,
        created_at=i.created_at,
        intent=d.intent.value,
        reasons=list(d.reasons),
        reply_status=stored.reply_status.value,
        reply_text=stored.reply_text,
        reply_error=stored.reply_error,
        ack_latency_ms=stored.ack_latency_ms,
        delivery_state=stored.delivery_state.value,
        delivery_error=stored.delivery_error,
        raw=i.raw if i.kind.value == "raw" else "",
    )
