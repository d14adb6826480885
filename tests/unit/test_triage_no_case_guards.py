"""The rules that spare a person a needless case must never take one from a customer who needs it: messages a
review wrote to catch them out (each with the reading that must hold)."""

import pytest

from ackline.domain.decide import decide
from ackline.domain.model import Action, Intent, Kind
from ackline.domain.policy import default_policy
from tests.unit.builders import comment


def dm(text: str):
    return comment(text, kind=Kind.MESSAGE)


@pytest.mark.parametrize("text", ["I will Sue you", "We are going to Sue Acme for this", "I'll Sue", "Time to Sue."])
def test_sue_after_a_verb_of_intent_is_the_lawsuit_whatever_its_capital(text):
    decision = decide(comment(text), default_policy())
    assert decision.intent is Intent.CRISIS and decision.escalate, decision.reasons


def test_sue_as_a_colleagues_name_is_still_a_name():
    decision = decide(comment("thanks to Sue at the Leeds store, she was lovely"), default_policy())
    assert decision.intent is Intent.PRAISE and not decision.escalate, decision.reasons


@pytest.mark.parametrize(
    "text",
    ["thanks! problem sorted on the app, the website problem persists", "fixed thanks. same problem on my other phone"],
)
def test_a_fix_masks_only_the_problem_in_its_own_clause(text):
    decision = decide(comment(text), default_policy())
    assert decision.escalate and decision.reply_template != "praise", decision.reasons


def test_a_customer_quoting_the_scam_that_took_their_card_is_a_person_not_spam():
    text = "Start earning $500 a week from home? That's what your fake page promised me and took my card details"
    decision = decide(comment(text + " http://x.example"), default_policy())
    assert decision.action is not Action.SUPPRESS and decision.escalate, decision.reasons


@pytest.mark.parametrize("text", ["hello hello hello", "hi hi"])
def test_a_greeting_repeated_into_an_inbox_is_not_small_talk(text):
    decision = decide(dm(text), default_policy())
    assert decision.escalate, decision.reasons


@pytest.mark.parametrize(
    "text", ["😂😂 the driver threw it over the fence", "💀💀 my whole delivery was someone else's shopping"]
)
def test_a_laugh_beside_a_mishap_is_not_banter(text):
    decision = decide(dm(text), default_policy())
    assert decision.escalate, decision.reasons


def test_thanks_for_a_charge_is_never_left_without_a_case():
    decision = decide(comment("thank you for charging me twice"), default_policy())
    assert decision.escalate and decision.reply_template != "praise", decision.reasons


@pytest.mark.parametrize(
    "text",
    [
        "thanks for the help I guess",
        "you guys are the best at losing parcels",
        "thanks so much for the lovely surprise charge",
        "fantastic service today, thank you (not)",
    ],
)
def test_praise_taken_back_or_turned_on_a_failure_is_never_thanked(text):
    decision = decide(comment(text), default_policy())
    assert decision.reply_template != "praise" and decision.escalate, decision.reasons


def test_thanks_beside_still_not_abroad_is_a_complaint():
    decision = decide(comment("dzięki za pomoc, dalej nie mam prądu"), default_policy())
    assert decision.intent is Intent.COMPLAINT and decision.escalate, decision.reasons


def test_plain_praise_is_still_thanked():
    decision = decide(comment("lovely staff, thank you"), default_policy())
    assert decision.reply_template == "praise" and not decision.escalate, decision.reasons
