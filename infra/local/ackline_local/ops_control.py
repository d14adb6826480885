"""Scheduled functions and injected AWS failures for the local stack, behind one small control server.

SAM CLI runs no schedules, and the reconciler exists for failures moto never produces, so:

- every `Schedule` / `ScheduleV2` event of the template's functions runs here on a short local period
  (`ACKLINE_SCHEDULE_SECONDS`, default 60 s; 0 = only on demand) with an EventBridge-shaped event, and
  `POST <control>/_schedules/<FunctionLogicalId>` runs one at once and answers with what the handler returned;
  `GET <control>/_schedules` lists them;
- `POST <control>/_aws/faults` with {"service", "operation", "resource_contains", "function", "count",
  "error_code"} makes the next `count` matching AWS calls made by handlers fail with a `ClientError`, before
  they reach moto (e.g. Ingest's SendMessageBatch to AckQueue: "stored, but queueing failed");
  `GET`/`DELETE <control>/_aws/faults` list and clear them.

Faults wrap `botocore.client.BaseClient._make_api_call`, as the AWS call recorder does; stop this before the
recorder so each restores what it found.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from ackline_local.aws_call_log import CURRENT_FUNCTION
from ackline_local.intrinsics import LOCAL_ACCOUNT_ID, LOCAL_REGION
from ackline_local.lambda_runtime import LambdaTarget
from ackline_local.loopback_server import LoopbackServer
from ackline_local.resources import LocalResources

logger = logging.getLogger(__name__)

DEFAULT_LOCAL_PERIOD_SECONDS = 60.0
_RATE = re.compile(r"^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}


def rate_seconds(expression: str) -> float | None:
    """`rate(5 minutes)` -> 300; cron and at() expressions -> None (locally they run on the local period)."""
    match = _RATE.match(expression.strip())
    if match is None:
        return None
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2).rstrip("s")]


@dataclass(frozen=True)
class ScheduledFunction:
    logical_id: str
    schedule_name: str  # the schedule's Name (SAM names it <Function><Event>)
    expression: str
    target: LambdaTarget

    def event(self) -> dict[str, Any]:
        """What EventBridge delivers for a schedule (Scheduler passes the same shape through to a Lambda target)."""
        return {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": "Scheduled Event",
            "source": "aws.scheduler",
            "account": LOCAL_ACCOUNT_ID,
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "region": LOCAL_REGION,
            "resources": [f"arn:aws:scheduler:{LOCAL_REGION}:{LOCAL_ACCOUNT_ID}:schedule/default/{self.schedule_name}"],
            "detail": {},
        }


def scheduled_functions(resources: LocalResources) -> list[ScheduledFunction]:
    """Every enabled schedule of the template's functions (as SAM translated their Schedule/ScheduleV2 events)."""
    found: list[ScheduledFunction] = []
    for function in resources.template.functions:
        for schedule in function.schedules:
            target = LambdaTarget(
                function_name=f"{resources.name_prefix}-{function.logical_id}",
                handler=function.handler_ref,
                timeout_seconds=function.timeout_seconds,
                memory_mb=function.memory_mb,
                logical_id=function.logical_id,
            )
            found.append(ScheduledFunction(function.logical_id, schedule.name, schedule.expression, target))
    return found


@dataclass
class AwsFault:
    """The next `count` matching calls fail with `error_code` (a ClientError, as AWS would answer)."""

    service: str
    operation: str = ""
    resource_contains: str = ""
    function: str = ""  # a template logical id; empty = any handler (never the stack's own calls)
    count: int = 1
    error_code: str = "ServiceUnavailable"

    @classmethod
    def from_json(cls, payload: Mapping[str, Any]) -> AwsFault:
        unknown = set(payload) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"unknown fault fields: {sorted(unknown)}")
        fault = cls(**payload)
        if int(fault.count) < 1:
            raise ValueError("count must be >= 1")
        return fault

    def matches(self, service: str, operation: str, params: Mapping[str, Any], function: str | None) -> bool:
        if function is None or (self.function and self.function != function):
            return False
        if self.service != service or (self.operation and self.operation != operation):
            return False
        return not self.resource_contains or self.resource_contains in json.dumps(params, default=str)


class OpsControl(LoopbackServer):
    """The control server plus the schedule threads; `period_seconds=0` runs schedules only on demand."""

    def __init__(self, schedules: list[ScheduledFunction], *, period_seconds: float, port: int = 0) -> None:
        self.schedules = {s.logical_id: s for s in schedules}
        self.period_seconds = period_seconds
        self._faults: list[AwsFault] = []
        self._lock = threading.Lock()
        self._run_locks = {s.logical_id: threading.Lock() for s in schedules}
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._original_call: Any = None
        super().__init__(_ControlServer(("127.0.0.1", port), _ControlHandler, self), "ackline-ops-control")

    def start(self) -> OpsControl:
        self._patch()
        super().start()
        if self.period_seconds > 0:
            for schedule in self.schedules.values():
                period = min(self.period_seconds, rate_seconds(schedule.expression) or self.period_seconds)
                thread = threading.Thread(
                    target=self._every, args=(schedule, period), name=f"schedule-{schedule.logical_id}", daemon=True
                )
                thread.start()
                self._threads.append(thread)
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)
        super().stop()
        self._unpatch()

    # --- schedules -------------------------------------------------------------------------------------------

    def run(self, logical_id: str, extra: Mapping[str, Any] | None = None) -> Any:
        """Invoke a scheduled function now (one run at a time per function, as a real schedule's runs mostly are);
        `extra` is merged into the event, as a schedule's Input or an operator's `aws lambda invoke` payload."""
        schedule = self.schedules[logical_id]
        with self._run_locks[logical_id]:
            return schedule.target.invoke({**schedule.event(), **(extra or {})})

    def _every(self, schedule: ScheduledFunction, period: float) -> None:
        while not self._stop.wait(period):
            try:
                self.run(schedule.logical_id)
            except Exception:
                logger.exception("scheduled run failed", extra={"function": schedule.logical_id})

    # --- AWS faults ------------------------------------------------------------------------------------------

    def add_fault(self, fault: AwsFault) -> None:
        with self._lock:
            self._faults.append(fault)

    def faults(self) -> list[AwsFault]:
        with self._lock:
            return list(self._faults)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def _take_fault(self, service: str, operation: str, params: Mapping[str, Any]) -> AwsFault | None:
        current = CURRENT_FUNCTION.get()
        function = None if current is None else (current.logical_id or current.name)
        with self._lock:
            for fault in self._faults:
                if fault.matches(service, operation, params, function):
                    fault.count -= 1
                    if fault.count <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def _patch(self) -> None:
        from botocore.client import BaseClient
        from botocore.exceptions import ClientError

        original = getattr(BaseClient, "_make_api_call")  # noqa: B009 - private, hence untyped
        self._original_call = original
        control = self

        def _make_api_call(client: Any, operation_name: str, api_params: dict[str, Any]) -> Any:
            service = client.meta.service_model.service_name
            fault = control._take_fault(service, operation_name, api_params)
            if fault is not None:
                logger.info("injected AWS fault", extra={"service": service, "operation": operation_name})
                error = {"Error": {"Code": fault.error_code, "Message": "injected by the local stack"}}
                raise ClientError(error, operation_name)  # type: ignore[arg-type]
            return original(client, operation_name, api_params)

        setattr(BaseClient, "_make_api_call", _make_api_call)  # noqa: B010

    def _unpatch(self) -> None:
        from botocore.client import BaseClient

        if self._original_call is not None:
            setattr(BaseClient, "_make_api_call", self._original_call)  # noqa: B010
            self._original_call = None


class _ControlServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], control: OpsControl):
        super().__init__(address, handler)
        self.control = control


class _ControlHandler(BaseHTTPRequestHandler):
    server: _ControlServer

    def _serve(self) -> None:
        control = self.server.control
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        parts = [p for p in self.path.split("?", 1)[0].split("/") if p]
        try:
            if parts == ["_schedules"] and self.command == "GET":
                self._json(200, {k: s.expression for k, s in control.schedules.items()})
            elif len(parts) == 2 and parts[0] == "_schedules" and self.command == "POST":
                if parts[1] not in control.schedules:
                    self._json(404, {"message": f"no scheduled function {parts[1]}"})
                    return
                extra = json.loads(raw) if raw else {}
                if not isinstance(extra, dict):
                    raise ValueError("the body must be a JSON object (merged into the event)")
                self._json(200, {"result": control.run(parts[1], extra)})
            elif parts == ["_aws", "faults"] and self.command == "POST":
                payload = json.loads(raw or b"{}")
                for item in payload if isinstance(payload, list) else [payload]:
                    control.add_fault(AwsFault.from_json(item))
                self._json(201, [asdict(f) for f in control.faults()])
            elif parts == ["_aws", "faults"] and self.command == "GET":
                self._json(200, [asdict(f) for f in control.faults()])
            elif parts == ["_aws", "faults"] and self.command == "DELETE":
                control.clear_faults()
                self._json(200, {"ok": True})
            else:
                self._json(404, {"message": "Not Found"})
        except (ValueError, TypeError) as error:
            self._json(400, {"message": str(error)})
        except Exception as error:  # a handler that failed: say so, as Lambda's Invoke would
            logger.exception("control request failed")
            self._json(500, {"errorType": type(error).__name__, "errorMessage": str(error)})

    do_GET = do_POST = do_DELETE = _serve

    def _json(self, status: int, payload: Any) -> None:
        data = json.dumps(payload, default=str).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the stack's own log says what ran."""
