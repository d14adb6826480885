"""Feature requests counted as demand per topic (once per interaction), and replies that differ under one post."""

from __future__ import annotations

from ackline.domain.demand import TopicDemand, most_requested, requests_by_topic
from ackline.domain.model import Intent, Kind, Platform
from ackline.usecases.ingest import ingest
from ackline.usecases.respond import post_key, respond
from ackline.usecases.staff_queue import demand_by_topic
from tests.fakes import (
    InMemoryDemandCounter,
    InMemoryInteractionStore,
    InMemoryReplyMemory,
    RecordingDispatcher,
    ScriptedReplier,
)
from tests.unit.builders import comment

DARK_MODE = "Please add a dark mode to the app"
VEGAN = "Please stock a vegan version of the spread"


def test_feature_requests_are_counted_per_topic_once_per_interaction():
    # Given a delivery with two app requests, one range request and a complaint
    store, dispatcher, demand = InMemoryInteractionStore(), RecordingDispatcher(), InMemoryDemandCounter()
    messages = [
        comment(DARK_MODE, external_id="c1", author_id="a1", received_at=10.0),
        comment("Can you add dark mode in the app please", external_id="c2", author_id="a2", received_at=11.0),
        comment(VEGAN, external_id="c3", author_id="a3", received_at=12.0),
        comment("My order arrived broken", external_id="c4", author_id="a4", received_at=13.0),
    ]
    # When it is ingested, then redelivered
    ingest(messages, store, dispatcher, demand=demand)
    assert [store.get(m.key).decision.intent for m in messages[:3]] == [Intent.FEATURE_REQUEST] * 3
    ingest(messages, store, RecordingDispatcher(), demand=demand)
    # Then each topic counts each request once, and the staff see the most requested first
    assert {t.topic: t.requests for t in demand.topics()} == {"app": 2, "range": 1}
    top = demand_by_topic(demand, limit=10)
    assert [(t.topic, t.requests) for t in top] == [("app", 2), ("range", 1)]
    assert demand_by_topic(demand, limit=1)[0].topic == "app"


def test_demand_keeps_first_seen_and_moves_last_seen():
    demand = InMemoryDemandCounter()
    demand.record({"app": 1}, 5.0)
    demand.record({"app": 2, "range": 0}, 9.0)
    assert demand.topics() == [TopicDemand(topic="app", requests=3, first_seen=5.0, last_seen=9.0)]


def test_most_requested_orders_by_count_then_recency_then_name():
    rows = [
        TopicDemand(topic="b", requests=1, first_seen=0, last_seen=5),
        TopicDemand(topic="a", requests=1, first_seen=0, last_seen=5),
        TopicDemand(topic="c", requests=1, first_seen=0, last_seen=9),
        TopicDemand(topic="d", requests=4, first_seen=0, last_seen=1),
    ]
    assert [r.topic for r in most_requested(rows)] == ["d", "c", "a", "b"]


def test_only_feature_requests_with_a_topic_count():
    store, dispatcher = InMemoryInteractionStore(), RecordingDispatcher()
    ingest([comment("Love it!", external_id="p1")], store, dispatcher)
    assert requests_by_topic(s.decision for s in store.items.values()) == {}


def _reply_under_post(store, dispatcher, replier, memory, n: int, post: str = "page-1_post-9") -> str:
    message = comment(
        "Love this, thank you!",
        external_id=f"{post}_c{n}",
        author_id=f"author-{n}",
        author_name=f"Dana{'ab'[n % 2]} Rivers",
        post_id=post,
        created_at=1_000.0 + n,
    )
    ingest([message], store, dispatcher)
    respond(dispatcher.acks[-1], store, replier, dispatcher, lambda: 1_100.0 + n, memory=memory)
    return replier.sent[-1][1]


def test_replies_under_one_post_differ_across_authors():
    # Given four different customers praising under one post (praise has four variants)
    store, dispatcher, replier, memory = (
        InMemoryInteractionStore(),
        RecordingDispatcher(),
        ScriptedReplier(),
        InMemoryReplyMemory(),
    )
    # When each is answered
    texts = [_reply_under_post(store, dispatcher, replier, memory, n) for n in range(4)]
    # Then no two replies open alike, and the post remembers which variants it used
    openings = [t.split("!")[0].split(",")[0][:12] for t in texts]
    assert len(set(openings)) == 4, texts
    # (each entry is tagged with the interaction it answered, so remembering it twice changes nothing)
    remembered = sorted(e.partition("@")[0] for e in memory.posts["facebook#page-1_post-9"])
    assert remembered == ["praise#0", "praise#1", "praise#2", "praise#3"]


def test_without_the_post_memory_replies_under_one_post_can_repeat():
    # the same four customers, answered without memory: the seeded pick alone repeats a variant
    store, dispatcher, replier = InMemoryInteractionStore(), RecordingDispatcher(), ScriptedReplier()
    texts = [_reply_under_post(store, dispatcher, replier, None, n) for n in range(4)]
    openings = [t.split("!")[0].split(",")[0][:12] for t in texts]
    assert len(set(openings)) < 4, texts


def test_the_post_memory_is_capped_and_private_messages_have_none():
    store, dispatcher, replier, memory = (
        InMemoryInteractionStore(),
        RecordingDispatcher(),
        ScriptedReplier(),
        InMemoryReplyMemory(),
    )
    for n in range(12):
        _reply_under_post(store, dispatcher, replier, memory, n)
    assert len(memory.posts["facebook#page-1_post-9"]) == 8
    dm = comment("Love it", platform=Platform.MESSENGER, kind=Kind.MESSAGE, external_id="m1", thread_id="user-1")
    assert post_key(dm) == ""
    ingest([dm], store, dispatcher)
    respond(dispatcher.acks[-1], store, replier, dispatcher, lambda: 1_100.0, memory=memory)
    assert list(memory.posts) == ["facebook#page-1_post-9"]
