"""FollowUp: FollowUpQueue consumer. Opens (or adds to) the case a person works from; alerts people on P1."""

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from ackline import bootstrap
from ackline.contracts.messages import FollowUpRequest
from ackline.lambda_entry import sqs_handler
from ackline.observability import logger, metrics
from ackline.usecases.follow_up import follow_up
from ackline.usecases.respond import InteractionMissing


def record_handler(record: SQSRecord) -> None:
    request = FollowUpRequest.model_validate_json(record.body)
    try:
        case = follow_up(
            request,
            bootstrap.interaction_store(),
            bootstrap.case_store(),
            bootstrap.clock(),
            bootstrap.alerter(),
            unsettled=bootstrap.unsettled_interactions(),
        )
    except InteractionMissing:
        # erased on the person's request (or never stored): there is nothing left to show a person
        logger.warning("follow-up for an interaction that is not stored", interaction_key=request.interaction_key)
        return
    logger.info(
        "case updated",
        case_id=case.case_id,
        priority=case.priority.value,
        interaction_key=request.interaction_key,
        interactions=len(case.interaction_keys),
    )
    metrics.add_metric(name="CasesTouched", unit="Count", value=1)


lambda_handler = sqs_handler(record_handler)
