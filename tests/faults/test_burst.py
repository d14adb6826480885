"""A burst of 1,000 webhooks: delivered from 8 threads, the queues worked by 8 concurrent invocations, with the
platform rate-limiting now and then, every first delivery of a tenth of them repeated, and one responder dying."""

import pytest

from ackline_local.sandbox import Fault
from tests.faults.injection import KILL
from tests.faults.rig import comment

BURST = 1_000


@pytest.mark.timeout(900)
def test_a_burst_of_a_thousand_webhooks(rig, record):
    now = rig.clock()
    posts = [f"1044556677{n:05d}_9{n:04d}" for n in range(40)]
    messages = [
        comment(
            "My order arrived broken and nobody answers" if n % 4 == 0 else "Love this! Can't wait to get it!",
            now,
            post=posts[n % len(posts)],
            author=f"77{n:08d}",
        )
        for n in range(BURST)
    ]
    rig.sandbox.add_fault(Fault(status=429, count=20, headers={"Retry-After": "5"}))
    rig.injector.fail("dynamodb.UpdateItem.INT.finish:sent", KILL, [500])
    payloads = [m.payload for m in messages] + [m.payload for m in messages[::10]]
    rig.deliver_all(payloads, threads=8)
    rig.drain(threads=8)
    counts = record(rig.tally(f"a burst of {BURST} webhooks (+10% redelivered, 20 x 429, a kill)", messages))
    assert counts.replied_once == BURST
