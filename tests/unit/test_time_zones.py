"""Business hours must resolve even where the OS ships no zone database (Lambda's minimal images)."""

import zoneinfo
from importlib import resources

from ackline.domain.policy_checks import parse_policy


def test_the_shipped_policy_loads_with_no_system_zone_database():
    text = resources.files("ackline").joinpath("policy/default_policy.json").read_text(encoding="utf-8")
    try:
        zoneinfo.reset_tzpath(to=[])  # as on an image without /usr/share/zoneinfo: only the tzdata package is left
        zoneinfo.ZoneInfo.clear_cache()
        policy = parse_policy(text)
        assert policy.business_hours.timezone == "Europe/London"
        assert isinstance(policy.business_hours.is_open(1_767_225_600.0), bool)
    finally:
        zoneinfo.reset_tzpath()
        zoneinfo.ZoneInfo.clear_cache()
