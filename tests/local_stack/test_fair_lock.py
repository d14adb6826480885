"""moto's serialising lock takes turns between invocations (ackline_local.fair_lock): one at a time, always, and a
caller with many requests queued cannot keep another caller's one request waiting behind all of them."""

from __future__ import annotations

import threading
import time

from ackline_local.fair_lock import FairLock


def _queue_up(lock: FairLock, key: str, served: list[str], count: int) -> list[threading.Thread]:
    def request() -> None:
        with lock.turn(key):
            served.append(key)
            time.sleep(0.002)

    threads = [threading.Thread(target=request) for _ in range(count)]
    for thread in threads:
        thread.start()
        time.sleep(0.01)  # queued one after another, behind the holder
    return threads


def test_a_callers_one_request_is_served_after_at_most_one_of_a_floods():
    lock, served = FairLock(), []
    lock.acquire("flood")  # the flood holds the lock while its next 8 requests and then a customer's queue up
    threads = _queue_up(lock, "flood", served, 8) + _queue_up(lock, "customer", served, 1)
    lock.release()
    for thread in threads:
        thread.join(5)
    assert len(served) == 9
    # a plain lock served the customer last (9th); in turns, after at most one of the flood's queued requests (on a
    # busy machine the customer's thread may even queue before some of the flood's)
    assert served.index("customer") <= 1


def test_one_holder_at_a_time_and_reentrant_per_thread():
    lock, inside, most = FairLock(), [0], [0]
    guard = threading.Lock()

    def work(key: str) -> None:
        for _ in range(50):
            with lock.turn(key), lock:  # the second acquisition is the same thread's: it must not deadlock
                with guard:
                    inside[0] += 1
                    most[0] = max(most[0], inside[0])
                with guard:
                    inside[0] -= 1

    threads = [threading.Thread(target=work, args=(f"k{i % 3}",)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert most[0] == 1 and not any(t.is_alive() for t in threads)


def test_only_the_holder_may_release():
    lock = FairLock()
    lock.acquire("a")
    failed: list[Exception] = []

    def other() -> None:
        try:
            lock.release()
        except RuntimeError as exc:
            failed.append(exc)

    thread = threading.Thread(target=other)
    thread.start()
    thread.join(5)
    lock.release()
    assert len(failed) == 1
