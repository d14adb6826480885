"""A smaller bad-input pass through the running local stack (`python -m ackline_local`), over HTTP only: the
gateway's socket, the functions, moto, the queues and the responder together. Zero 5xx; what was signed is
answered once or in front of a person."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import uuid

import requests

from ackline.domain.storage_bounds import hashed_id
from ackline.http.raw_body import MAX_BODY_BYTES
from ackline_local.webhooks import facebook_feed_comment, meta_json_bytes, meta_signature
from tests.badinput import payloads
from tests.running_stack import RunningStack, wait_for


def post_meta(stack: RunningStack, body: bytes, signed: bool = True) -> requests.Response:
    headers = {"Content-Type": "application/json"}
    if signed:
        headers["X-Hub-Signature-256"] = meta_signature(stack.meta_app_secret, body)
    return requests.post(stack.gateway + "/webhooks/meta", data=body, headers=headers, timeout=30)


def replies_to(stack: RunningStack, comment_id: str) -> list[dict]:
    return [c for c in stack.sandbox_calls() if c["path"].endswith(f"/{comment_id}/comments")]


def open_case_of(stack: RunningStack, author_id: str) -> dict | None:
    cases = stack.staff_get("/api/cases?status=open&limit=200").json()["cases"]
    return next((c for c in cases if c["author_id"] == author_id), None)


def test_unsigned_hostile_bodies_are_refused_over_http_and_nothing_is_stored(stack):
    before = len(stack.table_items())
    for body in (payloads.deep_json(), payloads.INVALID_UTF8, payloads.INVALID_JSON, b"1e999999"):
        assert post_meta(stack, body, signed=False).status_code == 401
    too_big = b"{" + b" " * MAX_BODY_BYTES + b"}"
    assert post_meta(stack, too_big).status_code == 413
    assert len(stack.table_items()) == before


def test_a_poisoned_entry_in_a_batch_of_20_through_the_running_stack(stack):
    tag = uuid.uuid4().hex[:10]
    good = [
        facebook_feed_comment("Thanks, the jacket fits perfectly!", comment_id=f"{tag}_{i}", author_id=f"61{tag}{i}")
        for i in range(19)
    ]
    bad = facebook_feed_comment("hello", comment_id=f"{tag}_bad", created_time=1)
    long_author = "9" * 3000
    bad_value = bad["entry"][0]["changes"][0]["value"]
    bad_value.update(created_time=float("nan"), **{"from": {"id": long_author, "name": "x"}})
    changes = [p["entry"][0]["changes"][0] for p in [*good, bad]]
    body = meta_json_bytes(payloads.meta_batch(changes))
    assert post_meta(stack, body).status_code == 200
    # the 19 are answered, once each
    ids = [f"{tag}_{i}" for i in range(19)]
    assert wait_for(lambda: all(replies_to(stack, i) for i in ids), timeout=60)
    # the poisoned one is in front of a person, under its hashed author
    case = wait_for(lambda: open_case_of(stack, hashed_id(long_author)), timeout=30)
    assert case and any("problem record" in r for r in case["reasons"])
    # the platform redelivering the batch changes nothing
    assert post_meta(stack, body).status_code == 200
    time.sleep(2)
    assert all(len(replies_to(stack, i)) == 1 for i in ids)
    assert not replies_to(stack, f"{tag}_bad")


def test_a_signed_deeply_nested_delivery_reaches_a_person(stack):
    body = payloads.deep_json(leaf=int(time.time_ns() % 10**9))
    assert post_meta(stack, body).status_code == 200
    digest = hashlib.sha256(body).hexdigest()[:32]
    key = f"facebook#raw-{digest}"

    def case_holding_it() -> dict | None:
        cases = stack.staff_get("/api/cases?status=open&limit=200").json()["cases"]
        return next((c for c in cases if key in c["interaction_keys"]), None)

    assert wait_for(case_holding_it, timeout=30)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_the_deletion_callback_verifies_before_it_parses(stack):
    url = stack.gateway + "/webhooks/meta/data-deletion"
    deep = _b64url(b"[" * 10_000)
    unsigned = _b64url(b"\0" * 32) + "." + deep
    assert requests.post(url, data={"signed_request": unsigned}, timeout=10).status_code == 401
    signed = _b64url(hmac.new(stack.meta_app_secret.encode(), deep.encode(), hashlib.sha256).digest()) + "." + deep
    answer = requests.post(url, data={"signed_request": signed}, timeout=10)
    assert answer.status_code == 200
    code = answer.json()["confirmation_code"]
    status = requests.get(stack.gateway + "/privacy/deletion-status", params={"code": code}, timeout=10)
    assert status.json()["status"] == "pending"

    def case_for_it() -> dict | None:
        cases = stack.staff_get("/api/cases?status=open&limit=200").json()["cases"]
        return next((c for c in cases if any(code in r for r in c["reasons"])), None)

    assert wait_for(case_for_it, timeout=30)


def test_the_staff_api_answers_bad_queries_with_a_4xx_over_http(stack):
    for path in (
        "/api/cases?limit=1e300",
        "/api/cases?status=%00",
        "/api/cases/" + "c_" + "0" * 3000,
        "/api/demand?limit=NaN",
    ):
        assert 400 <= stack.staff_get(path).status_code < 500
