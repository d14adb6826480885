"""Platform activity the sandbox holds but never delivered as a webhook, served back the way the platforms'
read APIs serve it, so the backfill can be tested end to end (`POST <sandbox>/_sandbox/undelivered`).

- Facebook: `{"platform": "facebook", "account": <page id>, "post_id", "id", "message", "from": {"id", "name"},
  "created_time"?, "parent"?}` -> `GET /meta/{page id}/feed` answers `{"data": [{"id": post, "comments":
  {"data": [...]}}]}`.
- Instagram: `{"platform": "instagram", "account": <ig user id>, "media_id", "id", "text", "from": {"id",
  "username"}, "timestamp"?, "parent_id"?}` -> `GET /instagram/{ig user id}/media` answers `{"data": [{"id": media,
  "comments": {"data": [top-level comments, each with "replies": {"data": [...]}]}}]}` (as Graph nests replies).
- X: `{"platform": "x", "account": <user id>, "id", "text", "author_id", "author_name"?, "created_at"?}` ->
  `GET /x/2/users/{user id}/mentions` answers `{"data": [...], "includes": {"users": [...]}}`.

It also answers the wiring checks: `GET /meta/{page id}/subscribed_apps` lists the app unless the page was
marked `{"unsubscribed": <page id>}` (as Meta does after an hour of failed deliveries), and Telegram's
`getWebhookInfo` reports a webhook set with nothing pending (inject a fault with a body to report errors).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Mapping
from typing import Any

_FEED = re.compile(r"/meta(?:/v\d+\.\d+)?/([^/]+)/feed")
_MEDIA = re.compile(r"/instagram(?:/v\d+\.\d+)?/([^/]+)/media")
_MENTIONS = re.compile(r"/x/2/users/([^/]+)/mentions")
_SUBSCRIBED_APPS = re.compile(r"/meta(?:/v\d+\.\d+)?/([^/]+)/subscribed_apps")
_WEBHOOK_INFO = re.compile(r"/telegram/bot[^/]+/getWebhookInfo")


def _iso(epoch: float, graph: bool) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+0000" if graph else "%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(epoch))


class HeldActivity:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: list[dict[str, Any]] = []
        self._unsubscribed: set[str] = set()

    def hold(self, item: Mapping[str, Any]) -> None:
        if item.get("unsubscribed"):
            with self._lock:
                self._unsubscribed.add(str(item["unsubscribed"]))
            return
        if item.get("platform") not in ("facebook", "instagram", "x") or not item.get("account") or not item.get("id"):
            raise ValueError("held activity needs platform (facebook, instagram or x), account and id")
        if item["platform"] == "facebook" and not item.get("post_id"):
            raise ValueError("a held Facebook comment needs its post_id")
        if item["platform"] == "instagram" and not item.get("media_id"):
            raise ValueError("a held Instagram comment needs its media_id")
        with self._lock:
            self._items.append(dict(item))

    def items(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(i) for i in self._items]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._unsubscribed.clear()

    def answer(self, method: str, path: str) -> dict[str, Any] | None:
        """The read API's answer for `path` (None: not a read this sandbox holds activity for)."""
        if method != "GET":
            return None
        if match := _FEED.fullmatch(path):
            return self._feed(match.group(1))
        if match := _MEDIA.fullmatch(path):
            return self._media(match.group(1))
        if match := _MENTIONS.fullmatch(path):
            return self._mentions(match.group(1))
        if match := _SUBSCRIBED_APPS.fullmatch(path):
            with self._lock:
                subscribed = match.group(1) not in self._unsubscribed
            app = {"id": "sandbox-app", "name": "ackline", "subscribed_fields": ["feed", "messages"]}
            return {"data": [app] if subscribed else []}
        if _WEBHOOK_INFO.fullmatch(path):
            return {
                "ok": True,
                "result": {"url": "https://example.invalid/webhooks/telegram", "pending_update_count": 0},
            }
        return None

    def _feed(self, page_id: str) -> dict[str, Any]:
        posts: dict[str, list[dict[str, Any]]] = {}
        for item in self.items():
            if item["platform"] == "facebook" and item["account"] == page_id:
                comment = {
                    "id": item["id"],
                    "message": item.get("message", ""),
                    "from": item.get("from", {}),
                    "created_time": _iso(float(item.get("created_time") or time.time()), graph=True),
                }
                if item.get("parent"):
                    comment["parent"] = {"id": item["parent"]}
                posts.setdefault(str(item["post_id"]), []).append(comment)
        return {"data": [{"id": post, "comments": {"data": comments}} for post, comments in posts.items()]}

    def _media(self, ig_user_id: str) -> dict[str, Any]:
        held = [i for i in self.items() if i["platform"] == "instagram" and i["account"] == ig_user_id]
        media: dict[str, list[dict[str, Any]]] = {}
        replies: dict[str, list[dict[str, Any]]] = {}
        for item in held:
            comment = {
                "id": item["id"],
                "text": item.get("text", ""),
                "from": item.get("from", {}),
                "timestamp": _iso(float(item.get("timestamp") or time.time()), graph=True),
            }
            if item.get("parent_id"):
                replies.setdefault(str(item["parent_id"]), []).append(comment | {"parent_id": item["parent_id"]})
            else:
                media.setdefault(str(item["media_id"]), []).append(comment)
        return {
            "data": [
                {"id": m, "comments": {"data": [c | {"replies": {"data": replies.get(c["id"], [])}} for c in comments]}}
                for m, comments in media.items()
            ]
        }

    def _mentions(self, user_id: str) -> dict[str, Any]:
        tweets = [i for i in self.items() if i["platform"] == "x" and i["account"] == user_id]
        return {
            "data": [
                {
                    "id": t["id"],
                    "text": t.get("text", ""),
                    "author_id": t.get("author_id", ""),
                    "created_at": _iso(float(t.get("created_at") or time.time()), graph=False),
                }
                for t in tweets
            ],
            "includes": {"users": [{"id": t.get("author_id", ""), "name": t.get("author_name", "")} for t in tweets]},
            "meta": {"result_count": len(tweets)},
        }
