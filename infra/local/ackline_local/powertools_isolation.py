"""Each thread of the local stack is its own execution environment for Powertools' HTTP event handler.

Lambda runs one invocation per execution environment at a time, so Powertools keeps the request being resolved in
process-wide state: `BaseRouter.current_event` and `BaseRouter.lambda_context` are *class* attributes shared by
every resolver (every HTTP function), and each resolver's `context` dict holds the matched route, its path
parameters and the `Depends()` cache, and is cleared when a request ends. The local stack runs every function
in one process and serves concurrent requests on threads, so without this a request could be resolved with
another request's event: two concurrent webhooks both stored the second one's body and both answered 200, and
the first webhook was acknowledged but never stored (issue 8: the first deliveries of a burst, all waiting on the
cold start together, were lost that way). A concurrent request's `clear_context()` could also drop another's route
mid-flight.

`isolate_requests_per_thread()` makes those three per thread, process-wide and idempotently: a data descriptor
holds the value per thread, on `BaseRouter` for instance reads and writes and on its metaclass for the class-level
reads and writes Powertools does (`BaseRouter.current_event = ...`). Within one thread nothing changes, so a
handler sees exactly what it sees on Lambda. It is checked against the Powertools versions `pyproject.toml` allows
(`SUPPORTED_POWERTOOLS`) and refuses to run on one whose internals differ, rather than silently doing nothing.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

SUPPORTED_POWERTOOLS = ((3, 20), (4, 0))  # `aws-lambda-powertools>=3.20,<4` in pyproject.toml
_PER_THREAD_CLASS_ATTRIBUTES = ("current_event", "lambda_context")

_patch_lock = threading.Lock()
_patched = False


class PerThreadValue:
    """A data descriptor whose value is per thread (one for the class and all its instances); unset raises
    AttributeError, as a missing attribute does."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._local = threading.local()

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        try:
            return self._local.value
        except AttributeError:
            raise AttributeError(self._name) from None

    def __set__(self, instance: Any, value: Any) -> None:
        self._local.value = value

    def __delete__(self, instance: Any) -> None:
        self._local.__dict__.pop("value", None)


class PerThreadDict:
    """A data descriptor giving each (instance, thread) its own dict: a resolver's request `context`."""

    def __init__(self) -> None:
        self._local = threading.local()

    def _mine(self) -> weakref.WeakKeyDictionary[Any, dict[str, Any]]:
        per_instance = getattr(self._local, "per_instance", None)
        if per_instance is None:
            per_instance = self._local.per_instance = weakref.WeakKeyDictionary()
        return per_instance

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        if instance is None:
            return self
        return self._mine().setdefault(instance, {})

    def __set__(self, instance: Any, value: dict[str, Any]) -> None:
        self._mine()[instance] = value


def powertools_version() -> tuple[int, int]:
    from aws_lambda_powertools.shared.version import VERSION

    major, minor = (int(part) for part in VERSION.split(".")[:2])
    return major, minor


def isolate_requests_per_thread() -> None:
    """Patch Powertools' HTTP resolver once per process (see the module docstring)."""
    global _patched
    with _patch_lock:
        if _patched:
            return
        low, high = SUPPORTED_POWERTOOLS
        if not low <= powertools_version() < high:
            raise RuntimeError(
                f"ackline's Powertools patch is written for {low[0]}.{low[1]} to <{high[0]}.{high[1]}; this is"
                f" {powertools_version()}: check infra/local/ackline_local/powertools_isolation.py against it"
            )
        from aws_lambda_powertools.event_handler.api_gateway import ApiGatewayResolver, BaseRouter

        for name in _PER_THREAD_CLASS_ATTRIBUTES:
            if name not in BaseRouter.__annotations__:
                raise RuntimeError(f"Powertools' BaseRouter no longer declares {name}: review powertools_isolation")
        if "context" in vars(ApiGatewayResolver):
            raise RuntimeError("Powertools' ApiGatewayResolver defines `context` itself: review powertools_isolation")

        descriptors = {name: PerThreadValue(name) for name in _PER_THREAD_CLASS_ATTRIBUTES}
        for name, descriptor in descriptors.items():
            setattr(BaseRouter, name, descriptor)  # instance reads and writes (`self.current_event`)
        # class-level reads and writes (`BaseRouter.current_event = ...`) look in the metaclass first
        metaclass = type(BaseRouter)
        per_thread_metaclass = type(f"PerThread{metaclass.__name__}", (metaclass,), dict(descriptors))
        BaseRouter.__class__ = per_thread_metaclass  # type: ignore[method-assign]
        # the resolver sets `self.context = {}` in __init__: a data descriptor on the class takes that over
        ApiGatewayResolver.context = PerThreadDict()  # type: ignore[assignment]
        _patched = True
