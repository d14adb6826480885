"""Responder: AckQueue consumer. Sends each automated acknowledgement at most once."""

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from ackline import bootstrap
from ackline.contracts.messages import AckRequest
from ackline.domain.model import ReplyStatus
from ackline.lambda_entry import sqs_handler
from ackline.observability import logger, metrics
from ackline.usecases.crisis import holding_statement
from ackline.usecases.respond import InteractionMissing, RetryLater, respond


def record_handler(record: SQSRecord) -> None:
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
            holding_statement=lambda interaction: holding_statement(
                interaction, bootstrap.crisis_store(), bootstrap.brand_policy()
            ),
        )
    except RetryLater as retry:
        # nothing was sent: come back when the platform allows (reported below as a batch item failure)
        delayed = bootstrap.ack_retries().delay(record.receipt_handle, retry.delay)
        logger.info(
            "ack retry scheduled", interaction_key=request.interaction_key, delay_s=retry.delay, delayed=delayed
        )
        raise
    except InteractionMissing:
        # erased on the person's request (or never stored): nothing to answer, so the message is settled
        logger.warning("ack for an interaction that is not stored", interaction_key=request.interaction_key)
        return
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


lambda_handler = sqs_handler(record_handler)
