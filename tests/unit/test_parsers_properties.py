"""Property tests: no delivery, however strange, crashes a reader or loses an authenticated message."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2
from hypothesis import given, settings
from hypothesis import strategies as st

from ackline.adapters.dynamodb_codec import encode
from ackline.adapters.interaction_table import _to_item
from ackline.contracts.meta import parse_meta_delivery
from ackline.contracts.telegram import parse_telegram_update
from ackline.contracts.x import parse_x_delivery
from ackline.domain.errors import AuthenticationFailed, PayloadTooLarge
from ackline.domain.model import Kind, ReplyStatus
from ackline.domain.signatures import (
    meta_verify_challenge,
    verify_meta_signature,
    verify_standard_webhook,
    verify_telegram_secret,
    verify_x_signature,
    x_crc_response_token,
)
from ackline.domain.signed_request import SignedRequestUnreadable, parse_signed_request
from ackline.domain.storage_bounds import bounded
from ackline.domain.triage import triage
from ackline.http.raw_body import raw_body
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


# --- hostile wire text: deep nesting, numbers nothing can hold, ids past DynamoDB's key limits -------------------

hostile_numbers = st.sampled_from(
    ["1e300", "-1e300", "1e-300", "-0", "NaN", "Infinity", "-Infinity", "1" + "0" * 400, "9" * 5000, "1e999999"]
)


@st.composite
def hostile_json(draw: st.DrawFn) -> bytes:
    """Platform-shaped JSON with a hostile value spliced in: nesting up to far past the stack, odd numbers, long ids."""
    depth = draw(st.sampled_from([1, 50, 900, 1100, 5000, 20_000]))
    number = draw(hostile_numbers)
    long_id = draw(st.sampled_from(["x", "9" * 600, "\u00e9" * 1500, "k" * 5000]))
    nested = '{"v":' * depth + number + "}" * depth
    template = draw(
        st.sampled_from(
            [
                '{"object":"page","entry":[{"id":"%(id)s","changes":[{"field":"feed","value":{"item":"comment",'
                '"verb":"add","comment_id":"%(id)s","post_id":"1_2","message":"hi","created_time":%(n)s,'
                '"from":{"id":"%(id)s"},"x":%(nested)s}}]}]}',
                '{"object":"page","entry":[{"id":"1","messaging":[{"sender":{"id":"%(id)s"},"recipient":{"id":"1"},'
                '"timestamp":%(n)s,"message":{"mid":"%(id)s","text":"hi"}}]}]}',
                '{"object":"instagram","entry":[{"id":"1","time":%(n)s,"changes":[{"field":"comments",'
                '"value":{"id":"%(id)s","text":"hi","from":{"id":"2"},"x":%(nested)s}}]}]}',
                '{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":'
                '{"metadata":{"phone_number_id":"%(id)s"},"messages":[{"from":"4477","id":"%(id)s",'
                '"timestamp":%(n)s,"type":"text","text":{"body":"hi"}}],"statuses":[{"id":"%(id)s","status":'
                '"failed","timestamp":%(n)s,"errors":%(nested)s}]}}]}]}',
                '{"for_user_id":"1","tweet_create_events":[{"id_str":"%(id)s","timestamp_ms":%(n)s,'
                '"user":{"id_str":"%(id)s"},"text":"hi"}],"direct_message_events":[{"type":"message_create",'
                '"id":"%(id)s","created_timestamp":%(n)s,"message_create":{"sender_id":"2","message_data":%(nested)s}}]}',
                '{"update_id":%(n)s,"message":{"message_id":%(n)s,"date":%(n)s,"chat":{"id":"%(id)s",'
                '"type":"private"},"from":{"id":%(n)s},"text":"hi","x":%(nested)s}}',
                "%(nested)s",
            ]
        )
    )
    return (template % {"id": long_id, "n": number, "nested": nested}).encode()


@settings(max_examples=150, deadline=None)
@given(hostile_json())
def test_hostile_json_never_crashes_a_reader_and_every_entry_can_be_stored(body):

    for parse in (parse_meta_delivery, parse_x_delivery, parse_telegram_update):
        interactions = parse(body, NOW)
        assert interactions
        for interaction in interactions:
            kept = bounded(interaction)
            # what DynamoDB would refuse (a number out of range, a string that is not UTF-8) raises in encode
            item = encode(_to_item(kept, triage(kept), ReplyStatus.PENDING))
            assert len(item["pk"]["S"].encode()) <= 2048 and len(item["gsi1sk"]["S"].encode()) <= 1024


# --- the verifiers: arbitrary input is refused (AuthenticationFailed), never raised as anything else ------------

header_text = st.text(max_size=300) | st.sampled_from(["sha256=", "v1,", "sha256=\ud800", "v1,\udfff x", "9" * 5000])


@settings(max_examples=300, deadline=None)
@given(body=st.binary(max_size=200), header=header_text | st.none(), secret=st.text(max_size=40))
def test_the_signature_checks_refuse_anything_unsigned_without_raising_anything_else(body, header, secret):

    for check in (
        lambda: verify_meta_signature(body, header, [secret]),
        lambda: verify_x_signature(body, header, [secret]),
        lambda: verify_telegram_secret(header, [secret or "s"]),
    ):
        try:
            check()
        except AuthenticationFailed:
            continue
        # only a genuine match may pass: the header must then be the secret's own value
        assert header is not None


@settings(max_examples=300, deadline=None)
@given(
    body=st.binary(max_size=200),
    msg_id=header_text,
    timestamp=header_text | st.integers().map(str) | st.floats().map(str),
    signature=header_text,
)
def test_standard_webhooks_refuses_any_odd_header_without_raising_anything_else(body, msg_id, timestamp, signature):

    headers = {"webhook-id": msg_id, "webhook-timestamp": timestamp, "webhook-signature": signature}
    with pytest.raises(AuthenticationFailed):
        verify_standard_webhook(body, headers, ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"], NOW)


@settings(max_examples=300, deadline=None)
@given(
    params=st.dictionaries(
        st.sampled_from(["hub.mode", "hub.verify_token", "hub.challenge"]), header_text | st.just("subscribe")
    ),
    crc=header_text,
)
def test_the_handshakes_never_raise(params, crc):

    answer = meta_verify_challenge(params, ["the-token"])
    assert answer is None or params.get("hub.verify_token") == "the-token"
    assert x_crc_response_token(crc, "secret").startswith("sha256=")


signed_request_text = (
    st.text(max_size=300)
    | st.builds(lambda a, b: f"{a}.{b}", st.text(alphabet="ABCabc012-_=", max_size=60), st.text(max_size=60))
    | st.sampled_from(["a.b", ".", "..", "x" * 70_000 + ".y", "\ud800.\udfff"])
)


@settings(max_examples=300, deadline=None)
@given(signed_request_text)
def test_a_signed_request_is_refused_or_unreadable_never_anything_else(text):

    try:
        parse_signed_request(text, ["app-secret"])
    except (AuthenticationFailed, SignedRequestUnreadable):
        return
    raise AssertionError("an unsigned request verified")


@settings(max_examples=200, deadline=None)
@given(payload=st.binary(max_size=300) | hostile_json())
def test_a_request_signed_with_our_secret_is_read_or_unreadable_never_raised_otherwise(payload):

    encoded = base64.urlsafe_b64encode(payload).rstrip(b"=").decode()
    if not encoded or len(encoded) > 60_000:
        return
    sig = base64.urlsafe_b64encode(hmac.new(b"app-secret", encoded.encode(), hashlib.sha256).digest()).rstrip(b"=")
    try:
        parsed = parse_signed_request(f"{sig.decode()}.{encoded}", ["app-secret"])
    except SignedRequestUnreadable:
        return
    assert parsed["user_id"]


@settings(max_examples=200, deadline=None)
@given(body=st.text(max_size=300) | st.sampled_from(["!!", "====", "\ud800", "A" * 10]), encoded=st.booleans())
def test_raw_body_decodes_or_refuses(body, encoded):

    event = APIGatewayProxyEventV2({"body": body, "isBase64Encoded": encoded, "headers": {}})
    try:
        assert isinstance(raw_body(event), bytes)
    except (AuthenticationFailed, PayloadTooLarge):
        assert encoded
