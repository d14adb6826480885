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
