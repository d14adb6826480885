"""How long to wait before retrying a reply the platform failed to take (5xx, no connection)."""

from __future__ import annotations

BASE_SECONDS = 5.0
MAX_SECONDS = 300.0


def backoff_seconds(attempt: int) -> float:
    """Exponential: 5 s after the first failed attempt, then 10, 20, 40 ... capped at 5 minutes."""
    return min(MAX_SECONDS, BASE_SECONDS * float(2 ** max(0, attempt - 1)))
