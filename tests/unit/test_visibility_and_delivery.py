"""Public vs private replies (the brand's choice, bounded by each platform) and WhatsApp delivery reports about
our own replies, through the use cases with in-memory fakes."""

from __future__ import annotations

import json

import pytest

from ackline.contracts.meta import parse_meta_delivery
from ackline.domain.decide import decide
from ackline.domain.model import DeliveryState, Kind, Platform, ReplyStatus, Visibility
from ackline.domain.windows import deliverable_visibility
from ackline.usecases.ingest import ingest
from ackline.usecases.respond import respond
from tests.fakes import InMemoryInteractionStore, InMemorySentReplies, RecordingDispatcher, ScriptedReplier
from tests.unit.builders import comment

DAY = 24 * 3600.0
PUBLIC, PRIVATE, UNSET = Visibility.PUBLIC, Visibility.PRIVATE, Visibility.UNSET


def _stored_with(store, interaction, visibility):
    """Store an interaction with the shipped policy's decision, but the visibility a brand could choose."""
    decision = decide(interaction).model_copy(update={"visibility": visibility})
    store.add(interaction, decision)
    return interaction.key


def _respond(store, key, replier, dispatcher, now, **kwargs):
    from ackline.contracts.messages import AckRequest

    return respond(AckRequest(interaction_key=key), store, replier, dispatcher, lambda: now, **kwargs)


# --- where a reply can go ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("interaction", "chosen", "goes"),
    [
        (comment(), PRIVATE, PRIVATE),  # Facebook comment: private reply through Messenger
        (comment(), PUBLIC, PUBLIC),
        (comment(), UNSET, PUBLIC),  # stored before visibility was decided: where the customer wrote
        (comment(platform=Platform.INSTAGRAM), PRIVATE, PRIVATE),
        (comment(platform=Platform.X), PRIVATE, PRIVATE),  # a DM to the mention's author
        (comment(platform=Platform.MESSENGER, kind=Kind.MESSAGE), PUBLIC, PRIVATE),  # a DM stays private
        (comment(platform=Platform.WHATSAPP, kind=Kind.MESSAGE), UNSET, PRIVATE),
        (comment(platform=Platform.TELEGRAM, kind=Kind.MESSAGE, thread_id="user-1"), PRIVATE, PRIVATE),
        # a Telegram group message stays in the group: a bot cannot DM someone who has not started it
        (comment(platform=Platform.TELEGRAM, kind=Kind.MESSAGE, thread_id="-1001"), PRIVATE, PUBLIC),
    ],
)
def test_deliverable_visibility(interaction, chosen, goes):
    assert deliverable_visibility(interaction, chosen) is goes


@pytest.mark.parametrize("platform", [Platform.FACEBOOK, Platform.INSTAGRAM, Platform.X])
def test_a_comment_the_brand_answers_in_private_goes_to_the_replier_as_private(platform):
    store, dispatcher, replier = InMemoryInteractionStore(), RecordingDispatcher(), ScriptedReplier("m_1")
    key = _stored_with(store, comment("Love it, thank you!", platform=platform, created_at=0.0), PRIVATE)
    outcome = _respond(store, key, replier, dispatcher, now=DAY)
    assert outcome.status is ReplyStatus.SENT and replier.visibilities == [PRIVATE]


def test_the_shipped_policy_answers_comments_in_public():
    store, dispatcher, replier = InMemoryInteractionStore(), RecordingDispatcher(), ScriptedReplier()
    ingest([comment("Love it, thank you!", created_at=0.0)], store, dispatcher)
    _respond(store, dispatcher.acks[0].interaction_key, replier, dispatcher, now=60.0)
    assert replier.visibilities == [PUBLIC]


@pytest.mark.parametrize("platform", [Platform.FACEBOOK, Platform.INSTAGRAM])
def test_a_private_reply_after_seven_days_sends_nothing_and_a_person_gets_the_reason(platform):
    store, dispatcher, replier = InMemoryInteractionStore(), RecordingDispatcher(), ScriptedReplier()
    key = _stored_with(store, comment("Love it, thank you!", platform=platform, created_at=0.0), PRIVATE)
    outcome = _respond(store, key, replier, dispatcher, now=7 * DAY + 60)
    assert outcome.status is ReplyStatus.FAILED and replier.sent == []
    assert "private reply window closed (168 h" in store.get(key).reply_error
    [follow_up] = dispatcher.follow_ups
    assert follow_up.interaction_key == key and "one private reply per comment" in follow_up.reasons[0]


def test_the_same_old_comment_answered_in_public_has_no_window():
    store, dispatcher, replier = InMemoryInteractionStore(), RecordingDispatcher(), ScriptedReplier()
    key = _stored_with(store, comment("Love it, thank you!", created_at=0.0), PUBLIC)
    assert _respond(store, key, replier, dispatcher, now=30 * DAY).status is ReplyStatus.SENT


# --- WhatsApp delivery reports about our replies ---------------------------------------------------------------

ACCOUNT, CUSTOMER = "300400500600700", "447700900123"


def _wa_message(text: str = "Thank you, that was quick!", wamid: str = "wamid.IN1"):
    return comment(
        text,
        platform=Platform.WHATSAPP,
        kind=Kind.MESSAGE,
        external_id=wamid,
        account_id=ACCOUNT,
        author_id=CUSTOMER,
        thread_id=CUSTOMER,
        created_at=1_000.0,
    )


def _statuses(*items: tuple[str, str], errors=None) -> list:
    statuses = []
    for wamid, state in items:
        status = {"id": wamid, "status": state, "timestamp": "1100", "recipient_id": CUSTOMER}
        if state == "failed":
            status["errors"] = errors or [{"code": 131026, "title": "Message undeliverable"}]
        statuses.append(status)
    value = {"messaging_product": "whatsapp", "metadata": {"phone_number_id": ACCOUNT}, "statuses": statuses}
    body = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "waba", "changes": [{"field": "messages", "value": value}]}],
    }
    return parse_meta_delivery(json.dumps(body).encode(), 1_100.0)


@pytest.fixture
def replied():
    """A WhatsApp message that got our reply (wamid.OURS), linked for delivery reports."""
    store, dispatcher, links = InMemoryInteractionStore(), RecordingDispatcher(), InMemorySentReplies()
    ingest([_wa_message()], store, dispatcher, sent_replies=links)
    key = dispatcher.acks[0].interaction_key
    _respond(store, key, ScriptedReplier("wamid.OURS"), dispatcher, now=1_010.0, sent_replies=links)
    return store, links, key


def test_statuses_move_our_replys_delivery_state_forward_and_never_ask_for_a_reply(replied):
    store, links, key = replied
    dispatcher = RecordingDispatcher()
    result = ingest(_statuses(("wamid.OURS", "delivered")), store, dispatcher, sent_replies=links)
    assert store.get(key).delivery_state is DeliveryState.DELIVERED
    assert (result.stored, result.acks, result.follow_ups, result.delivery_reports) == (0, 0, 0, 1)
    # read arrives before sent (out of order): read stays
    ingest(_statuses(("wamid.OURS", "read"), ("wamid.OURS", "sent")), store, dispatcher, sent_replies=links)
    assert store.get(key).delivery_state is DeliveryState.READ
    ingest(_statuses(("wamid.OURS", "delivered")), store, dispatcher, sent_replies=links)
    assert store.get(key).delivery_state is DeliveryState.READ
    assert store.get(key).reply_status is ReplyStatus.SENT and not dispatcher.acks
    # none of them became an interaction of its own
    assert not [k for k in store.items if k.startswith("whatsapp#status.")]


def test_a_failed_status_marks_the_reply_and_reaches_a_person_with_the_error_code(replied):
    store, links, key = replied
    dispatcher = RecordingDispatcher()
    ingest(_statuses(("wamid.OURS", "failed")), store, dispatcher, sent_replies=links)
    stored = store.get(key)
    assert stored.delivery_state is DeliveryState.FAILED and stored.delivery_error == "131026 Message undeliverable"
    [follow_up] = dispatcher.follow_ups
    assert follow_up.interaction_key == key
    assert follow_up.reasons == ("WhatsApp could not deliver our reply (131026 Message undeliverable)",)
    # a redelivery asks again (adding to the case is idempotent), and nothing moves back
    ingest(_statuses(("wamid.OURS", "read")), store, dispatcher, sent_replies=links)
    assert store.get(key).delivery_state is DeliveryState.FAILED


def test_a_status_about_a_message_we_did_not_send_is_kept_as_conversation_activity(replied):
    store, links, _ = replied
    dispatcher = RecordingDispatcher()
    result = ingest(_statuses(("wamid.SOMEONE_ELSES", "read")), store, dispatcher, sent_replies=links)
    assert result.stored == 1 and result.delivery_reports == 0
    [status] = [s for k, s in store.items.items() if k.startswith("whatsapp#status.")]
    assert status.interaction.kind is Kind.ACTIVITY and status.interaction.author_id == CUSTOMER
    # a failed one it cannot place still reaches a person
    failed = ingest(_statuses(("wamid.SOMEONE_ELSES", "failed")), store, dispatcher, sent_replies=links)
    assert failed.follow_ups == 1


def test_a_status_that_raced_ahead_of_our_link_is_applied_when_the_link_lands():
    store, dispatcher, links = InMemoryInteractionStore(), RecordingDispatcher(), InMemorySentReplies()
    ingest([_wa_message()], store, dispatcher, sent_replies=links)
    key = dispatcher.acks[0].interaction_key

    class StatusFirst(ScriptedReplier):
        def reply(self, interaction, text, visibility):
            reply_id = super().reply(interaction, text, visibility)
            # WhatsApp's "delivered" arrives while our send has not been recorded yet
            ingest(_statuses((reply_id, "delivered")), store, RecordingDispatcher(), sent_replies=links)
            return reply_id

    _respond(store, key, StatusFirst("wamid.FAST"), dispatcher, now=1_010.0, sent_replies=links)
    assert store.get(key).delivery_state is DeliveryState.DELIVERED
