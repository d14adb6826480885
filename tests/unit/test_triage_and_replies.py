"""The first rule set and the reply texts it selects."""

import pytest

from ackline.domain.model import Action, Intent, Kind, Platform, Priority
from ackline.domain.replies import TEMPLATES, render_reply, safe_first_name
from ackline.domain.triage import triage
from tests.unit.builders import comment


@pytest.mark.parametrize(
    ("text", "intent", "action", "escalate"),
    [
        ("I love this! Can't wait to get it!", Intent.PRAISE, Action.REPLY, False),
        ("I didn't like this product.", Intent.COMPLAINT, Action.REPLY, True),
        ("My order arrived broken and nobody answers", Intent.COMPLAINT, Action.REPLY, True),
        ("Is the blue one back in stock?", Intent.QUESTION, Action.REPLY, True),
        ("My child was injured by the charger", Intent.CRISIS, Action.REPLY, True),
        ("Earn $500 a day with crypto, dm me to earn", Intent.SPAM, Action.SUPPRESS, False),
        ("ok", Intent.OTHER, Action.REPLY, False),
    ],
)
def test_rules(text, intent, action, escalate):
    decision = triage(comment(text))
    assert (decision.intent, decision.action, decision.escalate) == (intent, action, escalate)
    assert decision.reasons


def test_crisis_is_top_priority_and_complaint_next():
    assert triage(comment("the heater caught fire")).priority is Priority.P1
    assert triage(comment("worst service ever")).priority is Priority.P2


def test_own_messages_and_activity_are_never_answered():
    assert triage(comment("thanks!", is_own=True)).action is Action.SUPPRESS
    assert triage(comment("", kind=Kind.ACTIVITY, activity="reaction add")).action is Action.SUPPRESS


def test_raw_events_go_to_a_person():
    decision = triage(comment("", kind=Kind.RAW))
    assert decision.action is Action.ESCALATE_ONLY and decision.escalate


def test_platform_without_a_reply_client_escalates_instead_of_replying():
    from ackline.domain.decide import decide

    assert decide(comment("Love it")).action is Action.REPLY
    decision = decide(comment("Love it", platform=Platform.TELEGRAM))
    assert decision.action is Action.ESCALATE_ONLY and decision.escalate
    assert any("no automated reply channel for telegram" in r for r in decision.reasons)


@pytest.mark.parametrize(
    ("display_name", "expected"),
    [
        ("Dana Rivers", "Dana"),
        ("José", "José"),
        ("@everyone visit evil.example", ""),
        ("<script>alert(1)</script>", ""),
        ("http://evil.example", ""),
        ("#sale", ""),
        ("", ""),
        ("A" * 31, ""),
    ],
)
def test_only_plain_first_names_are_used(display_name, expected):
    assert safe_first_name(display_name) == expected


def test_reply_never_echoes_a_hostile_name_and_varies_by_interaction():
    reply = render_reply("praise", "facebook#1", "@everyone visit evil.example")
    assert "@" not in reply and "evil" not in reply
    variants = {render_reply("praise", f"facebook#{i}", "Dana") for i in range(30)}
    assert len(variants) == len(TEMPLATES["praise"])
    assert all("Dana" in v for v in variants)


def test_complaint_reply_apologises_and_offers_to_take_it_offline():
    for seed in range(10):
        reply = render_reply("complaint", str(seed))
        assert "sorry" in reply.lower() and ("private" in reply.lower() or "email" in reply.lower())
