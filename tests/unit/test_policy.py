"""The brand policy file: the shipped example loads, and a bad one is refused with a clear reason."""

import json

import pytest

from ackline.domain.model import Action, Decision, Intent, Platform, Priority, Visibility
from ackline.domain.platform_limits import x_weighted_length
from ackline.domain.policy import PolicyError, default_policy
from ackline.domain.policy_checks import parse_policy, policy_problems
from ackline.domain.replies import compose_reply
from tests.unit.builders import comment


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


def test_the_shipped_policy_passes_every_wording_and_length_check():
    # default_policy() parses the shape only (no composer at every cold start), so its wording is proven here
    assert policy_problems(default_policy()) == []


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


# --- every reply the policy can send fits every platform it can be sent on (checked at load) ---------------------


def _refusal(raw: dict) -> str:
    with pytest.raises(PolicyError) as refused:
        parse_policy(raw)
    return str(refused.value)


def test_an_faq_answer_too_long_for_a_messenger_message_is_refused_at_load_with_its_path():
    raw = _shipped()
    raw["faq"][0]["answer"] = "Our stores are open every day. " * 64 + "Welcome."  # passes every wording rule
    message = _refusal(raw)
    # the rendered reply ("Thanks for asking. <answer>") is what is measured, per FAQ template variant
    assert "templates.faq.default[0] with faq.opening_hours: too long for messenger (2011 > 1999)" in message
    assert "templates.faq.default[1] with faq.opening_hours" in message
    # counted as each platform counts: Instagram DMs in UTF-8 bytes (comments hold 2,200), X in weighted characters
    assert "instagram messages (2011 > 1000)" in message and "x (2011 > 280)" in message
    assert "instagram comments" not in message
    # Facebook comments (8000) and Telegram (4096) hold it, and the other entries are not blamed
    assert "facebook" not in message and "telegram" not in message and "faq.returns" not in message


def test_placeholders_are_measured_filled_in_and_x_counts_weighted_characters():
    raw = _shipped()
    # 260 characters as written, but {name} is dropped, {offline} fills in to "email us at care@northwind.example",
    # and the two CJK characters weigh 2 each on X: X counts 281 weighted characters
    variant = "We're sorry{name}. " + "a" * 220 + " Please {offline}. 谢谢"
    raw["templates"]["complaint"]["platforms"]["x"][1] = variant
    assert len(variant) < 280
    message = _refusal(raw)
    assert "templates.complaint.platforms.x[1]: too long for x (281 > 280)" in message
    assert "platforms.x[0]" not in message  # the other variants fit


def test_a_genuine_offer_that_pushes_a_template_over_xs_limit_is_refused_with_both_paths():
    raw = _shipped()
    raw["offers"] = [
        "Members get 10% off every order, and joining is free; the discount applies to full-price items bought "
        "online or in our stores and cannot be combined with other offers."
    ]
    message = _refusal(raw)
    assert "templates.price_objection.default[0] with offers[0]: too long for x (" in message


def test_instagram_dms_are_measured_in_bytes_even_when_the_policy_replies_in_public():
    raw = _shipped()
    # a long "other" reply (about 1,500 characters) with a short one of its own for X
    long_reply = "Thank you for your message{name}. " + "We read every message we receive with care. " * 33
    raw["templates"]["other"] = {"default": [long_reply], "platforms": {"x": ["Thank you for your message{name}."]}}
    # it fits a Facebook comment, Messenger (1,999) and an Instagram comment (2,200)...
    message = _refusal(raw)
    assert "templates.other.default[0]: too long for instagram messages (1480 > 1000)" in message
    assert "instagram comments" not in message and "messenger" not in message
    # ...but an Instagram DM is answered privately whatever reply_visibility prefers, and a DM holds 1,000 bytes
    raw["reply_visibility"]["instagram"] = "public"
    assert "too long for instagram messages" in _refusal(raw)


def test_a_fallback_that_cannot_be_filled_in_is_refused_at_load():
    raw = _shipped()
    raw["languages"]["fallback"]["es"] = "Gracias {nombre}, hemos recibido tu mensaje."
    assert "languages.fallback.es: cannot be filled in (KeyError: 'nombre')" in _refusal(raw)


def test_what_the_composer_can_drop_is_not_counted_against_the_template():
    # Given an X template that fills in to exactly 280 weighted characters without a name
    raw = _shipped()
    opening = "We're sorry{name}. Please {offline}. "
    filler = "a" * (280 - x_weighted_length(opening.format(name="", offline=raw["offline_channel"]["phrase"])))
    raw["templates"]["complaint"]["platforms"]["x"] = [opening + filler]
    policy = parse_policy(raw)  # it loads: the name is optional
    # When a named customer complains on X
    decision = Decision(
        intent=Intent.COMPLAINT,
        action=Action.REPLY,
        escalate=True,
        reply_template="complaint",
        visibility=Visibility.PUBLIC,
    )
    reply = compose_reply(decision, comment("broken", platform=Platform.X, author_name="Maya Chen"), policy)
    # Then the name is dropped to fit, and the reply is exactly the limit
    assert "Maya" not in reply.text and x_weighted_length(reply.text) == 280
