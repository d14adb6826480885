"""PlatformReplier for Meta's Graph API: Facebook comment replies and Messenger Send API messages.

The base URL is configuration (`META_GRAPH_URL`), so the same code talks to graph.facebook.com in AWS
and to the platform sandbox locally. The Page token travels in the Authorization header, never in a
URL that could be logged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests
from urllib3.exceptions import NewConnectionError

from ackline.domain.errors import (
    OutcomeUnknown,
    PermanentPlatformError,
    PlatformError,
    RateLimited,
    TransientPlatformError,
)
from ackline.domain.model import Interaction, Platform

# Graph error codes that mean "slow down" (application, user, page and per-API limits).
RATE_LIMIT_CODES = {4, 17, 32, 613, 80001, 80006}
TRANSIENT_CODES = {1, 2}  # "unknown error" / "service temporarily unavailable"
DEFAULT_RETRY_AFTER = 60.0
# connect timeout short (nothing sent yet if it trips), read timeout bounded by the function timeout
TIMEOUTS = (3.05, 8.0)


def _error_of(response: requests.Response) -> tuple[int | None, str]:
    try:
        body: Any = response.json()
    except ValueError:
        return None, response.text[:200]
    error = body.get("error", {}) if isinstance(body, dict) else {}
    code = error.get("code") if isinstance(error, dict) else None
    message = error.get("message", "") if isinstance(error, dict) else ""
    return (code if isinstance(code, int) else None), str(message)[:200]


def _retry_after(response: requests.Response) -> float:
    try:
        return max(1.0, float(response.headers.get("Retry-After", DEFAULT_RETRY_AFTER)))
    except ValueError:
        return DEFAULT_RETRY_AFTER


def raise_for_graph_error(response: requests.Response) -> None:
    if response.ok:
        return
    code, message = _error_of(response)
    detail = f"Graph API {response.status_code} code={code}: {message}"
    if response.status_code == 429 or code in RATE_LIMIT_CODES:
        raise RateLimited(detail, retry_after=_retry_after(response), status=response.status_code, code=str(code))
    if response.status_code >= 500 or code in TRANSIENT_CODES:
        raise TransientPlatformError(detail, status=response.status_code, code=str(code))
    raise PermanentPlatformError(detail, status=response.status_code, code=str(code))


def _never_connected(exc: requests.exceptions.ConnectionError) -> bool:
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, NewConnectionError)


class GraphReplier:
    def __init__(
        self,
        base_url: str,
        page_token: Callable[[], str],
        session: requests.Session | None = None,
        timeouts: tuple[float, float] = TIMEOUTS,
    ) -> None:
        self._base = base_url.rstrip("/")
        self._token = page_token
        self._session = session or requests.Session()
        self._timeouts = timeouts

    def reply(self, interaction: Interaction, text: str) -> str:
        if interaction.platform is Platform.FACEBOOK:
            body = self._post(f"/{interaction.thread_id}/comments", {"message": text})
            return str(body.get("id", ""))
        if interaction.platform is Platform.MESSENGER:
            payload = {
                "recipient": {"id": interaction.author_id},
                "messaging_type": "RESPONSE",
                "message": {"text": text},
            }
            body = self._post(f"/{interaction.account_id}/messages", payload)
            return str(body.get("message_id", ""))
        raise PermanentPlatformError(f"no Graph reply channel for {interaction.platform.value}")

    def _post(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self._token()}"}
        try:
            response = self._session.post(self._base + path, json=payload, headers=headers, timeout=self._timeouts)
        except requests.exceptions.ConnectTimeout as exc:
            raise TransientPlatformError("Graph API connect timeout") from exc
        except requests.exceptions.ConnectionError as exc:
            # no connection (refused, DNS) means nothing was sent: retry; a connection lost mid-request may have posted
            if _never_connected(exc):
                raise TransientPlatformError("Graph API unreachable") from exc
            raise OutcomeUnknown("Graph API connection lost mid-request; the reply may have been posted") from exc
        except requests.exceptions.ReadTimeout as exc:
            raise OutcomeUnknown("Graph API did not answer in time; the reply may have been posted") from exc
        raise_for_graph_error(response)
        try:
            body = response.json()
        except ValueError as exc:
            raise PlatformError("Graph API answered 2xx without JSON") from exc
        return body if isinstance(body, dict) else {}
