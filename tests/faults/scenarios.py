"""The days the fault scenarios replay.

A day: deliver the traffic (each webhook until answered 2xx), run the queues until empty (WhatsApp reports on
each reply as soon as the platform has it, out of order, possibly before the reply's link exists), report the
statuses again, then a staff member claims and resolves the most urgent cases, and the queues run again.

The hard day adds what a real platform and a real network do: each webhook delivered twice, a reply refused with
503 twice, one rate-limited (429, Retry-After), one answered 500 (outcome unknown) and two refused outright (400).
It reaches every AWS call site ackline has (tests/faults/test_census.py checks), so a fault at any site is met.
"""

from __future__ import annotations

from typing import Any

from ackline_local.platform_fakes import graph_error
from ackline_local.sandbox import Fault
from tests.faults.rig import Counts, Message, Rig, everyday_traffic

UNKNOWN_ERROR = graph_error("An unknown error occurred", "OAuthException", 1)
REFUSED = graph_error("(#100) Invalid parameter", "OAuthException", 100)


def run_day(
    rig: Rig,
    messages: list[Message],
    *,
    copies: int = 1,
    follow_ups_first: bool = False,
    newest_first: bool = False,
    threads: int = 1,
) -> None:
    ordered = list(reversed(messages)) if newest_first else messages
    rig.deliver_all([m.payload for m in ordered for _ in range(copies)], threads=threads)
    order: dict[str, Any] = {"follow_ups_first": follow_ups_first, "newest_first": newest_first}
    rig.drain(**order)  # WhatsApp reports on each reply as soon as it has it (see Rig.responder)
    rig.report_deliveries()  # and again later: a repeated status is a redelivery
    rig.drain(**order)
    rig.staff_work()
    rig.drain(**order)


def everyday(rig: Rig, scenario: str, **day: Any) -> Counts:
    messages = everyday_traffic(rig.clock())
    run_day(rig, messages, **day)
    return rig.tally(scenario, messages)


def hard_platform(rig: Rig, messages: list[Message]) -> None:
    praise, other_praise, complaint, question, abuse = (messages[i] for i in (0, 1, 2, 4, 7))
    for fault in (
        Fault(status=503, count=2, path_contains=praise.target),
        Fault(status=429, count=1, path_contains=other_praise.target, headers={"Retry-After": "30"}),
        Fault(status=500, count=1, path_contains=complaint.target, body=UNKNOWN_ERROR),
        Fault(status=400, count=1, path_contains=question.target, body=REFUSED),
        Fault(status=400, count=1, path_contains=abuse.target, body=REFUSED),
    ):
        rig.sandbox.add_fault(fault)


def hard_day(rig: Rig, scenario: str, **day: Any) -> Counts:
    messages = everyday_traffic(rig.clock())
    hard_platform(rig, messages)
    run_day(rig, messages, copies=2, **day)
    return rig.tally(scenario, messages)
