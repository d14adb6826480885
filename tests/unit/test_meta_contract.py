"""Meta deliveries normalise into interactions; odd parts never spoil the batch."""

import json

from ackline.contracts.meta import parse_meta_delivery
from ackline.domain.model import Kind, Platform
from tests.conftest import load_event, meta_wire_bytes

NOW = 1767225700.0


def test_feed_comment_becomes_a_public_comment_replied_on_the_comment():
    # Given a Page feed comment delivery
    body = meta_wire_bytes(load_event("facebook_page_feed_comment.json"))
    # When it is parsed
    [comment] = parse_meta_delivery(body, NOW)
    # Then it is a comment by Dana on page 104455667788990, answered under the comment itself
    assert comment.platform is Platform.FACEBOOK and comment.kind is Kind.COMMENT
    assert comment.external_id == "901234567890123_445566778899001"
    assert comment.thread_id == comment.external_id
    assert comment.post_id == "104455667788990_901234567890123"  # replies under one post must differ
    assert (comment.author_id, comment.author_name) == ("7311002233445566", "Dana Rivers")
    assert comment.account_id == "104455667788990"
    assert comment.text == "Is the blue one back in stock?"
    assert comment.created_at == 1767225598
    assert not comment.is_own


def test_reply_to_a_reply_is_answered_under_the_top_level_comment():
    payload = load_event("facebook_page_feed_comment.json")
    value = payload["entry"][0]["changes"][0]["value"]
    value.update(comment_id="901234567890123_999", parent_id="901234567890123_445566778899001")
    [comment] = parse_meta_delivery(meta_wire_bytes(payload), NOW)
    assert comment.thread_id == "901234567890123_445566778899001"


def test_messenger_batch_keeps_the_message_and_marks_the_echo_as_our_own():
    body = meta_wire_bytes(load_event("messenger_message.json"))
    customer, echo = parse_meta_delivery(body, NOW)
    assert customer.platform is Platform.MESSENGER and customer.kind is Kind.MESSAGE
    assert customer.external_id == "m_AbCdEf0123456789xyz" and not customer.is_own
    assert customer.created_at == 1767225699.876
    assert echo.is_own and echo.external_id == "m_EchoExample987654"


def test_non_ascii_and_escaped_slashes_survive():
    payload = load_event("facebook_page_feed_comment.json")
    payload["entry"][0]["changes"][0]["value"]["message"] = "Très déçu 😡 voir https://example.com/x"
    body = meta_wire_bytes(payload)
    assert b"\\/" in body and b"\\u00e8" in body
    [comment] = parse_meta_delivery(body, NOW)
    assert comment.text == "Très déçu 😡 voir https://example.com/x"


def test_several_entries_and_an_unknown_field_in_one_delivery():
    comment = load_event("facebook_page_feed_comment.json")["entry"][0]
    second = json.loads(json.dumps(comment))
    second["changes"][0]["value"]["comment_id"] = "901234567890123_2"
    second["changes"].append({"field": "mention", "value": {"weird": True}})
    body = meta_wire_bytes({"object": "page", "entry": [comment, second, "not-an-entry"]})
    parsed = parse_meta_delivery(body, NOW)
    assert [i.kind for i in parsed].count(Kind.COMMENT) == 2
    raws = [i for i in parsed if i.kind is Kind.RAW]
    assert len(raws) == 2
    assert any('"weird":true' in r.raw for r in raws)


def test_reactions_and_edits_are_activity_not_messages():
    payload = load_event("facebook_page_feed_comment.json")
    value = payload["entry"][0]["changes"][0]["value"]
    value.update(item="reaction", verb="add", reaction_type="like")
    [reaction] = parse_meta_delivery(meta_wire_bytes(payload), NOW)
    assert reaction.kind is Kind.ACTIVITY and reaction.activity == "reaction add"


def test_our_own_page_comment_is_marked_own():
    payload = load_event("facebook_page_feed_comment.json")
    payload["entry"][0]["changes"][0]["value"]["from"] = {"id": "104455667788990", "name": "Brand"}
    [own] = parse_meta_delivery(meta_wire_bytes(payload), NOW)
    assert own.is_own


def test_not_json_is_kept_raw_and_redelivery_names_it_the_same():
    first = parse_meta_delivery(b"\xff\xfe not json", NOW)
    again = parse_meta_delivery(b"\xff\xfe not json", NOW + 60)
    assert first[0].kind is Kind.RAW and first[0].external_id == again[0].external_id


def test_instagram_and_whatsapp_objects_are_read_not_mistaken_for_facebook():
    for name, platform in (("instagram_comment.json", Platform.INSTAGRAM), ("whatsapp_status.json", Platform.WHATSAPP)):
        parsed = parse_meta_delivery(meta_wire_bytes(load_event(name)), NOW)
        assert parsed and all(i.kind is not Kind.RAW and i.platform is platform for i in parsed)
