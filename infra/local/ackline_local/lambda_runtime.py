"""What the Lambda runtime gives a handler, minus the sandbox: a LambdaContext-like object and lazy handler import.

The gateway and the pollers call handlers in-process. Handlers are imported only when first invoked, because
their modules may not exist yet (or may fail to import) and the rest of the stack should still come up.
"""

from __future__ import annotations

import importlib
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ackline_local import invocation_stats
from ackline_local.aws_call_log import InvokedFunction, invoking
from ackline_local.intrinsics import LOCAL_ACCOUNT_ID, LOCAL_REGION
from ackline_local.invocation_stats import CURRENT_STATS, InvocationStats
from ackline_local.logs import CURRENT_INVOCATION
from ackline_local.powertools_isolation import isolate_requests_per_thread

Handler = Callable[[Any, Any], Any]


@dataclass
class LocalLambdaContext:
    """Duck-types `aws_lambda_powertools.utilities.typing.LambdaContext`; the deadline follows the template Timeout."""

    function_name: str
    memory_limit_in_mb: int
    timeout_seconds: int
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    identity: Any = None
    client_context: Any = None
    _deadline: float = field(default=0.0, repr=False)

    def __post_init__(self) -> None:
        self._deadline = time.monotonic() + self.timeout_seconds

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{LOCAL_REGION}:{LOCAL_ACCOUNT_ID}:function:{self.function_name}"

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    @property
    def log_stream_name(self) -> str:
        return f"local/[$LATEST]{self.aws_request_id.replace('-', '')}"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


@dataclass
class LambdaTarget:
    """A function the local stack can invoke: a `module:attribute` reference (imported lazily) or a callable.

    `logical_id` is the template's name for the function; while a handler runs, `aws_call_log.CURRENT_FUNCTION`
    names it, so the AWS calls it makes can be attributed (ACKLINE_AWS_CALL_LOG).
    """

    function_name: str
    handler: str | Handler
    timeout_seconds: int = 3
    memory_mb: int = 128
    logical_id: str | None = None
    _loaded: Handler | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def new_context(self) -> LocalLambdaContext:
        return LocalLambdaContext(self.function_name, self.memory_mb, self.timeout_seconds)

    def invoke(self, event: Any) -> Any:
        handler = self.resolve()
        context = self.new_context()
        # names the invocation for the AWS call recorder and for log lines (`logs.tag_invocation_records`)
        token = CURRENT_INVOCATION.set(context)
        # what its AWS calls cost: into the caller's `InvocationStats` if it set one (the gateway does), else a new one
        stats_token = CURRENT_STATS.set(CURRENT_STATS.get() or InvocationStats())
        invocation_stats.entered()
        try:
            with invoking(InvokedFunction(self.function_name, self.logical_id)):
                return handler(event, context)
        finally:
            invocation_stats.left()
            CURRENT_STATS.reset(stats_token)
            CURRENT_INVOCATION.reset(token)

    def resolve(self) -> Handler:
        if not isinstance(self.handler, str):
            return self.handler
        with self._lock:
            if self._loaded is None:
                self._loaded = import_handler(self.handler)
            return self._loaded


def import_handler(reference: str) -> Handler:
    """Import `package.module:attribute` and return the attribute (a handler callable).

    Handlers run side by side on threads of this process, where Lambda gives each its own environment: Powertools'
    per-request state is made per thread first (see `powertools_isolation`)."""
    isolate_requests_per_thread()
    module_name, _, attribute = reference.partition(":")
    handler = getattr(importlib.import_module(module_name), attribute)
    if not callable(handler):
        raise TypeError(f"{reference} is not callable")
    return handler  # type: ignore[no-any-return]
