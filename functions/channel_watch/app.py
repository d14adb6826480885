"""ChannelWatch: every 15 minutes (EventBridge Scheduler), notices webhooks that stopped arriving: channels quiet
for much longer than usual, Pages Meta no longer delivers for (subscribed_apps), a failing Telegram webhook."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from ackline import bootstrap
from ackline.observability import logger, metrics, traced_handler
from ackline.usecases.channel_watch import watch_channels


@logger.inject_lambda_context
@traced_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    report = watch_channels(
        bootstrap.channel_registry(),
        bootstrap.clock(),
        page_subscribed=bootstrap.meta_subscriptions().subscribed,
        telegram_problem=bootstrap.telegram_webhook().problem,
    )
    # each has an alarm (ChannelHealthAlarm); the log names the channels
    metrics.add_metric(name="SilentChannels", unit="Count", value=len(report.silent))
    metrics.add_metric(name="UnsubscribedPages", unit="Count", value=len(report.unsubscribed))
    metrics.add_metric(name="TelegramWebhookProblems", unit="Count", value=int(bool(report.telegram_problem)))
    result = {
        "channels": report.channels,
        "silent": list(report.silent),
        "unsubscribed": list(report.unsubscribed),
        "telegram_problem": report.telegram_problem,
        "failed_checks": list(report.failed_checks),
    }
    if report.silent or report.unsubscribed or report.telegram_problem or report.failed_checks:
        logger.warning("webhooks may not be arriving", extra=result)
    return result
