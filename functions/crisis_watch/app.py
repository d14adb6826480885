"""CrisisWatch: every minute (EventBridge Scheduler), ends automatic crisis mode once the window calms, and sends
a switch-on's alert if the webhook that switched it could not."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ackline import bootstrap
from ackline.lambda_entry import scheduled_handler
from ackline.observability import logger, metrics
from ackline.usecases.crisis import watch

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

    from ackline.domain.policy import BrandPolicy
    from ackline.ports import Alerter, CrisisStore


@dataclass(frozen=True)
class CrisisWatchPorts:
    """What a run touches. `build_handler` takes a provider of it, called once per run: in Lambda
    `crisis_watch_ports` (the composition root's, the brand policy re-read as before); a test passes one over the
    fakes."""

    crisis: CrisisStore
    policy: BrandPolicy
    alerter: Alerter | None  # no alert topic configured
    clock: Callable[[], float]


def crisis_watch_ports() -> CrisisWatchPorts:
    return CrisisWatchPorts(
        crisis=bootstrap.crisis_store(),
        policy=bootstrap.brand_policy(),
        alerter=bootstrap.alerter(),
        clock=bootstrap.clock,
    )


def build_handler(
    ports: Callable[[], CrisisWatchPorts] = crisis_watch_ports,
) -> Callable[[dict[str, Any], LambdaContext], dict[str, int]]:
    @scheduled_handler
    def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
        run = ports()
        report = watch(run.crisis, run.policy, run.clock(), run.alerter)
        counts = {"on": report.on, "switched_off": report.switched_off, "alerted": report.alerted}
        if report.switched_off:
            logger.warning("crisis mode switched off: the window calmed", extra=counts)
            metrics.add_metric(name="CrisisModeOff", unit="Count", value=report.switched_off)
        metrics.add_metric(name="AccountsInCrisisMode", unit="Count", value=report.on)
        return counts

    return lambda_handler


lambda_handler = build_handler()
