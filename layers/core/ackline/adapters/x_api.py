"""PlatformReplier for X API v2 with OAuth 1.0a user context: a reply tweet or a DM.

A mention gets `POST /2/tweets` with `reply.in_reply_to_tweet_id`, or, when the brand prefers private
replies, a DM to its author; a DM gets a DM. Both DMs are
`POST /2/dm_conversations/with/{participant_id}/messages` (X refuses one the person does not accept:
that is a permanent error, so a case). 429 carries `x-rate-limit-reset` (epoch
seconds): the reply waits until then.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import requests
from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError

from ackline.adapters.oauth1 import OAuth1Credentials, authorization_header
from ackline.adapters.platform_http import DEFAULT_RETRY_AFTER, TIMEOUTS, json_object, post, server_error
from ackline.domain.errors import PermanentPlatformError, RateLimited, TransientPlatformError
from ackline.domain.model import Interaction, Kind, Platform, Visibility


def _detail(response: requests.Response) -> str:
    try:
        body: Any = response.json()
    except ValueError:
        return response.text[:200]
    if not isinstance(body, dict):
        return ""
    errors = body.get("errors")
    first = errors[0] if isinstance(errors, list) and errors and isinstance(errors[0], dict) else {}
    return str(body.get("detail") or first.get("message") or body.get("title") or "")[:200]


def _retry_after(response: requests.Response, now: float) -> float:
    try:
        reset = float(response.headers["x-rate-limit-reset"])
    except (KeyError, ValueError):
        return DEFAULT_RETRY_AFTER
    return max(1.0, reset - now)


class XReplier:
    def __init__(
        self,
        base_url: str,
        credentials: Callable[[], OAuth1Credentials],
        session: requests.Session | None = None,
        timeouts: tuple[float, float] = TIMEOUTS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._base = base_url.rstrip("/")
        self._credentials = credentials
        self._session = session or requests.Session()
        self._timeouts = timeouts
        self._clock = clock

    def reply(self, interaction: Interaction, text: str, visibility: Visibility) -> str:
        if interaction.platform is not Platform.X:
            raise PermanentPlatformError(f"not an X interaction: {interaction.platform.value}")
        if interaction.kind is Kind.COMMENT and visibility is not Visibility.PRIVATE:
            body = self._post("/2/tweets", {"text": text, "reply": {"in_reply_to_tweet_id": interaction.thread_id}})
            return str((body.get("data") or {}).get("id", ""))
        if interaction.kind in (Kind.COMMENT, Kind.MESSAGE):
            if not interaction.author_id:
                raise PermanentPlatformError("no author to send an X direct message to")
            body = self._post(f"/2/dm_conversations/with/{interaction.author_id}/messages", {"text": text})
            return str((body.get("data") or {}).get("dm_event_id", ""))
        raise PermanentPlatformError(f"nothing to reply to in an X {interaction.kind.value}")

    def _post(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        url = self._base + path
        try:
            credentials = self._credentials()
        except GetParameterError:
            raise TransientPlatformError("X credentials could not be read from the secret store") from None
        headers = {"Authorization": authorization_header("POST", url, credentials)}
        response = post(self._session, url, platform="X", json=payload, headers=headers, timeouts=self._timeouts)
        if response.ok:
            return json_object(response, "X")
        detail = f"X API {response.status_code}: {_detail(response)}"
        if response.status_code == 429:
            raise RateLimited(detail, retry_after=_retry_after(response, self._clock()), status=429)
        if response.status_code >= 500:
            raise server_error(detail, response.status_code)
        raise PermanentPlatformError(detail, status=response.status_code)
