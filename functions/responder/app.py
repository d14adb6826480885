"""Responder: AckQueue consumer. Sends each automated acknowledgement, and each reply a person wrote in the queue,
at most once."""

import json

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from ackline import bootstrap
from ackline.contracts.messages import AckRequest, HumanReplyRequest
from ackline.domain.model import ReplyStatus
from ackline.lambda_entry import sqs_handler
from ackline.observability import logger, metrics
from ackline.settings import get_settings
from ackline.usecases.crisis import holding_statement
from ackline.usecases.human_reply import send_human_reply
from ackline.usecases.respond import InteractionMissing, RetryLater, alert_example_policy, respond


def _refused_example_policy(interaction_key: str) -> None:
    # every refused reply is an ERROR (and a case); people are alerted once a day while it lasts
    alerted = alert_example_policy(bootstrap.alerter(), bootstrap.alert_gate(), bootstrap.clock())
    logger.error("reply refused: example brand policy in force", interaction_key=interaction_key, alerted=alerted)


def human_reply_handler(record: SQSRecord, request: HumanReplyRequest) -> None:
    try:
        status = send_human_reply(
            request,
            bootstrap.case_store(),
            bootstrap.interaction_store(),
            bootstrap.replier(),
            bootstrap.clock,
            bootstrap.brand_policy(),
        )
    except RetryLater as retry:
        delayed = bootstrap.ack_retries().delay(record.receipt_handle, retry.delay)
        logger.info("human reply retry scheduled", case_id=request.case_id, delay_s=retry.delay, delayed=delayed)
        raise
    logger.info("human reply settled", case_id=request.case_id, reply_event=request.event_id, status=status.value)


def record_handler(record: SQSRecord) -> None:
    body = json.loads(record.body)
    if isinstance(body, dict) and body.get("kind") == "human_reply":
        human_reply_handler(record, HumanReplyRequest.model_validate_json(record.body))
        return
    request = AckRequest.model_validate_json(record.body)
    try:
        outcome = respond(
            request,
            bootstrap.interaction_store(),
            bootstrap.replier(),
            bootstrap.responder_dispatcher(),
            bootstrap.clock,
            policy=bootstrap.brand_policy(),
            memory=bootstrap.reply_memory(),
            sent_replies=bootstrap.sent_replies(),
            refuse_example_policy=not get_settings().allow_example_policy,
            pauses=bootstrap.case_store(),
            holding_statement=lambda interaction: holding_statement(
                interaction, bootstrap.crisis_store(), bootstrap.brand_policy()
            ),
        )
    except RetryLater as retry:
        # not now (rate-limited, a live lease, bookkeeping left) and never a second send: the message comes back
        # when the platform allows. A retry, not an error: one WARNING, and the batch reports the item as failed.
        delayed = bootstrap.ack_retries().delay(record.receipt_handle, retry.delay)
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
        _refused_example_policy(request.interaction_key)
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


lambda_handler = sqs_handler(record_handler, retry_later=(RetryLater,))
