"""The brand policy file: the shipped example loads, and a bad one is refused with a clear reason."""

import json

import pytest

from ackline.domain.model import Platform, Priority, Visibility
from ackline.domain.policy import PolicyError, default_policy, parse_policy


def _shipped() -> dict:
    return default_policy().model_dump(mode="json")


def test_the_shipped_policy_is_valid_and_complete():
    policy = default_policy()
    assert policy.brand.name and policy.offline_channel.phrase
    assert policy.sla_minutes(Priority.P1) == 15
    assert policy.speaks("en") and not policy.speaks("es")
    assert policy.fallback_for("xx") == policy.languages.fallback["default"]
    assert policy.visibility_for(Platform.MESSENGER, public_message=True) is Visibility.PRIVATE
    assert policy.visibility_for(Platform.FACEBOOK, public_message=True) is Visibility.PUBLIC


def test_a_round_trip_through_json_gives_the_same_policy():
    assert parse_policy(json.dumps(_shipped())) == default_policy()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p: p["templates"]["praise"].update(default=["Thanks lol{name}"]), "slang: lol"),
        (lambda p: p["templates"]["complaint"].update(default=["We will fix this by tomorrow{name}."]), "promise"),
        (lambda p: p["templates"]["praise"].update(default=["Hi {nickname}"]), "unknown placeholder"),
        (lambda p: p["templates"].pop("crisis"), "missing template 'crisis'"),
        (lambda p: p.update(surprise=True), "surprise"),
        (lambda p: p["business_hours"].update(timezone="Mars/Olympus"), "unknown time zone"),
        (lambda p: p["business_hours"].update(opens="9am"), "HH:MM"),
        (lambda p: p["thresholds"]["sla_minutes"].pop("P1"), "missing SLA minutes for P1"),
        (lambda p: p["languages"]["fallback"].pop("default"), 'needs a "default"'),
        (lambda p: p["offline_channel"].update(kind="email", address=""), "needs an address"),
        (lambda p: p.update(banned_phrases=["thank you"]), "banned_phrase"),
    ],
)
def test_invalid_policies_are_refused_with_the_reason(change, message):
    raw = _shipped()
    change(raw)
    with pytest.raises(PolicyError) as refused:
        parse_policy(raw)
    assert message in str(refused.value)


def test_not_json_is_refused_clearly():
    with pytest.raises(PolicyError, match="not valid JSON"):
        parse_policy("{nope")


def test_business_hours():
    hours = default_policy().business_hours
    monday_noon_london = 1_700_482_800  # 2023-11-20 12:20 UTC, a Monday
    assert hours.is_open(monday_noon_london)
    assert not hours.is_open(monday_noon_london + 5 * 24 * 3600)  # Saturday
