"""The local API Gateway (HTTP API): serves exactly template.yaml's routes and invokes their handlers in-process.

Requests become payload-2.0 events (see `http_payload`), handlers get a LambdaContext-like object whose deadline
follows the function Timeout, and results go back through the 2.0 response rules. Unknown routes answer 404
and handler crashes 500, with API Gateway's own bodies. Routes behind the JWT authorizer require
`Authorization: Bearer <STAFF_API_TOKEN>` locally and receive fixed claims where API Gateway puts verified ones.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

from ackline_local.http_payload import (
    LOCAL_STAFF_CLAIMS,
    HttpRequest,
    HttpResponse,
    build_event,
    build_response,
    json_response,
)
from ackline_local.invocation_stats import CURRENT_STATS, InvocationStats, invocations_in_flight
from ackline_local.lambda_runtime import LambdaTarget
from ackline_local.loopback_server import LoopbackServer
from ackline_local.template import Template

logger = logging.getLogger(__name__)

NOT_FOUND = {"message": "Not Found"}
UNAUTHORIZED = {"message": "Unauthorized"}
INTERNAL_ERROR = {"message": "Internal Server Error"}

_PARAMETER = re.compile(r"\{([^}]+)\}")
_PERSON = re.compile(r"[A-Za-z0-9._@+-]{1,64}")
DRAIN_SECONDS = 30.0  # how long stop() waits for requests already in handlers


@dataclass(frozen=True)
class GatewayRoute:
    """One route: `path` may hold `{name}` parameters and a trailing greedy `{name+}`."""

    method: str
    path: str
    target: LambdaTarget
    authorized: bool = False

    @property
    def route_key(self) -> str:
        return f"{self.method} {self.path}"


class _CompiledRoute:
    def __init__(self, route: GatewayRoute) -> None:
        self.route = route
        self.names: list[str] = []
        pattern = ""
        for segment in route.path.strip("/").split("/") if route.path.strip("/") else []:
            match = _PARAMETER.fullmatch(segment)
            if match is None:
                pattern += "/" + re.escape(segment)
            elif match.group(1).endswith("+"):
                self.names.append(match.group(1)[:-1])
                pattern += "/(.+)"
            else:
                self.names.append(match.group(1))
                pattern += "/([^/]+)"
        self.regex = re.compile("^" + (pattern or "/") + "$")
        greedy = route.path.endswith("+}")
        # API Gateway prefers the most specific route: literal paths, then fewer parameters, then greedy ones.
        self.priority = (greedy, len(self.names), -route.path.count("/"))

    def match(self, method: str, path: str) -> dict[str, str] | None:
        if self.route.method not in (method, "ANY"):
            return None
        found = self.regex.match(path)
        if found is None:
            return None
        return {name: unquote(value) for name, value in zip(self.names, found.groups(), strict=True)}


def routes_from_template(template: Template, name_prefix: str = "ackline-local") -> list[GatewayRoute]:
    """Every HttpApi event of every function, wired to that function's handler (imported on first call)."""
    routes: list[GatewayRoute] = []
    for function in template.functions:
        if not function.http_routes:
            continue
        target = LambdaTarget(
            function_name=f"{name_prefix}-{function.logical_id}",
            handler=function.handler_ref,
            timeout_seconds=function.timeout_seconds,
            memory_mb=function.memory_mb,
            logical_id=function.logical_id,
        )
        routes.extend(GatewayRoute(r.method, r.path, target, r.authorized) for r in function.http_routes)
    return routes


class ApiGateway(LoopbackServer):
    """A ThreadingHTTPServer on 127.0.0.1 serving `routes`; `port=0` picks a free port (see `url`)."""

    def __init__(
        self, routes: Iterable[GatewayRoute], *, port: int = 0, staff_token: str | None = None, host: str = "127.0.0.1"
    ) -> None:
        self._routes = sorted((_CompiledRoute(r) for r in routes), key=lambda r: r.priority)
        self._staff_token = staff_token
        self._in_flight = 0
        self._idle = threading.Condition()
        super().__init__(_GatewayServer((host, port), _GatewayRequestHandler, self), "ackline-gateway")

    def stop(self, drain_seconds: float = DRAIN_SECONDS) -> None:
        """Stop accepting, then let the requests already in handlers finish (up to `drain_seconds`), so what they
        store is there when the stack saves its state, and the caller hears an answer rather than a reset."""
        self._server.shutdown()
        with self._idle:
            if not self._idle.wait_for(lambda: self._in_flight == 0, timeout=drain_seconds):
                logger.warning("stopping with %d requests still in their handlers", self._in_flight)
        super().stop()

    def _entered(self) -> None:
        with self._idle:
            self._in_flight += 1

    def _left(self) -> None:
        with self._idle:
            self._in_flight -= 1
            self._idle.notify_all()

    @property
    def routes(self) -> list[GatewayRoute]:
        return [compiled.route for compiled in self._routes]

    def handle(self, request: HttpRequest) -> HttpResponse:
        """Route, authorize, invoke: the whole gateway minus the socket (usable directly in tests)."""
        for compiled in self._routes:
            path_parameters = compiled.match(request.method, request.raw_path)
            if path_parameters is not None:
                return self._invoke(compiled.route, request, path_parameters)
        return json_response(404, NOT_FOUND)

    def _invoke(self, route: GatewayRoute, request: HttpRequest, path_parameters: Mapping[str, str]) -> HttpResponse:
        claims: Mapping[str, Any] | None = None
        if route.authorized:
            claims = self._staff_claims(request)
            if claims is None:
                return json_response(401, UNAUTHORIZED)
        event = build_event(request, route.route_key, path_parameters, claims)
        stats = InvocationStats()
        started = time.monotonic()
        token = CURRENT_STATS.set(stats)  # the invocation adds its AWS calls' costs to it (see `invocation_stats`)
        try:
            response = build_response(route.target.invoke(event))
        except Exception:
            logger.exception("handler failed", extra={"route": route.route_key, "function": route.target.function_name})
            return json_response(500, INTERNAL_ERROR)
        finally:
            CURRENT_STATS.reset(token)
        if response.status >= 500:
            # the function answered 5xx itself (e.g. 503 when it could not store or queue): its own log holds the
            # exception; this line makes sure no 5xx leaves the gateway without an ERROR, and says where the time
            # went, so a 503 of the local stack's own making (moto's one-at-a-time lock) shows as such
            why = self._why(route, response.status, stats, (time.monotonic() - started) * 1000)
            logger.error("%s answered %d: %s", route.target.function_name, response.status, json.dumps(why), extra=why)
        return response

    def _why(self, route: GatewayRoute, status: int, stats: InvocationStats, elapsed_ms: float) -> dict[str, Any]:
        from ackline_local.moto_server import lock_state  # moto's server is the stack's, not the gateway's

        waiting, holder, held_ms = lock_state()
        return {
            "route": route.route_key,
            "status": status,
            # the AWS calls that failed under the function, in order (it answers 503 when it cannot store or queue)
            "reason": "; ".join(stats.failures) or "no AWS call failed: the function's own log says why",
            "elapsed_ms": round(elapsed_ms),
            "waited_ms": round(stats.waited_ms),  # for moto's lock (answered calls) or an answer (unanswered ones)
            "aws_ms": round(stats.aws_ms),
            "aws_calls": stats.calls,
            "in_flight": self._in_flight,  # gateway requests in their handlers now, this one included
            "invocations_in_flight": invocations_in_flight(),  # the gateway's and the queue consumers'
            "lock_waiting": waiting,  # moto requests queued for its lock now
            "lock_holder": holder,
            "lock_held_ms": round(held_ms),
        }

    def _staff_claims(self, request: HttpRequest) -> Mapping[str, Any] | None:
        """The claims for a valid bearer token, else None. `<token>#<name>` signs in as another person (locally
        only: several agents at once, as Cognito's users would be); the name becomes the email claim."""
        if not self._staff_token:
            return None
        supplied = next((v for k, v in request.headers if k.lower() == "authorization"), "")
        scheme, _, token = supplied.partition(" ")
        token, _, person = token.strip().partition("#")
        if scheme.lower() != "bearer" or not hmac.compare_digest(token.encode(), self._staff_token.encode()):
            return None
        if person and _PERSON.fullmatch(person):
            return {"sub": "local-" + person, "email": person, "cognito:username": person}
        return LOCAL_STAFF_CLAIMS if not person else None


class _GatewayServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], gateway: ApiGateway) -> None:
        super().__init__(address, handler)
        self.gateway = gateway


class _GatewayRequestHandler(BaseHTTPRequestHandler):
    server: _GatewayServer

    def _serve(self) -> None:
        started = time.monotonic()
        split = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        request = HttpRequest(
            method=self.command,
            raw_path=split.path or "/",
            raw_query=split.query,
            headers=tuple(self.headers.items()),
            body=self.rfile.read(length) if length else b"",
            source_ip=self.client_address[0],
            protocol=self.request_version,
            domain_name=self.headers.get("Host", "127.0.0.1").split(":", 1)[0],
        )
        self.server.gateway._entered()
        try:
            response = self.server.gateway.handle(request)
        finally:
            self.server.gateway._left()
        self.send_response(response.status)
        for name, value in response.headers:
            if name.lower() != "content-length":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)
        # Path only: query strings carry secrets (Meta's hub.verify_token).
        logger.info(
            "%s %s %d %.0fms", self.command, request.raw_path, response.status, (time.monotonic() - started) * 1000
        )

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _serve

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default access log (it would print query strings); `_serve` logs instead."""
