"""The HTTP API SAM generates: exactly the contract's routes, the right ones public, JWT from the staff pool."""

from __future__ import annotations

import re
from typing import Any

import pytest

PUBLIC_ROUTES = {
    ("GET", "/webhooks/meta"): "IngestFunction",
    ("POST", "/webhooks/meta"): "IngestFunction",
    ("GET", "/webhooks/x"): "IngestFunction",
    ("POST", "/webhooks/x"): "IngestFunction",
    ("POST", "/webhooks/telegram"): "IngestFunction",
    ("POST", "/webhooks/generic"): "IngestFunction",
    ("GET", "/queue"): "StaffApiFunction",
    ("GET", "/api/openapi.json"): "StaffApiFunction",
    # Meta signs the deletion request itself; the status page shows a random code's state only
    ("POST", "/webhooks/meta/data-deletion"): "PrivacyFunction",
    ("GET", "/privacy/deletion-status"): "PrivacyFunction",
}
STAFF_ROUTES = {
    ("GET", "/api/cases"): "StaffApiFunction",
    ("GET", "/api/cases/{case_id}"): "StaffApiFunction",
    ("POST", "/api/cases/{case_id}/claim"): "StaffApiFunction",
    ("POST", "/api/cases/{case_id}/resolve"): "StaffApiFunction",
    ("POST", "/api/cases/{case_id}/release"): "StaffApiFunction",
    ("POST", "/api/cases/{case_id}/assign"): "StaffApiFunction",
    ("POST", "/api/cases/{case_id}/reopen"): "StaffApiFunction",
    ("POST", "/api/cases/{case_id}/notes"): "StaffApiFunction",
    ("POST", "/api/cases/{case_id}/reply"): "StaffApiFunction",
    ("GET", "/api/metrics/sla"): "StaffApiFunction",
    ("GET", "/api/me"): "StaffApiFunction",
    ("POST", "/api/authors/{platform}/{author_id}/block"): "StaffApiFunction",
    ("DELETE", "/api/authors/{platform}/{author_id}/block"): "StaffApiFunction",
    ("GET", "/api/authors/blocked"): "StaffApiFunction",
    ("POST", "/api/authors/{platform}/{author_id}/forget"): "StaffApiFunction",
    ("GET", "/api/demand"): "StaffApiFunction",
    ("GET", "/api/suppressed"): "StaffApiFunction",
    # the panic button
    ("GET", "/api/crisis"): "StaffApiFunction",
    ("POST", "/api/crisis"): "StaffApiFunction",
}
_INTEGRATION_TARGET = re.compile(r"/functions/\$\{(\w+)\.Arn\}/invocations$")


def _routes(cfn_resources: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """(METHOD, path) -> OpenAPI operation, from the HttpApi body SAM generates (routes are not separate resources)."""
    body = cfn_resources["HttpApi"]["Properties"]["Body"]
    return {
        (method.upper(), path): operation
        for path, operations in body["paths"].items()
        for method, operation in operations.items()
    }


def _authorizers(operation: dict[str, Any]) -> set[str]:
    return {name for requirement in operation.get("security", []) for name in requirement} - {"NONE"}


def test_routes_are_exactly_the_contract_routes(cfn_resources: dict[str, Any]) -> None:
    routes = _routes(cfn_resources)
    assert set(routes) == set(PUBLIC_ROUTES) | set(STAFF_ROUTES)
    for key, operation in routes.items():
        uri = operation["x-amazon-apigateway-integration"]["uri"]["Fn::Sub"]
        match = _INTEGRATION_TARGET.search(uri)
        assert match, (key, uri)
        assert match.group(1) == {**PUBLIC_ROUTES, **STAFF_ROUTES}[key], key


def test_no_catch_all_routes(cfn_resources: dict[str, Any]) -> None:
    for method, path in _routes(cfn_resources):
        assert "proxy+" not in path and path != "$default", path
        assert method not in {"ANY", "X-AMAZON-APIGATEWAY-ANY-METHOD"}, (method, path)


@pytest.mark.parametrize("route", sorted(STAFF_ROUTES))
def test_staff_routes_require_the_jwt_authorizer(cfn_resources: dict[str, Any], route: tuple[str, str]) -> None:
    assert _authorizers(_routes(cfn_resources)[route]) == {"StaffAuthorizer"}


@pytest.mark.parametrize("route", sorted(PUBLIC_ROUTES))
def test_only_webhooks_queue_page_and_openapi_are_public(cfn_resources: dict[str, Any], route: tuple[str, str]) -> None:
    assert _authorizers(_routes(cfn_resources)[route]) == set()


def test_default_authorizer_fails_closed(sam_template: dict[str, Any]) -> None:
    # A route added without an Auth block must still demand a staff JWT.
    assert sam_template["Resources"]["HttpApi"]["Properties"]["Auth"]["DefaultAuthorizer"] == "StaffAuthorizer"


def test_jwt_authorizer_trusts_only_the_staff_user_pool(cfn_resources: dict[str, Any]) -> None:
    schemes = cfn_resources["HttpApi"]["Properties"]["Body"]["components"]["securitySchemes"]
    assert set(schemes) == {"StaffAuthorizer"}
    authorizer = schemes["StaffAuthorizer"]["x-amazon-apigateway-authorizer"]
    assert authorizer["type"] == "jwt"
    assert authorizer["identitySource"] == "$request.header.Authorization"
    jwt = authorizer["jwtConfiguration"]
    assert jwt["issuer"] == {"Fn::Sub": "https://cognito-idp.${AWS::Region}.amazonaws.com/${StaffUserPool}"}
    assert jwt["audience"] == [{"Ref": "StaffUserPoolClient"}]


def test_cors_off_and_default_route_throttling_on(cfn_resources: dict[str, Any]) -> None:
    api = cfn_resources["HttpApi"]["Properties"]
    assert "CorsConfiguration" not in api
    assert "x-amazon-apigateway-cors" not in api["Body"]
    stages = [body for body in cfn_resources.values() if body["Type"] == "AWS::ApiGatewayV2::Stage"]
    assert len(stages) == 1
    throttle = stages[0]["Properties"]["DefaultRouteSettings"]
    assert throttle["ThrottlingBurstLimit"] > 0
    assert throttle["ThrottlingRateLimit"] > 0
