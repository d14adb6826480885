"""The local stack's memory stays bounded under load (the short version of `make soak`).

moto as shipped kept every model it ever made and copied whole tables per transaction: measured with this load,
+490 MB per 1,000 webhooks. Bounded by counts (webhooks sent), never by time.
"""

from __future__ import annotations

import pytest

from ackline_local.soak import soak
from tests.local_stack.stack_process import StackProcess

WEBHOOKS = 800
WARMUP = 200
MAX_GROWTH_MB_PER_1000 = 30.0  # patched: about 0-2; unpatched moto: about 100 at this size and climbing


@pytest.mark.timeout(900)  # paced by the machine's load, not by the clock
def test_memory_growth_per_thousand_webhooks_stays_bounded():
    stack = StackProcess.start()
    try:
        lines: list[str] = []
        report = soak(
            stack.gateway,
            stack.process.pid,
            app_secret=stack.meta_app_secret,
            rate=20,
            seconds=600,
            max_requests=WEBHOOKS,
            warmup=WARMUP,
            report_every=15,
            out=lines.append,
        )
    finally:
        stack.terminate()
    assert report.sent == WEBHOOKS
    assert sum(n for status, n in report.statuses.items() if 200 <= status < 300) == WEBHOOKS, report.statuses
    growth = report.growth_per_1000
    assert growth is not None and growth < MAX_GROWTH_MB_PER_1000, "\n".join(lines)
