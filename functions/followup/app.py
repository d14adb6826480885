"""FollowUp: FollowUpQueue consumer. Opens (or adds to) the case a person works from; alerts people on P1."""

import json

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from ackline import bootstrap
from ackline.contracts.messages import FollowUpRequest, HumanResponseSeen
from ackline.lambda_entry import sqs_handler
from ackline.observability import logger, metrics
from ackline.usecases.follow_up import follow_up
from ackline.usecases.platform_response import record_platform_response
from ackline.usecases.respond import InteractionMissing


def human_response_handler(request: HumanResponseSeen) -> None:
    """Our own account's message: a person answering from the platform's app is recorded and pauses the bot.
    (SendInFlight propagates: the message comes back once our own send has been recorded.)"""
    pause_seconds = bootstrap.brand_policy().thresholds.human_pause_hours * 3600
    store = bootstrap.case_store()
    case = record_platform_response(request, bootstrap.interaction_store(), store, store, pause_seconds)
    if case is not None:
        logger.info(
            "human response from the platform app", case_id=case.case_id, interaction_key=request.interaction_key
        )
        metrics.add_metric(name="HumanResponsesFromApp", unit="Count", value=1)


def record_handler(record: SQSRecord) -> None:
    body = json.loads(record.body)
    if isinstance(body, dict) and body.get("kind") == "human_response":
        human_response_handler(HumanResponseSeen.model_validate(body))
        return
    request = FollowUpRequest.model_validate_json(record.body)
    try:
        reopen_seconds = bootstrap.brand_policy().thresholds.reopen_window_hours * 3600
        case = follow_up(
            request,
            bootstrap.interaction_store(),
            bootstrap.case_store(),
            bootstrap.clock(),
            bootstrap.alerter(),
            reopen_seconds=reopen_seconds,
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
