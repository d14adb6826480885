"""Small builders for domain objects, so tests state only what matters to them."""

from __future__ import annotations

from typing import Any

from ackline.domain.model import Decision, Interaction, Kind, Platform


def comment(text: str = "Love this!", **overrides: Any) -> Interaction:
    fields: dict[str, Any] = {
        "platform": Platform.FACEBOOK,
        "kind": Kind.COMMENT,
        "external_id": "post_1_comment_1",
        "account_id": "page-1",
        "author_id": "user-1",
        "author_name": "Dana Rivers",
        "thread_id": "post_1_comment_1",
        "text": text,
        "created_at": 1_000.0,
        "received_at": 1_001.0,
    }
    return Interaction(**(fields | overrides))


SMALL_TALK_REASON = "small talk: a greeting or thanks, nothing asked"  # the reason triage gives for small talk


def assert_a_case_not_thanked(decision: Decision) -> None:
    """The customer reaches a person, and the public reply is anything but the praise template."""
    assert decision.escalate and decision.reply_template != "praise", decision.reasons
