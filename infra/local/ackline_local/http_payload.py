"""API Gateway HTTP API payload format 2.0: the request event Lambda receives and how its result becomes a response.

Kept free of any server code so the translation can be tested (and checked against Powertools' own
`APIGatewayProxyEventV2Model`) without sockets. Rules followed (AWS "Working with AWS Lambda proxy integrations
for HTTP APIs"): lower-cased headers with repeats joined by commas, cookies moved out of the headers, repeated
query keys joined by commas, bodies base64-encoded unless the content type is textual, and the 2.0 response
rules (a result without `statusCode` is a 200 JSON body).
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from ackline_local.intrinsics import LOCAL_ACCOUNT_ID

LOCAL_API_ID = "local"
LOCAL_STAGE = "$default"

# Content types API Gateway passes through as text; everything else (form posts included) arrives base64-encoded.
_TEXT_TYPES = ("application/json", "application/xml", "application/javascript", "application/ecmascript")
_TEXT_SUFFIXES = ("+json", "+xml")

LOCAL_STAFF_CLAIMS: dict[str, Any] = {
    "sub": "local-staff",
    "email": "staff@localhost",
    "cognito:username": "local-staff",
}


@dataclass(frozen=True)
class HttpRequest:
    """The raw request as the gateway saw it: header pairs keep their order and repeats."""

    method: str
    raw_path: str
    raw_query: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    source_ip: str
    protocol: str = "HTTP/1.1"
    domain_name: str = "127.0.0.1"


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


def is_textual(content_type: str | None) -> bool:
    if not content_type:
        return False
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type.startswith("text/") or media_type in _TEXT_TYPES or media_type.endswith(_TEXT_SUFFIXES)


def build_event(
    request: HttpRequest,
    route_key: str,
    path_parameters: Mapping[str, str] | None = None,
    jwt_claims: Mapping[str, Any] | None = None,
    now: float | None = None,
) -> dict[str, Any]:
    """The payload-2.0 event for `request` matched to `route_key` (e.g. "POST /webhooks/meta")."""
    now = time.time() if now is None else now
    headers, cookies = _headers_and_cookies(request.headers)
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": request.raw_path,
        "rawQueryString": request.raw_query,
        "headers": headers,
        "requestContext": _request_context(request, route_key, headers, jwt_claims, now),
        "isBase64Encoded": False,
    }
    if cookies:
        event["cookies"] = cookies
    query = query_string_parameters(request.raw_query)
    if query:
        event["queryStringParameters"] = query
    if path_parameters:
        event["pathParameters"] = dict(path_parameters)
    if request.body:
        if is_textual(headers.get("content-type")):
            event["body"] = request.body.decode("utf-8", errors="replace")
        else:
            event["body"] = base64.b64encode(request.body).decode("ascii")
            event["isBase64Encoded"] = True
    return event


def query_string_parameters(raw_query: str) -> dict[str, str]:
    params: dict[str, list[str]] = {}
    for key, value in parse_qsl(raw_query, keep_blank_values=True):
        params.setdefault(key, []).append(value)
    return {key: ",".join(values) for key, values in params.items()}


def _headers_and_cookies(pairs: Iterable[tuple[str, str]]) -> tuple[dict[str, str], list[str]]:
    headers: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in pairs:
        lowered = name.lower()
        if lowered == "cookie":
            cookies.extend(part.strip() for part in value.split(";") if part.strip())
            continue
        headers[lowered] = f"{headers[lowered]},{value}" if lowered in headers else value
    return headers, cookies


def _request_context(
    request: HttpRequest,
    route_key: str,
    headers: Mapping[str, str],
    jwt_claims: Mapping[str, Any] | None,
    now: float,
) -> dict[str, Any]:
    context: dict[str, Any] = {
        "accountId": LOCAL_ACCOUNT_ID,
        "apiId": LOCAL_API_ID,
        "domainName": request.domain_name,
        "domainPrefix": request.domain_name.split(".", 1)[0],
        "http": {
            "method": request.method,
            "path": request.raw_path,
            "protocol": request.protocol,
            "sourceIp": request.source_ip,
            "userAgent": headers.get("user-agent", ""),
        },
        "requestId": uuid.uuid4().hex[:16] + "=",
        "routeKey": route_key,
        "stage": LOCAL_STAGE,
        "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
        "timeEpoch": int(now * 1000),
    }
    if jwt_claims is not None:
        context["authorizer"] = {"jwt": {"claims": dict(jwt_claims), "scopes": None}}
    return context


def build_response(result: Any) -> HttpResponse:
    """Apply the 2.0 response rules; raises ValueError for a malformed result (API Gateway answers 500 then)."""
    if not (isinstance(result, Mapping) and "statusCode" in result):
        # No statusCode: API Gateway assumes 200 and a JSON body; a str is passed through as the body.
        text = result if isinstance(result, str) else json.dumps(result)
        return HttpResponse(200, (("content-type", "application/json"),), text.encode("utf-8"))
    status = result["statusCode"]
    if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
        raise ValueError(f"invalid statusCode {status!r}")
    raw_body = result.get("body")
    if raw_body is None:
        body = b""
    elif not isinstance(raw_body, str):
        raise ValueError("body must be a string")
    elif result.get("isBase64Encoded"):
        body = base64.b64decode(raw_body)
    else:
        body = raw_body.encode("utf-8")
    headers = [(str(k), _header_value(v)) for k, v in (result.get("headers") or {}).items()]
    headers.extend(("set-cookie", str(cookie)) for cookie in result.get("cookies") or [])
    return HttpResponse(status, tuple(headers), body)


def _header_value(value: Any) -> str:
    return ",".join(str(v) for v in value) if isinstance(value, list) else str(value)


def json_response(status: int, payload: Mapping[str, Any]) -> HttpResponse:
    """API Gateway's own answers (404, 401, 500) look like this."""
    return HttpResponse(status, (("content-type", "application/json"),), json.dumps(payload).encode("utf-8"))
