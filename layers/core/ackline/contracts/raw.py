"""The fallback for anything authenticated that ackline cannot read: keep it whole, let a person see it."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from ackline.domain.model import Interaction, Kind, Platform


def raw_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True, default=str)


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
