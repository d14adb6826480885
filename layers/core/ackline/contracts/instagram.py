"""Instagram comment webhooks (`object: instagram`, field `comments` / `live_comments`) -> interactions.

Instagram DMs share Messenger's `messaging` shape and are read by `contracts.meta`. A comment's key names
(`id`, `text`, `from{id,username}`, `media{id}`, `parent_id`) follow Meta's private-replies guide; the
webhook carries no creation time, so the entry's `time` stands in for it.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ackline.domain.model import Interaction, Kind, Platform

COMMENT_FIELDS = frozenset({"comments", "live_comments"})


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="allow", coerce_numbers_to_str=True)


class _Commenter(_Lenient):
    id: str = ""
    username: str = ""


class _Media(_Lenient):
    id: str = ""


class CommentValue(_Lenient):
    id: str = Field(min_length=1)
    text: str = ""
    parent_id: str = ""
    commenter: _Commenter = Field(default_factory=_Commenter, alias="from")
    media: _Media = Field(default_factory=_Media)


def epoch_seconds(value: Any, default: float) -> float:
    """Meta's entry `time` is seconds for some objects and milliseconds for others."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        return default
    return float(value) / 1000.0 if value > 100_000_000_000 else float(value)


def comment_interaction(account_id: str, entry_time: Any, value: Any, raw: str, received_at: float) -> Interaction:
    comment = CommentValue.model_validate(value)
    return Interaction(
        platform=Platform.INSTAGRAM,
        kind=Kind.COMMENT,
        external_id=comment.id,
        account_id=account_id,
        author_id=comment.commenter.id,
        author_name=comment.commenter.username,
        # Instagram threads one level deep: an answer to a reply goes under the top-level comment.
        thread_id=comment.parent_id or comment.id,
        post_id=comment.media.id,
        text=comment.text,
        created_at=epoch_seconds(entry_time, received_at),
        received_at=received_at,
        # our own replies come back as comment webhooks too
        is_own=bool(comment.commenter.id) and comment.commenter.id == account_id,
        raw=raw,
    )
