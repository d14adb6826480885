"""The queue page: one static HTML document; its data comes from the staff API with the staff's token.

The Content-Security-Policy allows exactly the page's own inline script and style (by hash) and fetches to its
own origin plus, when hosted sign-in is configured (STAFF_AUTH_URL, STAFF_AUTH_CLIENT_ID), the authorization
server's origin for the code-for-token exchange. The sign-in configuration reaches the script through one
`<meta name="ackline-auth">` element whose content is HTML-escaped JSON, so the script (and its hash) never
changes per deployment, and nothing but these two validated settings is ever written into the HTML.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from urllib.parse import urlsplit

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from ackline.observability import logger
from ackline.settings import get_settings

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]  # Powertools leaves __init__ unannotated

AUTH_META = '<meta name="ackline-auth" content="">'
_LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})
_HOST = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?")
_PATH = re.compile(r"(?:/[A-Za-z0-9._~-]+)*/?")
_CLIENT_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")


@dataclass(frozen=True)
class AuthServer:
    """A validated hosted sign-in: `url` is the base of /oauth2/authorize, /oauth2/token and /logout."""

    url: str
    origin: str
    client_id: str


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


@lru_cache(maxsize=1)
def _template() -> tuple[str, str, str]:
    """The page as shipped, with the hash sources of its inline script and style."""
    page = resources.files("ackline.http").joinpath("queue_page.html").read_text(encoding="utf-8")
    if page.count(AUTH_META) != 1:
        raise RuntimeError("queue_page.html must hold exactly one empty ackline-auth meta element")
    scripts = " ".join(_sha256(s) for s in re.findall(r"<script>(.*?)</script>", page, re.S))
    styles = " ".join(_sha256(s) for s in re.findall(r"<style>(.*?)</style>", page, re.S))
    return page, scripts, styles


def auth_server(url: str, client_id: str) -> AuthServer | None:
    """The sign-in configuration if both settings are set and sound, else None (a bad value is logged, not used).

    The URL must be an https origin with an optional plain path, or http on 127.0.0.1/localhost (the local
    stack's fake authorization server): anything else could send staff, their PKCE verifier and their
    authorization code somewhere unencrypted, or smuggle extra sources into the CSP.
    """
    if not url and not client_id:
        return None
    if not url or not client_id:
        logger.warning("queue page sign-in needs both STAFF_AUTH_URL and STAFF_AUTH_CLIENT_ID; sign-in is off")
        return None
    if not _CLIENT_ID.fullmatch(client_id):
        logger.warning("STAFF_AUTH_CLIENT_ID is not a client id; queue page sign-in is off")
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        parts, port = None, None
    host = parts.hostname if parts is not None else None
    sound = (
        parts is not None
        and host is not None
        and _HOST.fullmatch(host) is not None
        and parts.username is None
        and parts.password is None
        and not parts.query
        and not parts.fragment
        and "?" not in url
        and "#" not in url
        and _PATH.fullmatch(parts.path) is not None
        and (parts.scheme == "https" or (parts.scheme == "http" and host in _LOCAL_HOSTS))
    )
    if not sound or parts is None or host is None:
        logger.warning(
            "STAFF_AUTH_URL must be an https URL (or http on 127.0.0.1/localhost); queue page sign-in is off",
            extra={"staff_auth_url": url},
        )
        return None
    origin = f"{parts.scheme}://{host.lower()}" + (f":{port}" if port is not None else "")
    return AuthServer(url=origin + parts.path.rstrip("/"), origin=origin, client_id=client_id)


@lru_cache(maxsize=4)
def render(url: str, client_id: str) -> tuple[str, str]:
    """(HTML, Content-Security-Policy) for these sign-in settings; cached, so a bad value is logged once."""
    page, scripts, styles = _template()
    auth = auth_server(url, client_id)
    connect = "'self'"
    if auth is not None:
        config = json.dumps({"url": auth.url, "clientId": auth.client_id}, separators=(",", ":"))
        page = page.replace(AUTH_META, f'<meta name="ackline-auth" content="{html.escape(config, quote=True)}">')
        connect += " " + auth.origin
    csp = (
        f"default-src 'none'; script-src {scripts}; style-src {styles}; connect-src {connect}; img-src 'self'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    return page, csp


@router.get("/queue", include_in_schema=False)
def queue_page() -> Response[str]:
    settings = get_settings()
    page, csp = render(settings.staff_auth_url, settings.staff_auth_client_id)
    headers = {
        "Content-Security-Policy": csp,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-store",
    }
    return Response(status_code=200, content_type=content_types.TEXT_HTML, body=page, headers=headers)
