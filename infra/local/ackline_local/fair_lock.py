"""A lock taken in turns by the callers waiting for it, for moto's serialised DynamoDB (`moto_server`).

moto serves one DynamoDB request at a time here (its writes are not atomic otherwise). DynamoDB itself serves
independent requests side by side: one webhook's thousand conditional puts do not hold up another customer's
single put. With a plain lock they do locally — a flood's sixteen writer threads keep sixteen requests queued
ahead of every other invocation's, so the other customers' replies waited behind the flood (issue 10: six times
their quiet latency). `FairLock` keeps the one-at-a-time guarantee and changes only who goes next: waiting requests are
grouped by a turn key (the invocation that made them, `invocation_stats.TURN_HEADER`), the groups take turns
round-robin, and within one group requests go first come, first served. It is reentrant per thread, like the
`RLock` it replaces (the state saver holds it while it reads moto).
"""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType

ANONYMOUS = ""  # requests made outside any invocation (the pollers, a test's own client, the state saver)


class FairLock:
    def __init__(self) -> None:
        self._changed = threading.Condition(threading.Lock())
        self._owner: int | None = None  # thread id holding it
        self._depth = 0
        # whose turn is next: turn key -> its waiting tickets, oldest first; a key served goes to the back
        self._turns: OrderedDict[str, deque[object]] = OrderedDict()

    @contextmanager
    def turn(self, key: str = ANONYMOUS) -> Iterator[None]:
        self.acquire(key)
        try:
            yield
        finally:
            self.release()

    def acquire(self, key: str = ANONYMOUS) -> None:
        me = threading.get_ident()
        with self._changed:
            if self._owner == me:
                self._depth += 1
                return
            ticket = object()
            self._turns.setdefault(key, deque()).append(ticket)
            try:
                while self._owner is not None or self._next() is not ticket:
                    self._changed.wait()
            except BaseException:
                # interrupted while waiting: take the ticket back, or the next caller in line would wait behind it
                self._turns[key].remove(ticket)
                if not self._turns[key]:
                    del self._turns[key]
                self._changed.notify_all()
                raise
            waiting = self._turns.pop(key)
            waiting.popleft()
            if waiting:
                self._turns[key] = waiting  # the rest of this key's requests wait for its next turn
            self._owner, self._depth = me, 1

    def release(self) -> None:
        with self._changed:
            if self._owner != threading.get_ident():
                raise RuntimeError("release of a FairLock this thread does not hold")
            self._depth -= 1
            if self._depth == 0:
                self._owner = None
                self._changed.notify_all()

    def _next(self) -> object | None:
        for waiting in self._turns.values():
            return waiting[0]
        return None

    def __enter__(self) -> FairLock:
        self.acquire()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.release()
