"""Missed-webhook detection: a channel (a platform account ackline hears from) that has gone quiet for much longer
than its usual gap between webhooks has probably stopped being delivered (Meta unsubscribes an app after an hour
of failed deliveries; X stops a webhook whose CRC fails), not stopped being talked to."""

from __future__ import annotations

from dataclasses import dataclass

MIN_SILENCE_SECONDS = 3600  # never alarm about less than an hour of quiet
SILENCE_FACTOR = 6  # ... nor about less than six usual gaps
MIN_ACTIVE_MINUTES = 10  # a channel heard from in fewer minutes has no usual rate yet


@dataclass(frozen=True)
class Channel:
    key: str  # "<platform>#<account id>"
    first_seen: float
    last_seen: float
    active_minutes: int  # minutes in which at least one webhook arrived (approximately: counted per container)

    @property
    def platform(self) -> str:
        return self.key.partition("#")[0]

    @property
    def account_id(self) -> str:
        return self.key.partition("#")[2]


def usual_gap(channel: Channel) -> float | None:
    """Seconds between active minutes, on average; None while there is too little history to say."""
    if channel.active_minutes < MIN_ACTIVE_MINUTES:
        return None
    return max(60.0, (channel.last_seen - channel.first_seen) / channel.active_minutes)


def silence_limit(channel: Channel) -> float | None:
    gap = usual_gap(channel)
    return None if gap is None else max(MIN_SILENCE_SECONDS, SILENCE_FACTOR * gap)


def is_silent(channel: Channel, now: float) -> bool:
    limit = silence_limit(channel)
    return limit is not None and now - channel.last_seen > limit
