"""Property tests: no delivery, however strange, crashes a reader or loses an authenticated message."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from ackline.contracts.meta import parse_meta_delivery
from ackline.contracts.telegram import parse_telegram_update
from ackline.contracts.x import parse_x_delivery
from ackline.domain.model import Kind
from ackline.domain.triage import triage
from tests.conftest import meta_wire_bytes

NOW = 1_767_225_700.0

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)
# shapes that look like each platform's, with arbitrary values in every slot
meta_like = st.fixed_dictionaries(
    {"object": st.sampled_from(["page", "instagram", "whatsapp_business_account", "x"]) | st.text(max_size=5)},
    optional={
        "entry": st.lists(
            st.fixed_dictionaries(
                {},
                optional={
                    "id": json_values,
                    "changes": st.lists(
                        st.fixed_dictionaries(
                            {"field": st.sampled_from(["feed", "comments", "mention"])}, optional={"value": json_values}
                        ),
                        max_size=3,
                    )
                    | json_values,
                    "messaging": st.lists(json_values, max_size=3) | json_values,
                },
            )
            | json_values,
            max_size=3,
        )
    },
)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_never_crash_any_reader(body):
    for parse in (parse_meta_delivery, parse_x_delivery, parse_telegram_update):
        interactions = parse(body, NOW)
        assert interactions, "an authenticated delivery always leaves at least one stored record"
        for interaction in interactions:
            triage(interaction)


@settings(max_examples=400, deadline=None)
@given(meta_like)
def test_meta_shaped_nonsense_is_kept_not_dropped(payload):
    interactions = parse_meta_delivery(meta_wire_bytes(payload), NOW)
    # an empty `entry` list carries nothing to keep; anything else leaves at least one record
    assert interactions or payload.get("entry") == []
    for interaction in interactions:
        assert interaction.external_id
        triage(interaction)


@settings(max_examples=200, deadline=None)
@given(
    messages=st.lists(st.text(min_size=1, max_size=200), min_size=1, max_size=30),
    junk=st.lists(json_values, max_size=5),
)
def test_every_valid_comment_in_a_batch_survives_junk_beside_it(messages, junk):
    changes = [
        {
            "field": "feed",
            "value": {
                "item": "comment",
                "verb": "add",
                "post_id": "1_2",
                "comment_id": f"2_{i}",
                "parent_id": "1_2",
                "message": text,
                "created_time": 1_767_225_600 + i,
                "from": {"id": f"u{i}", "name": "Dana"},
            },
        }
        for i, text in enumerate(messages)
    ] + [{"field": "feed", "value": j} for j in junk]
    body = meta_wire_bytes({"object": "page", "entry": [{"id": "1", "time": 1, "changes": changes}]})
    comments = [i for i in parse_meta_delivery(body, NOW) if i.kind is Kind.COMMENT and i.external_id.startswith("2_")]
    assert sorted(c.text for c in comments) == sorted(messages)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["update_id", "message", "edited_message", "callback_query"]), json_values))
def test_telegram_shaped_nonsense_is_kept(update):
    assert parse_telegram_update(json.dumps(update).encode(), NOW)


wa_message_like = st.fixed_dictionaries(
    {},
    optional={
        "from": json_values,
        "id": json_values,
        "timestamp": json_values,
        "type": st.sampled_from(["text", "image", "reaction", "system", "unsupported", "location"]) | json_values,
        "text": json_values,
        "image": json_values,
        "reaction": json_values,
    },
)
wa_value_like = st.fixed_dictionaries(
    {},
    optional={
        "metadata": st.fixed_dictionaries({}, optional={"phone_number_id": json_values}) | json_values,
        "contacts": st.lists(json_values, max_size=2) | json_values,
        "messages": st.lists(wa_message_like | json_values, max_size=4) | json_values,
        "statuses": st.lists(
            st.fixed_dictionaries({}, optional={"id": json_values, "status": json_values, "errors": json_values}),
            max_size=3,
        )
        | json_values,
    },
)


@settings(max_examples=300, deadline=None)
@given(
    obj=st.sampled_from(["instagram", "whatsapp_business_account"]),
    field=st.sampled_from(["comments", "live_comments", "messages", "mentions"]),
    value=wa_value_like | json_values,
    messaging=st.lists(json_values, max_size=3),
)
def test_instagram_and_whatsapp_shaped_nonsense_is_kept_not_dropped(obj, field, value, messaging):
    payload = {
        "object": obj,
        "entry": [{"id": "1", "changes": [{"field": field, "value": value}], "messaging": messaging}],
    }
    interactions = parse_meta_delivery(meta_wire_bytes(payload), NOW)
    assert interactions
    for interaction in interactions:
        assert interaction.external_id
        triage(interaction)


@settings(max_examples=200, deadline=None)
@given(
    texts=st.lists(st.text(min_size=1, max_size=200), min_size=1, max_size=30),
    junk=st.lists(json_values, max_size=5),
)
def test_every_valid_whatsapp_message_survives_junk_beside_it(texts, junk):
    messages = [
        {"from": "447700900123", "id": f"wamid.{i}", "timestamp": "1767226500", "type": "text", "text": {"body": t}}
        for i, t in enumerate(texts)
    ]
    value = {"metadata": {"phone_number_id": "300"}, "messages": messages + junk}
    payload = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "2", "changes": [{"field": "messages", "value": value}]}],
    }
    parsed = [i for i in parse_meta_delivery(meta_wire_bytes(payload), NOW) if i.external_id.startswith("wamid.")]
    assert sorted(i.text for i in parsed if i.kind is Kind.MESSAGE) == sorted(texts)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["for_user_id", "tweet_create_events", "direct_message_events", "users", "favorite_events"]),
        st.lists(json_values, max_size=3) | json_values,
    )
)
def test_x_shaped_nonsense_is_kept(payload):
    interactions = parse_x_delivery(json.dumps(payload).encode(), NOW)
    assert interactions
    for interaction in interactions:
        triage(interaction)
