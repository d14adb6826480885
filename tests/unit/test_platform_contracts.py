"""Instagram, WhatsApp, X and Telegram deliveries normalise into interactions; odd parts never spoil a batch."""

from __future__ import annotations

import json

from ackline.contracts.meta import parse_meta_delivery
from ackline.contracts.telegram import parse_telegram_update
from ackline.contracts.x import parse_x_delivery
from ackline.domain.model import Kind, Platform
from ackline.domain.triage import triage
from tests.conftest import load_event, meta_wire_bytes

NOW = 1_767_226_600.0
IG_ACCOUNT = "17841400000000001"


# --- Instagram ---------------------------------------------------------------------------------------------


def test_instagram_comment_is_a_public_comment_answered_under_itself():
    [comment] = parse_meta_delivery(meta_wire_bytes(load_event("instagram_comment.json")), NOW)
    assert (comment.platform, comment.kind) == (Platform.INSTAGRAM, Kind.COMMENT)
    assert comment.external_id == comment.thread_id == "17900000000000042"
    assert comment.post_id == "18030000000000001"  # the media it sits under
    assert (comment.author_id, comment.author_name) == ("1789000011112222", "sam.trails")
    assert comment.account_id == IG_ACCOUNT and comment.text == "Do you ship to Canada?"
    assert comment.created_at == 1767226000 and not comment.is_own


def test_instagram_reply_to_a_reply_goes_under_the_top_level_comment_and_own_comments_are_own():
    payload = load_event("instagram_comment.json")
    value = payload["entry"][0]["changes"][0]["value"]
    value["parent_id"] = "17900000000000001"
    own = json.loads(json.dumps(payload["entry"][0]["changes"][0]))
    own["value"].update(id="17900000000000043", **{"from": {"id": IG_ACCOUNT, "username": "brand"}})
    payload["entry"][0]["changes"].append(own)
    reply, ours = parse_meta_delivery(meta_wire_bytes(payload), NOW)
    assert reply.thread_id == "17900000000000001" and not reply.is_own
    assert ours.is_own and triage(ours).action.value == "suppress"


def test_instagram_dm_and_its_echo_in_one_batch_with_non_ascii_and_escaped_slashes():
    payload = load_event("instagram_message.json")
    event = payload["entry"][0]["messaging"][0]
    event["message"]["text"] = "Olá! O pedido não chegou 😞 https://example.com/o/1"
    echo = json.loads(json.dumps(event))
    echo.update(sender={"id": IG_ACCOUNT}, recipient={"id": "998877665544332"}, timestamp=event["timestamp"] + 5)
    echo["message"].update(mid="aWdfZAG1fake_echo", is_echo=True, text="Thanks, we are on it")
    payload["entry"][0]["messaging"].append(echo)
    body = meta_wire_bytes(payload)
    assert b"\\/" in body and b"\\u00e3" in body
    customer, ours = parse_meta_delivery(body, NOW)
    assert (customer.platform, customer.kind) == (Platform.INSTAGRAM, Kind.MESSAGE)
    assert customer.text == "Olá! O pedido não chegou 😞 https://example.com/o/1"
    assert customer.external_id == "aWdfZAG1fake_mid_value_001" and customer.thread_id == "998877665544332"
    assert customer.account_id == IG_ACCOUNT and customer.created_at == 1767226100.123
    assert ours.is_own and ours.platform is Platform.INSTAGRAM


def test_instagram_reactions_deletions_and_unknown_fields_are_activity_or_raw():
    payload = load_event("instagram_message.json")
    entry = payload["entry"][0]
    base = entry["messaging"][0]
    reaction = {k: base[k] for k in ("sender", "recipient", "timestamp")} | {
        "reaction": {"mid": "m1", "action": "react", "reaction": "love"}
    }
    deleted = base | {"message": {"mid": "aWdfZAG1gone", "is_deleted": True}}
    entry["messaging"] += [reaction, deleted]
    entry["changes"] = [{"field": "mentions", "value": {"media_id": "1", "comment_id": "2"}}]
    parsed = parse_meta_delivery(meta_wire_bytes(payload), NOW)
    kinds = sorted((i.kind.value, i.activity) for i in parsed)
    assert kinds == [
        ("activity", "message deleted"),
        ("activity", "reaction"),
        ("message", ""),
        ("raw", ""),
    ]
    assert all(i.platform is Platform.INSTAGRAM for i in parsed)


# --- WhatsApp ----------------------------------------------------------------------------------------------


def test_whatsapp_text_message():
    [message] = parse_meta_delivery(meta_wire_bytes(load_event("whatsapp_text_message.json")), NOW)
    assert (message.platform, message.kind) == (Platform.WHATSAPP, Kind.MESSAGE)
    assert message.external_id == "wamid.HBgMNDQ3NzAwOTAwMTIzFQIAEhgUM0EwMDAwMDAwMDAwMDAwMDAwAA=="
    assert (message.author_id, message.author_name, message.thread_id) == ("447700900123", "Priya Shah", "447700900123")
    assert message.account_id == "300400500600700" and message.created_at == 1767226500
    assert message.text == "Can I change my delivery address?" and not message.is_own


def test_whatsapp_batch_of_every_type_statuses_and_an_unknown_field():
    parsed = {
        i.external_id: i for i in parse_meta_delivery(meta_wire_bytes(load_event("whatsapp_mixed_batch.json")), NOW)
    }
    # media and interactive messages are messages; their caption or chosen title is the text
    assert parsed["wamid.IMG1"].kind is Kind.MESSAGE and parsed["wamid.IMG1"].text == "The box arrived like this"
    assert parsed["wamid.AUD1"].kind is Kind.MESSAGE and parsed["wamid.AUD1"].text == ""
    assert parsed["wamid.LOC1"].kind is Kind.MESSAGE and parsed["wamid.LOC1"].author_name == "José Álvarez"
    assert parsed["wamid.BTN1"].text == "Track my order" and parsed["wamid.INT1"].text == "Ask for a refund"
    assert parsed["wamid.DOC1"].kind is Kind.MESSAGE
    # a voice note with no text is never guessed at: a person listens
    assert triage(parsed["wamid.AUD1"]).escalate
    # reactions are activity, never answered
    reaction = parsed["wamid.REA1"]
    assert reaction.kind is Kind.ACTIVITY and reaction.activity == "reaction"
    assert triage(reaction).action.value == "suppress"
    # unsupported and unknown types are kept whole under their wamid, for a person
    for wamid in ("wamid.UNS1", "wamid.NEW1"):
        assert parsed[wamid].kind is Kind.RAW and "hologram" in parsed["wamid.NEW1"].raw
        assert triage(parsed[wamid]).escalate
    # statuses: delivery state of OUR message, recorded in the customer's conversation, never a reply
    sent, read = parsed["status.wamid.OURS1.sent"], parsed["status.wamid.OURS1.read"]
    for status in (sent, read):
        assert status.kind is Kind.ACTIVITY and status.thread_id == "wamid.OURS1"
        assert status.author_id == "447700900123" and not triage(status).escalate
        assert triage(status).action.value == "suppress"
    assert read.activity == "delivery status: read"
    # only a failed status reaches a person, with why
    failed = parsed["status.wamid.OURS2.failed"]
    decision = triage(failed)
    assert decision.escalate and decision.action.value != "reply"
    assert "131047 Re-engagement message" in decision.reasons[0]
    # the junk message item and the template-status field are kept raw; nothing else is lost
    raws = [i for i in parsed.values() if i.kind is Kind.RAW and i.external_id.startswith("raw-")]
    assert len(raws) == 2 and any("not-a-message" in r.raw for r in raws)
    assert len(parsed) == 14  # 10 messages, 3 statuses, 1 unknown field


def test_whatsapp_redelivery_names_everything_the_same():
    body = meta_wire_bytes(load_event("whatsapp_mixed_batch.json"))
    first = sorted(i.key for i in parse_meta_delivery(body, NOW))
    again = sorted(i.key for i in parse_meta_delivery(body, NOW + 3600))
    assert first == again


def test_whatsapp_statuses_alone_never_ask_for_a_reply():
    [status] = parse_meta_delivery(meta_wire_bytes(load_event("whatsapp_status.json")), NOW)
    assert status.kind is Kind.ACTIVITY and status.activity == "delivery status: delivered"
    assert triage(status).action.value == "suppress"


# --- X -----------------------------------------------------------------------------------------------------


def test_x_mention_and_dm():
    [mention] = parse_x_delivery(json.dumps(load_event("x_account_activity_mention.json")).encode(), NOW)
    assert (mention.platform, mention.kind, mention.external_id) == (Platform.X, Kind.COMMENT, "1800000000000000123")
    assert mention.thread_id == mention.external_id and mention.author_id == "2900000000000000042"
    assert mention.account_id == "1500000000000000001" and not mention.is_own
    [dm] = parse_x_delivery(json.dumps(load_event("x_account_activity_dm.json")).encode(), NOW)
    assert (dm.kind, dm.external_id, dm.thread_id) == (Kind.MESSAGE, "dm-1800000000000000999", "2900000000000000042")
    assert dm.author_name == "Lee Moreno" and dm.created_at == 1767262500.123


def test_x_own_tweets_own_dms_and_retweets_are_never_answered():
    mention = load_event("x_account_activity_mention.json")
    tweet = mention["tweet_create_events"][0]
    own = json.loads(json.dumps(tweet)) | {"id_str": "1800000000000000124"}
    own["user"] = {"id_str": "1500000000000000001", "name": "Acme Support"}
    retweet = json.loads(json.dumps(tweet)) | {"id_str": "1800000000000000125", "retweeted_status": {"id_str": "1"}}
    mention["tweet_create_events"] += [own, retweet]
    dm = load_event("x_account_activity_dm.json")
    dm["direct_message_events"][0]["message_create"]["sender_id"] = "1500000000000000001"
    mention |= {"direct_message_events": dm["direct_message_events"], "users": dm["users"]}
    mention["favorite_events"] = [{"id": "fav1"}]
    parsed = {i.external_id: i for i in parse_x_delivery(json.dumps(mention).encode(), NOW)}
    assert parsed["1800000000000000124"].is_own and parsed["dm-1800000000000000999"].is_own
    assert parsed["1800000000000000125"].kind is Kind.ACTIVITY
    answered = [i for i in parsed.values() if triage(i).action.value == "reply"]
    assert [i.external_id for i in answered] == ["1800000000000000123"]


# --- Telegram ----------------------------------------------------------------------------------------------


def test_telegram_private_message_group_chatter_and_bots():
    update = load_event("telegram_update_message.json")
    [message] = parse_telegram_update(json.dumps(update).encode(), NOW)
    assert (message.kind, message.external_id, message.thread_id) == (Kind.MESSAGE, "512345678:5120", "512345678")
    group = json.loads(json.dumps(update))
    group["message"]["chat"] = {"id": -100123, "type": "supergroup", "title": "Fans"}
    group["message"]["text"] = "nice weather today"
    [chatter] = parse_telegram_update(json.dumps(group).encode(), NOW)
    assert chatter.kind is Kind.ACTIVITY
    bot = json.loads(json.dumps(update))
    bot["message"]["from"]["is_bot"] = True
    [other_bot] = parse_telegram_update(json.dumps(bot).encode(), NOW)
    assert other_bot.is_own and triage(other_bot).action.value == "suppress"
