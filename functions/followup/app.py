"""FollowUp: FollowUpQueue consumer. Opens (or adds to) the case a person works from; alerts people on P1."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ackline import bootstrap
from ackline.contracts.messages import FollowUpRequest, HumanResponseSeen
from ackline.lambda_entry import sqs_handler
from ackline.observability import logger, metrics
from ackline.usecases.follow_up import follow_up
from ackline.usecases.platform_response import record_platform_response
from ackline.usecases.respond import InteractionMissing

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
    from aws_lambda_powertools.utilities.typing import LambdaContext

    from ackline.domain.policy import BrandPolicy
    from ackline.ports import Alerter, AutomationPauses, CaseStore, InteractionStore, UnsettledInteractions


@dataclass(frozen=True)
class FollowUpPorts:
    """What opening a case touches. `build_handler` takes a provider of it, called once per record: in Lambda
    `follow_up_ports` (the composition root's); a test passes one over the fakes."""

    interactions: InteractionStore
    cases: CaseStore
    pauses: AutomationPauses
    unsettled: UnsettledInteractions
    alerter: Alerter | None  # no alert topic configured: P1 cases still reach the queue
    policy: BrandPolicy
    clock: Callable[[], float]


def follow_up_ports() -> FollowUpPorts:
    cases = bootstrap.case_store()
    return FollowUpPorts(
        interactions=bootstrap.interaction_store(),
        cases=cases,
        pauses=cases,
        unsettled=bootstrap.unsettled_interactions(),
        alerter=bootstrap.alerter(),
        policy=bootstrap.brand_policy(),
        clock=bootstrap.clock,
    )


def _human_response(request: HumanResponseSeen, ports: FollowUpPorts) -> None:
    """Our own account's message: a person answering from the platform's app is recorded and pauses the bot.
    (SendInFlight propagates: the message comes back once our own send has been recorded.)"""
    pause_seconds = ports.policy.thresholds.human_pause_hours * 3600
    case = record_platform_response(request, ports.interactions, ports.cases, ports.pauses, pause_seconds)
    if case is not None:
        logger.info(
            "human response from the platform app", case_id=case.case_id, interaction_key=request.interaction_key
        )
        metrics.add_metric(name="HumanResponsesFromApp", unit="Count", value=1)


def _follow_up(request: FollowUpRequest, ports: FollowUpPorts) -> None:
    try:
        reopen_seconds = ports.policy.thresholds.reopen_window_hours * 3600
        case = follow_up(
            request,
            ports.interactions,
            ports.cases,
            ports.clock(),
            ports.alerter,
            reopen_seconds=reopen_seconds,
            unsettled=ports.unsettled,
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


def build_handler(
    ports: Callable[[], FollowUpPorts] = follow_up_ports,
) -> Callable[[dict[str, Any], LambdaContext], Any]:
    """The Lambda handler over these ports: each record on its own, only the failed ones come back."""

    def record_handler(record: SQSRecord) -> None:
        body = json.loads(record.body)
        if isinstance(body, dict) and body.get("kind") == "human_response":
            _human_response(HumanResponseSeen.model_validate(body), ports())
            return
        _follow_up(FollowUpRequest.model_validate_json(record.body), ports())

    return sqs_handler(record_handler)


lambda_handler = build_handler()
