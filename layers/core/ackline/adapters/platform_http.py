"""What every reply client shares: one POST, with failures sorted by whether the platform may have acted.

No connection (refused, DNS, connect timeout) means nothing was sent: safe to retry. A read timeout or a
connection lost mid-request may have posted the reply: the outcome is unknown and a person checks. Errors
are raised `from None` and name no URL, because a Telegram URL carries the bot token.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests
from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError
from urllib3.exceptions import NewConnectionError

from ackline.domain.errors import OutcomeUnknown, PermanentPlatformError, PlatformError, TransientPlatformError
from ackline.domain.model import Interaction, Visibility
from ackline.domain.windows import window_closed

# connect timeout short (nothing sent yet if it trips), read timeout bounded by the function timeout
TIMEOUTS = (3.05, 8.0)
DEFAULT_RETRY_AFTER = 60.0


def _never_connected(exc: requests.exceptions.ConnectionError) -> bool:
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, NewConnectionError)


def refuse_outside_window(interaction: Interaction, visibility: Visibility, now: float) -> None:
    """Nothing is sent outside the platform's window (the use case checks first; this keeps every client safe)."""
    if closed := window_closed(interaction, now, visibility):
        raise PermanentPlatformError(closed)


def server_error(detail: str, status: int) -> PlatformError:
    """What a 5xx means for a send. 503 says the platform did not take the request: retry. Any other 5xx (500, 502,
    504) can come back after the platform created the reply, and a duplicate public reply is worse than a late
    one: the outcome is unknown and a person checks."""
    if status == 503:
        return TransientPlatformError(detail, status=status)
    return OutcomeUnknown(detail, status=status)


def credential(provider: Callable[[], str], what: str) -> str:
    """A token from the secret store; one that cannot be read is retried, then becomes a case."""
    try:
        value = provider()
    except GetParameterError:
        raise TransientPlatformError(f"{what} could not be read from the secret store") from None
    if not value:
        raise TransientPlatformError(f"{what} is empty")
    return value


def post(
    session: requests.Session,
    url: str,
    *,
    platform: str,
    json: Any,
    headers: dict[str, str] | None = None,
    timeouts: tuple[float, float] = TIMEOUTS,
) -> requests.Response:
    try:
        return session.post(url, json=json, headers=headers or {}, timeout=timeouts)
    except requests.exceptions.ConnectTimeout:
        raise TransientPlatformError(f"{platform} API connect timeout") from None
    except requests.exceptions.ConnectionError as exc:
        if _never_connected(exc):
            raise TransientPlatformError(f"{platform} API unreachable") from None
        raise OutcomeUnknown(f"{platform} API connection lost mid-request; the reply may have been posted") from None
    except requests.exceptions.ReadTimeout:
        raise OutcomeUnknown(f"{platform} API did not answer in time; the reply may have been posted") from None


def json_object(response: requests.Response, platform: str) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        raise PlatformError(f"{platform} API answered {response.status_code} without JSON") from None
    return body if isinstance(body, dict) else {}


def retry_after_header(response: requests.Response, default: float = DEFAULT_RETRY_AFTER) -> float:
    try:
        return max(1.0, float(response.headers.get("Retry-After", default)))
    except ValueError:
        return default
