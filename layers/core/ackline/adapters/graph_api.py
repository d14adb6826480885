"""PlatformReplier for Meta's Graph API: Facebook comment replies, private replies and Messenger messages.

A Facebook comment gets a public reply (`POST /{comment-id}/comments`) or, when the brand prefers, a private
reply through the Page's Messenger (`POST /{page-id}/messages` with `recipient.comment_id`: one message per
comment, within 7 days of it; it opens no 24-hour window until the person answers). A Messenger message gets
a Send API message (`messaging_type=RESPONSE`, inside 24 hours).

The base URL is configuration (`META_GRAPH_URL`), so the same code talks to graph.facebook.com in AWS
and to the platform sandbox locally. The Page token travels in the Authorization header, never in a
URL that could be logged.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from typing import Any

import requests

from ackline.adapters.platform_http import (
    TIMEOUTS,
    credential,
    json_object,
    post,
    refuse_outside_window,
    retry_after_header,
    server_error,
)
from ackline.domain.errors import (
    PermanentPlatformError,
    RateLimited,
    TransientPlatformError,
)
from ackline.domain.model import Interaction, Platform, Visibility

# Graph error codes that mean "slow down" (application, user, page and per-API limits).
RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, 80001, 80002, 80006})
# 2 "service temporarily unavailable": not processed, retry. (1 "unknown error" may follow a created reply: unknown.)
TRANSIENT_CODES = frozenset({2})


def _error_of(response: requests.Response) -> tuple[int | None, str]:
    try:
        body: Any = response.json()
    except ValueError:
        return None, response.text[:200]
    error = body.get("error", {}) if isinstance(body, dict) else {}
    code = error.get("code") if isinstance(error, dict) else None
    message = error.get("message", "") if isinstance(error, dict) else ""
    return (code if isinstance(code, int) else None), str(message)[:200]


def raise_for_graph_error(
    response: requests.Response,
    rate_limit_codes: Collection[int] = RATE_LIMIT_CODES,
    transient_codes: Collection[int] = TRANSIENT_CODES,
) -> None:
    if response.ok:
        return
    code, message = _error_of(response)
    detail = f"Graph API {response.status_code} code={code}: {message}"
    if response.status_code == 429 or code in rate_limit_codes:
        raise RateLimited(detail, retry_after=retry_after_header(response), status=response.status_code, code=str(code))
    if code in transient_codes:
        raise TransientPlatformError(detail, status=response.status_code, code=str(code))
    if response.status_code >= 500:
        raise server_error(detail, response.status_code)
    raise PermanentPlatformError(detail, status=response.status_code, code=str(code))


class GraphClient:
    """POSTs to a Graph host with a bearer token (never in a URL that could be logged)."""

    def __init__(
        self,
        base_url: str,
        token: Callable[[], str],
        session: requests.Session | None = None,
        timeouts: tuple[float, float] = TIMEOUTS,
        *,
        rate_limit_codes: Collection[int] = RATE_LIMIT_CODES,
        transient_codes: Collection[int] = TRANSIENT_CODES,
    ) -> None:
        self._base = base_url.rstrip("/")
        self._token = token
        self._session = session or requests.Session()
        self._timeouts = timeouts
        self._rate_limit_codes = rate_limit_codes
        self._transient_codes = transient_codes

    def post(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {credential(self._token, 'Graph API token')}"}
        response = post(
            self._session, self._base + path, platform="Graph", json=payload, headers=headers, timeouts=self._timeouts
        )
        raise_for_graph_error(response, self._rate_limit_codes, self._transient_codes)
        return json_object(response, "Graph")


class GraphBackedReplier:
    """What every Meta reply client shares: a Graph host, its token, the HTTP session and a clock for windows.

    Subclasses name the error codes their API uses for "slow down" and "try again"."""

    rate_limit_codes: Collection[int] = RATE_LIMIT_CODES
    transient_codes: Collection[int] = TRANSIENT_CODES

    def __init__(
        self,
        base_url: str,
        token: Callable[[], str],
        session: requests.Session | None = None,
        timeouts: tuple[float, float] = TIMEOUTS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._graph = GraphClient(
            base_url,
            token,
            session,
            timeouts,
            rate_limit_codes=self.rate_limit_codes,
            transient_codes=self.transient_codes,
        )
        self._clock = clock


class GraphReplier(GraphBackedReplier):
    """Facebook Page comment replies and Messenger Send API messages, with the Page token."""

    def reply(self, interaction: Interaction, text: str, visibility: Visibility) -> str:
        if interaction.platform is Platform.FACEBOOK and visibility is Visibility.PRIVATE:
            refuse_outside_window(interaction, visibility, self._clock())
            # the customer's own comment (not the thread it sits in) is the recipient: one private reply per comment
            private = {"recipient": {"comment_id": interaction.external_id}, "message": {"text": text}}
            body = self._graph.post(f"/{interaction.account_id}/messages", private)
            return str(body.get("message_id", ""))
        if interaction.platform is Platform.FACEBOOK:
            body = self._graph.post(f"/{interaction.thread_id}/comments", {"message": text})
            return str(body.get("id", ""))
        if interaction.platform is Platform.MESSENGER:
            refuse_outside_window(interaction, visibility, self._clock())
            payload = {
                "recipient": {"id": interaction.author_id},
                "messaging_type": "RESPONSE",
                "message": {"text": text},
            }
            body = self._graph.post(f"/{interaction.account_id}/messages", payload)
            return str(body.get("message_id", ""))
        raise PermanentPlatformError(f"no Graph reply channel for {interaction.platform.value}")
