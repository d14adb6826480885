"""Guardrails on every automated reply, and the composer that must never trip them."""

from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ackline.domain.guardrails import check_reply
from ackline.domain.model import Intent, Kind, Platform, Visibility
from ackline.domain.policy import default_policy
from ackline.domain.replies import compose_reply, safe_first_name, variants_used
from ackline.domain.triage import triage
from tests.unit.builders import comment

POLICY = default_policy()


def _rules(text, platform=Platform.FACEBOOK, visibility=Visibility.PUBLIC):
    return {v.rule for v in check_reply(text, platform, visibility, POLICY)}


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Thanks! We will fix it by tomorrow.", "promise"),
        ("This is coming soon.", "promise"),
        ("We guarantee it.", "promise"),
        ("No worries mate, haha", "slang"),
        ("Thanks 😂", "humour"),
        ("Please calm down.", "banned_phrase"),
        ("Thanks, visit evil.example for more", "link"),
        ("See https://evil.example/x", "link"),
        ("Thanks @everyone", "mention"),
        ("Thanks #sale", "hashtag"),
        ("Thanks <script>alert(1)</script>", "markup"),
        ("Thanks [click](http://x.example)", "markup"),
        ("Thanks\u202eevil", "invisible"),
        ("Thanks\u200bfriend", "invisible"),
        ("", "empty"),
        ("a" * 8001, "too_long"),
    ],
)
def test_each_guardrail(text, rule):
    assert rule in _rules(text)


def test_x_counts_weighted_characters():
    assert "too_long" in _rules("日本" * 141, Platform.X)
    assert "too_long" not in _rules("a" * 280, Platform.X)
    assert "too_long" in _rules("a" * 1001, Platform.INSTAGRAM, Visibility.PRIVATE)


def test_our_own_address_is_allowed():
    assert not _rules("Please email us at care@northwind.example so we can help.")


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
        ("D\u0430na", ""),  # a Cyrillic letter inside a Latin name
        ("\u202eDana", ""),
    ],
)
def test_only_plain_first_names_are_used(display_name, expected):
    assert safe_first_name(display_name) == expected


def _reply(text, name="Dana Rivers", platform=Platform.FACEBOOK, **overrides):
    interaction = comment(text, author_name=name, platform=platform, **overrides)
    return compose_reply(triage(interaction, POLICY), interaction, POLICY)


def test_complaint_reply_apologises_and_offers_to_take_it_offline():
    reply = _reply("My order arrived broken and nobody answers").text
    assert "sorry" in reply.lower() and "care@northwind.example" in reply


def test_praise_uses_the_first_name_and_a_hostile_name_is_dropped():
    assert "Dana" in _reply("One of my favourite products, love it.").text
    hostile = _reply("Love it", name="@everyone visit evil.example").text
    assert "@" not in hostile and "evil" not in hostile


def test_a_name_that_would_break_a_guardrail_is_left_out():
    reply = _reply("Love it", name="Lol Jones").text
    assert "Lol" not in reply and not _rules(reply)


def test_price_objection_carries_the_genuine_offer_and_no_joke():
    reply = _reply("This is a bit expensive.").text
    assert POLICY.offers[0] in reply and not _rules(reply)


def test_faq_answer_and_language_fallback():
    assert "9am to 8pm" in _reply("What are your opening hours on Sunday?").text
    assert _reply("¿Hacen envíos a España? Muchas gracias").text.startswith("Gracias por tu mensaje")


def test_x_replies_fit_and_carry_no_sign_off():
    reply = _reply("My child was injured by the charger", platform=Platform.X, name="日本語の名前です").text
    assert not _rules(reply, Platform.X) and "Northwind Care" not in reply


def test_consecutive_replies_to_one_author_differ():
    sent: list[str] = []
    for i in range(6):
        interaction = comment("Love it!", external_id=f"c{i}")
        decision = triage(interaction, POLICY)
        recent = variants_used(decision, interaction, POLICY, sent)
        sent.append(compose_reply(decision, interaction, POLICY, recent_variants=recent).text)
    assert all(a != b for a, b in pairwise(sent))
    assert len(set(sent[:4])) == 4  # every praise variant is used before any repeats


def test_out_of_hours_note_is_added_only_when_a_person_must_follow_up():
    complaint = comment("arrived broken")
    praise = comment("love it")
    note = POLICY.business_hours.out_of_hours_note
    assert note in compose_reply(triage(complaint, POLICY), complaint, POLICY, out_of_hours=True).text
    assert note not in compose_reply(triage(praise, POLICY), praise, POLICY, out_of_hours=True).text


_HOSTILE = st.sampled_from(
    [
        "@everyone",
        "#sale",
        "https://evil.example",
        "evil.example",
        "<b>",
        "[x](y)",
        "\u202e",
        "\u200b",
        "\u2066",
        "*bold*",
        "lol",
        "😂",
        "soon",
        "calm down",
        "fuck",
        "ﾠ",
        "\uff20everyone",  # full-width at sign
        "javascript:",
        "\x00",
        "\n",
    ]
)
_TEXT = st.lists(st.one_of(_HOSTILE, st.text(max_size=40)), max_size=12).map(" ".join)
_MESSAGES = st.one_of(
    _TEXT,
    st.sampled_from(
        ["arrived broken", "love it", "too expensive", "you idiots", "caught fire", "dark mode please", "hi?"]
    ).flatmap(lambda base: _TEXT.map(lambda extra: f"{base} {extra}")),
    st.text(min_size=3000, max_size=10000),
)


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=_MESSAGES,
    name=st.one_of(_TEXT, st.text(alphabet=st.characters(categories=["L"]), max_size=40)),
    platform=st.sampled_from(list(Platform)),
    private=st.booleans(),
)
def test_no_composed_reply_ever_breaks_a_guardrail(text, name, platform, private):
    interaction = comment(
        text or "x", author_name=name, platform=platform, kind=Kind.MESSAGE if private else Kind.COMMENT
    )
    decision = triage(interaction, POLICY)
    if not decision.reply_template:
        return
    reply = compose_reply(decision, interaction, POLICY)
    assert check_reply(reply.text, platform, decision.visibility, POLICY) == []
    # and nothing of the customer's text is ever echoed beyond a plain first name
    assert decision.intent is not Intent.SPAM
