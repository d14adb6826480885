"""Webhook routes: handshake, authenticate the raw bytes, normalise, ingest. Never a platform call here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from ackline import bootstrap
from ackline.contracts.meta import parse_meta_delivery
from ackline.contracts.raw import raw_interaction
from ackline.contracts.telegram import parse_telegram_update
from ackline.contracts.x import parse_x_delivery
from ackline.domain.errors import BadRequest, StoreUnavailable, VerificationRejected
from ackline.domain.model import Interaction, Kind, Platform
from ackline.domain.policy import BrandPolicy
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
from ackline.ports import (
    Alerter,
    AuthorLedger,
    AuthorShield,
    Blocklist,
    ChannelRegistry,
    CrisisStore,
    DemandCounter,
    Dispatcher,
    InteractionStore,
    ResponseQueue,
    SentReplies,
    WebhookSecrets,
)
from ackline.usecases.ingest import ingest

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]  # Powertools leaves __init__ unannotated


@dataclass(frozen=True)
class IngestPorts:
    """Everything ingesting a delivery touches. Routes receive it (and the secrets and the time) through Powertools'
    `Depends`, built by the composition root (`bootstrap`) in Lambda; a test gives the app other providers through
    `app.dependency_overrides` (tests/handlers runs every route in-process over the fakes)."""

    store: InteractionStore
    dispatcher: Dispatcher
    policy: BrandPolicy
    ledger: AuthorLedger
    demand: DemandCounter
    sent_replies: SentReplies
    blocklist: Blocklist
    responses: ResponseQueue
    crisis: CrisisStore
    alerter: Alerter | None  # no alert topic configured: P1 cases still reach the queue
    shield: AuthorShield
    channels: ChannelRegistry


def ingest_ports() -> IngestPorts:
    return IngestPorts(
        store=bootstrap.interaction_store(),
        dispatcher=bootstrap.ingest_dispatcher(),
        policy=bootstrap.brand_policy(),
        ledger=bootstrap.author_ledger(),
        demand=bootstrap.demand_counter(),
        sent_replies=bootstrap.sent_replies(),
        blocklist=bootstrap.blocklist(),
        responses=bootstrap.ingest_dispatcher(),
        crisis=bootstrap.crisis_store(),
        alerter=bootstrap.alerter(),
        shield=bootstrap.author_shield(),
        channels=bootstrap.channel_registry(),
    )


Ports = Annotated[IngestPorts, Depends(ingest_ports)]
Secrets = Annotated[WebhookSecrets, Depends(bootstrap.secrets)]
Now = Annotated[float, Depends(bootstrap.clock)]


def _ingest(platform: Platform, interactions: list[Interaction], ports: IngestPorts, now: float) -> Response[str]:
    result = ingest(
        interactions,
        ports.store,
        ports.dispatcher,
        policy=ports.policy,
        ledger=ports.ledger,
        demand=ports.demand,
        sent_replies=ports.sent_replies,
        blocklist=ports.blocklist,
        responses=ports.responses,
        crisis=ports.crisis,
        alerter=ports.alerter,
        shield=ports.shield,
    )
    try:
        # missed-webhook detection: when each channel was last heard from (at most one write a minute)
        ports.channels.seen({f"{i.platform.value}#{i.account_id}" for i in interactions}, now)
    except Exception:  # telemetry: the delivery is stored and queued already, so it must not fail for this
        logger.exception("could not mark the channel as seen")
    for account in result.crisis_on:
        logger.warning("crisis mode switched on", account=account, by="auto")
        metrics.add_metric(name="CrisisModeOn", unit="Count", value=1)
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
    metrics.add_metric(name="Escalations", unit="Count", value=result.follow_ups)
    return Response(status_code=200, content_type=content_types.APPLICATION_JSON, body='{"ok":true}')


@router.get("/webhooks/meta")
def meta_handshake(secrets: Secrets) -> Response[str]:
    params = router.current_event.query_string_parameters or {}
    challenge = meta_verify_challenge(params, secrets.meta_verify_tokens())
    if challenge is None:
        raise VerificationRejected("hub.verify_token mismatch")
    # echo only what Meta sent, as plain text, never HTML
    return Response(status_code=200, content_type=content_types.TEXT_PLAIN, body=challenge)


@router.post("/webhooks/meta")
def meta_delivery(ports: Ports, secrets: Secrets, now: Now) -> Response[str]:
    body = raw_body(router.current_event)
    verify_meta_signature(body, router.current_event.headers.get("x-hub-signature-256"), secrets.meta_app_secrets())
    return _ingest(Platform.FACEBOOK, parse_meta_delivery(body, now), ports, now)


@router.get("/webhooks/x")
def x_crc(secrets: Secrets) -> Response[str]:
    crc_token = (router.current_event.query_string_parameters or {}).get("crc_token", "")
    consumer_secrets = secrets.x_consumer_secrets()
    if not crc_token or not consumer_secrets:
        raise BadRequest("crc_token missing")
    token = x_crc_response_token(crc_token, consumer_secrets[0])
    return Response(
        status_code=200, content_type=content_types.APPLICATION_JSON, body=f'{{"response_token":"{token}"}}'
    )


@router.post("/webhooks/x")
def x_delivery(ports: Ports, secrets: Secrets, now: Now) -> Response[str]:
    body = raw_body(router.current_event)
    verify_x_signature(
        body, router.current_event.headers.get("x-twitter-webhooks-signature"), secrets.x_consumer_secrets()
    )
    return _ingest(Platform.X, parse_x_delivery(body, now), ports, now)


@router.post("/webhooks/telegram")
def telegram_update(ports: Ports, secrets: Secrets, now: Now) -> Response[str]:
    verify_telegram_secret(
        router.current_event.headers.get("x-telegram-bot-api-secret-token"),
        secrets.telegram_secret_tokens(),
    )
    return _ingest(Platform.TELEGRAM, parse_telegram_update(raw_body(router.current_event), now), ports, now)


@router.post("/webhooks/generic")
def generic_event(ports: Ports, secrets: Secrets, now: Now) -> Response[str]:
    body = raw_body(router.current_event)
    webhook_id = verify_standard_webhook(body, router.current_event.headers, secrets.generic_webhook_secrets(), now)
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
    return _ingest(Platform.GENERIC, [event], ports, now)
