"""Stopping the gateway lets requests already in their handlers finish: what they store is saved with the state,
and the platform hears an answer instead of a reset connection."""

from __future__ import annotations

import threading
import urllib.request

from ackline_local.gateway import ApiGateway, GatewayRoute
from ackline_local.lambda_runtime import LambdaTarget


def test_stop_waits_for_the_request_in_flight():
    entered, release = threading.Event(), threading.Event()
    finished = []

    def slow(event, context):
        entered.set()
        release.wait(timeout=30)
        finished.append(event["rawPath"])
        return {"statusCode": 200, "body": "stored"}

    gateway = ApiGateway([GatewayRoute("POST", "/webhooks/meta", LambdaTarget("slow-fn", slow))]).start()
    answers = []

    def call():
        request = urllib.request.Request(f"{gateway.url}/webhooks/meta", data=b"{}", method="POST")
        with urllib.request.urlopen(request, timeout=30) as response:
            answers.append((response.status, response.read()))

    caller = threading.Thread(target=call)
    caller.start()
    assert entered.wait(timeout=30)
    # When the gateway is told to stop while the handler is still working
    stopping = threading.Thread(target=gateway.stop)
    stopping.start()
    stopping.join(timeout=0.5)
    assert stopping.is_alive()  # it waits for the handler
    release.set()
    stopping.join(timeout=30)
    caller.join(timeout=30)
    # Then the handler finished and its caller got the answer
    assert not stopping.is_alive()
    assert finished == ["/webhooks/meta"] and answers == [(200, b"stored")]
