"""The platform sandbox: a local HTTP server standing in for Meta Graph, X API and the Telegram Bot API.

ackline reaches platforms only through its configurable base URLs, so pointing META_GRAPH_URL,
INSTAGRAM_GRAPH_URL, X_API_URL and TELEGRAM_API_URL at `<sandbox>/meta`, `<sandbox>/instagram`, `<sandbox>/x` and
`<sandbox>/telegram` tests every outbound call without touching a real account. Every call is recorded
(unredacted: this is a test double) and tests can make the next N matching calls fail or be slow through the
control API under `/_sandbox/`:

- `GET /_sandbox/calls` -> JSON list of recorded calls; `DELETE /_sandbox/calls` resets it.
- `POST /_sandbox/faults` with {"status", "count", "body", "headers", "delay_seconds", "path_contains", "method"}.
- `GET /_sandbox/faults` lists pending faults; `DELETE /_sandbox/faults` clears them.
- `POST /_sandbox/undelivered` holds platform activity that was never delivered as a webhook (`held_activity`):
  the platforms' read APIs (Facebook feed, X mentions) serve it for the backfill; `GET`/`DELETE` list and clear.

Under `/cognito` it also serves a fake Cognito hosted UI (OAuth 2.0 authorization code + PKCE, see
`fake_cognito`) for the /queue page's "Sign in"; those calls are neither recorded nor subject to faults.

Like Meta, it accepts one private reply per comment (`/{id}/messages` with `recipient.comment_id`): a second one
to the same comment is refused with Graph error 10900 "Activity already replied to".

Tokens travel in paths (Telegram) and queries (Graph `access_token`), so nothing here logs a path or query.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ackline_local.fake_cognito import PREFIX as COGNITO_PREFIX
from ackline_local.fake_cognito import Answer, FakeCognito
from ackline_local.held_activity import HeldActivity
from ackline_local.loopback_server import LoopbackServer
from ackline_local.platform_fakes import PLATFORMS, already_replied, default_fault_body, private_reply_target

logger = logging.getLogger(__name__)

CONTROL_PREFIX = "/_sandbox"
CALLS_KEPT = 20_000  # recorded calls held in memory (and listed); the record file keeps them all


@dataclass
class Fault:
    """Makes the next `count` calls whose path contains `path_contains` (and method matches) fail or be slow.

    `status` None means "answer normally, after `delay_seconds`". `count` None means every matching call.
    """

    status: int | None = None
    count: int | None = 1
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay_seconds: float = 0.0
    path_contains: str = ""
    method: str | None = None

    @classmethod
    def from_json(cls, payload: Mapping[str, Any]) -> Fault:
        unknown = set(payload) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"unknown fault fields: {sorted(unknown)}")
        fault = cls(**payload)
        if fault.status is not None and not 100 <= int(fault.status) <= 599:
            raise ValueError("status must be an HTTP status code")
        if fault.count is not None and int(fault.count) < 1:
            raise ValueError("count must be >= 1 (or null for every call)")
        return fault

    def matches(self, method: str, path: str) -> bool:
        return self.path_contains in path and (self.method is None or self.method.upper() == method)


@dataclass(frozen=True)
class RecordedCall:
    """One call as the sandbox saw it; `body` is parsed JSON, a form dict, or the raw text."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any
    raw_body: str
    time: float
    platform: str
    status: int
    response: Any
    fault: bool


class PlatformSandbox(LoopbackServer):
    """The sandbox server on 127.0.0.1 (`port=0` picks a free port); also controllable in-process."""

    def __init__(self, *, port: int = 0, host: str = "127.0.0.1", record_file: Path | None = None) -> None:
        self._lock = threading.Lock()
        # platform calls being answered now: one held by a `delay_seconds` fault is recorded only when it answers
        self._answering = 0
        self._idle = threading.Condition(self._lock)
        # the newest CALLS_KEPT calls: a long `make dev` or soak run must not grow without bound
        self._calls: deque[RecordedCall] = deque(maxlen=CALLS_KEPT)
        # with a state directory, every call is also appended here as it happens (and read back at start), so the
        # replies sent before a restart or a crash stay listed
        self._record_file = record_file
        if record_file is not None and record_file.is_file():
            with record_file.open(encoding="utf-8") as lines:
                for line in lines:
                    try:
                        self._calls.append(RecordedCall(**json.loads(line)))
                    except (ValueError, TypeError):
                        logger.warning("skipped an unreadable line of %s (cut short by a crash?)", record_file)
        self._faults: list[Fault] = []
        self._privately_answered: set[str] = set()
        self.cognito = FakeCognito()
        self.held = HeldActivity()
        super().__init__(_SandboxServer((host, port), _SandboxRequestHandler, self), "ackline-sandbox")

    @property
    def base_urls(self) -> dict[str, str]:
        """The values for META_GRAPH_URL, INSTAGRAM_GRAPH_URL, X_API_URL and TELEGRAM_API_URL."""
        return {
            "META_GRAPH_URL": f"{self.url}/meta",
            "INSTAGRAM_GRAPH_URL": f"{self.url}/instagram",
            "X_API_URL": f"{self.url}/x",
            "TELEGRAM_API_URL": f"{self.url}/telegram",
        }

    @property
    def auth_url(self) -> str:
        """The fake Cognito hosted UI's base URL (the value for STAFF_AUTH_URL)."""
        return f"{self.url}{COGNITO_PREFIX}"

    def calls(self) -> list[RecordedCall]:
        with self._lock:
            return list(self._calls)

    def wait_answered(self, timeout: float) -> bool:
        """Wait until no platform call is still being answered (a delayed one is recorded when it answers), so
        `calls()` lists every call made so far; False if one was still open after `timeout` seconds."""
        with self._idle:
            return self._idle.wait_for(lambda: self._answering == 0, timeout)

    def answering(self, delta: int) -> None:
        with self._idle:
            self._answering += delta
            if self._answering == 0:
                self._idle.notify_all()

    def reset_calls(self) -> None:
        with self._lock:
            self._calls.clear()
            if self._record_file is not None:
                self._record_file.write_text("", encoding="utf-8")

    def add_fault(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def faults(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def take_fault(self, method: str, path: str) -> Fault | None:
        """The first pending fault matching this call, consuming one of its uses."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    if fault.count is not None:
                        fault.count -= 1
                        if fault.count <= 0:
                            self._faults.remove(fault)
                    return fault
        return None

    def first_private_reply(self, target: str) -> bool:
        """True the first time a comment gets a private reply; False (refuse it) every time after."""
        with self._lock:
            if target in self._privately_answered:
                return False
            self._privately_answered.add(target)
            return True

    def record(self, call: RecordedCall) -> None:
        with self._lock:
            self._calls.append(call)
            if self._record_file is not None:
                with self._record_file.open("a", encoding="utf-8") as file:
                    file.write(json.dumps(asdict(call)) + "\n")


class _SandboxServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], sandbox: PlatformSandbox):
        super().__init__(address, handler)
        self.sandbox = sandbox


def parse_body(content_type: str, raw: bytes) -> Any:
    text = raw.decode("utf-8", errors="replace")
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type == "application/x-www-form-urlencoded":
        return {k: v[0] if len(v) == 1 else v for k, v in parse_qs(text, keep_blank_values=True).items()}
    if text.strip() and (media_type.endswith("json") or not media_type):
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            return text
    return text if text else None


class _SandboxRequestHandler(BaseHTTPRequestHandler):
    server: _SandboxServer

    def _serve(self) -> None:
        split = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if split.path == CONTROL_PREFIX or split.path.startswith(CONTROL_PREFIX + "/"):
            self._control(split.path, raw)
        elif split.path.startswith(COGNITO_PREFIX + "/"):
            self._cognito(split.path[len(COGNITO_PREFIX) :], split.query, raw)
        else:
            self.server.sandbox.answering(+1)
            try:
                self._platform(split.path, split.query, raw)
            finally:
                self.server.sandbox.answering(-1)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _serve

    def _cognito(self, path: str, query: str, raw: bytes) -> None:
        form = parse_body(self.headers.get("Content-Type", ""), raw) if self.command == "POST" else {}
        answer: Answer = self.server.sandbox.cognito.handle(
            self.command, path, query, form if isinstance(form, Mapping) else {}, self.headers.get("Origin")
        )
        # Codes, verifiers and tokens travel in the query and the body: log the endpoint and the status only.
        logger.info("sandbox %s cognito %s -> %d", self.command, path, answer.status)
        if answer.body is None:
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self._send_json(answer.status, answer.body, answer.headers)

    def _platform(self, path: str, query: str, raw: bytes) -> None:
        sandbox = self.server.sandbox
        platform, _, rest = path.lstrip("/").partition("/")
        body = parse_body(self.headers.get("Content-Type", ""), raw)
        fault = sandbox.take_fault(self.command, path)
        if fault is not None and fault.delay_seconds:
            time.sleep(float(fault.delay_seconds))
        headers: dict[str, str] = {}
        if fault is not None and fault.status is not None:
            status = int(fault.status)
            response = fault.body if fault.body is not None else default_fault_body(platform, status)
            headers = dict(fault.headers)
        elif (held := sandbox.held.answer(self.command, path)) is not None:
            status, response = 200, held
        elif platform in PLATFORMS:
            fields = body if isinstance(body, Mapping) else {}
            target = private_reply_target(platform, "/" + rest, fields)
            if target is not None and not sandbox.first_private_reply(target):
                status, response = already_replied()
            else:
                status, response = PLATFORMS[platform]("/" + rest, fields)
        else:
            status, response = 404, {"message": "unknown platform; use /meta, /x or /telegram"}
        sandbox.record(
            RecordedCall(
                method=self.command,
                path=path,
                query=parse_qs(query, keep_blank_values=True),
                headers=dict(self.headers.items()),
                body=body,
                raw_body=raw.decode("utf-8", errors="replace"),
                time=time.time(),
                platform=platform,
                status=status,
                response=response,
                fault=fault is not None and fault.status is not None,
            )
        )
        # Log the platform and the object-free endpoint only: paths carry bot tokens and ids.
        logger.info("sandbox %s %s %s -> %d", self.command, platform, _endpoint(rest), status)
        self._send_json(status, response, headers)

    def _control(self, path: str, raw: bytes) -> None:
        sandbox = self.server.sandbox
        resource = path[len(CONTROL_PREFIX) :].strip("/")
        if resource == "calls" and self.command == "GET":
            self._send_json(200, [asdict(call) for call in sandbox.calls()])
        elif resource == "calls" and self.command == "DELETE":
            sandbox.reset_calls()
            self._send_json(200, {"ok": True})
        elif resource == "faults" and self.command == "POST":
            try:
                payload = json.loads(raw or b"{}")
                faults = payload if isinstance(payload, list) else [payload]
                for item in faults:
                    sandbox.add_fault(Fault.from_json(item))
            except (ValueError, TypeError) as error:
                self._send_json(400, {"message": str(error)})
                return
            self._send_json(201, {"ok": True, "pending": [asdict(f) for f in sandbox.faults()]})
        elif resource == "undelivered":
            self._undelivered(raw)
        elif resource == "faults" and self.command == "GET":
            self._send_json(200, [asdict(f) for f in sandbox.faults()])
        elif resource == "faults" and self.command == "DELETE":
            sandbox.clear_faults()
            self._send_json(200, {"ok": True})
        else:
            self._send_json(404, {"message": "Not Found"})

    def _undelivered(self, raw: bytes) -> None:
        held = self.server.sandbox.held
        if self.command == "POST":
            try:
                payload = json.loads(raw or b"{}")
                for item in payload if isinstance(payload, list) else [payload]:
                    held.hold(item)
            except (ValueError, TypeError, AttributeError) as error:
                self._send_json(400, {"message": str(error)})
                return
            self._send_json(201, {"ok": True, "held": len(held.items())})
        elif self.command == "GET":
            self._send_json(200, held.items())
        elif self.command == "DELETE":
            held.clear()
            self._send_json(200, {"ok": True})
        else:
            self._send_json(405, {"message": "Method Not Allowed"})

    def _send_json(self, status: int, payload: Any, headers: Mapping[str, str] | None = None) -> None:
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default access log: it prints paths, and Telegram paths hold the bot token."""


def _endpoint(rest: str) -> str:
    """`bot123:ABC/sendMessage` -> `sendMessage`; `104455/comments` -> `{id}/comments`."""
    return "/".join(
        "{id}" if part.startswith("bot") or re.search(r"\d{4,}", part) else part for part in rest.split("/")
    )
