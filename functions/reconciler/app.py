"""Reconciler: every few minutes (EventBridge Scheduler), moves interactions stuck between steps on, or to a person."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ackline import bootstrap
from ackline.lambda_entry import scheduled_handler
from ackline.observability import logger, metrics
from ackline.usecases.reconcile import ReconcileLimits, reconcile

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

    from ackline.ports import Dispatcher, UnsettledInteractions


@dataclass(frozen=True)
class ReconcilerPorts:
    """What a run touches. `build_handler` takes a provider of it, called once per run: in Lambda
    `reconciler_ports` (the composition root's); a test passes one over the fakes."""

    unsettled: UnsettledInteractions
    dispatcher: Dispatcher
    clock: Callable[[], float]


def reconciler_ports() -> ReconcilerPorts:
    return ReconcilerPorts(
        unsettled=bootstrap.unsettled_interactions(), dispatcher=bootstrap.ingest_dispatcher(), clock=bootstrap.clock
    )


def build_handler(
    ports: Callable[[], ReconcilerPorts] = reconciler_ports,
) -> Callable[[dict[str, Any], LambdaContext], dict[str, int]]:
    @scheduled_handler
    def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
        limits = ReconcileLimits()
        if isinstance(event.get("older_than_seconds"), int) and event["older_than_seconds"] >= 0:
            # an operator's on-demand run (`aws lambda invoke --payload '{"older_than_seconds": 0}'`, e.g. right
            # after an incident) need not wait for the usual limit; re-queueing a reply in flight is harmless: its
            # lease stops a second send
            limits = ReconcileLimits(never_attempted_seconds=event["older_than_seconds"])
        run = ports()
        report = reconcile(run.unsettled, run.dispatcher, run.clock(), limits)
        counts = {
            "acks_requeued": report.acks_requeued,
            "follow_ups_requeued": report.follow_ups_requeued,
            "handed_to_people": report.handed_to_people,
            "leases_expired": report.leases_expired,
            "cleaned": report.cleaned,
            "examined": report.examined,
            "findings": report.findings,
        }
        # findings mean a step failed somewhere (a lost queue message, a dead worker): an alarm watches them
        metrics.add_metric(name="ReconcilerFindings", unit="Count", value=report.findings)
        if report.findings:
            logger.warning("stuck interactions re-driven", extra=counts)
        else:
            logger.info("nothing stuck", extra=counts)
        return counts

    return lambda_handler


lambda_handler = build_handler()
