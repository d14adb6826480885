"""Every platform end to end: a signed webhook in -> exactly one reply at the sandbox, through that
platform's own API; a redelivery sends nothing more; a rate-limited reply comes back when the platform
says and is sent once."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

from ackline_local.config import load_config
from ackline_local.webhooks import (
    SignedRequest,
    instagram_comment,
    signed_meta_request,
    signed_telegram_request,
    signed_x_request,
    telegram_update,
    whatsapp_text_message,
    x_direct_message,
    x_mention,
)
from tests.running_stack import RunningStack, wait_for

CONFIG = load_config()
Match = Callable[[dict[str, Any]], bool]


def _digits(n: int) -> str:
    return str(uuid.uuid4().int)[:n]


def _calls(stack: RunningStack, match: Match, *, faults: bool = False) -> list[dict[str, Any]]:
    return [c for c in stack.sandbox_calls() if match(c) and c["fault"] is faults]


def _exactly_one_reply(stack: RunningStack, request: SignedRequest, match: Match) -> dict[str, Any]:
    assert request.send(stack.gateway)[0] == 200
    replies = wait_for(lambda: _calls(stack, match), timeout=5)
    assert len(replies) == 1, replies
    # the platform redelivering the same webhook yields no second reply
    assert request.send(stack.gateway)[0] == 200
    time.sleep(1.0)
    assert len(_calls(stack, match)) == 1
    return replies[0]


def _instagram_dm(text: str, sender: str, mid: str) -> dict[str, Any]:
    now_ms = int(time.time() * 1000)
    account = "17841400000000001"
    event = {
        "sender": {"id": sender},
        "recipient": {"id": account},
        "timestamp": now_ms,
        "message": {"mid": mid, "text": text},
    }
    return {"object": "instagram", "entry": [{"id": account, "time": now_ms, "messaging": [event]}]}


def test_instagram_comment_gets_one_public_reply(stack):
    comment_id = "179" + _digits(14)
    payload = instagram_comment("Love this colour, thank you!", comment_id=comment_id)
    reply = _exactly_one_reply(
        stack,
        signed_meta_request(payload, CONFIG.meta_app_secret),
        lambda c: c["path"] == f"/instagram/{comment_id}/replies",
    )
    assert reply["body"]["message"]


def test_instagram_dm_gets_one_dm_and_its_echo_none(stack):
    sender, mid = "99" + _digits(13), "aWdf" + uuid.uuid4().hex
    payload = _instagram_dm("Thanks so much, great service", sender, mid)
    echo = _instagram_dm("Thanks so much, great service", "17841400000000001", "aWdf" + uuid.uuid4().hex)
    echo["entry"][0]["messaging"][0]["message"]["is_echo"] = True
    payload["entry"].append(echo["entry"][0])

    def to_sender(c: dict[str, Any]) -> bool:
        return c["path"].endswith("/messages") and c["body"].get("recipient") == {"id": sender}

    reply = _exactly_one_reply(stack, signed_meta_request(payload, CONFIG.meta_app_secret), to_sender)
    assert reply["path"] == "/instagram/17841400000000001/messages"
    assert not _calls(stack, lambda c: c["body"].get("recipient") == {"id": "17841400000000001"})


def _whatsapp_statuses(wa_id: str, *items: tuple[str, str]) -> dict[str, Any]:
    statuses: list[dict[str, Any]] = []
    for wamid, state in items:
        status: dict[str, Any] = {
            "id": wamid,
            "status": state,
            "timestamp": str(int(time.time())),
            "recipient_id": wa_id,
        }
        if state == "failed":
            status["errors"] = [{"code": 131026, "title": "Message undeliverable"}]
        statuses.append(status)
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550001111", "phone_number_id": "300400500600700"},
        "statuses": statuses,
    }
    change = {"field": "messages", "value": value}
    return {"object": "whatsapp_business_account", "entry": [{"id": "200300400500600", "changes": [change]}]}


def _interaction_item(stack: RunningStack, key: str) -> dict[str, Any]:
    [item] = [i for i in stack.table_items() if i["pk"]["S"] == f"INT#{key}"]
    return item


def _whatsapp_reply(stack: RunningStack, text: str) -> tuple[str, str, str]:
    """A customer's WhatsApp message answered once; returns (their wa_id, their wamid, our reply's wamid)."""
    wa_id, wamid = "4477" + _digits(8), "wamid." + uuid.uuid4().hex
    payload = whatsapp_text_message(text, wa_id=wa_id, wamid=wamid)
    reply = _exactly_one_reply(
        stack,
        signed_meta_request(payload, CONFIG.meta_app_secret),
        lambda c: c["body"].get("messaging_product") == "whatsapp" and c["body"].get("to") == wa_id,
    )
    assert reply["path"] == "/meta/300400500600700/messages" and reply["body"]["context"] == {"message_id": wamid}
    return wa_id, wamid, str(reply["response"]["messages"][0]["id"])


def test_whatsapp_text_gets_one_reply_and_its_statuses_update_it_never_answered(stack):
    wa_id, wamid, ours = _whatsapp_reply(stack, "Thank you, that was quick!")
    before = len(stack.sandbox_calls())
    # read arrives before delivered: the reply's state stays read
    for state in ("read", "delivered"):
        status = _whatsapp_statuses(wa_id, (ours, state))
        assert signed_meta_request(status, CONFIG.meta_app_secret).send(stack.gateway)[0] == 200
    key = f"whatsapp#{wamid}"
    item = wait_for(
        lambda: (
            _interaction_item(stack, key).get("delivery_state", {}).get("S") == "read" and _interaction_item(stack, key)
        )
    )
    assert item["reply_status"]["S"] == "sent" and item["reply_id"]["S"] == ours
    time.sleep(1.0)
    assert _interaction_item(stack, key)["delivery_state"]["S"] == "read"
    assert len(stack.sandbox_calls()) == before  # statuses never ask for a reply
    # a status about a message ackline did not send is kept in the customer's conversation
    other = _whatsapp_statuses(wa_id, ("wamid.someone-elses", "read"))
    assert signed_meta_request(other, CONFIG.meta_app_secret).send(stack.gateway)[0] == 200
    assert wait_for(
        lambda: [i for i in stack.table_items() if i["pk"]["S"] == "INT#whatsapp#status.wamid.someone-elses.read"]
    )


def test_a_failed_whatsapp_reply_reaches_a_person_and_the_staff_api_shows_why(stack):
    wa_id, wamid, ours = _whatsapp_reply(stack, "Thanks a lot, lovely service")
    failed = _whatsapp_statuses(wa_id, (ours, "failed"))
    assert signed_meta_request(failed, CONFIG.meta_app_secret).send(stack.gateway)[0] == 200

    reason = "WhatsApp could not deliver our reply (131026 Message undeliverable)"

    def case() -> dict[str, Any] | None:
        # the message may have a case of its own already (triage may be unsure of it): wait for the failure's reason
        cases = stack.staff_get("/api/cases?status=open&limit=200").json()["cases"]
        return next((c for c in cases if c["author_id"] == wa_id and reason in c["reasons"]), None)

    found = wait_for(case, timeout=15)
    assert found is not None, "no open case carries the failed delivery's reason"
    detail = stack.staff_get(f"/api/cases/{found['case_id']}").json()
    [entry] = [e for e in detail["conversation"] if e["key"] == f"whatsapp#{wamid}"]
    assert (entry["reply_status"], entry["delivery_state"]) == ("sent", "failed")
    assert entry["delivery_error"] == "131026 Message undeliverable"


def test_x_mention_gets_one_reply_tweet(stack):
    tweet_id = "18" + _digits(17)
    payload = x_mention("@acme_support thanks, great service!", tweet_id=tweet_id, author_id="29" + _digits(12))
    reply = _exactly_one_reply(
        stack,
        signed_x_request(payload, CONFIG.x_consumer_secret),
        lambda c: c["path"] == "/x/2/tweets" and c["body"]["reply"] == {"in_reply_to_tweet_id": tweet_id},
    )
    assert reply["headers"].get("Authorization", "").startswith("OAuth ")


def test_x_dm_gets_one_dm(stack):
    sender = "29" + _digits(12)
    payload = x_direct_message("Thanks for the help, all sorted", sender_id=sender, event_id="18" + _digits(17))
    _exactly_one_reply(
        stack,
        signed_x_request(payload, CONFIG.x_consumer_secret),
        lambda c: c["path"] == f"/x/2/dm_conversations/with/{sender}/messages",
    )


def test_telegram_message_gets_one_reply_even_after_flood_control(stack):
    chat_id = int(_digits(9))
    update = telegram_update("Thanks a lot, great bot", chat_id=chat_id)
    message_id = update["message"]["message_id"]

    def to_chat(c: dict[str, Any]) -> bool:
        return c["path"].endswith("/sendMessage") and c["body"].get("chat_id") == chat_id

    # the first attempt meets flood control (retry_after 2 s): the reply waits that long, then goes once
    stack.add_fault(status=429, count=1, path_contains="/telegram/", method="POST")
    assert signed_telegram_request(update, CONFIG.telegram_secret_token).send(stack.gateway)[0] == 200
    [reply] = wait_for(lambda: _calls(stack, to_chat), timeout=15)
    assert reply["body"]["reply_parameters"] == {"message_id": message_id, "allow_sending_without_reply": True}
    assert CONFIG.telegram_bot_token in reply["path"]  # the sandbox sees it; nothing of ours logs it
    assert len(_calls(stack, to_chat, faults=True)) == 1
    time.sleep(1.0)
    assert len(_calls(stack, to_chat)) == 1


def test_a_whatsapp_message_with_only_a_business_scoped_user_id_is_answered_with_recipient(stack):
    # a customer with a WhatsApp username whose phone number Meta does not share (since 2026)
    bsuid, wamid = "US." + _digits(17), "wamid." + uuid.uuid4().hex
    payload = whatsapp_text_message("Thank you, that was quick!", wa_id=None, user_id=bsuid, wamid=wamid)
    reply = _exactly_one_reply(
        stack,
        signed_meta_request(payload, CONFIG.meta_app_secret),
        lambda c: c["body"].get("messaging_product") == "whatsapp" and c["body"].get("recipient") == bsuid,
    )
    assert "to" not in reply["body"] and reply["body"]["context"] == {"message_id": wamid}
    item = _interaction_item(stack, f"whatsapp#{wamid}")
    assert item["author_id"]["S"] == bsuid and item["reply_status"]["S"] == "sent"
