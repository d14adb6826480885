"""Many independent AWS calls at once: boto3 clients are thread-safe, and a webhook's seconds are few.

Used where a request cannot be batched (conditional puts, conditional updates, deletes with per-item IAM
conditions) or where batches are many (a 1,000-update delivery is 100 SendMessageBatch calls).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

# The widest fan-out: the AWS clients' connection pools are sized from it (`bootstrap`), since a call beyond the
# pool opens a connection of its own (a TLS handshake in AWS) and throws it away after.
MAX_THREADS = 16


def fan_out(call: Callable[[T], R], items: Sequence[T], threads: int) -> list[R]:
    """`[call(i) for i in items]`, in order, on up to `threads` threads (inline for a single item)."""
    if len(items) <= 1:
        return [call(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(threads, MAX_THREADS, len(items))) as pool:
        return list(pool.map(call, items))
