"""Delivery reports about our own replies (WhatsApp `statuses[]`): they update the reply, never ask for one.

A platform may report a reply's states out of order (`read` before `delivered`) and more than once, so the
state only moves forward: sent < delivered < read, and failed is final. A `failed` report reaches a person
with the platform's error code as the reason, because then our answer never arrived.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ackline.domain.model import DeliveryState, Platform

# Platforms that report on the replies they accepted; the responder links each such reply's id to its interaction.
DELIVERY_REPORT_PLATFORMS = frozenset({Platform.WHATSAPP})

RANK = {
    DeliveryState.NONE: 0,
    DeliveryState.SENT: 1,
    DeliveryState.DELIVERED: 2,
    DeliveryState.READ: 3,
    DeliveryState.FAILED: 4,
}


@dataclass(frozen=True)
class DeliveryReport:
    """One report: the platform's id of *our* message, its new state, when, and (failed only) why."""

    platform: Platform
    message_id: str
    state: DeliveryState
    at: float
    error: str = ""

    @property
    def rank(self) -> int:
        return RANK[self.state]


def delivery_state(value: str) -> DeliveryState:
    """A platform's state name; one this code does not know ("deleted", "warning") is NONE and moves nothing."""
    try:
        return DeliveryState(value)
    except ValueError:
        return DeliveryState.NONE


def furthest(states: Iterable[DeliveryState]) -> DeliveryState:
    return max(states, key=lambda s: RANK[s], default=DeliveryState.NONE)


_NAMES = {Platform.WHATSAPP: "WhatsApp"}


def failure_reason(platform: Platform, error: str) -> str:
    """The reason a person reads on the case, e.g. "WhatsApp could not deliver our reply (131026 ...)"."""
    name = _NAMES.get(platform, platform.value)
    return f"{name} could not deliver our reply ({error or 'no reason given'})"
