"""The ChannelWatch function's lambda_handler (scheduled), built by its handler factory over the fakes: a channel
quiet for much longer than usual, a Page no longer subscribed, a failing Telegram webhook, a failed check."""

from __future__ import annotations

from typing import Any

from ackline.domain.channels import Channel
from functions.channel_watch.app import ChannelWatchPorts, build_handler
from tests.handlers.conftest import World, context

CONTEXT = context("ackline-ChannelWatchFunction")
HOUR = 3600.0
NOW = 1_767_000_000.0


def _busy(key: str, quiet_for: float = 0.0) -> Channel:
    # heard from in 600 minutes over 10 hours: usually a webhook every minute
    return Channel(key, first_seen=NOW - 10 * HOUR - quiet_for, last_seen=NOW - quiet_for, active_minutes=600)


def test_the_watch_reports_what_may_have_stopped_arriving(world: World) -> None:
    for channel in (_busy("facebook#1044", quiet_for=3 * HOUR), _busy("facebook#2088"), _busy("facebook#3000")):
        world.channels.seen_at[channel.key] = channel
    world.channels.seen_at["telegram#77"] = _busy("telegram#77")
    world.clock.now = NOW

    def page_subscribed(page_id: str) -> bool:
        if page_id == "3000":
            raise TimeoutError("Graph API did not answer")
        return page_id != "2088"

    ports = ChannelWatchPorts(
        channels=world.channels,
        page_subscribed=page_subscribed,
        telegram_problem=lambda: "Wrong response from the webhook: 502 Bad Gateway",
        clock=world.clock,
    )
    result = build_handler(lambda: ports)({}, CONTEXT)
    assert result == {
        "channels": 4,
        "silent": ["facebook#1044"],
        "unsubscribed": ["facebook#2088"],
        "telegram_problem": "Wrong response from the webhook: 502 Bad Gateway",
        "failed_checks": ["facebook#3000: TimeoutError"],
    }


def test_all_quiet_is_an_empty_report(world: World) -> None:
    world.channels.seen_at["facebook#1044"] = _busy("facebook#1044")
    world.clock.now = NOW
    ports = ChannelWatchPorts(
        channels=world.channels, page_subscribed=lambda page: True, telegram_problem=lambda: "", clock=world.clock
    )
    result: dict[str, Any] = build_handler(lambda: ports)({}, CONTEXT)
    assert result == {"channels": 1, "silent": [], "unsubscribed": [], "telegram_problem": "", "failed_checks": []}
