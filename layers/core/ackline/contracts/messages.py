"""Versioned SQS message bodies. Consumers accept what they know and reject the rest loudly."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict


class AckRequest(BaseModel):
    """AckQueue: 'this interaction is due an automated reply'. The reply is rendered at send time."""

    model_config = ConfigDict(frozen=True)

    v: Literal[1] = 1
    interaction_key: str


class FollowUpRequest(BaseModel):
    """FollowUpQueue: 'a person must see this interaction', with why."""

    model_config = ConfigDict(frozen=True)

    v: Literal[1] = 1
    interaction_key: str
    reasons: tuple[str, ...] = ()


class HumanReplyRequest(BaseModel):
    """AckQueue: 'a person's reply to this case is due to be sent' — the reply is stored on the case (its event),
    and the responder sends it through the same lease, window and retry path as automated replies."""

    model_config = ConfigDict(frozen=True)

    v: Literal[1] = 1
    kind: Literal["human_reply"] = "human_reply"
    case_id: str
    event_id: str


class HumanResponseSeen(BaseModel):
    """FollowUpQueue: 'a message from our own account arrived' (an echo, our Page's comment, our tweet) — perhaps a
    person answering from the platform's own app; the follow-up decides and records it on the open case."""

    model_config = ConfigDict(frozen=True)

    v: Literal[1] = 1
    kind: Literal["human_response"] = "human_response"
    interaction_key: str
