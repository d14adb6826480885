"""ActivitySource adapters: ask a platform for its recent activity, for the backfill of missed webhooks.

Each reads what the webhook would have carried and normalises it exactly as the webhook reader does — above
all the same `external_id` (Facebook's comment id, X's tweet id) — so a backfilled message that did arrive as a
webhook is a duplicate that stores and queues nothing, and one that did not is stored and answered once.

- Facebook: `GET /{page-id}/feed?fields=id,comments{id,message,from,created_time,parent}&since=<epoch>` with the
  Page token (Authorization header, never the URL).
- Instagram: `GET /{ig-user-id}/media?fields=id,comments{id,text,timestamp,from,parent_id,replies{...}}` for the
  account's latest media with the Instagram token (header), each comment normalised by the webhook reader itself
  (`contracts.instagram.comment_interaction`). No `since` on the media: an old post's new comment counts.
- X: `GET /2/users/{id}/mentions?start_time=<ISO>&tweet.fields=created_at,author_id&expansions=author_id`,
  OAuth 1.0a user context (the query is part of the signature).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import requests

from ackline.adapters.graph_api import raise_for_graph_error
from ackline.adapters.oauth1 import OAuth1Credentials, authorization_header
from ackline.adapters.platform_http import TIMEOUTS, credential, json_object, server_error
from ackline.contracts.instagram import comment_interaction
from ackline.domain.errors import PermanentPlatformError, RateLimited, TransientPlatformError
from ackline.domain.model import Interaction, Kind, Platform

GRAPH_COMMENT_FIELDS = "id,comments.limit(100){id,message,from,created_time,parent}"
_IG_COMMENT = "id,text,timestamp,from,parent_id"
INSTAGRAM_MEDIA_FIELDS = f"id,comments.limit(50){{{_IG_COMMENT},replies.limit(50){{{_IG_COMMENT}}}}}"
INSTAGRAM_MEDIA_COUNT = 25  # the latest media whose comments are read back


def _epoch(value: Any, default: float) -> float:
    """Graph's `2026-12-01T07:00:00+0000` and X's `2026-12-01T07:00:00.000Z` as epoch seconds."""
    if not isinstance(value, str) or not value:
        return default
    text = value.replace("Z", "+00:00")
    if len(text) >= 5 and text[-5] in "+-" and text[-3] != ":":
        text = text[:-2] + ":" + text[-2:]
    try:
        return datetime.fromisoformat(text).timestamp()
    except ValueError:
        return default


def _get(session: requests.Session, url: str, headers: dict[str, str], platform: str) -> requests.Response:
    try:
        return session.get(url, headers=headers, timeout=TIMEOUTS)
    except requests.exceptions.RequestException:
        # a read: nothing was changed, so any failure is simply worth another run
        raise TransientPlatformError(f"{platform} API unreachable") from None


class GraphPageActivity:
    """Recent comments under a Facebook Page's posts."""

    def __init__(self, base_url: str, token: Callable[[], str], session: requests.Session | None = None) -> None:
        self._base = base_url.rstrip("/")
        self._token = token
        self._session = session or requests.Session()

    def recent(self, account_id: str, since: float, now: float) -> list[Interaction]:
        query = urlencode({"fields": GRAPH_COMMENT_FIELDS, "since": int(since), "limit": 25})
        headers = {"Authorization": f"Bearer {credential(self._token, 'Graph API token')}"}
        response = _get(self._session, f"{self._base}/{account_id}/feed?{query}", headers, "Graph")
        raise_for_graph_error(response)
        found: list[Interaction] = []
        for post in json_object(response, "Graph").get("data") or []:
            if not isinstance(post, dict) or not post.get("id"):
                continue
            for comment in (post.get("comments") or {}).get("data") or []:
                if isinstance(comment, dict) and comment.get("id"):
                    found.append(self._comment(account_id, str(post["id"]), comment, now))
        return [i for i in found if i.created_at >= since]

    @staticmethod
    def _comment(page_id: str, post_id: str, comment: dict[str, Any], now: float) -> Interaction:
        found_author = comment.get("from")
        author: dict[str, Any] = found_author if isinstance(found_author, dict) else {}
        parent = (comment.get("parent") or {}).get("id") if isinstance(comment.get("parent"), dict) else None
        comment_id = str(comment["id"])
        # as the webhook reader: an answer to a reply goes under the top-level comment
        thread = str(parent) if parent and parent != post_id else comment_id
        return Interaction(
            platform=Platform.FACEBOOK,
            kind=Kind.COMMENT,
            external_id=comment_id,
            account_id=page_id,
            author_id=str(author.get("id", "")),
            author_name=str(author.get("name", "")),
            thread_id=thread,
            post_id=post_id,
            text=str(comment.get("message", "")),
            created_at=_epoch(comment.get("created_time"), now),
            received_at=now,
            is_own=bool(author.get("id")) and str(author.get("id")) == page_id,
            raw=json.dumps({"backfill": "facebook feed", "post_id": post_id, "comment": comment}, ensure_ascii=False),
        )


class InstagramCommentActivity:
    """Recent comments (and replies to comments) under an Instagram professional account's latest media."""

    def __init__(self, base_url: str, token: Callable[[], str], session: requests.Session | None = None) -> None:
        self._base = base_url.rstrip("/")
        self._token = token
        self._session = session or requests.Session()

    def recent(self, account_id: str, since: float, now: float) -> list[Interaction]:
        query = urlencode({"fields": INSTAGRAM_MEDIA_FIELDS, "limit": INSTAGRAM_MEDIA_COUNT})
        headers = {"Authorization": f"Bearer {credential(self._token, 'Instagram token')}"}
        response = _get(self._session, f"{self._base}/{account_id}/media?{query}", headers, "Instagram")
        raise_for_graph_error(response)
        found: list[Interaction] = []
        for media in json_object(response, "Instagram").get("data") or []:
            if not isinstance(media, dict) or not media.get("id"):
                continue
            for comment in _listed(media.get("comments")):
                found.append(self._comment(account_id, str(media["id"]), comment, "", now))
                for reply in _listed(comment.get("replies")):
                    found.append(self._comment(account_id, str(media["id"]), reply, str(comment["id"]), now))
        return [i for i in found if i.created_at >= since]

    @staticmethod
    def _comment(account_id: str, media_id: str, comment: dict[str, Any], parent: str, now: float) -> Interaction:
        # the webhook's value shape, so the one reader decides ids, thread and author exactly as for a webhook
        value: dict[str, Any] = {key: comment[key] for key in ("id", "text", "from", "parent_id") if key in comment}
        value["media"] = {"id": media_id}
        if parent and not value.get("parent_id"):
            value["parent_id"] = parent
        raw = json.dumps({"backfill": "instagram media", "media_id": media_id, "comment": comment}, ensure_ascii=False)
        return comment_interaction(account_id, _epoch(comment.get("timestamp"), now), value, raw, now)


def _listed(edge: Any) -> list[dict[str, Any]]:
    """A Graph edge's `data` items that carry an id."""
    items = edge.get("data") if isinstance(edge, dict) else None
    return [item for item in items or [] if isinstance(item, dict) and item.get("id")]


class XMentionActivity:
    """Recent mentions of the brand's X account."""

    def __init__(
        self, base_url: str, credentials: Callable[[], OAuth1Credentials], session: requests.Session | None = None
    ) -> None:
        self._base = base_url.rstrip("/")
        self._credentials = credentials
        self._session = session or requests.Session()

    def recent(self, account_id: str, since: float, now: float) -> list[Interaction]:
        params = {
            "start_time": datetime.fromtimestamp(since, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "tweet.fields": "created_at,author_id",
            "expansions": "author_id",
            "user.fields": "name",
            "max_results": "100",
        }
        url = f"{self._base}/2/users/{account_id}/mentions"
        headers = {"Authorization": authorization_header("GET", url, self._credentials(), params=params)}
        response = _get(self._session, f"{url}?{urlencode(params)}", headers, "X")
        if response.status_code == 429:
            raise RateLimited("X API 429 on mentions", retry_after=60, status=429)
        if response.status_code >= 500:
            raise server_error(f"X API {response.status_code} on mentions", response.status_code)
        if not response.ok:
            raise PermanentPlatformError(f"X API {response.status_code} on mentions", status=response.status_code)
        body = json_object(response, "X")
        users = {
            str(u.get("id")): str(u.get("name", ""))
            for u in (body.get("includes") or {}).get("users") or []
            if isinstance(u, dict)
        }
        found: list[Interaction] = []
        for tweet in body.get("data") or []:
            if not isinstance(tweet, dict) or not tweet.get("id"):
                continue
            author = str(tweet.get("author_id", ""))
            found.append(
                Interaction(
                    platform=Platform.X,
                    kind=Kind.COMMENT,
                    external_id=str(tweet["id"]),
                    account_id=account_id,
                    author_id=author,
                    author_name=users.get(author, ""),
                    thread_id=str(tweet["id"]),
                    text=str(tweet.get("text", "")),
                    created_at=_epoch(tweet.get("created_at"), now),
                    received_at=now,
                    is_own=author == account_id,
                    raw=json.dumps({"backfill": "x mentions", "tweet": tweet}, ensure_ascii=False),
                )
            )
        return found
