"""The queue page: one static HTML document; its data comes from the staff API with the staff's token.

The Content-Security-Policy allows exactly the page's own inline script and style (by hash) and
fetches to its own origin: even if customer text slipped into the DOM it could not run.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import lru_cache
from importlib import resources

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]  # Powertools leaves __init__ unannotated


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


@lru_cache(maxsize=1)
def _page() -> tuple[str, str]:
    html = resources.files("ackline.http").joinpath("queue_page.html").read_text(encoding="utf-8")
    scripts = " ".join(_sha256(s) for s in re.findall(r"<script>(.*?)</script>", html, re.S))
    styles = " ".join(_sha256(s) for s in re.findall(r"<style>(.*?)</style>", html, re.S))
    csp = (
        f"default-src 'none'; script-src {scripts}; style-src {styles}; connect-src 'self'; img-src 'self'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    return html, csp


@router.get("/queue", include_in_schema=False)
def queue_page() -> Response[str]:
    html, csp = _page()
    headers = {
        "Content-Security-Policy": csp,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-store",
    }
    return Response(status_code=200, content_type=content_types.TEXT_HTML, body=html, headers=headers)
