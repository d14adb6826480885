"""Demand: how many customers asked for the same thing. Feature requests are counted per topic, never promised."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict

from ackline.domain.model import Decision, Intent


class TopicDemand(BaseModel):
    """One topic's count of feature requests, with when it was first and last asked for (epoch seconds)."""

    model_config = ConfigDict(frozen=True)

    topic: str
    requests: int
    first_seen: float
    last_seen: float


def requests_by_topic(decisions: Iterable[Decision]) -> dict[str, int]:
    """Feature requests per topic in a batch of decisions, so a big delivery costs one write per topic."""
    counts = Counter(d.topic for d in decisions if d.intent is Intent.FEATURE_REQUEST and d.topic)
    return dict(sorted(counts.items()))


def most_requested(demand: Iterable[TopicDemand]) -> list[TopicDemand]:
    """Most requested first; ties by the most recent request, then by name."""
    return sorted(demand, key=lambda d: (-d.requests, -d.last_seen, d.topic))
