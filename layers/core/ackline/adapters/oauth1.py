"""OAuth 1.0a request signing (HMAC-SHA1, RFC 5849), for X's user-context endpoints.

Why 1.0a and not an OAuth 2.0 user token: X's OAuth 2.0 user access tokens live two hours, and refresh
tokens rotate on every use, so an unattended responder would have to write a new token back to the
secret store from concurrent Lambdas. OAuth 1.0a user tokens do not expire. JSON bodies are not part of
the signature (only query and oauth_* parameters are), so signing stays this small.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote, urlsplit, urlunsplit


@dataclass(frozen=True)
class OAuth1Credentials:
    consumer_key: str
    consumer_secret: str
    token: str
    token_secret: str


def _enc(value: str) -> str:
    return quote(value, safe="-._~")


def signature_base(method: str, url: str, params: Mapping[str, str]) -> str:
    parts = urlsplit(url)
    base_url = urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, "", ""))
    normalised = "&".join(f"{k}={v}" for k, v in sorted((_enc(k), _enc(v)) for k, v in params.items()))
    return "&".join((method.upper(), _enc(base_url), _enc(normalised)))


def sign(method: str, url: str, params: Mapping[str, str], consumer_secret: str, token_secret: str) -> str:
    key = f"{_enc(consumer_secret)}&{_enc(token_secret)}".encode()
    digest = hmac.new(key, signature_base(method, url, params).encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def authorization_header(
    method: str,
    url: str,
    credentials: OAuth1Credentials,
    *,
    params: Mapping[str, str] | None = None,
    nonce: str | None = None,
    timestamp: int | None = None,
) -> str:
    """`Authorization: OAuth ...` for one request; `params` are its query (and form) parameters."""
    oauth = {
        "oauth_consumer_key": credentials.consumer_key,
        "oauth_nonce": nonce or secrets.token_hex(16),
        "oauth_signature_method": "HMAC-SHA1",
        "oauth_timestamp": str(int(time.time()) if timestamp is None else timestamp),
        "oauth_token": credentials.token,
        "oauth_version": "1.0",
    }
    oauth["oauth_signature"] = sign(
        method, url, {**(params or {}), **oauth}, credentials.consumer_secret, credentials.token_secret
    )
    return "OAuth " + ", ".join(f'{_enc(k)}="{_enc(v)}"' for k, v in sorted(oauth.items()))
