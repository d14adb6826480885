"""WhatsApp's business-scoped user ids (BSUID): a sender with a username may come without a phone number."""

from __future__ import annotations

from ackline.adapters.whatsapp_api import recipient_field
from ackline.contracts.meta import parse_meta_delivery
from ackline.domain.model import Kind, Platform
from ackline.domain.triage import triage
from ackline_local.webhooks import whatsapp_text_message
from tests.conftest import meta_wire_bytes

NOW = 1_767_226_600.0
BSUID = "US.26852818834383302"


def test_a_message_with_only_a_business_scoped_user_id_is_read_not_dropped():
    payload = whatsapp_text_message("Where is my parcel?", wa_id=None, user_id=BSUID, name="Kike")
    value = payload["entry"][0]["changes"][0]["value"]
    assert "from" not in value["messages"][0] and "wa_id" not in value["contacts"][0]
    [message] = parse_meta_delivery(meta_wire_bytes(payload), NOW)
    assert (message.platform, message.kind) == (Platform.WHATSAPP, Kind.MESSAGE)
    assert (message.author_id, message.thread_id, message.author_name) == (BSUID, BSUID, "Kike")
    assert message.conversation_key == f"whatsapp#300400500600700#{BSUID}"
    assert triage(message).action.value == "reply"


def test_the_phone_number_stays_the_identity_while_whatsapp_shares_it():
    # conversations stored before BSUIDs were keyed on the number: they keep their key
    payload = whatsapp_text_message("Hi", wa_id="14157470265", user_id=BSUID, name="Kike")
    [message] = parse_meta_delivery(meta_wire_bytes(payload), NOW)
    assert message.author_id == "14157470265" and message.author_name == "Kike"


def test_a_message_with_no_sender_at_all_is_kept_raw_for_a_person():
    payload = whatsapp_text_message("Hi", wa_id=None)
    [message] = parse_meta_delivery(meta_wire_bytes(payload), NOW)
    assert message.kind is Kind.RAW and message.platform is Platform.WHATSAPP


def test_a_status_about_our_reply_to_a_bsuid_joins_that_conversation():
    status = {"id": "wamid.OURS", "status": "delivered", "timestamp": "1767226500", "recipient_user_id": BSUID}
    value = {"messaging_product": "whatsapp", "metadata": {"phone_number_id": "300400500600700"}, "statuses": [status]}
    payload = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "w", "changes": [{"field": "messages", "value": value}]}],
    }
    [report] = parse_meta_delivery(meta_wire_bytes(payload), NOW)
    assert report.author_id == BSUID and report.kind is Kind.ACTIVITY


def test_a_reply_goes_to_a_phone_number_with_to_and_to_a_bsuid_with_recipient():
    assert recipient_field("447700900123") == {"to": "447700900123"}
    assert recipient_field("+447700900123") == {"to": "+447700900123"}
    assert recipient_field(BSUID) == {"recipient": BSUID}
    # a BSUID is a country code, a period and alphanumerics: never mistaken for a number
    assert recipient_field("BR.A1b2C3") == {"recipient": "BR.A1b2C3"}
