from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request

import pytest
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2
from aws_lambda_powertools.utilities.parser.models import APIGatewayProxyEventV2Model

from ackline_local.gateway import ApiGateway, GatewayRoute
from ackline_local.http_payload import LOCAL_STAFF_CLAIMS, build_response
from ackline_local.lambda_runtime import LambdaTarget

STAFF_TOKEN = "test-staff-token"


class Recorder:
    """A handler that echoes the event and remembers every call (and the context it got)."""

    def __init__(self):
        self.events = []
        self.contexts = []

    def __call__(self, event, context):
        self.events.append(event)
        self.contexts.append(context)
        return {"statusCode": 200, "headers": {"content-type": "application/json"}, "body": json.dumps(event)}


def _boom(event, context):
    raise RuntimeError("handler bug")


@pytest.fixture
def recorder():
    return Recorder()


@pytest.fixture
def gateway(recorder):
    echo = LambdaTarget("echo-fn", recorder, timeout_seconds=10, memory_mb=256)
    routes = [
        GatewayRoute("POST", "/webhooks/meta", echo),
        GatewayRoute("GET", "/webhooks/meta", echo),
        GatewayRoute("GET", "/api/cases/{case_id}", echo, authorized=True),
        GatewayRoute("GET", "/api/cases/open", echo, authorized=True),
        GatewayRoute("POST", "/files/{path+}", echo),
        GatewayRoute("GET", "/boom", LambdaTarget("boom-fn", _boom)),
    ]
    server = ApiGateway(routes, staff_token=STAFF_TOKEN).start()
    yield server
    server.stop()


def call(url, method="GET", body=None, headers=None):
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_event_validates_against_powertools_models(gateway, recorder):
    # Given a JSON POST with repeated query keys, cookies and a repeated header
    url = f"{gateway.url}/webhooks/meta?a=1&a=2&b=x%20y"
    request = urllib.request.Request(url, data=b'{"object":"page"}', method="POST")
    request.add_header("Content-Type", "application/json")
    request.add_header("Cookie", "s=1; t=2")
    request.add_header("X-Hub-Signature-256", "sha256=abc")
    # When it goes through the gateway
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200
    (event,) = recorder.events
    # Then it is a payload-2.0 event Powertools accepts, with API Gateway's conventions
    model = APIGatewayProxyEventV2Model.model_validate(event)
    assert model.version == "2.0" and model.routeKey == "POST /webhooks/meta"
    assert model.rawPath == "/webhooks/meta" and model.rawQueryString == "a=1&a=2&b=x%20y"
    assert model.queryStringParameters == {"a": "1,2", "b": "x y"}
    assert model.cookies == ["s=1", "t=2"] and "cookie" not in model.headers
    assert model.headers["x-hub-signature-256"] == "sha256=abc"
    assert model.requestContext.stage == "$default" and model.requestContext.http.method == "POST"
    assert model.requestContext.routeKey == "POST /webhooks/meta"
    assert model.isBase64Encoded is False and model.body == '{"object":"page"}'
    data = APIGatewayProxyEventV2(event)
    assert data.json_body == {"object": "page"}
    assert data.request_context.http.source_ip == "127.0.0.1"
    assert data.headers.get("X-Hub-Signature-256") == "sha256=abc"


def test_repeated_headers_are_joined_with_commas(gateway, recorder):
    # Given a request carrying the same header twice (urllib cannot, so build the request directly)
    from ackline_local.http_payload import HttpRequest

    request = HttpRequest(
        "GET", "/webhooks/meta", "", (("X-Forwarded-For", "1.1.1.1"), ("x-forwarded-for", "2.2.2.2")), b"", "127.0.0.1"
    )
    # When the gateway handles it
    gateway.handle(request)
    # Then API Gateway's rule applies
    assert recorder.events[0]["headers"]["x-forwarded-for"] == "1.1.1.1,2.2.2.2"


def test_binary_bodies_are_base64_encoded(gateway, recorder):
    # Given a non-textual body (form posts count as binary for HTTP APIs)
    raw = bytes(range(256))
    call(f"{gateway.url}/webhooks/meta", "POST", raw, {"Content-Type": "application/octet-stream"})
    call(f"{gateway.url}/webhooks/meta", "POST", b"a=1&b=2", {"Content-Type": "application/x-www-form-urlencoded"})
    # Then the body is base64 and flagged
    binary, form = recorder.events
    assert binary["isBase64Encoded"] is True and base64.b64decode(binary["body"]) == raw
    assert form["isBase64Encoded"] is True and base64.b64decode(form["body"]) == b"a=1&b=2"
    APIGatewayProxyEventV2Model.model_validate(binary)
    assert APIGatewayProxyEventV2(form).decoded_body == "a=1&b=2"


def test_path_parameters_and_most_specific_route(gateway, recorder):
    headers = {"Authorization": f"Bearer {STAFF_TOKEN}"}
    call(f"{gateway.url}/api/cases/c_42%20x", headers=headers)
    call(f"{gateway.url}/api/cases/open", headers=headers)
    call(f"{gateway.url}/files/a/b/c.txt", "POST", b"x", {"Content-Type": "text/plain"})
    by_param, literal, greedy = recorder.events
    assert by_param["pathParameters"] == {"case_id": "c_42 x"} and by_param["routeKey"] == "GET /api/cases/{case_id}"
    assert literal["routeKey"] == "GET /api/cases/open" and "pathParameters" not in literal
    assert greedy["pathParameters"] == {"path": "a/b/c.txt"}
    APIGatewayProxyEventV2Model.model_validate(by_param)


def test_unknown_route_or_method_is_404(gateway, recorder):
    assert call(f"{gateway.url}/nope")[::2] == (404, b'{"message": "Not Found"}')
    assert call(f"{gateway.url}/webhooks/meta", "DELETE")[0] == 404
    assert recorder.events == []


def test_handler_exception_is_500(gateway):
    status, _, body = call(f"{gateway.url}/boom")
    assert (status, json.loads(body)) == (500, {"message": "Internal Server Error"})


def test_authorizer_rejects_without_calling_the_handler(gateway, recorder):
    # Given no token, a wrong token, and a wrong scheme
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {STAFF_TOKEN}"}):
        status, _, body = call(f"{gateway.url}/api/cases/c_1", headers=headers)
        assert (status, json.loads(body)) == (401, {"message": "Unauthorized"})
    # Then the function never ran
    assert recorder.events == []


def test_authorizer_passes_claims_where_api_gateway_puts_them(gateway, recorder):
    status, _, _ = call(f"{gateway.url}/api/cases/c_1", headers={"Authorization": f"Bearer {STAFF_TOKEN}"})
    assert status == 200
    event = recorder.events[0]
    assert event["requestContext"]["authorizer"] == {"jwt": {"claims": LOCAL_STAFF_CLAIMS, "scopes": None}}
    model = APIGatewayProxyEventV2Model.model_validate(event)
    assert model.requestContext.authorizer.jwt.claims["sub"] == "local-staff"


def test_public_routes_carry_no_authorizer_context(gateway, recorder):
    call(f"{gateway.url}/webhooks/meta?hub.mode=subscribe")
    assert "authorizer" not in recorder.events[0]["requestContext"]


def test_context_follows_the_function_settings(gateway, recorder):
    call(f"{gateway.url}/webhooks/meta")
    context = recorder.contexts[0]
    assert context.function_name == "echo-fn" and context.memory_limit_in_mb == 256
    assert context.invoked_function_arn.endswith(":function:echo-fn")
    assert 9000 < context.get_remaining_time_in_millis() <= 10000
    assert context.aws_request_id


def test_response_rules_of_payload_2_0():
    plain = build_response({"hello": "world"})
    assert (plain.status, plain.body, dict(plain.headers)["content-type"]) == (
        200,
        b'{"hello": "world"}',
        "application/json",
    )
    assert build_response("hi").body == b"hi"
    full = build_response(
        {"statusCode": 201, "headers": {"x-a": "1"}, "cookies": ["a=1", "b=2"], "body": "aGk=", "isBase64Encoded": True}
    )
    assert full.status == 201 and full.body == b"hi"
    assert ("set-cookie", "a=1") in full.headers and ("set-cookie", "b=2") in full.headers
    with pytest.raises(ValueError):
        build_response({"statusCode": "200"})


def test_head_and_response_headers_reach_the_client(gateway):
    status, headers, body = call(f"{gateway.url}/webhooks/meta")
    assert status == 200 and headers["content-type"] == "application/json"
    assert json.loads(body)["routeKey"] == "GET /webhooks/meta"
