"""Missed-webhook detection through the ports: silence relative to the channel's usual gap, unsubscribed Pages,
a failing Telegram webhook; a failed check is reported, not raised."""

from ackline.domain.channels import Channel, is_silent, silence_limit
from ackline.usecases.channel_watch import watch_channels

NOW = 1_767_000_000.0
HOUR = 3600.0


class Registry:
    def __init__(self, *channels):
        self._channels = list(channels)

    def seen(self, channels, now):
        raise AssertionError("the watch never marks channels")

    def channels(self):
        return self._channels


def _busy(key="facebook#1044", quiet_for=0.0):
    # heard from in 600 minutes over 10 hours: usually a webhook every minute
    return Channel(key, first_seen=NOW - 10 * HOUR - quiet_for, last_seen=NOW - quiet_for, active_minutes=600)


def test_silence_is_measured_against_the_channels_usual_gap():
    assert silence_limit(_busy()) == HOUR  # six one-minute gaps is less than the one-hour floor
    assert not is_silent(_busy(quiet_for=50 * 60), NOW)
    assert is_silent(_busy(quiet_for=2 * HOUR), NOW)
    # a quiet channel (a message every few hours) is not silent after two hours
    sparse = Channel("x#1500", first_seen=NOW - 30 * 24 * HOUR, last_seen=NOW - 2 * HOUR, active_minutes=200)
    assert silence_limit(sparse) > 20 * HOUR and not is_silent(sparse, NOW)
    # too little history: never alarms
    assert not is_silent(Channel("x#1", NOW - 48 * HOUR, NOW - 47 * HOUR, 3), NOW)


def test_the_watch_reports_silent_channels_unsubscribed_pages_and_telegram_problems():
    registry = Registry(_busy(quiet_for=3 * HOUR), _busy("facebook#2088"), _busy("telegram#77"), _busy("x#1500"))
    asked = []

    def subscribed(page):
        asked.append(page)
        return page != "2088"

    report = watch_channels(registry, NOW, subscribed, lambda: "delivery error: Connection timed out (12 pending)")
    assert report.channels == 4 and report.silent == ("facebook#1044",)
    assert asked == ["1044", "2088"] and report.unsubscribed == ("facebook#2088",)
    assert "Connection timed out" in report.telegram_problem and report.failed_checks == ()


def test_a_failed_check_is_reported_and_the_rest_still_run():
    registry = Registry(_busy("facebook#1"), _busy("facebook#2"), _busy("telegram#7"))

    def subscribed(page):
        if page == "1":
            raise RuntimeError("Graph 500")
        return False

    def telegram():
        raise TimeoutError

    report = watch_channels(registry, NOW, subscribed, telegram)
    assert report.unsubscribed == ("facebook#2",)
    assert report.failed_checks == ("facebook#1: RuntimeError", "telegram: TimeoutError")
