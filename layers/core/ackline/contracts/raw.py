"""The fallback for anything authenticated that ackline cannot read: keep it whole, let a person see it."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from ackline.domain.model import Interaction, Kind, Platform

# What reading hostile-but-authenticated JSON can raise: invalid UTF-8 or JSON (ValueError, which covers
# pydantic's ValidationError and an integer of over 4,300 digits), odd shapes (TypeError, KeyError, ...),
# numbers no float holds (OverflowError), and nesting deeper than the interpreter's stack (RecursionError).
UNREADABLE: tuple[type[Exception], ...] = (
    ValueError,
    TypeError,
    KeyError,
    AttributeError,
    IndexError,
    ArithmeticError,
    RecursionError,
)


def raw_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True, default=str)


def body_text(body: bytes) -> str:
    """A body kept as text for a person: invalid UTF-8 replaced, never raised."""
    return body.decode("utf-8", "replace")


def raw_interaction(platform: Platform, raw: str, received_at: float, account_id: str = "") -> Interaction:
    """Named by a hash of its content, so the platform redelivering it stores nothing new."""
    digest = hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return Interaction(
        platform=platform,
        kind=Kind.RAW,
        external_id=f"raw-{digest}",
        account_id=account_id,
        created_at=received_at,
        received_at=received_at,
        raw=raw,
    )
