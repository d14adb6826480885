"""Platform faults through the sandbox: rate limits, 5xx, timeouts and slow answers, on the everyday traffic."""

from ackline_local.platform_fakes import graph_error
from ackline_local.sandbox import Fault
from tests.faults.scenarios import UNKNOWN_ERROR, everyday

RATE_LIMITED = graph_error("(#4) Application request limit reached", "OAuthException", 4)


def test_rate_limits_on_every_first_attempt(rig, record):
    # 429 with Retry-After, and Graph's rate-limit code inside a 400: both wait and then send once
    rig.sandbox.add_fault(Fault(status=429, count=5, headers={"Retry-After": "30"}))
    rig.sandbox.add_fault(Fault(status=400, count=5, body=RATE_LIMITED))
    counts = record(everyday(rig, "platform 429 / Graph rate-limit code on every first attempt"))
    assert counts.replied_once == counts.messages


def test_server_errors_retry_on_503_and_reach_a_person_when_the_outcome_is_unknown(rig, record):
    for fault in (
        Fault(status=503, count=3),
        Fault(status=502, count=1, body=UNKNOWN_ERROR),
        Fault(status=504, count=1, body=UNKNOWN_ERROR),
        Fault(status=500, count=1, body=UNKNOWN_ERROR),
    ):
        rig.sandbox.add_fault(fault)
    counts = record(everyday(rig, "platform 503 x3 (retried), 502, 504, 500 (unknown: a person checks)"))
    assert counts.replied_once == counts.messages - 3


def test_answers_after_the_timeout_are_unknown_and_never_resent(rig, record):
    # the platform creates the reply but answers after our read timeout: one reply, and a person checks
    rig.sandbox.add_fault(Fault(status=None, count=2, delay_seconds=3.5))
    counts = record(everyday(rig, "platform answers after the read timeout (x2)"))
    assert counts.replied_once == counts.messages


def test_slow_answers_inside_the_timeout_are_ordinary_replies(rig, record):
    rig.sandbox.add_fault(Fault(status=None, count=4, delay_seconds=0.5))
    counts = record(everyday(rig, "platform slow but inside the timeout (x4)"))
    assert counts.replied_once == counts.messages


def test_a_platform_that_never_accepts_hands_everything_to_people(rig, record):
    # rate-limited for good: after the attempts run out nothing was sent and each message is in a case
    rig.sandbox.add_fault(Fault(status=429, count=None, headers={"Retry-After": "1"}))
    counts = record(everyday(rig, "platform 429 on every call (attempts run out)"))
    assert counts.replied_once == 0 and counts.in_case == counts.messages


def test_a_platform_down_for_a_while(rig, record):
    # 503 for the first 25 calls: backoff 5 s, 10 s, 20 s ... some replies make it, the rest reach people
    rig.sandbox.add_fault(Fault(status=503, count=25))
    record(everyday(rig, "platform 503 on the first 25 calls"))
