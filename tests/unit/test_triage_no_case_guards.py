"""The rules that spare a person a needless case must never take one from a customer who needs it: messages a
review wrote to catch them out (each with the reading that must hold)."""

import pytest

from ackline.domain.decide import decide
from ackline.domain.model import Action, Intent, Kind
from ackline.domain.policy import default_policy
from ackline.domain.triage import classify, triage
from tests.unit.builders import SMALL_TALK_REASON, assert_a_case_not_thanked, comment
from tests.unit.test_triage_needless import _flat_model, _hesitant_model, _multilingual_policy


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
    assert_a_case_not_thanked(decision)


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
    assert_a_case_not_thanked(decision)


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


# --- review of the no-case rules of rules-18: the holes it found (each with the reading that must hold) ---

# thanks after a fix, and then a new problem in words the lexicon lacks, a fix that did not hold, an arrival that
# brought the problem, the wrong thing refunded, "oh great"
NOT_PUT_RIGHT_AFTER_ALL = [
    "my faulty washing machine was replaced, thanks, the new one flooded the kitchen",
    "thanks for the swap, the faulty router works great for ten minutes then dies",
    "thanks for the swap, the faulty router works great for five minutes then cuts out",
    "my broken order arrived today thanks",
    "refunded the wrong item, thanks",
    "broken boiler repaired thanks, engineer left a gas smell in the kitchen",
    "thanks for the quick repair on the broken lift, my mum was trapped in it for two hours",
    "oh great, thanks for replacing my faulty phone with a refurbished one that dies every night",
    "thanks for swapping my faulty meter, now the bill has tripled",
]


@pytest.mark.parametrize("text", NOT_PUT_RIGHT_AFTER_ALL)
def test_a_fix_followed_by_a_new_problem_keeps_its_problem_word(text):
    # the rules' reading alone (a model that never overrides them): the problem word is not masked
    found = classify(text, model=_flat_model(praise_min=0.7, escalate_min=0.6, intent_min=1.1))
    assert found.intent in {Intent.COMPLAINT, Intent.CRISIS}, found.reasons
    decision = triage(comment(text), default_policy())
    assert_a_case_not_thanked(decision)


def test_a_problem_read_as_put_right_is_never_thanked_with_the_praise_template():
    sure = _hesitant_model(thanks_fit=0.95, escalate=0.05)
    put_right = triage(comment("thanks for the quick swap on the faulty charger, new one works great"), model=sure)
    assert put_right.intent is Intent.PRAISE and not put_right.escalate, put_right.reasons
    assert put_right.reply_template == "other"
    plain = triage(comment("thanks, lovely service"), model=sure)
    assert plain.reply_template == "praise", plain.reasons


# thanks and a fix report, then a clause that limits or undoes it, in the policy's other languages
FIX_UNDONE_ELSEWHERE = [
    "teşekkürler, para yattı, yarısı eksik",  # noqa: RUF001 - Turkish dotless i
    "obrigado, o reembolso chegou mas só metade",
    "obrigado, chegou mas veio partido",
    "obrigado, chegou, faltam peças",
    "gracias, llegó, abierto y vacío",
    "gracias, ya funciona, solo una hora",
    "danke, geht wieder, für zehn Minuten",
    "bedankt, werkt weer, tot de volgende storing",
    "merci ça marche, enfin pendant cinq minutes",
    "thanks, that fixed it for about an hour",
]


@pytest.mark.parametrize("text", FIX_UNDONE_ELSEWHERE)
def test_a_fix_report_limited_or_undone_keeps_its_case(text):
    decision = triage(dm(text), _multilingual_policy(), model=_hesitant_model(thanks_fit=0.4))
    assert_a_case_not_thanked(decision)


@pytest.mark.parametrize(
    "text",
    ["zwrot przyszedł na konto, dzięki wielkie za pomoc", "Thanks Leah, the bill looks right now. Appreciate it."],
)
def test_a_fix_report_beside_thanks_alone_still_needs_no_case(text):
    decision = triage(comment(text), _multilingual_policy(), model=_hesitant_model(thanks_fit=0.4))
    assert not decision.escalate and decision.reply_template == "other", decision.reasons


# small talk: no emoji but a friendly one, never curt or shouted, thread closings only in a private message
NOT_SMALL_TALK_AFTER_ALL = [
    *("have a nice day 🖕", "ok got it 🖕", "understood 😭", "merry christmas 😭", "ok got it 😢", "fair enough 😞"),
    *("got it 💔", "got it 😡", "no problem 😡", "no worries, i will try again tomorrow 😤", "have a great weekend 😡"),
    *("UNDERSTOOD.", "FAIR ENOUGH.", "understood!!!", "Have a nice day.", "ok. have a nice day then"),
]


@pytest.mark.parametrize("text", NOT_SMALL_TALK_AFTER_ALL)
def test_a_closing_with_an_unfriendly_emoji_or_said_curtly_is_not_small_talk(text):
    decision = triage(dm(text), _multilingual_policy())
    assert decision.escalate, decision.reasons
    assert SMALL_TALK_REASON not in decision.reasons


@pytest.mark.parametrize("text", ["no problem", "testing", "got it"])
def test_a_thread_closing_is_small_talk_only_in_a_private_message(text):
    assert SMALL_TALK_REASON not in triage(comment(text), default_policy()).reasons
    assert SMALL_TALK_REASON in triage(dm(text), default_policy()).reasons


@pytest.mark.parametrize("text", ["thanks 🙏", "merry christmas 🎄", "got it 👍", "have a great weekend!!"])
def test_small_talk_with_a_friendly_emoji_still_needs_no_case(text):
    decision = triage(dm(text), _multilingual_policy())
    assert not decision.escalate and SMALL_TALK_REASON in decision.reasons


# "how do I <verb> my <thing>": never a way out, this customer's own case or a hazard
NOT_HELP_PAGES = [
    *("how do I transfer my number to another network?", "how do I switch my supplier?"),
    *("how do I turn off my auto renewal?", "how do I delete my profile permanently?", "how do I delete my data?"),
    *("how do I transfer my balance to another bank?", "how do I turn off my gas?", "how do I redeem my compensation?"),
    *("how do I check my claim?", "how do I use my warranty?", "how do I find my package?"),
    "how do I check my delivery status?",
]


@pytest.mark.parametrize("text", NOT_HELP_PAGES)
def test_a_way_out_an_own_case_or_a_hazard_is_not_a_help_pages_question(text):
    decision = triage(comment(text), default_policy(), model=_flat_model(general_max=0.9))
    assert decision.escalate and decision.reply_template != "general_question", decision.reasons


# a customer leaving, however kindly, and thanks for a sum far smaller than the one beside it
@pytest.mark.parametrize(
    "text",
    [
        "thank you, you've been great, please close my account",
        "great service, I'll be switching to your competitor next month",
        "thanks for the £2 refund on an £80 order",
        "thanks for refunding £2 of £80",
        "danke für die Erstattung von 2 € von 80 €",
    ],
)
def test_a_kind_goodbye_or_a_belittled_refund_reaches_a_person(text):
    decision = triage(comment(text), default_policy())
    assert_a_case_not_thanked(decision)


def test_an_abusive_emoji_beside_kind_words_is_never_thanked():
    decision = triage(comment("happy new year 💩"), default_policy())
    assert decision.reply_template != "praise", decision.reasons


@pytest.mark.parametrize(
    "text", ["lol cheers, the driver threw it over the fence", "thanks for the help 😂", "haha thank you so much"]
)
def test_thanks_beside_a_laugh_is_never_thanked_back(text):
    # as often a sneer as a thank-you, and what follows may be a problem the lexicon has no word for
    for message in (comment(text), dm(text)):
        decision = decide(message, default_policy())
        assert decision.reply_template != "praise", decision.reasons


def test_thanks_a_laugh_and_a_mishap_reach_a_person():
    decision = decide(dm("lol cheers, the driver threw it over the fence"), default_policy())
    assert_a_case_not_thanked(decision)


def test_kind_words_and_a_laugh_are_still_thanked():
    decision = decide(comment("haha thanks so much, you guys are the best"), default_policy())
    assert decision.reply_template == "praise" and not decision.escalate, decision.reasons


@pytest.mark.parametrize("text", ["happy christmas 🖕", "have a nice day 🖕", "love the new store 🖕"])
def test_the_middle_finger_is_abuse_whatever_stands_beside_it(text):
    decision = decide(comment(text), default_policy())
    assert decision.intent is Intent.ABUSE and decision.escalate, decision.reasons


def test_a_playful_emoji_beside_kind_words_is_not_abuse():
    decision = decide(comment("the kids love the 💩 plushie"), default_policy())
    assert decision.intent is not Intent.ABUSE, decision.reasons


@pytest.mark.parametrize(
    "text",
    [
        "love that my 'express' order is now arriving after the event I bought it for 🥳 thanks",
        'Fantastic, the "unlimited" data plan just throttled me to dial-up speeds. Love it.',
    ],
)
def test_a_word_in_quotes_beside_kind_words_is_never_thanked(text):
    # quotes are how irony is marked: the praise words around them say the opposite
    for message in (comment(text), dm(text)):
        decision = decide(message, default_policy())
        assert decision.reply_template != "praise" and decision.escalate, decision.reasons


@pytest.mark.parametrize("text", ["ur customer service team are thick as sh*t", "you're all f**king idiots"])
def test_a_swear_word_with_its_letters_starred_out_is_read_as_the_word(text):
    decision = decide(dm(text), default_policy())
    assert decision.intent is Intent.ABUSE and decision.escalate, decision.reasons


def test_an_exclamation_mark_is_not_a_starred_word():
    decision = decide(comment("wow! love it, the new store is gorgeous"), default_policy())
    assert decision.intent is Intent.PRAISE and not decision.escalate, decision.reasons


@pytest.mark.parametrize("text", ["@acme_support got it, cheers", "thanks 🙂 will do"])
def test_thanks_alone_gets_the_neutral_reply_not_the_praise_template(text):
    decision = decide(comment(text), default_policy())
    assert decision.reply_template != "praise" and not decision.escalate, decision.reasons


def test_praise_only_the_model_reads_in_a_message_to_a_friend_is_not_answered():
    decision = decide(comment("@tom_h this is your sign to finally buy a proper coat"), default_policy())
    assert decision.action is Action.SUPPRESS and not decision.escalate, decision.reasons


def test_kind_words_to_us_while_tagging_a_friend_are_still_answered():
    decision = decide(comment("@tom_h the staff at the Leeds store were lovely, go there"), default_policy())
    assert decision.action is not Action.SUPPRESS, decision.reasons
