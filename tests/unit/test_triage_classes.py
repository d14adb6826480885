"""The failure classes of issue 7 (2-7) and the asymmetric decision, through `triage` with the shipped model.

The messages are our own, written for these tests: none is a corpus row.
"""

import dataclasses

import pytest

from ackline.domain.guardrails import check_reply
from ackline.domain.model import Action, Intent, Kind, Platform, Priority
from ackline.domain.policy import default_policy
from ackline.domain.policy_checks import parse_policy
from ackline.domain.replies import compose_reply
from ackline.domain.triage import classify, triage
from ackline.domain.triage_model import EXTRA_HEADS, triage_model
from tests.unit.builders import SMALL_TALK_REASON, comment

PLAIN_PROBLEMS = [
    "the broadband keeps dropping out every night",
    "my order tracking has not moved since Tuesday",
    "the app won't open since the update",
    "card declined twice at the self checkout",
    "I pay £45 a month for this broadband and it drops daily",
]
SARCASM_AND_MIXED = [
    "Amazing how you managed to lose my parcel again",
    "Brilliant, logged me out for the third time today",
    "thanks so much for cancelling my order without telling me",
    "10/10 would get stranded again 👍",
    "The staff were lovely but the bathroom was filthy",
    "love the new app but it keeps crashing on checkout",
]
QUESTION_COMPLAINTS = [
    "One person on the returns desk and twelve of us waiting, seriously?",
    "How many times do I have to email you?",
    "is anyone there?? been waiting all morning",
]
SECURITY = [
    "there are two payments on my statement I don't recognise",
    "got a text pretending to be from you asking for my card details, phishing?",
    "someone logged into my account and changed the email",
]
SAFETY = [
    "the kettle base is overheating and smells of burning plastic",
    "my power bank started smoking on the desk",
    "the battery in the scooter is swollen",
    "left stranded at the depot at 11pm with no bus",
]
FALSE_ALARMS = [
    "this new chilli flavour is fire 🔥",
    "your support team is killing it",
    "the price hurt a bit but worth it",
]


@pytest.mark.parametrize("text", PLAIN_PROBLEMS + SARCASM_AND_MIXED + QUESTION_COMPLAINTS)
def test_problems_sarcasm_and_complaining_questions_get_an_apology_and_a_case(text):
    decision = triage(comment(text))
    assert decision.intent is Intent.COMPLAINT, decision.reasons
    assert decision.reply_template == "complaint" and decision.escalate and decision.priority is Priority.P2


@pytest.mark.parametrize("text", SECURITY)
def test_security_and_fraud_reach_a_person_first(text):
    decision = triage(comment(text))
    assert decision.intent is Intent.CRISIS and decision.priority is Priority.P1, decision.reasons
    assert decision.escalate and decision.reply_template == "crisis"


@pytest.mark.parametrize("text", SAFETY)
def test_safety_vocabulary_is_p1(text):
    decision = triage(comment(text))
    assert decision.intent is Intent.CRISIS and decision.priority is Priority.P1, decision.reasons
    assert any(r.startswith("safety: ") for r in decision.reasons)


@pytest.mark.parametrize("text", FALSE_ALARMS)
def test_false_alarms_page_nobody(text):
    decision = triage(comment(text))
    assert decision.intent not in {Intent.CRISIS, Intent.COMPLAINT}, decision.reasons
    assert decision.priority not in {Priority.P1, Priority.P2}
    assert not any(r.startswith(("safety:", "crisis:")) for r in decision.reasons)


def test_plain_praise_is_thanked_without_a_case():
    sure = triage(comment("One of my favourite products, love it."))
    assert sure.reply_template == "praise" and not sure.unsure and not sure.escalate
    assert sure.confidence >= 0.5


def _flat_model(**thresholds):
    """A model that knows nothing: every intent equally likely, a person needed and thanks fitting at 0.5."""
    return dataclasses.replace(
        triage_model(), rows={}, bias=(0.0,) * (len(Intent) + len(EXTRA_HEADS)), thresholds=thresholds
    )


def test_unsure_is_a_neutral_acknowledgement_and_a_case_with_its_reasons():
    # the flat model's "a person needed" (0.5) reaches escalate_min: kind words it is unsure of then get a case
    doubtful = _flat_model(praise_min=0.7, escalate_min=0.5, intent_min=0.6)
    decision = triage(comment("Love it!"), model=doubtful)
    assert decision.intent is Intent.PRAISE and decision.unsure
    assert decision.reply_template == "unsure" and decision.escalate and decision.priority is Priority.P3
    assert "unsure: not confidently positive (thanks fit 0.50 < 0.70)" in decision.reasons
    assert any(r.startswith("model: ") for r in decision.reasons)
    assert decision.confidence == pytest.approx(1 / len(Intent), abs=1e-3)
    # the same message, with a model sure enough of it, is thanked
    trusting = _flat_model(praise_min=0.4, escalate_min=0.6, intent_min=0.6)
    thanked = triage(comment("Love it!"), model=trusting)
    assert thanked.reply_template == "praise" and not thanked.unsure and not thanked.escalate
    # nothing recognised and a person may be needed: unsure rather than "we're here if you need anything"
    unplaced = triage(comment("well then"), model=_flat_model(praise_min=0.7, escalate_min=0.5, intent_min=0.6))
    assert unplaced.unsure and unplaced.reply_template == "unsure" and unplaced.escalate


def test_a_praise_word_beside_a_doubt_is_never_thanked_however_sure_the_model():
    trusting = _flat_model(praise_min=0.0, escalate_min=1.1, intent_min=1.1)
    for text in ("love it but the lid is stiff", "love it? not sure yet", "great job 🙄", "lovely, could you add blue"):
        decision = triage(comment(text), model=trusting)
        assert decision.reply_template != "praise", (text, decision.reasons)
        assert decision.escalate or decision.intent is Intent.FEATURE_REQUEST


@pytest.mark.parametrize("platform", list(Platform))
@pytest.mark.parametrize("template", ["unsure", "general_question"])
def test_the_unsure_and_general_question_replies_pass_every_guardrail(platform, template):
    policy = default_policy()
    for kind in (Kind.COMMENT, Kind.MESSAGE):
        interaction = comment("hmm interesting, not what I was told in store", platform=platform, kind=kind)
        decision = triage(interaction, policy).model_copy(update={"reply_template": template})
        reply = compose_reply(decision, interaction, policy)
        assert reply.text.startswith(("Thank", "Thanks")), reply.text
        assert check_reply(reply.text, platform, decision.visibility, policy) == []
        assert "sorry" not in reply.text.lower() and "delighted" not in reply.text.lower()


def test_a_policy_written_before_unsure_existed_gets_the_shipped_wording():
    raw = default_policy().model_dump(mode="json")
    del raw["templates"]["unsure"]
    older = parse_policy(raw)
    assert older.templates["unsure"].default[0].startswith("Thanks for getting in touch")


def test_rules_decide_what_must_never_hinge_on_a_probability():
    for text in ("the charger caught fire", "I'm taking this to the ombudsman", "Earn $500 a day with crypto, dm me"):
        found = classify(text)
        assert found.confidence == 1.0 and "decided by rule" in found.reasons
    assert triage(comment("Earn $500 a day with crypto, dm me")).action is Action.SUPPRESS


def test_a_general_question_is_pointed_to_the_help_pages_and_an_own_case_question_reaches_a_person():
    # a model sure that questions need no person: only the own-case and follow-up rules can hold one back
    relaxed = _flat_model(general_max=0.9)
    general = triage(comment("Do you offer gift wrapping at Christmas?"), model=relaxed)
    assert general.reply_template == "general_question" and not general.escalate
    assert "pointed to the brand's help pages" in general.reasons
    for own_case in ("Can I change the address on my order?", "is order 5531207 dispatched?", "and then??", "so?"):
        decision = triage(comment(own_case), model=relaxed)
        assert decision.escalate and decision.reply_template != "general_question", own_case
    # a brand without help pages leaves the template out: the question goes to a person
    raw = default_policy().model_dump(mode="json")
    del raw["templates"]["general_question"]
    without = triage(comment("Do you offer gift wrapping at Christmas?"), parse_policy(raw), model=relaxed)
    assert without.escalate and without.reply_template == "question"


# a threat to staff in the threatener's own words always reaches a person, never thanked or let go ...
THREATS = [
    "watch your back, I'll find you",
    "you will regret this",
    "I'm going to kill you if this happens again",
    "@mike I will kill you if you eat my last brownie 😂",  # a joke to a friend costs a glance, no more
]
# ... but it is a doubt, not abuse: fans hype, friends joke, and customers report what they were told
NOT_ABUSE = [
    "watch your back Nike, Acme is coming for you 🔥",
    "@mike I will kill you if you eat my last brownie 😂",
    'My ex keeps messaging "I will find you" through your app, how do I block him?',
    "The driver said I will find you if you leave a bad review",
]


@pytest.mark.parametrize("text", THREATS)
def test_a_threat_to_staff_reaches_a_person_with_the_neutral_reply(text):
    decision = triage(comment(text), default_policy())
    assert decision.escalate and decision.reply_template == "unsure", decision.reasons
    assert any(r.startswith("unsure: threat cue: ") for r in decision.reasons)


@pytest.mark.parametrize("text", NOT_ABUSE)
def test_a_threat_reported_joked_or_hyped_is_never_the_authors_abuse(text):
    decision = triage(comment(text), default_policy())
    assert decision.intent is not Intent.ABUSE and not decision.flag_author and decision.escalate, decision.reasons


def test_a_threat_reported_beside_a_safety_word_stays_a_crisis():
    text = 'One of your staff shouted "I\'m going to kill you" at my son in the car park'
    decision = triage(comment(text), default_policy())
    assert decision.intent is Intent.CRISIS and decision.priority is Priority.P1, decision.reasons


@pytest.mark.parametrize(
    "text", ["loved the store, hated the way the guard followed me around", "Loved the food, hated the 50 minute wait"]
)
def test_a_hated_experience_beside_kind_words_is_never_thanked_and_reaches_a_person(text):
    decision = triage(comment(text), default_policy())
    assert decision.escalate and decision.reply_template in {"unsure", "complaint"}, decision.reasons


def test_a_hated_past_beside_praise_gets_no_apology():
    # "I hated coffee until I tried yours" is a fan: the neutral acknowledgement, never "we're sorry"
    decision = triage(comment("I hated coffee until I tried yours ☕❤️"), default_policy())
    assert decision.intent is not Intent.COMPLAINT and decision.reply_template == "unsure", decision.reasons


@pytest.mark.parametrize("text", ["ta", "ok ta", "ta very much"])
def test_ta_is_thanks(text):
    decision = triage(comment(text), default_policy())
    assert SMALL_TALK_REASON in decision.reasons and not decision.escalate


@pytest.mark.parametrize("text", ["ta bom", "ta chegando?", "no ta funcionando"])
def test_ta_in_portuguese_and_spanish_is_no_thanks(text):
    assert SMALL_TALK_REASON not in triage(comment(text), default_policy()).reasons
