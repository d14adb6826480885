"""Response shapes of the staff API (they are also its OpenAPI schema)."""

from __future__ import annotations

from pydantic import BaseModel

from ackline.domain.demand import TopicDemand
from ackline.domain.model import Case, StoredInteraction


class CaseList(BaseModel):
    cases: list[Case]
    count: int


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
