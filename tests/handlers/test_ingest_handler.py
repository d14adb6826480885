"""The Ingest function's lambda_handler, in-process over the fakes: every webhook route and its error mapping."""

from __future__ import annotations

import json
import socket
from typing import Any

import pytest

from ackline.domain.model import Platform, ReplyStatus
from ackline.domain.signatures import x_crc_response_token
from ackline_local.webhooks import (
    SignedRequest,
    facebook_feed_comment,
    signed_generic_request,
    signed_meta_request,
    signed_telegram_request,
    signed_x_request,
    telegram_update,
    whatsapp_text_message,
    x_mention,
)
from tests.handlers.conftest import SECRETS, NetworkUsed, Rig

META = SECRETS["/ackline/meta/app-secret"]


def _post(rig: Rig, request: SignedRequest) -> tuple[int, dict[str, str], bytes]:
    return rig.call("POST", request.path, body=request.body, headers=request.headers)


def test_a_signed_meta_delivery_is_stored_and_its_work_queued(ingest_rig: Rig) -> None:
    payload: dict[str, Any] = facebook_feed_comment("Just got mine and I love it!")
    status, _, body = _post(ingest_rig, signed_meta_request(payload, META))
    assert (status, json.loads(body)) == (200, {"ok": True})
    [stored] = ingest_rig.interactions.items.values()
    assert stored.interaction.platform is Platform.FACEBOOK and stored.reply_status is ReplyStatus.PENDING
    assert [ack.interaction_key for ack in ingest_rig.dispatcher.acks] == [stored.interaction.key]


def test_a_redelivery_is_answered_200_and_changes_nothing(ingest_rig: Rig) -> None:
    request = signed_meta_request(whatsapp_text_message("Where is my order?"), META)
    assert _post(ingest_rig, request)[0] == 200
    assert _post(ingest_rig, request)[0] == 200
    [key] = ingest_rig.interactions.items
    # stored once; its still-pending reply may be queued again (the send lease makes that harmless)
    assert {ack.interaction_key for ack in ingest_rig.dispatcher.acks} == {key}


def test_a_bad_signature_is_401_and_nothing_is_stored(ingest_rig: Rig) -> None:
    request = signed_meta_request(facebook_feed_comment("hello"), "not-the-app-secret")
    status, _, body = _post(ingest_rig, request)
    assert status == 401 and b"hello" not in body
    assert ingest_rig.interactions.items == {} and ingest_rig.dispatcher.acks == []


def test_a_platform_without_secrets_is_refused(ingest_rig: Rig) -> None:
    del ingest_rig.parameters.values["/ackline/meta/app-secret"]
    assert _post(ingest_rig, signed_meta_request(facebook_feed_comment("hi"), META))[0] == 401


def test_meta_handshake_answers_the_challenge_only_with_our_token(ingest_rig: Rig) -> None:
    query = "hub.mode=subscribe&hub.verify_token=handler-verify-token&hub.challenge=1158201444"
    status, headers, body = ingest_rig.call("GET", "/webhooks/meta", query=query)
    content_type = {k.lower(): v for k, v in headers.items()}["content-type"]
    assert (status, body) == (200, b"1158201444") and content_type.startswith("text/plain")
    wrong = query.replace("handler-verify-token", "guess")
    assert ingest_rig.call("GET", "/webhooks/meta", query=wrong)[0] == 403


def test_x_crc_and_a_signed_mention(ingest_rig: Rig) -> None:
    status, _, body = ingest_rig.call("GET", "/webhooks/x", query="crc_token=abc")
    assert status == 200
    assert json.loads(body) == {"response_token": x_crc_response_token("abc", SECRETS["/ackline/x/consumer-secret"])}
    assert ingest_rig.call("GET", "/webhooks/x")[0] == 400
    request = signed_x_request(
        x_mention("@acme_support my parcel never arrived"), SECRETS["/ackline/x/consumer-secret"]
    )
    assert _post(ingest_rig, request)[0] == 200
    [stored] = ingest_rig.interactions.items.values()
    assert stored.interaction.platform is Platform.X


def test_telegram_needs_its_secret_token(ingest_rig: Rig) -> None:
    update = telegram_update("Hello, is anyone there?")
    assert _post(ingest_rig, signed_telegram_request(update, "wrong"))[0] == 401
    assert _post(ingest_rig, signed_telegram_request(update, SECRETS["/ackline/telegram/secret-token"]))[0] == 200
    assert [s.interaction.platform for s in ingest_rig.interactions.items.values()] == [Platform.TELEGRAM]


def test_a_standard_webhook_becomes_a_record_for_a_person(ingest_rig: Rig) -> None:
    request = signed_generic_request({"type": "review", "text": "2 stars"}, SECRETS["/ackline/generic/webhook-secret"])
    assert _post(ingest_rig, request)[0] == 200
    [stored] = ingest_rig.interactions.items.values()
    assert (
        stored.interaction.platform is Platform.GENERIC
        and stored.interaction.external_id == request.headers["webhook-id"]
    )
    assert [f.interaction_key for f in ingest_rig.dispatcher.follow_ups] == [stored.interaction.key]


def test_a_queue_failure_is_503_so_the_platform_retries(ingest_rig: Rig) -> None:
    ingest_rig.dispatcher.fail = True
    status, _, body = _post(ingest_rig, signed_meta_request(facebook_feed_comment("I love it"), META))
    assert status == 503 and b"love" not in body
    assert len(ingest_rig.interactions.items) == 1  # stored: the retry re-queues it


def test_an_unknown_route_is_404(ingest_rig: Rig) -> None:
    assert ingest_rig.call("POST", "/webhooks/nowhere", body=b"{}")[0] == 404


def test_the_network_guard_is_on() -> None:
    """What makes 'no network' more than a promise: a connection attempt in this suite fails the test."""
    with pytest.raises(NetworkUsed):
        socket.create_connection(("127.0.0.1", 9), timeout=1)
