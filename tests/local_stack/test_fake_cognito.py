"""The sandbox's fake Cognito hosted UI: the authorization code + PKCE checks the /queue page relies on."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import urllib.error
import urllib.parse
import urllib.request

import pytest

from ackline_local.fake_cognito import LOCAL_STAFF_CLIENT_ID, s256

PAGE_ORIGIN = "http://127.0.0.1:3999"
REDIRECT_URI = PAGE_ORIGIN + "/queue"
ID_TOKEN = "local-staff-token"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _send(url, method="GET", form=None, headers=None):
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    headers = dict(headers or {})
    if form is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with _opener.open(request, timeout=10) as response:
            status, answer_headers, raw = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, answer_headers, raw = error.code, error.headers, error.read()
    return status, answer_headers, json.loads(raw) if raw else None


@pytest.fixture
def auth(sandbox):
    sandbox.cognito.configure(client_id=LOCAL_STAFF_CLIENT_ID, redirect_uris=[REDIRECT_URI], id_token=ID_TOKEN)
    return sandbox.auth_url


def _verifier() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(64)).decode().rstrip("=")


def _authorize(auth, verifier, **overrides):
    params = {
        "response_type": "code",
        "client_id": LOCAL_STAFF_CLIENT_ID,
        "redirect_uri": REDIRECT_URI,
        "scope": "openid email",
        "code_challenge": s256(verifier),
        "code_challenge_method": "S256",
        "state": "st4te",
        **overrides,
    }
    return _send(f"{auth}/oauth2/authorize?" + urllib.parse.urlencode(params))


def _code(auth, verifier) -> str:
    status, headers, _ = _authorize(auth, verifier)
    assert status == 302
    location = urllib.parse.urlsplit(headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT_URI
    query = urllib.parse.parse_qs(location.query)
    assert query["state"] == ["st4te"]
    return query["code"][0]


def _exchange(auth, issued_code, verifier, **overrides):
    form = {
        "grant_type": "authorization_code",
        "client_id": LOCAL_STAFF_CLIENT_ID,
        "code": issued_code,
        "redirect_uri": REDIRECT_URI,
        "code_verifier": verifier,
        **overrides,
    }
    return _send(f"{auth}/oauth2/token", method="POST", form=form, headers={"Origin": PAGE_ORIGIN})


def test_s256_is_base64url_sha256_without_padding():
    verifier = _verifier()
    digest = hashlib.sha256(verifier.encode()).digest()
    assert s256(verifier) == base64.urlsafe_b64encode(digest).decode().rstrip("=")
    assert len(s256(verifier)) == 43 and "=" not in s256(verifier)


def test_a_code_with_the_right_verifier_buys_the_local_id_token_once(auth):
    # Given a code issued for a challenge
    verifier = _verifier()
    code = _code(auth, verifier)
    # When the page exchanges it with the matching verifier
    status, headers, body = _exchange(auth, code, verifier)
    # Then it gets the local staff token as its id token, readable from the page's origin
    assert status == 200 and body["id_token"] == ID_TOKEN and body["access_token"]
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert headers["Access-Control-Allow-Origin"] == PAGE_ORIGIN and headers["Cache-Control"] == "no-store"
    # And the code is spent
    status, _, body = _exchange(auth, code, verifier)
    assert (status, body) == (400, {"error": "invalid_grant"})


@pytest.mark.parametrize(
    "tamper",
    [
        {"code_verifier": "wrong-" + "x" * 60},
        {"client_id": "another-client"},
        {"redirect_uri": "http://127.0.0.1:3999/elsewhere"},
        {"code": "made-up-code"},
    ],
    ids=["verifier", "client", "redirect_uri", "code"],
)
def test_a_wrong_verifier_client_redirect_or_code_is_invalid_grant_and_spends_the_code(auth, tamper):
    verifier = _verifier()
    code = _code(auth, verifier)
    status, headers, body = _exchange(auth, code, verifier, **tamper)
    assert (status, body) == (400, {"error": "invalid_grant"})
    assert headers["Access-Control-Allow-Origin"] == PAGE_ORIGIN  # the page can read the error
    # a failed attempt with the issued code burns it: the right verifier cannot use it afterwards
    assert _exchange(auth, code, verifier)[0] == (200 if "code" in tamper else 400)


def test_authorize_refuses_unknown_clients_and_redirects_without_redirecting(auth):
    verifier = _verifier()
    status, headers, body = _authorize(auth, verifier, client_id="nobody")
    assert status == 400 and "Location" not in headers and body == {"error": "invalid_client"}
    status, headers, _ = _authorize(auth, verifier, redirect_uri="https://evil.example/queue")
    assert status == 400 and "Location" not in headers


@pytest.mark.parametrize(
    ("override", "error"),
    [
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"code_challenge": ""}, "invalid_request"),
        ({"response_type": "token"}, "unsupported_response_type"),
    ],
)
def test_authorize_demands_the_code_flow_with_s256(auth, override, error):
    status, headers, _ = _authorize(auth, _verifier(), **override)
    assert status == 302
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(headers["Location"]).query)
    assert query == {"error": [error], "state": ["st4te"]}


def test_token_endpoint_cors_is_for_the_page_origin_only(auth):
    status, headers, _ = _send(
        f"{auth}/oauth2/token",
        method="OPTIONS",
        headers={"Origin": PAGE_ORIGIN, "Access-Control-Request-Method": "POST"},
    )
    assert status == 204 and headers["Access-Control-Allow-Origin"] == PAGE_ORIGIN
    assert "POST" in headers["Access-Control-Allow-Methods"]
    status, headers, _ = _send(f"{auth}/oauth2/token", method="OPTIONS", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in headers
    unsupported = _send(f"{auth}/oauth2/token", method="POST", form={"grant_type": "password"})
    assert unsupported[0] == 400 and unsupported[2] == {"error": "unsupported_grant_type"}


def test_logout_returns_to_a_registered_page_only(auth):
    query = urllib.parse.urlencode({"client_id": LOCAL_STAFF_CLIENT_ID, "logout_uri": REDIRECT_URI})
    status, headers, _ = _send(f"{auth}/logout?{query}")
    assert status == 302 and headers["Location"] == REDIRECT_URI
    query = urllib.parse.urlencode({"client_id": LOCAL_STAFF_CLIENT_ID, "logout_uri": "https://evil.example/"})
    assert _send(f"{auth}/logout?{query}")[0] == 400
