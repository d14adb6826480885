"""The domain's nouns: an interaction from a customer, the decision about it, and a case for a person."""

from __future__ import annotations

import hashlib
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Platform(StrEnum):
    FACEBOOK = "facebook"
    MESSENGER = "messenger"
    INSTAGRAM = "instagram"
    WHATSAPP = "whatsapp"
    X = "x"
    TELEGRAM = "telegram"
    GENERIC = "generic"


class Kind(StrEnum):
    COMMENT = "comment"  # public: a comment or visitor post under the brand's content
    MESSAGE = "message"  # private: a direct message
    ACTIVITY = "activity"  # known but not a customer message (reactions, edits, read receipts)
    RAW = "raw"  # authenticated but not understood: stored as received, a person looks at it


class Intent(StrEnum):
    PRAISE = "praise"
    COMPLAINT = "complaint"
    QUESTION = "question"
    PRICE_OBJECTION = "price_objection"
    FEATURE_REQUEST = "feature_request"
    ABUSE = "abuse"
    CRISIS = "crisis"  # safety, legal or crisis words: holding statement and P1
    SPAM = "spam"
    OTHER = "other"


class Severity(StrEnum):
    NONE = "none"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class Visibility(StrEnum):
    UNSET = ""  # items stored before visibility was decided
    PUBLIC = "public"
    PRIVATE = "private"


class Action(StrEnum):
    REPLY = "reply"
    SUPPRESS = "suppress"
    ESCALATE_ONLY = "escalate_only"  # no automated reply possible; a person must answer


class Priority(StrEnum):
    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"


class ReplyStatus(StrEnum):
    NONE = "none"  # no reply is due (suppressed or escalated only)
    PENDING = "pending"
    SENDING = "sending"  # leased by one responder; a crash here means the outcome is unknown
    SENT = "sent"
    FAILED = "failed"
    UNKNOWN = "unknown"  # a send may or may not have happened: a person decides, never a retry


class DeliveryState(StrEnum):
    """What the platform later reported about a reply it accepted (WhatsApp `statuses[]`); only moves forward."""

    NONE = ""  # no report (yet), or a platform that sends none
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    FAILED = "failed"  # accepted, then not delivered: a person answers


class CaseStatus(StrEnum):
    OPEN = "open"
    CLAIMED = "claimed"
    RESOLVED = "resolved"


class Interaction(BaseModel):
    """One customer message (or one authenticated event we could not understand), normalised."""

    model_config = ConfigDict(frozen=True)

    platform: Platform
    kind: Kind
    external_id: str = Field(min_length=1, max_length=512)
    account_id: str = ""  # the brand's own page / account / bot the event was delivered for
    account_handle: str = ""  # that account's handle where the event shows it (X: "acme_support"), without "@"
    author_id: str = ""
    author_name: str = ""
    thread_id: str = ""  # what a public reply attaches to (the comment, the post) or the chat
    post_id: str = ""  # the brand's post a public comment sits under: replies under one post must differ
    text: str = ""
    created_at: float  # platform timestamp, epoch seconds
    received_at: float  # when ackline stored it, epoch seconds
    is_own: bool = False  # sent by the brand itself (echo, our own comment): never answered
    # For our own messages, who or what they answer (so a person answering from the platform's app is seen):
    # the customer a DM or reply tweet went to, and the platform id of the message replied to.
    counterpart_id: str = ""
    in_reply_to: str = ""
    activity: str = ""  # for ACTIVITY kinds: what happened ("reaction", "edited", ...)
    raw: str = ""  # the event exactly as received (JSON text) so nothing is ever lost
    # set only when `raw` had to be cut to fit the store (domain.storage_bounds): the whole payload's digest and size
    raw_sha256: str = ""
    raw_bytes: int | None = None

    @property
    def key(self) -> str:
        """Idempotency key: platform + the platform's own message id."""
        return f"{self.platform}#{self.external_id}"

    @property
    def conversation_key(self) -> str:
        """All interactions of one author with one brand account form one conversation."""
        author = self.author_id or self.external_id
        return f"{self.platform}#{self.account_id}#{author}"


class Decision(BaseModel):
    """What ackline does about an interaction, always with the reasons that fired."""

    model_config = ConfigDict(frozen=True)

    intent: Intent
    action: Action
    escalate: bool
    priority: Priority = Priority.P4
    reasons: tuple[str, ...] = ()
    reply_template: str = ""  # a template key, never text: replies are rendered at send time
    # Added with the policy engine; the defaults let items stored before it load unchanged.
    sentiment: float = 0.0  # compound score, -1 (very negative) .. +1 (very positive)
    severity: Severity = Severity.NONE
    language: str = ""  # ISO 639-1 guess
    visibility: Visibility = Visibility.UNSET  # where the automated reply goes
    topic: str = ""  # what a feature request asks for, or which FAQ answered a question: counted as demand
    flag_author: bool = False  # repeated abuse: the author is flagged and gets no more public replies
    sla_minutes: int = 0  # how soon a person must pick it up, from the policy (0: no person needed)
    # Added with the learned model: how sure triage is of `intent`, and whether it could not tell (then the
    # reply is the neutral `unsure` acknowledgement and a person sees it). Defaults fit items stored before.
    confidence: float = 1.0
    unsure: bool = False


class StoredInteraction(BaseModel):
    """An interaction with the state ackline keeps about it."""

    interaction: Interaction
    decision: Decision
    reply_status: ReplyStatus
    reply_id: str = ""
    reply_text: str = ""
    reply_error: str = ""
    reply_attempts: int = 0
    reply_lease_until: float | None = None
    replied_at: float | None = None
    ack_latency_ms: int | None = None
    delivery_state: DeliveryState = DeliveryState.NONE
    delivery_error: str = ""  # why a delivery failed, with the platform's error code
    delivery_at: float | None = None  # the platform's time for the state shown


class Case(BaseModel):
    """Work for a person: one open case per conversation, holding every escalated interaction."""

    case_id: str
    status: CaseStatus
    priority: Priority
    platform: Platform
    conversation_key: str
    author_id: str = ""
    author_name: str = ""
    summary: str = ""
    reasons: tuple[str, ...] = ()
    interaction_keys: tuple[str, ...] = ()
    opened_at: float
    updated_at: float
    due_at: float
    claimed_by: str = ""
    resolved_by: str = ""
    alerted_at: float | None = None  # when people were alerted about it (P1: crisis, safety, legal)
    # added with the staff queue (defaults let older items load): who assigned it, when it closed or came back,
    # and the second clock — the first response by a person (from the queue or the platform's own app)
    assigned_by: str = ""
    resolved_at: float | None = None
    reopened_at: float | None = None
    first_human_response_at: float | None = None
    first_human_response_by: str = ""


def case_id_for(interaction_key: str) -> str:
    """A case is named after the interaction that opened it, so opening it twice is a no-op."""
    return "c_" + hashlib.sha256(interaction_key.encode()).hexdigest()[:20]
