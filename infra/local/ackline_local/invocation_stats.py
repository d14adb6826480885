"""What one in-process invocation spent on AWS, so the gateway can say why it answered 5xx.

Under load the local stack sometimes answers a webhook 503: the function could not store or queue it in time.
Whether that is the product (a store that failed) or the local stack (moto serves one DynamoDB request at a time,
`moto_server.SerialisedDynamoDB`) shows in where the time went. `watch_aws_calls()` wraps botocore's
`BaseClient._make_api_call` process-wide (once, before the AWS call recorder or the fault injection wrap it, which
restore what they found): while an invocation runs (`LambdaTarget.invoke` sets `CURRENT_STATS`), each call adds
its duration, the time moto's request waited for the serialising lock (moto answers it in the
`X-Ackline-Lock-Wait-Ms` header), and, when it failed, its error. A call that got no answer at all (a read
timeout) spent its whole duration waiting: on loopback moto that is the lock or the CPU, never the network.
"""

from __future__ import annotations

import contextvars
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

LOCK_WAIT_HEADER = "x-ackline-lock-wait-ms"
# sent with every AWS request an invocation makes: moto's lock lets invocations take turns by it (`fair_lock`)
TURN_HEADER = "x-ackline-turn"

_patch_lock = threading.Lock()
_patched = False
_in_flight = 0
_in_flight_lock = threading.Lock()


@dataclass
class InvocationStats:
    """One invocation's AWS calls (threads it starts share it: `logs.tag_invocation_records` copies the context)."""

    calls: int = 0
    aws_ms: float = 0.0  # time inside AWS calls, retries included
    lock_wait_ms: float = 0.0  # of the answered calls: moto's serialising lock, as moto measured it
    unanswered_ms: float = 0.0  # calls that got no answer (timeouts): all of it was waiting
    failures: list[str] = field(default_factory=list)  # "dynamodb.PutItem ReadTimeoutError after 15012 ms"
    turn: str = field(default_factory=lambda: uuid.uuid4().hex)  # this invocation's turn key (TURN_HEADER)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def waited_ms(self) -> float:
        return self.lock_wait_ms + self.unanswered_ms

    def add(self, operation: str, elapsed_ms: float, headers: Any, failure: str | None, answered: bool) -> None:
        wait = _lock_wait(headers)
        with self._lock:
            self.calls += 1
            self.aws_ms += elapsed_ms
            self.lock_wait_ms += wait
            if not answered:
                self.unanswered_ms += elapsed_ms
            if failure is not None:
                self.failures.append(f"{operation} {failure} after {elapsed_ms:.0f} ms")


CURRENT_STATS: contextvars.ContextVar[InvocationStats | None] = contextvars.ContextVar(
    "ackline_invocation_stats", default=None
)


def invocations_in_flight() -> int:
    """In-process invocations running now (the gateway's and the queue consumers')."""
    return _in_flight


def entered() -> None:
    global _in_flight
    with _in_flight_lock:
        _in_flight += 1


def left() -> None:
    global _in_flight
    with _in_flight_lock:
        _in_flight -= 1


def _send_with_turn() -> None:
    """Every request an invocation sends carries its turn key (threads it starts share the invocation's context)."""
    from botocore.httpsession import URLLib3Session

    original = URLLib3Session.send

    def send(session: Any, request: Any) -> Any:
        if (stats := CURRENT_STATS.get()) is not None:
            request.headers[TURN_HEADER] = stats.turn
        return original(session, request)

    setattr(URLLib3Session, "send", send)  # noqa: B010


def _lock_wait(headers: Any) -> float:
    try:
        return float((headers or {}).get(LOCK_WAIT_HEADER, 0.0))
    except (TypeError, ValueError):
        return 0.0


def watch_aws_calls() -> None:
    """Wrap `BaseClient._make_api_call` once per process (see the module docstring)."""
    global _patched
    with _patch_lock:
        if _patched:
            return
        from botocore.client import BaseClient
        from botocore.exceptions import ClientError, HTTPClientError
        from botocore.exceptions import ConnectionError as BotocoreConnectionError

        original = getattr(BaseClient, "_make_api_call")  # noqa: B009 - private, hence untyped

        def _make_api_call(client: Any, operation_name: str, api_params: dict[str, Any]) -> Any:
            stats = CURRENT_STATS.get()
            if stats is None:
                return original(client, operation_name, api_params)
            operation = f"{client.meta.service_model.service_name}.{operation_name}"
            started = time.monotonic()
            try:
                response = original(client, operation_name, api_params)
            except ClientError as error:
                metadata = error.response.get("ResponseMetadata", {})
                code = error.response.get("Error", {}).get("Code", "")
                elapsed = (time.monotonic() - started) * 1000
                stats.add(operation, elapsed, metadata.get("HTTPHeaders"), code or "ClientError", answered=True)
                raise
            except Exception as error:
                unanswered = isinstance(error, HTTPClientError | BotocoreConnectionError)  # timeouts, resets
                elapsed = (time.monotonic() - started) * 1000
                stats.add(operation, elapsed, None, type(error).__name__, answered=not unanswered)
                raise
            headers = response.get("ResponseMetadata", {}).get("HTTPHeaders") if isinstance(response, dict) else None
            stats.add(operation, (time.monotonic() - started) * 1000, headers, None, answered=True)
            return response

        setattr(BaseClient, "_make_api_call", _make_api_call)  # noqa: B010
        _send_with_turn()
        _patched = True
