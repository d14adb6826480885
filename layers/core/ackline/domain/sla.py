"""Two clocks per case, never mixed: how long the customer waited for the automated acknowledgement, and how long
for the first response by a person (from the queue or the platform's own app). The bot never counts as a person.

A case met its SLA when a person first responded by its due time; a case nobody has answered yet counts as missed
once it is overdue and is left out while it is still within its time."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from pydantic import BaseModel

from ackline.domain.model import Case


class Clock(BaseModel):
    cases: int  # how many cases have this clock stopped
    p50_seconds: float | None
    p90_seconds: float | None


class SlaReport(BaseModel):
    since: float
    cases: int
    automated_ack: Clock
    first_human_response: Clock
    within_sla: int
    missed_sla: int
    still_within_time: int
    share_within_sla: float | None  # within / (within + missed); None when no case has been decided yet
    truncated: bool = False  # more cases were opened since `since` than one report reads


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0..100): always one of the values, never an interpolation."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def _clock(values: Sequence[float]) -> Clock:
    return Clock(cases=len(values), p50_seconds=percentile(values, 50), p90_seconds=percentile(values, 90))


def sla_report(
    cases: Sequence[Case], ack_seconds: Mapping[str, float], since: float, now: float, truncated: bool = False
) -> SlaReport:
    """`ack_seconds`: per case id, how long its first message waited for the automated acknowledgement."""
    human = [c.first_human_response_at - c.opened_at for c in cases if c.first_human_response_at is not None]
    within = sum(1 for c in cases if c.first_human_response_at is not None and c.first_human_response_at <= c.due_at)
    answered_late = sum(
        1 for c in cases if c.first_human_response_at is not None and c.first_human_response_at > c.due_at
    )
    overdue = sum(1 for c in cases if c.first_human_response_at is None and now > c.due_at)
    pending = sum(1 for c in cases if c.first_human_response_at is None and now <= c.due_at)
    missed = answered_late + overdue
    return SlaReport(
        since=since,
        cases=len(cases),
        automated_ack=_clock([ack_seconds[c.case_id] for c in cases if c.case_id in ack_seconds]),
        first_human_response=_clock([max(0.0, h) for h in human]),
        within_sla=within,
        missed_sla=missed,
        still_within_time=pending,
        share_within_sla=round(within / (within + missed), 4) if within + missed else None,
        truncated=truncated,
    )
