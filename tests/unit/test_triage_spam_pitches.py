"""A money-making pitch is spam even when its only other cues are a contact request and a link (which a customer
sending a photo also uses); a customer's own figures are never read as one."""

import pytest

from ackline.domain.decide import decide
from ackline.domain.model import Action, Intent
from ackline.domain.policy import default_policy
from tests.unit.builders import comment


@pytest.mark.parametrize(
    "text",
    [
        "Make $5000 a week from home!!! DM me now http://spam.example",
        "$300 a day from home, message me",
        "You can earn $400 per day with my system, dm me",
        "start earning £2k a month, link in bio",
    ],
)
def test_an_income_claim_beside_a_contact_or_link_is_spam(text):
    decision = decide(comment(text), default_policy())
    assert decision.intent is Intent.SPAM and decision.action is Action.SUPPRESS, decision.reasons


@pytest.mark.parametrize(
    "text",
    [
        "I made £20 a week less after your price rise, DM me please",
        "I make £300 a week and you want £45 a month? DM me",
        "paying £45 a month for broadband, please DM me the new price http://acme.example/plans",
    ],
)
def test_a_customers_own_figures_are_never_a_pitch(text):
    decision = decide(comment(text), default_policy())
    assert decision.intent is not Intent.SPAM and decision.action is not Action.SUPPRESS, decision.reasons
