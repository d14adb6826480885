"""Concurrent requests on the local stack's threads are each resolved with their own event (issue 8)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from ackline_local.http_payload import HttpRequest, build_event
from ackline_local.powertools_isolation import isolate_requests_per_thread


def _event(name: str, body: str) -> dict:
    request = HttpRequest(
        method="POST", raw_path=f"/things/{name}", raw_query="", headers=(), body=body.encode(), source_ip="127.0.0.1"
    )
    return build_event(request, "POST /things/{name}", {"name": name}, None)


def test_two_requests_in_flight_at_once_each_see_their_own_event_and_route():
    isolate_requests_per_thread()
    router = APIGatewayHttpRouter()
    both_inside = threading.Barrier(2, timeout=10)

    @router.post("/things/<name>")
    def thing(name: str) -> Response[str]:
        both_inside.wait()  # both requests are resolving now: each has set its event before the other reads it
        body = router.current_event.decoded_body
        return Response(200, "text/plain", f"{name}:{body}")

    app = APIGatewayHttpResolver()
    app.include_router(router)
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(lambda n: app.resolve(_event(n, f"body of {n}"), None)["body"], ["a", "b"]))
    # without the isolation both read whichever event was set last (and one request's end cleared the other's route)
    assert answers == ["a:body of a", "b:body of b"]


def test_it_is_idempotent_and_a_single_thread_sees_what_it_set():
    isolate_requests_per_thread()
    isolate_requests_per_thread()
    router = APIGatewayHttpRouter()

    @router.post("/things/<name>")
    def thing(name: str) -> Response[str]:
        return Response(200, "text/plain", router.current_event.decoded_body)

    app = APIGatewayHttpResolver()
    app.include_router(router)
    assert app.resolve(_event("x", "hello"), None)["body"] == "hello"
    assert app.resolve(_event("y", "again"), None)["body"] == "again"
