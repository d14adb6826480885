"""CrisisWatch: every minute (EventBridge Scheduler), ends automatic crisis mode once the window calms, and sends
a switch-on's alert if the webhook that switched it could not."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from ackline import bootstrap
from ackline.observability import logger, metrics, traced_handler
from ackline.usecases.crisis import watch


@logger.inject_lambda_context
@traced_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    report = watch(bootstrap.crisis_store(), bootstrap.brand_policy(), bootstrap.clock(), bootstrap.alerter())
    counts = {"on": report.on, "switched_off": report.switched_off, "alerted": report.alerted}
    if report.switched_off:
        logger.warning("crisis mode switched off: the window calmed", extra=counts)
        metrics.add_metric(name="CrisisModeOff", unit="Count", value=report.switched_off)
    metrics.add_metric(name="AccountsInCrisisMode", unit="Count", value=report.on)
    return counts
