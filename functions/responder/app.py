"""Responder: AckQueue consumer. Sends each automated acknowledgement, and each reply a person wrote in the queue,
at most once."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ackline import bootstrap
from ackline.contracts.messages import AckRequest, HumanReplyRequest
from ackline.domain.model import ReplyStatus
from ackline.lambda_entry import sqs_handler
from ackline.observability import logger, metrics
from ackline.settings import get_settings
from ackline.usecases.crisis import holding_statement
from ackline.usecases.human_reply import send_human_reply
from ackline.usecases.respond import InteractionMissing, RetryLater, alert_example_policy, respond

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
    from aws_lambda_powertools.utilities.typing import LambdaContext

    from ackline.domain.policy import BrandPolicy
    from ackline.ports import (
        Alerter,
        AlertGate,
        AutomationPauses,
        CaseStore,
        CrisisStore,
        Dispatcher,
        InteractionStore,
        PlatformReplier,
        ReplyMemory,
        RetryScheduler,
        SentReplies,
    )


@dataclass(frozen=True)
class ResponderPorts:
    """Everything answering one queued message touches. `build_handler` takes a provider of it, called once per
    record: in Lambda `responder_ports` (the composition root's adapters, and the brand policy re-read through
    Powertools' cache as before); a test passes one over the fakes (tests/handlers/test_responder_handler.py)."""

    interactions: InteractionStore
    cases: CaseStore
    pauses: AutomationPauses
    replier: PlatformReplier
    dispatcher: Dispatcher
    retries: RetryScheduler
    policy: BrandPolicy
    memory: ReplyMemory
    sent_replies: SentReplies
    crisis: CrisisStore
    alerter: Alerter | None  # no alert topic configured
    alert_gate: AlertGate
    clock: Callable[[], float]
    refuse_example_policy: bool


def responder_ports() -> ResponderPorts:
    cases = bootstrap.case_store()
    return ResponderPorts(
        interactions=bootstrap.interaction_store(),
        cases=cases,
        pauses=cases,
        replier=bootstrap.replier(),
        dispatcher=bootstrap.responder_dispatcher(),
        retries=bootstrap.ack_retries(),
        policy=bootstrap.brand_policy(),
        memory=bootstrap.reply_memory(),
        sent_replies=bootstrap.sent_replies(),
        crisis=bootstrap.crisis_store(),
        alerter=bootstrap.alerter(),
        alert_gate=bootstrap.alert_gate(),
        clock=bootstrap.clock,
        refuse_example_policy=not get_settings().allow_example_policy,
    )


def _refused_example_policy(interaction_key: str, ports: ResponderPorts) -> None:
    # every refused reply is an ERROR (and a case); people are alerted once a day while it lasts
    alerted = alert_example_policy(ports.alerter, ports.alert_gate, ports.clock())
    logger.error("reply refused: example brand policy in force", interaction_key=interaction_key, alerted=alerted)


def _human_reply(record: SQSRecord, request: HumanReplyRequest, ports: ResponderPorts) -> None:
    try:
        status = send_human_reply(request, ports.cases, ports.interactions, ports.replier, ports.clock, ports.policy)
    except RetryLater as retry:
        delayed = ports.retries.delay(record.receipt_handle, retry.delay)
        logger.info("human reply retry scheduled", case_id=request.case_id, delay_s=retry.delay, delayed=delayed)
        raise
    logger.info("human reply settled", case_id=request.case_id, reply_event=request.event_id, status=status.value)


def _ack(record: SQSRecord, request: AckRequest, ports: ResponderPorts) -> None:
    try:
        outcome = respond(
            request,
            ports.interactions,
            ports.replier,
            ports.dispatcher,
            ports.clock,
            policy=ports.policy,
            memory=ports.memory,
            sent_replies=ports.sent_replies,
            refuse_example_policy=ports.refuse_example_policy,
            pauses=ports.pauses,
            holding_statement=lambda interaction: holding_statement(interaction, ports.crisis, ports.policy),
        )
    except RetryLater as retry:
        # not now (rate-limited, a live lease, bookkeeping left) and never a second send: the message comes back
        # when the platform allows. A retry, not an error: one WARNING, and the batch reports the item as failed.
        delayed = ports.retries.delay(record.receipt_handle, retry.delay)
        logger.warning(
            "ack retry scheduled",
            interaction_key=request.interaction_key,
            delay_s=retry.delay,
            delayed=delayed,
            reason=str(retry),
        )
        raise
    except InteractionMissing:
        # erased on the person's request (or never stored): nothing to answer, so the message is settled
        logger.warning("ack for an interaction that is not stored", interaction_key=request.interaction_key)
        return
    if outcome.refused_example_policy:
        _refused_example_policy(request.interaction_key, ports)
    logger.info(
        "ack settled",
        interaction_key=request.interaction_key,
        reply_status=outcome.status.value,
        reply_id=outcome.reply_id,
        ack_latency_ms=outcome.ack_latency_ms,
    )
    if outcome.ack_latency_ms is not None:
        metrics.add_metric(name="AckLatency", unit="Milliseconds", value=outcome.ack_latency_ms)
    if outcome.status is ReplyStatus.SENT:
        metrics.add_metric(name="AutoAcks", unit="Count", value=1)
    elif outcome.status in (ReplyStatus.FAILED, ReplyStatus.UNKNOWN):
        metrics.add_metric(name="AcksHandedToPeople", unit="Count", value=1)


def build_handler(
    ports: Callable[[], ResponderPorts] = responder_ports,
) -> Callable[[dict[str, Any], LambdaContext], Any]:
    """The Lambda handler over these ports: each record on its own, a retry reported as a batch item failure."""

    def record_handler(record: SQSRecord) -> None:
        body = json.loads(record.body)
        if isinstance(body, dict) and body.get("kind") == "human_reply":
            request = HumanReplyRequest.model_validate_json(record.body)
            _human_reply(record, request, ports())
            return
        _ack(record, AckRequest.model_validate_json(record.body), ports())

    return sqs_handler(record_handler, retry_later=(RetryLater,))


lambda_handler = build_handler()
