"""Meta's data-deletion callback through the local stack: signed request in -> data gone -> status page says so."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import urlsplit

import requests

from ackline.adapters.raw_payload import unpack
from ackline_local.webhooks import facebook_feed_comment, signed_meta_request
from tests.running_stack import RunningStack, wait_for


def _readable(item: dict[str, Any]) -> str:
    """The item as text, its compressed raw webhook (`raw_z`) inflated, so a search sees every word."""
    return json.dumps(item, default=unpack)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def signed_request(user_id: str, app_secret: str) -> str:
    """Meta's form: base64url(HMAC-SHA256(app secret, payload part)) + "." + base64url(JSON payload)."""
    payload = _b64url(
        json.dumps({"algorithm": "HMAC-SHA256", "issued_at": int(time.time()), "user_id": user_id}).encode()
    )
    return _b64url(hmac.new(app_secret.encode(), payload.encode(), hashlib.sha256).digest()) + "." + payload


def _case_of(stack: RunningStack, author_id: str) -> dict | None:
    cases = stack.staff_get("/api/cases?status=open&limit=200").json()["cases"]
    return next((c for c in cases if c["author_id"] == author_id), None)


def test_a_person_asks_meta_to_delete_their_data(stack):
    # Given a customer who complained (stored, replied to, and a case opened)
    author = "77" + str(time.time_ns())[-10:]
    payload = facebook_feed_comment(
        "My order arrived broken and I am really disappointed", author_id=author, author_name="Robin Example"
    )
    assert signed_meta_request(payload, stack.meta_app_secret).send(stack.gateway)[0] == 200
    case = wait_for(lambda: _case_of(stack, author), timeout=10)
    assert case
    assert any(author in _readable(item) for item in stack.table_items())
    # When Meta calls the data-deletion callback for that person
    response = requests.post(
        stack.gateway + "/webhooks/meta/data-deletion",
        data={"signed_request": signed_request(author, stack.meta_app_secret)},
        timeout=10,
    )
    # Then it answers with the status URL and confirmation code Meta expects
    assert response.status_code == 200
    answer = response.json()
    assert set(answer) == {"url", "confirmation_code"}
    status_url = urlsplit(answer["url"])
    assert status_url.path == "/privacy/deletion-status" and answer["confirmation_code"] in status_url.query
    status = requests.get(f"{stack.gateway}{status_url.path}?{status_url.query}", timeout=5).json()
    assert status["status"] == "complete"
    # And nothing that names the person is left; their case remains for the team, scrubbed
    assert not any(author in _readable(item) for item in stack.table_items())
    scrubbed = stack.staff_get(f"/api/cases/{case['case_id']}").json()
    assert "Robin" not in json.dumps(scrubbed) and "broken" not in scrubbed["case"]["summary"]


def test_a_forged_deletion_request_is_refused_and_erases_nothing(stack):
    before = len(stack.table_items())
    forged = requests.post(
        stack.gateway + "/webhooks/meta/data-deletion",
        data={"signed_request": signed_request("7311002233445566", "not-the-app-secret")},
        timeout=5,
    )
    assert forged.status_code == 401
    assert len(stack.table_items()) == before
    unknown = requests.get(stack.gateway + "/privacy/deletion-status?code=" + "0" * 20, timeout=5)
    assert unknown.status_code == 404
    assert requests.get(stack.gateway + "/privacy/deletion-status?code=<script>", timeout=5).status_code == 400
