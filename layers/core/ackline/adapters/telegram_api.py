"""PlatformReplier for the Telegram Bot API: `sendMessage` replying to the customer's message.

The bot token is part of the URL (`/bot<token>/sendMessage`), so no URL is ever logged or put in an
error. Flood control answers 429 with `parameters.retry_after` (seconds).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests

from ackline.adapters.platform_http import DEFAULT_RETRY_AFTER, TIMEOUTS, credential, json_object, post, server_error
from ackline.domain.errors import PermanentPlatformError, RateLimited
from ackline.domain.model import Interaction, Platform, Visibility


def _chat_id(value: str) -> int | str:
    # numeric chat ids may exceed 32 bits; "@channel" names stay strings
    try:
        return int(value)
    except ValueError:
        return value


def _raise_for_error(status: int, body: dict[str, Any]) -> None:
    description = str(body.get("description", ""))[:200]
    detail = f"Telegram {status}: {description}"
    parameters: dict[str, Any] = body["parameters"] if isinstance(body.get("parameters"), dict) else {}
    if status == 429 or "retry_after" in parameters:
        retry_after = parameters.get("retry_after", DEFAULT_RETRY_AFTER)
        delay = float(retry_after) if isinstance(retry_after, int | float) else DEFAULT_RETRY_AFTER
        raise RateLimited(detail, retry_after=max(1.0, delay), status=status)
    if status >= 500:
        raise server_error(detail, status)
    # 400 (message or chat gone, group migrated), 403 (bot blocked or kicked): a person takes over
    raise PermanentPlatformError(detail, status=status)


class TelegramReplier:
    def __init__(
        self,
        base_url: str,
        bot_token: Callable[[], str],
        session: requests.Session | None = None,
        timeouts: tuple[float, float] = TIMEOUTS,
    ) -> None:
        self._base = base_url.rstrip("/")
        self._token = bot_token
        self._session = session or requests.Session()
        self._timeouts = timeouts

    def reply(self, interaction: Interaction, text: str, visibility: Visibility) -> str:
        # Always into the chat the message came from, whatever the visibility: a private chat is private
        # already, and a group message is answered in the group, because a bot cannot message a person who
        # has not started a chat with it (sendMessage to their user id fails with 403).
        if interaction.platform is not Platform.TELEGRAM:
            raise PermanentPlatformError(f"not a Telegram interaction: {interaction.platform.value}")
        _, _, message_id = interaction.external_id.rpartition(":")
        payload: dict[str, Any] = {"chat_id": _chat_id(interaction.thread_id), "text": text}
        if message_id.isdigit():
            # quote the customer's message, but still answer if they deleted it meanwhile
            payload["reply_parameters"] = {"message_id": int(message_id), "allow_sending_without_reply": True}
        url = f"{self._base}/bot{credential(self._token, 'Telegram bot token')}/sendMessage"
        response = post(self._session, url, platform="Telegram", json=payload, timeouts=self._timeouts)
        body = json_object(response, "Telegram")
        if not response.ok or body.get("ok") is not True:
            _raise_for_error(response.status_code, body)
        result: dict[str, Any] = body["result"] if isinstance(body.get("result"), dict) else {}
        return str(result.get("message_id", ""))
