"""A 5xx the error mapping answers leaves an ERROR with the exception; a refused request only a WARNING."""

from __future__ import annotations

import io
import json
import logging

from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from ackline.domain.errors import BadRequest, DispatchFailed
from ackline.lambda_entry import http_app
from ackline.observability import logger


def _event(path: str) -> dict:
    return {
        "version": "2.0",
        "routeKey": f"GET {path}",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {},
        "requestContext": {
            "http": {"method": "GET", "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1", "userAgent": "t"},
            "requestId": "r",
            "routeKey": f"GET {path}",
            "stage": "$default",
        },
        "isBase64Encoded": False,
    }


def test_a_mapped_5xx_logs_an_error_with_its_exception_and_a_4xx_a_warning():
    router = APIGatewayHttpRouter()

    @router.get("/fails")
    def fails():
        raise DispatchFailed("queue refused 3 of 10 messages")

    @router.get("/refused")
    def refused():
        raise BadRequest("no such thing")

    app = http_app(router)
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logger.registered_formatter)
    logger.addHandler(handler)
    try:
        assert app.resolve(_event("/fails"), None)["statusCode"] == 503
        assert app.resolve(_event("/refused"), None)["statusCode"] == 400
    finally:
        logger.removeHandler(handler)
    failed, refused_line = (json.loads(line) for line in out.getvalue().splitlines())
    assert failed["level"] == "ERROR" and failed["status"] == 503 and failed["error"] == "DispatchFailed"
    assert "queue refused 3 of 10 messages" in failed["exception"] and failed["exception_name"] == "DispatchFailed"
    assert refused_line["level"] == "WARNING" and refused_line["status"] == 400 and "exception" not in refused_line
