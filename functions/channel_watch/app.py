"""ChannelWatch: every 15 minutes (EventBridge Scheduler), notices webhooks that stopped arriving: channels quiet
for much longer than usual, Pages Meta no longer delivers for (subscribed_apps), a failing Telegram webhook."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ackline import bootstrap
from ackline.lambda_entry import scheduled_handler
from ackline.observability import logger, metrics
from ackline.usecases.channel_watch import watch_channels

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

    from ackline.ports import ChannelRegistry


@dataclass(frozen=True)
class ChannelWatchPorts:
    """What a run touches: the registry and the two platform probes. `build_handler` takes a provider of it, called
    once per run: in Lambda `channel_watch_ports` (the composition root's); a test passes one over the fakes."""

    channels: ChannelRegistry
    page_subscribed: Callable[[str], bool]  # is this Page still subscribed to our app's webhooks
    telegram_problem: Callable[[], str]  # the bot webhook's last error, "" when none
    clock: Callable[[], float]


def channel_watch_ports() -> ChannelWatchPorts:
    return ChannelWatchPorts(
        channels=bootstrap.channel_registry(),
        page_subscribed=bootstrap.meta_subscriptions().subscribed,
        telegram_problem=bootstrap.telegram_webhook().problem,
        clock=bootstrap.clock,
    )


def build_handler(
    ports: Callable[[], ChannelWatchPorts] = channel_watch_ports,
) -> Callable[[dict[str, Any], LambdaContext], dict[str, Any]]:
    @scheduled_handler
    def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        run = ports()
        report = watch_channels(
            run.channels, run.clock(), page_subscribed=run.page_subscribed, telegram_problem=run.telegram_problem
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

    return lambda_handler


lambda_handler = build_handler()
