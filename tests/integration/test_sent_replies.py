"""Delivery reports on DynamoDB (moto): the reply link item, parking a report that raced ahead of it, and the
forward-only delivery state on the interaction."""

from ackline.adapters.interaction_table import DynamoInteractionStore
from ackline.adapters.sent_replies import LINK_TTL_SECONDS, DynamoSentReplies
from ackline.domain.delivery import DeliveryReport
from ackline.domain.model import DeliveryState, Kind, Platform, ReplyStatus
from ackline.domain.triage import triage
from tests.unit.builders import comment

WA = Platform.WHATSAPP


def _report(state: DeliveryState, wamid: str = "wamid.OURS", at: float = 200.0, error: str = "") -> DeliveryReport:
    return DeliveryReport(WA, wamid, state, at, error)


def _replied(aws, dynamodb) -> tuple[DynamoInteractionStore, str]:
    store = DynamoInteractionStore(dynamodb, aws["DataTable"].name)
    message = comment("Thank you!", platform=WA, kind=Kind.MESSAGE, external_id="wamid.IN1", author_id="4477")
    store.add(message, triage(message))
    store.claim_reply(message.key, 100.0, 120)
    store.finish_reply(message.key, ReplyStatus.SENT, reply_id="wamid.OURS", reply_text="Thanks", replied_at=101.0)
    return store, message.key


def test_link_then_lookup_and_the_link_expires(aws, dynamodb):
    links = DynamoSentReplies(dynamodb, aws["DataTable"].name)
    assert links.link(WA, "wamid.OURS", "whatsapp#wamid.IN1", 1_000.0) is None
    assert links.owners(WA, ["wamid.OURS", "wamid.OTHER", "wamid.OURS"]) == {"wamid.OURS": "whatsapp#wamid.IN1"}
    item = dynamodb.get_item(
        TableName=aws["DataTable"].name, Key={"pk": {"S": "REPLY#whatsapp#wamid.OURS"}, "sk": {"S": "REPLY"}}
    )["Item"]
    assert item["expires_at"] == {"N": str(1_000 + LINK_TTL_SECONDS)}


def test_a_report_parked_before_the_link_comes_back_with_it(aws, dynamodb):
    links = DynamoSentReplies(dynamodb, aws["DataTable"].name)
    assert links.park(_report(DeliveryState.SENT, at=150.0), 150.0) is None
    assert links.park(_report(DeliveryState.FAILED, at=160.0, error="131026 Message undeliverable"), 160.0) is None
    early = links.link(WA, "wamid.OURS", "whatsapp#wamid.IN1", 170.0)
    assert early == _report(DeliveryState.FAILED, at=160.0, error="131026 Message undeliverable")
    # and a report parked after the link (a stale lookup) learns the owner at once
    assert links.park(_report(DeliveryState.READ), 180.0) == "whatsapp#wamid.IN1"


def test_delivery_state_only_moves_forward_and_only_for_that_reply(aws, dynamodb):
    store, key = _replied(aws, dynamodb)
    assert store.record_deliveries([(key, _report(DeliveryState.READ, at=300.0))]) == [True]
    # out of order and repeated: delivered after read, read again
    assert store.record_deliveries([(key, _report(DeliveryState.DELIVERED)), (key, _report(DeliveryState.READ))]) == [
        False,
        False,
    ]
    # a report about another message of ours changes nothing here; a missing interaction neither
    assert store.record_deliveries([(key, _report(DeliveryState.FAILED, wamid="wamid.NOT_THIS_ONE"))]) == [False]
    assert store.record_deliveries([("whatsapp#gone", _report(DeliveryState.SENT))]) == [False]
    stored = store.get(key)
    assert stored is not None
    assert (stored.delivery_state, stored.delivery_at, stored.delivery_error) == (DeliveryState.READ, 300.0, "")
    assert stored.reply_status is ReplyStatus.SENT


def test_failed_is_final_and_carries_the_error(aws, dynamodb):
    store, key = _replied(aws, dynamodb)
    failed = _report(DeliveryState.FAILED, error="131047 Re-engagement message")
    assert store.record_deliveries([(key, _report(DeliveryState.SENT)), (key, failed)]) in ([True, True], [False, True])
    assert store.record_deliveries([(key, _report(DeliveryState.READ))]) == [False]
    stored = store.get(key)
    assert stored is not None
    assert (stored.delivery_state, stored.delivery_error) == (DeliveryState.FAILED, "131047 Re-engagement message")
