"""Platform-side checks that webhooks are still wired: Meta's `subscribed_apps` per Page, Telegram's
`getWebhookInfo` (pending updates and the last delivery error Telegram saw)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import requests

from ackline.adapters.graph_api import raise_for_graph_error
from ackline.adapters.platform_http import TIMEOUTS, credential, json_object
from ackline.domain.errors import TransientPlatformError

TELEGRAM_PENDING_LIMIT = 100  # updates Telegram is holding for us: deliveries are failing
TELEGRAM_ERROR_WINDOW_SECONDS = 3600


def _get(session: requests.Session, url: str, headers: dict[str, str], platform: str) -> requests.Response:
    try:
        return session.get(url, headers=headers, timeout=TIMEOUTS)
    except requests.exceptions.RequestException:
        raise TransientPlatformError(f"{platform} API unreachable") from None


class MetaSubscriptionProbe:
    """`GET /{page-id}/subscribed_apps` with the Page token: an empty list means Meta stopped delivering."""

    def __init__(self, base_url: str, token: Callable[[], str], session: requests.Session | None = None) -> None:
        self._base = base_url.rstrip("/")
        self._token = token
        self._session = session or requests.Session()

    def subscribed(self, page_id: str) -> bool:
        headers = {"Authorization": f"Bearer {credential(self._token, 'Graph API token')}"}
        response = _get(self._session, f"{self._base}/{page_id}/subscribed_apps", headers, "Graph")
        raise_for_graph_error(response)
        return bool(json_object(response, "Graph").get("data"))


class TelegramWebhookProbe:
    """`getWebhookInfo`: a problem when no webhook is set, updates pile up, or Telegram saw a recent error."""

    def __init__(
        self,
        base_url: str,
        bot_token: Callable[[], str],
        session: requests.Session | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._base = base_url.rstrip("/")
        self._token = bot_token
        self._session = session or requests.Session()
        self._clock = clock

    def problem(self) -> str:
        url = f"{self._base}/bot{credential(self._token, 'Telegram bot token')}/getWebhookInfo"
        body = json_object(_get(self._session, url, {}, "Telegram"), "Telegram")
        result = body.get("result")
        info: dict[str, Any] = result if isinstance(result, dict) else {}
        if body.get("ok") is not True:
            return f"getWebhookInfo failed: {str(body.get('description', ''))[:200]}"
        if not info.get("url"):
            return "no webhook is set (setWebhook)"
        pending = int(info.get("pending_update_count") or 0)
        last_error = float(info.get("last_error_date") or 0)
        if last_error and self._clock() - last_error < TELEGRAM_ERROR_WINDOW_SECONDS:
            # Telegram's own words about our endpoint (not customer text)
            return f"delivery error: {str(info.get('last_error_message', ''))[:200]} ({pending} pending)"
        if pending > TELEGRAM_PENDING_LIMIT:
            return f"{pending} updates pending"
        return ""
