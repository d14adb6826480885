"""A minimal OAuth 2.0 authorization server standing in for the Cognito hosted UI (authorization code + PKCE).

Served by the platform sandbox under `/cognito`, so STAFF_AUTH_URL=`<sandbox>/cognito` gives the /queue page the
same endpoints, parameters and checks as `https://<domain>.auth.<region>.amazoncognito.com`:

- `GET /cognito/oauth2/authorize`: checks client_id and redirect_uri (a bad one answers 400 and never
  redirects), then response_type=code and an S256 code_challenge (a bad one redirects back with `error=`);
  there is no login form: the one local staff member is always signed in. Issues a one-time code bound to
  the client, the redirect URI and the challenge, and answers 302 to `redirect_uri?code=...&state=...`.
- `POST /cognito/oauth2/token` (form): grant_type=authorization_code, client_id, code, redirect_uri and
  code_verifier; the code is spent on the first attempt, right or wrong. Success answers the local
  STAFF_API_TOKEN as `id_token` (what the local gateway's authorizer accepts); anything else 400
  `{"error": "invalid_grant"}`. CORS allows the origins of the registered redirect URIs only.
- `GET /cognito/logout?client_id=...&logout_uri=...`: 302 to logout_uri (a registered redirect URI).

Nothing here logs a code, a verifier or a token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

PREFIX = "/cognito"
LOCAL_STAFF_CLIENT_ID = "local-staff-client"
CODE_LIFETIME_SECONDS = 300
TOKEN_LIFETIME_SECONDS = 3600

_CHALLENGE = re.compile(r"[A-Za-z0-9_-]{43}")
_VERIFIER = re.compile(r"[A-Za-z0-9._~-]{43,128}")


@dataclass(frozen=True)
class Answer:
    """What the sandbox sends back: a status, extra headers and a JSON body (None = no body)."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None


@dataclass(frozen=True)
class _Grant:
    client_id: str
    redirect_uri: str
    challenge: str
    expires_at: float


def s256(verifier: str) -> str:
    """The PKCE S256 code challenge of `verifier`: base64url(sha256(verifier)) without padding."""
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).decode().rstrip("=")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _first(query: Mapping[str, list[str]], name: str) -> str:
    values = query.get(name) or [""]
    return values[0]


class FakeCognito:
    """One public client; `configure()` sets its id, its redirect URIs and the id token it hands out."""

    def __init__(
        self,
        *,
        client_id: str = LOCAL_STAFF_CLIENT_ID,
        redirect_uris: Iterable[str] = (),
        id_token: str = "",
    ) -> None:
        self._lock = threading.Lock()
        self._grants: dict[str, _Grant] = {}
        self.client_id = client_id
        self.redirect_uris: tuple[str, ...] = tuple(redirect_uris)
        self.id_token = id_token

    def configure(
        self, *, client_id: str | None = None, redirect_uris: Iterable[str] | None = None, id_token: str | None = None
    ) -> None:
        with self._lock:
            if client_id is not None:
                self.client_id = client_id
            if redirect_uris is not None:
                self.redirect_uris = tuple(redirect_uris)
            if id_token is not None:
                self.id_token = id_token

    @property
    def allowed_origins(self) -> set[str]:
        return {_origin(uri) for uri in self.redirect_uris}

    def handle(self, method: str, path: str, query: str, form: Mapping[str, Any], origin: str | None) -> Answer:
        """`path` is below `/cognito`; `form` is the parsed form body of a POST."""
        params = parse_qs(query, keep_blank_values=True)
        if path == "/oauth2/authorize" and method == "GET":
            return self.authorize(params)
        if path == "/oauth2/token" and method == "OPTIONS":
            return self._preflight(origin)
        if path == "/oauth2/token" and method == "POST":
            answer = self.token({k: v if isinstance(v, str) else "" for k, v in form.items()})
            return Answer(answer.status, {**answer.headers, **self._cors(origin)}, answer.body)
        if path == "/logout" and method == "GET":
            return self.logout(params)
        return Answer(404, body={"error": "not_found"})

    def authorize(self, params: Mapping[str, list[str]]) -> Answer:
        client_id, redirect_uri = _first(params, "client_id"), _first(params, "redirect_uri")
        if client_id != self.client_id:
            return Answer(400, body={"error": "invalid_client"})
        if redirect_uri not in self.redirect_uris:
            return Answer(400, body={"error": "redirect_mismatch"})
        state = _first(params, "state")
        challenge = _first(params, "code_challenge")
        error = ""
        if _first(params, "response_type") != "code":
            error = "unsupported_response_type"
        elif _first(params, "code_challenge_method") != "S256" or not _CHALLENGE.fullmatch(challenge):
            error = "invalid_request"
        if error:
            return self._redirect(redirect_uri, {"error": error, "state": state})
        code = secrets.token_urlsafe(24)
        with self._lock:
            now = time.time()
            self._grants = {k: g for k, g in self._grants.items() if g.expires_at > now}
            self._grants[code] = _Grant(client_id, redirect_uri, challenge, now + CODE_LIFETIME_SECONDS)
        return self._redirect(redirect_uri, {"code": code, "state": state})

    def token(self, form: Mapping[str, str]) -> Answer:
        no_store = {"Cache-Control": "no-store", "Pragma": "no-cache"}
        if form.get("grant_type") != "authorization_code":
            return Answer(400, no_store, {"error": "unsupported_grant_type"})
        with self._lock:
            grant = self._grants.pop(form.get("code", ""), None)  # one use, whatever the outcome
        verifier = form.get("code_verifier", "")
        valid = (
            grant is not None
            and grant.expires_at > time.time()
            and form.get("client_id") == grant.client_id == self.client_id
            and form.get("redirect_uri") == grant.redirect_uri
            and _VERIFIER.fullmatch(verifier) is not None
            and hmac.compare_digest(s256(verifier), grant.challenge)
        )
        if not valid or not self.id_token:
            return Answer(400, no_store, {"error": "invalid_grant"})
        body = {
            "id_token": self.id_token,
            "access_token": "local-access-" + secrets.token_urlsafe(16),
            "token_type": "Bearer",
            "expires_in": TOKEN_LIFETIME_SECONDS,
        }
        return Answer(200, no_store, body)

    def logout(self, params: Mapping[str, list[str]]) -> Answer:
        logout_uri = _first(params, "logout_uri")
        if _first(params, "client_id") != self.client_id or logout_uri not in self.redirect_uris:
            return Answer(400, body={"error": "invalid_request"})
        return Answer(302, {"Location": logout_uri})

    def _redirect(self, uri: str, params: Mapping[str, str]) -> Answer:
        return Answer(302, {"Location": uri + ("&" if "?" in uri else "?") + urlencode(params)})

    def _cors(self, origin: str | None) -> dict[str, str]:
        headers = {"Vary": "Origin"}
        if origin and origin in self.allowed_origins:
            headers["Access-Control-Allow-Origin"] = origin
        return headers

    def _preflight(self, origin: str | None) -> Answer:
        headers = self._cors(origin)
        if "Access-Control-Allow-Origin" in headers:
            headers.update(
                {
                    "Access-Control-Allow-Methods": "POST",
                    "Access-Control-Allow-Headers": "Content-Type",
                    "Access-Control-Max-Age": "600",
                }
            )
        return Answer(204, headers)
