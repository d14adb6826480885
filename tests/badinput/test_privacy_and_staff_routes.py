"""The data-deletion callback, its status page and the staff API under bad input: never a 5xx; unsigned -> 401 and
nothing stored; signed but unreadable -> a raw problem record in front of a person and a pending status."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from urllib.parse import quote

import pytest

from ackline.http.raw_body import MAX_BODY_BYTES
from tests.badinput.harness import Deployment, Outcome

CALLBACK = "/webhooks/meta/data-deletion"
FORM = "application/x-www-form-urlencoded"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sign(payload_part: str, secret: str) -> str:
    return b64url(hmac.new(secret.encode(), payload_part.encode(), hashlib.sha256).digest()) + "." + payload_part


def callback(deployed: Deployment, form: bytes, content_type: str = FORM) -> Outcome:
    outcome = deployed.send("POST", CALLBACK, form, {"Content-Type": content_type})
    assert outcome.status < 500, outcome.body
    return outcome


UNSIGNED = {
    "no field": b"",
    "other field": b"x=1",
    "no dot": b"signed_request=abc",
    "not base64url": b"signed_request=%21%21%21.%40%40%40",
    "deep payload, bad signature": b"signed_request=" + sign(b64url(b"[" * 10_000), "wrong").encode(),
    "deep payload, no signature": b"signed_request=." + b64url(b"[" * 10_000).encode(),
    "invalid utf-8": b"signed_request=\xff\xfe.\xc3",
    "too many fields": b"&".join(b"f%d=1" % i for i in range(500)),
    "huge": b"signed_request=" + b"a" * 200_000 + b".b",
}


@pytest.mark.parametrize("form", UNSIGNED.values(), ids=UNSIGNED.keys())
@pytest.mark.parametrize("content_type", [FORM, "application/json", "text/plain"])
def test_an_unsigned_deletion_request_is_refused_and_nothing_is_stored(deployed, form, content_type):
    outcome = callback(deployed, form, content_type)
    assert outcome.status in (400, 401)
    assert outcome.stored_nothing()


def test_a_deletion_request_over_the_body_limit_is_413(deployed):
    outcome = callback(deployed, b"signed_request=" + b"a" * MAX_BODY_BYTES)
    assert outcome.status == 413 and outcome.stored_nothing()


SIGNED_BUT_UNREADABLE = {
    "deep nesting": b"[" * 10_000 + b"]" * 10_000,
    "invalid utf-8": b"\xff\xfe\xfd",
    "not json": b"hello",
    "4300 digits": b'{"algorithm":"HMAC-SHA256","user_id":' + b"1" * 5000 + b"}",
    "another algorithm": json.dumps({"algorithm": "HMAC-SHA1", "user_id": "1"}).encode(),
    "no user": json.dumps({"algorithm": "HMAC-SHA256"}).encode(),
    "a list": b"[]",
}


@pytest.mark.parametrize("payload", SIGNED_BUT_UNREADABLE.values(), ids=SIGNED_BUT_UNREADABLE.keys())
def test_a_signed_but_unreadable_request_reaches_a_person_and_is_pending(deployed, payload):
    request = sign(b64url(payload), deployed.config.meta_app_secret)
    outcome = callback(deployed, b"signed_request=" + quote(request).encode())
    assert outcome.status == 200, outcome.body
    answer = json.loads(outcome.body)
    assert set(answer) == {"url", "confirmation_code"}
    [(key, problem)] = outcome.problems().items()
    assert key in outcome.follow_ups and answer["confirmation_code"] in problem["activity"]
    status = deployed.send("GET", "/privacy/deletion-status", query=f"code={answer['confirmation_code']}")
    assert status.status == 200 and json.loads(status.body)["status"] == "pending"
    # Meta retrying the same request: kept once, still in front of a person
    again = callback(deployed, b"signed_request=" + quote(request).encode())
    assert again.status == 200 and not again.interactions and again.follow_ups == [key]


@pytest.mark.parametrize(
    "query",
    ["", "code=", "code=zz", "code=" + "a" * 10_000, "code=0123456789abcdef0123%0A", "code=%ED%A0%80", "code=a&code=b"],
)
def test_the_status_page_refuses_malformed_codes(deployed, query):
    outcome = deployed.send("GET", "/privacy/deletion-status", query=query)
    assert outcome.status == 400 and outcome.stored_nothing()


def test_the_status_page_says_404_for_an_unknown_code(deployed):
    outcome = deployed.send("GET", "/privacy/deletion-status", query="code=" + "0" * 20)
    assert outcome.status == 404


# --- staff API --------------------------------------------------------------------------------------------------

STAFF_QUERIES = [
    ("GET", "/api/cases", "status=bogus"),
    ("GET", "/api/cases", "limit=1e300"),
    ("GET", "/api/cases", "limit=NaN"),
    ("GET", "/api/cases", "limit=-0"),
    ("GET", "/api/cases", "limit=" + "9" * 5000),
    ("GET", "/api/cases", "status=open&status=resolved"),
    ("GET", "/api/cases", "limit=%ED%A0%80"),
    ("GET", "/api/cases/" + "c_" + "0" * 5000, ""),
    ("GET", "/api/cases/%00", ""),
    ("GET", "/api/cases/c_00000000000000000000", ""),
    ("POST", "/api/cases/c_00000000000000000000/claim", ""),
    ("POST", "/api/cases/c_00000000000000000000/resolve", ""),
    ("POST", "/api/cases/" + "x" * 3000 + "/claim", ""),
    ("GET", "/api/demand", "limit=1e300"),
    ("GET", "/api/demand", "limit=" + "9" * 5000),
    ("GET", "/api/authors/blocked", "limit=1e300"),
    ("GET", "/api/authors/blocked", "limit=0"),
]


@pytest.mark.parametrize(("method", "path", "query"), STAFF_QUERIES)
def test_the_staff_api_answers_bad_input_with_a_4xx(deployed, method, path, query):
    outcome = deployed.staff(method, path, query=query)
    assert 400 <= outcome.status < 500, (outcome.status, outcome.body)
    assert outcome.stored_nothing()


@pytest.mark.parametrize(("method", "path", "query"), STAFF_QUERIES[:3])
@pytest.mark.parametrize("token", [None, "", "wrong", "x" * 10_000])
def test_the_staff_api_refuses_without_a_valid_token(deployed, method, path, query, token):
    outcome = deployed.staff(method, path, query=query, token=token)
    assert outcome.status == 401 and outcome.stored_nothing()


def test_the_staff_api_ignores_a_huge_body(deployed):
    outcome = deployed.send(
        "POST",
        "/api/cases/c_00000000000000000000/claim",
        b"{" * 100_000,
        {"Authorization": "Bearer bad-input-staff-token", "Content-Type": "application/json"},
    )
    assert outcome.status == 404 and outcome.stored_nothing()
