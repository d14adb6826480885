"""Webhook routes: handshake, authenticate the raw bytes, normalise, ingest. Never a platform call here."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from ackline import bootstrap
from ackline.contracts.meta import parse_meta_delivery
from ackline.contracts.raw import raw_interaction
from ackline.contracts.telegram import parse_telegram_update
from ackline.contracts.x import parse_x_delivery
from ackline.domain.errors import BadRequest, StoreUnavailable, VerificationRejected
from ackline.domain.model import Interaction, Kind, Platform
from ackline.domain.signatures import (
    meta_verify_challenge,
    verify_meta_signature,
    verify_standard_webhook,
    verify_telegram_secret,
    verify_x_signature,
    x_crc_response_token,
)
from ackline.domain.storage_bounds import hashed_id
from ackline.http.raw_body import raw_body
from ackline.observability import logger, metrics
from ackline.usecases.ingest import ingest

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]  # Powertools leaves __init__ unannotated


def _ingest(platform: Platform, interactions: list[Interaction]) -> Response[str]:
    result = ingest(
        interactions,
        bootstrap.interaction_store(),
        bootstrap.ingest_dispatcher(),
        policy=bootstrap.brand_policy(),
        ledger=bootstrap.author_ledger(),
        demand=bootstrap.demand_counter(),
        sent_replies=bootstrap.sent_replies(),
        blocklist=bootstrap.blocklist(),
        responses=bootstrap.ingest_dispatcher(),
    )
    logger.info(
        "delivery ingested",
        platform=platform.value,
        stored=result.stored,
        duplicates=result.duplicates,
        acks=result.acks,
        follow_ups=result.follow_ups,
        delivery_reports=result.delivery_reports,
        problems=result.problems,
        left_for_retry=result.left_for_retry,
    )
    metrics.add_metric(name="InteractionsStored", unit="Count", value=result.stored)
    metrics.add_metric(name="DuplicateDeliveries", unit="Count", value=result.duplicates)
    if result.problems:
        metrics.add_metric(name="ProblemRecords", unit="Count", value=result.problems)
    if not result.complete:
        # everything that was stored has its work queued; a 503 makes the platform send the rest again
        raise StoreUnavailable(f"{result.left_for_retry} entries left for the retry ({result.retry_cause})")
    return Response(status_code=200, content_type=content_types.APPLICATION_JSON, body='{"ok":true}')


@router.get("/webhooks/meta")
def meta_handshake() -> Response[str]:
    params = router.current_event.query_string_parameters or {}
    challenge = meta_verify_challenge(params, bootstrap.secrets().meta_verify_tokens())
    if challenge is None:
        raise VerificationRejected("hub.verify_token mismatch")
    # echo only what Meta sent, as plain text, never HTML
    return Response(status_code=200, content_type=content_types.TEXT_PLAIN, body=challenge)


@router.post("/webhooks/meta")
def meta_delivery() -> Response[str]:
    body = raw_body(router.current_event)
    verify_meta_signature(
        body, router.current_event.headers.get("x-hub-signature-256"), bootstrap.secrets().meta_app_secrets()
    )
    return _ingest(Platform.FACEBOOK, parse_meta_delivery(body, bootstrap.clock()))


@router.get("/webhooks/x")
def x_crc() -> Response[str]:
    crc_token = (router.current_event.query_string_parameters or {}).get("crc_token", "")
    secrets = bootstrap.secrets().x_consumer_secrets()
    if not crc_token or not secrets:
        raise BadRequest("crc_token missing")
    token = x_crc_response_token(crc_token, secrets[0])
    return Response(
        status_code=200, content_type=content_types.APPLICATION_JSON, body=f'{{"response_token":"{token}"}}'
    )


@router.post("/webhooks/x")
def x_delivery() -> Response[str]:
    body = raw_body(router.current_event)
    verify_x_signature(
        body, router.current_event.headers.get("x-twitter-webhooks-signature"), bootstrap.secrets().x_consumer_secrets()
    )
    return _ingest(Platform.X, parse_x_delivery(body, bootstrap.clock()))


@router.post("/webhooks/telegram")
def telegram_update() -> Response[str]:
    verify_telegram_secret(
        router.current_event.headers.get("x-telegram-bot-api-secret-token"),
        bootstrap.secrets().telegram_secret_tokens(),
    )
    return _ingest(Platform.TELEGRAM, parse_telegram_update(raw_body(router.current_event), bootstrap.clock()))


@router.post("/webhooks/generic")
def generic_event() -> Response[str]:
    body = raw_body(router.current_event)
    now = bootstrap.clock()
    webhook_id = verify_standard_webhook(
        body, router.current_event.headers, bootstrap.secrets().generic_webhook_secrets(), now
    )
    event = raw_interaction(Platform.GENERIC, body.decode("utf-8", "replace"), now)
    # the sender's webhook-id is the idempotency key: its retries carry the same id
    event = event.model_copy(
        update={
            # a long id is hashed, not cut: two ids sharing a prefix must stay two interactions
            "external_id": webhook_id if len(webhook_id) <= 200 else hashed_id(webhook_id),
            "kind": Kind.RAW,
            "activity": "generic webhook event: a person reviews it",
        }
    )
    return _ingest(Platform.GENERIC, [event])
