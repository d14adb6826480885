"""Small builders for domain objects, so tests state only what matters to them."""

from __future__ import annotations

from typing import Any

from ackline.domain.model import Interaction, Kind, Platform


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
