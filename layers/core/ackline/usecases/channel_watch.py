"""Missed-webhook detection: channels gone quiet for much longer than usual, Pages Meta no longer delivers for,
and a Telegram webhook Telegram reports failing. Each finding is a metric with an alarm (the deployer's alarm
topic) and a log line naming the channel; the backfill then recovers what was missed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ackline.domain.channels import is_silent
from ackline.domain.model import Platform
from ackline.ports import ChannelRegistry


@dataclass(frozen=True)
class ChannelReport:
    channels: int = 0
    silent: tuple[str, ...] = ()
    unsubscribed: tuple[str, ...] = ()  # Facebook Pages whose subscribed_apps is empty
    telegram_problem: str = ""
    failed_checks: tuple[str, ...] = field(default_factory=tuple)


def watch_channels(
    registry: ChannelRegistry,
    now: float,
    page_subscribed: Callable[[str], bool] | None = None,
    telegram_problem: Callable[[], str] | None = None,
) -> ChannelReport:
    channels = registry.channels()
    silent = tuple(c.key for c in channels if is_silent(c, now))
    unsubscribed: list[str] = []
    failed: list[str] = []
    if page_subscribed is not None:
        for channel in channels:
            if channel.platform != Platform.FACEBOOK.value:
                continue
            try:
                if not page_subscribed(channel.account_id):
                    unsubscribed.append(channel.key)
            except Exception as error:  # one Page's failed check must not hide the others
                failed.append(f"{channel.key}: {type(error).__name__}")
    problem = ""
    if telegram_problem is not None and any(c.platform == Platform.TELEGRAM.value for c in channels):
        try:
            problem = telegram_problem()
        except Exception as error:  # a failed check is reported, not raised
            failed.append(f"telegram: {type(error).__name__}")
    return ChannelReport(
        channels=len(channels),
        silent=silent,
        unsubscribed=tuple(unsubscribed),
        telegram_problem=problem,
        failed_checks=tuple(failed),
    )
