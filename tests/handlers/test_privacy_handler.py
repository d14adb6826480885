"""The Privacy function's lambda_handler, in-process over the fakes: Meta's data-deletion callback and status page."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from urllib.parse import urlencode

from ackline.domain.model import Decision, Intent
from ackline.domain.triage import triage
from tests.handlers.conftest import SECRETS, Rig
from tests.unit.builders import comment

FORM = {"content-type": "application/x-www-form-urlencoded"}


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _signed_request(payload: dict[str, object], secret: str = SECRETS["/ackline/meta/app-secret"]) -> bytes:
    encoded = _b64url(json.dumps(payload).encode())
    signature = _b64url(hmac.new(secret.encode(), encoded.encode(), hashlib.sha256).digest())
    return urlencode({"signed_request": f"{signature}.{encoded}"}).encode()


def test_a_deletion_request_erases_the_person_and_its_status_says_so(privacy_rig: Rig) -> None:
    mine = comment("my order is late", external_id="c1", author_id="4242")
    other = comment("love it", external_id="c2", author_id="7777")
    for interaction in (mine, other):
        privacy_rig.interactions.add(interaction, triage(interaction))
    body = _signed_request({"algorithm": "HMAC-SHA256", "issued_at": 5_000, "user_id": "4242"})
    status, _, answer = privacy_rig.call("POST", "/webhooks/meta/data-deletion", body=body, headers=FORM)
    assert status == 200
    reply = json.loads(answer)
    assert reply["url"].endswith(f"/privacy/deletion-status?code={reply['confirmation_code']}")
    assert set(privacy_rig.interactions.items) == {other.key}
    status, _, page = privacy_rig.call("GET", "/privacy/deletion-status", query=f"code={reply['confirmation_code']}")
    assert status == 200 and json.loads(page)["status"] == "complete"


def test_an_unsigned_or_forged_request_is_401_and_erases_nothing(privacy_rig: Rig) -> None:
    kept = comment("hello", external_id="c1", author_id="4242")
    privacy_rig.interactions.add(kept, Decision(intent=Intent.OTHER, action="reply", escalate=False))
    forged = _signed_request({"algorithm": "HMAC-SHA256", "user_id": "4242"}, secret="not-ours")
    assert privacy_rig.call("POST", "/webhooks/meta/data-deletion", body=forged, headers=FORM)[0] == 401
    assert set(privacy_rig.interactions.items) == {kept.key}


def test_a_signed_request_we_cannot_read_goes_to_a_person(privacy_rig: Rig) -> None:
    body = _signed_request({"algorithm": "HMAC-SHA256", "issued_at": 5_000})  # no user_id
    status, _, answer = privacy_rig.call("POST", "/webhooks/meta/data-deletion", body=body, headers=FORM)
    assert status == 200
    assert len(privacy_rig.dispatcher.follow_ups) == 1
    code = json.loads(answer)["confirmation_code"]
    status, _, page = privacy_rig.call("GET", "/privacy/deletion-status", query=f"code={code}")
    assert json.loads(page)["status"] == "pending"


def test_the_status_page_refuses_malformed_codes_and_says_404_for_unknown_ones(privacy_rig: Rig) -> None:
    assert privacy_rig.call("GET", "/privacy/deletion-status", query="code=<script>")[0] == 400
    assert privacy_rig.call("GET", "/privacy/deletion-status", query="code=" + "0" * 20)[0] == 404
