"""UnsettledIndex against moto: an interaction is in the index exactly while it owes a reply or a case."""

from ackline.adapters.interaction_table import DynamoInteractionStore
from ackline.adapters.unsettled_index import DynamoUnsettledInteractions
from ackline.domain.decide import decide
from ackline.domain.model import Kind, Platform, ReplyStatus
from ackline.domain.policy import default_policy
from tests.unit.builders import comment


def _stores(aws, dynamodb):
    table = aws["DataTable"].name
    return DynamoInteractionStore(dynamodb, table), DynamoUnsettledInteractions(dynamodb, table, page_size=2)


def _keys(unsettled, before=10_000.0):
    return {s.interaction.key for s in unsettled.unsettled(before, limit=100)}


def test_a_pending_reply_is_unsettled_until_it_is_sent(aws, dynamodb):
    store, unsettled = _stores(aws, dynamodb)
    praise = comment("Love it", external_id="c1", received_at=1_000.0)
    store.add(praise, decide(praise, default_policy()))
    assert _keys(unsettled) == {"facebook#c1"}
    assert _keys(unsettled, before=999.0) == set()  # only what was stored before the cut-off
    store.claim_reply("facebook#c1", 1_001.0, 120)
    [leased] = unsettled.unsettled(10_000.0, 10)
    assert leased.reply_status is ReplyStatus.SENDING and leased.reply_lease_until == 1_121.0
    store.finish_reply("facebook#c1", ReplyStatus.SENT, reply_id="r1")
    assert _keys(unsettled) == set()


def test_many_unsettled_are_read_across_buckets_and_pages(aws, dynamodb):
    store, unsettled = _stores(aws, dynamodb)
    for n in range(25):
        item = comment("Love it", external_id=f"c{n}", received_at=1_000.0 + n)
        store.add(item, decide(item, default_policy()))
    assert len(_keys(unsettled)) == 25
    assert len(unsettled.unsettled(10_000.0, limit=7)) == 7


def test_an_escalation_without_a_reply_is_unsettled_until_its_case_is_recorded(aws, dynamodb):
    store, unsettled = _stores(aws, dynamodb)
    raw = comment("", external_id="g1", kind=Kind.RAW, platform=Platform.GENERIC)
    store.add(raw, decide(raw, default_policy()))
    assert _keys(unsettled) == {"generic#g1"}
    assert unsettled.case_recorded("generic#g1")
    assert _keys(unsettled) == set()


def test_settle_and_give_up_never_touch_a_reply_in_flight(aws, dynamodb):
    store, unsettled = _stores(aws, dynamodb)
    praise = comment("Love it", external_id="c1")
    store.add(praise, decide(praise, default_policy()))
    assert not unsettled.settle("facebook#c1")  # still owed
    store.claim_reply("facebook#c1", 1_001.0, 120)
    assert not unsettled.give_up_reply("facebook#c1", "too long")  # a responder holds it: it wins
    store.finish_reply("facebook#c1", ReplyStatus.PENDING, error="429")
    assert unsettled.give_up_reply("facebook#c1", "no automated reply after 60 minutes")
    given_up = store.get("facebook#c1")
    assert given_up is not None and given_up.reply_status is ReplyStatus.FAILED
    assert _keys(unsettled) == set()
    assert not unsettled.give_up_reply("facebook#c1", "again")  # once
