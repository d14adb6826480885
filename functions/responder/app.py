"""Responder: AckQueue consumer. Sends each automated acknowledgement at most once."""

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from ackline import bootstrap
from ackline.contracts.messages import AckRequest
from ackline.lambda_entry import sqs_handler
from ackline.observability import logger, metrics
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
    logger.info(
        "ack settled",
        interaction_key=request.interaction_key,
        reply_status=outcome.status.value,
        reply_id=outcome.reply_id,
        ack_latency_ms=outcome.ack_latency_ms,
    )
    if outcome.ack_latency_ms is not None:
        metrics.add_metric(name="AckLatency", unit="Milliseconds", value=outcome.ack_latency_ms)


lambda_handler = sqs_handler(record_handler, retry_later=(RetryLater,))
