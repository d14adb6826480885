"""Issue 7, classes 1, 8, 9 and 10 at the domain and use-case level: own handles, language, crisis and private-chat
wording, and the example brand refused in production. End-to-end: tests/e2e/test_triage_care.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ackline.contracts.x import parse_x_delivery
from ackline.domain.addressing import NOT_ADDRESSED_TO_US
from ackline.domain.decide import decide
from ackline.domain.language import UNDETERMINED, detect_language, ngram_model
from ackline.domain.model import Action, Decision, Intent, Kind, Platform, Priority, ReplyStatus, Visibility
from ackline.domain.policy import ASKS_FOR_DM, PolicyError, default_policy, is_example_policy
from ackline.domain.policy_checks import parse_policy
from ackline.domain.replies import compose_reply
from ackline.domain.suppression import ends_somewhere, listed_as_suppressed
from ackline.domain.triage import triage
from ackline.domain.windows import deliverable_visibility
from ackline.usecases.follow_up import follow_up
from ackline.usecases.ingest import ingest
from ackline.usecases.respond import EXAMPLE_POLICY_REFUSAL, alert_example_policy, respond
from ackline.usecases.staff_queue import suppressed_messages
from ackline_local.webhooks import x_mention
from tests.fakes import (
    InMemoryAlertGate,
    InMemoryCaseStore,
    InMemoryInteractionStore,
    RecordingAlerter,
    RecordingDispatcher,
    ScriptedReplier,
)
from tests.unit.builders import comment

POLICY = default_policy()
SAMPLES = Path(__file__).parent / "data" / "language_short_messages.jsonl"


def _mention(text: str, handle: str = "acme_support") -> object:
    return comment(text, platform=Platform.X, account_id="1500", account_handle=handle, author_id="29")


# --- 1. own handles -------------------------------------------------------------------------------------------------


def test_the_x_reader_knows_our_screen_name_from_the_mention_entities():
    [tweet] = parse_x_delivery(json.dumps(x_mention("@acme_support my wifi keeps dropping")).encode(), 1.0)
    assert tweet.account_handle == "acme_support"


@pytest.mark.parametrize("text", ["@acme_support my wifi keeps dropping", "@ACME_SUPPORT hi", "@acme_support"])
def test_a_mention_that_starts_with_our_handle_is_addressed_to_us(text):
    decision = triage(_mention(text))
    assert decision.action is not Action.SUPPRESS, decision.reasons
    assert "addressed to us: mentions our account" in decision.reasons


def test_our_handle_is_not_read_as_a_word_of_the_message():
    # "support" inside our own handle must not look like a request, nor the handle like a tagged friend
    with_handle = triage(_mention("@acme_support my order arrived broken and nobody answers"))
    without = triage(comment("my order arrived broken and nobody answers", platform=Platform.X))
    assert with_handle.intent is without.intent is Intent.COMPLAINT and with_handle.escalate


def test_the_policy_names_our_handles_when_the_event_does_not():
    raw = POLICY.model_dump(mode="json")
    raw["own_accounts"] = {"instagram": ["@acme"], "x": ["@acme_support", "1500"]}
    policy = parse_policy(raw)
    on_instagram = comment("@acme hello", platform=Platform.INSTAGRAM, account_id="17841")
    assert triage(on_instagram, policy).action is not Action.SUPPRESS
    # a message from one of our own accounts is our own, never answered
    ours = comment("We're looking into it", platform=Platform.X, author_id="1500", account_id="")
    assert triage(ours, policy).reasons == ("our own message (from one of the brand's own accounts)",)


def test_a_comment_only_tagging_friends_is_suppressed_with_a_reason_and_listed_for_staff():
    store, dispatcher = InMemoryInteractionStore(), RecordingDispatcher()
    tagging = comment("@sam look at this", external_id="c-tag")
    ingest([tagging], store, dispatcher, policy=POLICY)
    stored = store.get(tagging.key)
    assert stored is not None and stored.decision.action is Action.SUPPRESS
    assert NOT_ADDRESSED_TO_US in stored.decision.reasons
    assert dispatcher.acks == [] and dispatcher.follow_ups == []  # nobody paged, nothing sent
    assert [s.interaction.key for s in suppressed_messages(store, 10)] == [tagging.key]


def test_a_friend_tagged_in_a_direct_message_is_still_talking_to_us():
    dm = comment("@sam said I should ask you", platform=Platform.MESSENGER, kind=Kind.MESSAGE)
    assert triage(dm).action is not Action.SUPPRESS


def test_our_own_messages_and_reactions_are_not_listed_as_suppressed():
    own = comment("Thanks!", is_own=True)
    reaction = comment("", kind=Kind.ACTIVITY, activity="reaction")
    assert not listed_as_suppressed(own, triage(own)) and not listed_as_suppressed(reaction, triage(reaction))


_PLATFORM_KIND = st.sampled_from(
    [(Platform.FACEBOOK, Kind.COMMENT), (Platform.X, Kind.COMMENT), (Platform.INSTAGRAM, Kind.COMMENT)]
    + [(p, Kind.MESSAGE) for p in (Platform.MESSENGER, Platform.WHATSAPP, Platform.TELEGRAM, Platform.X)]
    + [(Platform.GENERIC, Kind.MESSAGE)]
)
_WORDS = st.sampled_from(
    ["@acme_support", "@sam", "@everyone", "wifi", "keeps", "dropping", "thanks", "love", "refund", "still", "no",
     "niks", "bedankt", "çok", "teşekkürler", "paczka", "nie", "fire", "burned", "buy", "cheap", "http://x.example/a",
     "?", "!!", "😍", "🙄", "the", "is", "de", "la", "und", "jamais", "danke", "¿", "when", "hi"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(words=st.lists(_WORDS, min_size=0, max_size=12), where=_PLATFORM_KIND)
def test_no_customer_message_ends_in_nothing(words, where):
    platform, kind = where
    message = comment(" ".join(words), platform=platform, kind=kind, account_handle="acme_support")
    decision = decide(message, POLICY)
    assert ends_somewhere(message, decision), (message.text, decision)


# --- 8. language ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("still no refund", "en"),
        ("no reply yet", "en"),
        ("nope", "en"),
        ("çok teşekkürler, harika", "tr"),
        ("mijn bestelling is nog steeds niet binnen en niemand reageert", "nl"),
        ("moje zamówienie nie dotarło, nikt nie odpowiada", "pl"),
        ("注文した商品が届きません", "ja"),
        ("شكرا جزيلا", "ar"),
        ("👍👍", "en"),  # no letters: nothing to get wrong
        ("la aplicación no funciona", "es"),  # "no" is no evidence of English
        ("tak", UNDETERMINED),  # yes in Polish, thanks in Danish: do not guess
        ("ok thx", "en"),
        ("@megan.r.x 👀👀", "en"),  # a handle is not a language, and emoji carry none
    ],
)
def test_detected_language(text, language):
    assert detect_language(text) == language


def test_short_messages_are_mostly_right_and_never_english_when_they_are_not():
    rows = [json.loads(line) for line in SAMPLES.read_text(encoding="utf-8").splitlines()]
    guesses = [(row["language"], detect_language(row["text"])) for row in rows]
    right = sum(expected == got for expected, got in guesses)
    wrong_language = [(e, g) for e, g in guesses if g not in (e, UNDETERMINED)]
    assert right / len(rows) >= 0.9
    assert not [(e, g) for e, g in wrong_language if g == "en"], "a non-English message read as English"
    assert len(wrong_language) <= len(rows) * 0.02


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Mijn pakket is kapot aangekomen en niemand reageert, echt belachelijk", "nl"),
        ("Paczka przyszła uszkodzona i nikt nie odpowiada, to jest skandal", "pl"),
    ],
)
def test_dutch_and_polish_complaints_get_their_own_fallback_and_a_case(text, language):
    decision = triage(comment(text))
    assert decision.escalate and decision.reply_template == f"fallback:{language}"
    # out of hours too: the (English) business-hours note must not follow a Polish acknowledgement
    reply = compose_reply(decision, comment(text), POLICY, out_of_hours=True).text
    assert (
        reply.startswith(POLICY.languages.fallback[language]) and POLICY.business_hours.out_of_hours_note not in reply
    )


def test_a_turkish_thank_you_is_not_answered_in_german():
    decision = triage(comment("çok teşekkürler, harika"))
    assert decision.reply_template == "fallback:tr"
    assert compose_reply(decision, comment("x"), POLICY).text != POLICY.languages.fallback["de"]


def test_an_undetermined_language_gets_the_neutral_default_and_a_person():
    decision = triage(comment("tak"))
    assert decision.language == UNDETERMINED and decision.escalate
    assert compose_reply(decision, comment("x"), POLICY).text.startswith(POLICY.languages.fallback["default"])


def test_the_shipped_language_model_loads_and_reads_short_messages():
    model = ngram_model()
    assert len(model.index) == 40_000 and set(model.languages) == {
        "en", "es", "fr", "de", "pt", "it", "nl", "pl", "tr", "sv", "da", "id"
    }  # fmt: skip
    language, probability = model.rank("il pacco non è ancora arrivato")
    assert language == "it" and probability > 0.9
    assert model.rank("👍") == ("", 0.0)


def test_the_shipped_policy_has_fallbacks_for_the_languages_customers_write_in():
    assert {"nl", "pl", "tr", "sv", "da", "id", "ar", "ja", "default"} <= set(POLICY.languages.fallback)


# --- 9. crisis and P1 wording ---------------------------------------------------------------------------------------

_KEYS = ("complaint", "crisis", "abuse", "question", "other", "faq", "praise", "price_objection", "feature_request")
_PLACES = [
    (Platform.FACEBOOK, Kind.COMMENT, Visibility.PUBLIC),
    (Platform.FACEBOOK, Kind.COMMENT, Visibility.PRIVATE),
    (Platform.INSTAGRAM, Kind.COMMENT, Visibility.PUBLIC),
    (Platform.INSTAGRAM, Kind.MESSAGE, Visibility.PRIVATE),
    (Platform.X, Kind.COMMENT, Visibility.PUBLIC),
    (Platform.X, Kind.MESSAGE, Visibility.PRIVATE),
    (Platform.MESSENGER, Kind.MESSAGE, Visibility.PRIVATE),
    (Platform.WHATSAPP, Kind.MESSAGE, Visibility.PRIVATE),
    (Platform.TELEGRAM, Kind.MESSAGE, Visibility.PRIVATE),
]


def _every_reply(key: str, platform: Platform, kind: Kind, visibility: Visibility, **decided: object) -> list[str]:
    template = "faq:returns" if key == "faq" else key
    decision = Decision(
        intent=Intent.OTHER, action=Action.REPLY, escalate=True, reply_template=template, visibility=visibility,
        **decided,  # type: ignore[arg-type]
    )  # fmt: skip
    texts = []
    for n in range(12):  # enough ids to reach every variant
        message = comment("x", platform=platform, kind=kind, external_id=f"m{n}", thread_id="42", author_id="42")
        texts.append(compose_reply(decision, message, POLICY).text)
    return texts


@pytest.mark.parametrize("key", _KEYS)
@pytest.mark.parametrize(("platform", "kind", "visibility"), _PLACES)
def test_no_reply_in_a_private_chat_asks_for_a_private_message(key, platform, kind, visibility):
    message = comment("x", platform=platform, kind=kind, thread_id="42", author_id="42")
    private = deliverable_visibility(message, visibility) is Visibility.PRIVATE
    for text in _every_reply(key, platform, kind, visibility):
        if private:
            assert not ASKS_FOR_DM.search(text), (platform, kind, text)


@pytest.mark.parametrize(("platform", "kind", "visibility"), _PLACES)
def test_the_p1_holding_statement_shows_sorrow_first_and_never_defers_to_business_hours(platform, kind, visibility):
    decision = Decision(
        intent=Intent.CRISIS, action=Action.REPLY, escalate=True, priority=Priority.P1, reply_template="crisis",
        visibility=visibility,
    )  # fmt: skip
    for n in range(8):
        message = comment("x", platform=platform, kind=kind, external_id=f"p{n}", thread_id="42", author_id="42")
        text = compose_reply(decision, message, POLICY, out_of_hours=True).text
        assert text.lower().startswith(("we're so sorry", "we're truly sorry")), text
        assert "thank you for" not in text.lower()
        assert POLICY.business_hours.out_of_hours_note not in text


def test_a_p2_case_out_of_hours_still_says_when_people_work():
    decision = Decision(
        intent=Intent.COMPLAINT, action=Action.REPLY, escalate=True, priority=Priority.P2, reply_template="complaint"
    )
    text = compose_reply(decision, comment("x"), POLICY, out_of_hours=True).text
    assert POLICY.business_hours.out_of_hours_note in text


def test_the_loader_refuses_private_chat_wording_that_asks_for_a_dm():
    raw = POLICY.model_dump(mode="json")
    raw["templates"]["crisis"]["private"] = [
        "We're so sorry{name}. Please send us a private message with your details."
    ]
    with pytest.raises(PolicyError, match=r"templates\.crisis\.private\[0\]: asks for a DM"):
        parse_policy(raw)


def test_the_loader_refuses_public_wording_that_would_reach_a_private_chat_asking_for_a_dm():
    raw = POLICY.model_dump(mode="json")
    del raw["templates"]["complaint"]["private"]  # Messenger would then get "... or send us a private message"
    with pytest.raises(PolicyError, match=r"templates\.complaint\.default\[0\]: asks for a DM"):
        parse_policy(raw)


# --- 10. no example brand in production -----------------------------------------------------------------------------


def test_the_shipped_policy_and_any_example_domain_are_the_example_brand():
    assert is_example_policy(POLICY)
    raw = POLICY.model_dump(mode="json")
    raw["brand"]["name"] = "Acme"
    assert is_example_policy(parse_policy(raw))  # still answering as care@northwind.example
    raw["offline_channel"] = {"kind": "email", "address": "care@acme.com", "phrase": "email us at care@acme.com"}
    raw["allowed_links"] = ["acme.com"]
    assert not is_example_policy(parse_policy(raw))


def test_with_the_opt_in_off_the_example_policy_sends_nothing_and_opens_a_case():
    store, cases, dispatcher, replier = (
        InMemoryInteractionStore(), InMemoryCaseStore(), RecordingDispatcher(), ScriptedReplier("r1")
    )  # fmt: skip
    praise = comment("Love it, thank you!")
    ingest([praise], store, dispatcher, policy=POLICY)
    outcome = respond(dispatcher.acks[0], store, replier, dispatcher, lambda: 1_002.0, refuse_example_policy=True)
    assert outcome.refused_example_policy and outcome.status is ReplyStatus.FAILED and replier.sent == []
    [hand_off] = dispatcher.follow_ups
    case = follow_up(hand_off, store, cases, 1_003.0)
    assert EXAMPLE_POLICY_REFUSAL in case.reasons and case.interaction_keys == (praise.key,)


def test_with_the_opt_in_on_the_example_policy_answers():
    store, dispatcher, replier = InMemoryInteractionStore(), RecordingDispatcher(), ScriptedReplier("r1")
    ingest([comment("Love it, thank you!")], store, dispatcher, policy=POLICY)
    outcome = respond(dispatcher.acks[0], store, replier, dispatcher, lambda: 1_002.0, refuse_example_policy=False)
    assert outcome.status is ReplyStatus.SENT and len(replier.sent) == 1


def test_people_are_alerted_about_the_example_policy_once_a_day_not_per_reply():
    alerter, gate = RecordingAlerter(), InMemoryAlertGate()
    sent = [alert_example_policy(alerter, gate, 1_000.0 + n) for n in range(5)]
    assert sent == [True, False, False, False, False] and len(alerter.alerts) == 1
    assert "example shipped with ackline" in alerter.alerts[0][1]
    assert alert_example_policy(alerter, gate, 1_000.0 + 24 * 3600 + 1) and len(alerter.alerts) == 2
    assert not alert_example_policy(None, InMemoryAlertGate(), 1.0)  # no topic configured: nothing to send
