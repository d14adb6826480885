"""The Responder function's lambda_handler (an AckQueue consumer), built by its handler factory over the fakes:
acknowledgements and people's replies sent once, a retry reported per item, a bad record failing alone."""

from __future__ import annotations

from typing import Any

from ackline.contracts.messages import AckRequest
from ackline.domain.errors import RateLimited
from ackline.domain.model import ReplyStatus
from ackline.usecases.follow_up import follow_up
from ackline.usecases.human_reply import request_human_reply
from ackline.usecases.ingest import ingest
from functions.responder.app import ResponderPorts, build_handler
from tests.fakes import RecordingHumanReplyQueue, ScriptedReplier
from tests.handlers.conftest import World, context
from tests.lambda_events import sqs_event
from tests.unit.builders import comment

CONTEXT = context("ackline-ResponderFunction")


def _handler(world: World, *, refuse_example_policy: bool = False) -> Any:
    ports = ResponderPorts(
        interactions=world.interactions,
        cases=world.cases,
        pauses=world.cases,
        replier=world.replier,
        dispatcher=world.dispatcher,
        retries=world.retries,
        policy=world.policy,
        memory=world.memory,
        sent_replies=world.sent_replies,
        crisis=world.crisis,
        alerter=world.alerter,
        alert_gate=world.alert_gate,
        clock=world.clock,
        refuse_example_policy=refuse_example_policy,
    )
    return build_handler(lambda: ports)


def _ack_for(world: World, text: str, external_id: str) -> AckRequest:
    """What the webhook queued for a customer's comment."""
    ingest([comment(text, external_id=external_id, thread_id=external_id)], world.interactions, world.dispatcher)
    return world.dispatcher.acks[-1]


def test_an_ack_is_sent_once_and_recorded(world: World) -> None:
    ack = _ack_for(world, "Just got mine and I love it!", "c1")
    handler = _handler(world)
    assert handler(sqs_event(ack.model_dump_json()), CONTEXT) == {"batchItemFailures": []}
    [(key, text)] = world.replier.sent
    stored = world.interactions.get(ack.interaction_key)
    assert key == ack.interaction_key and stored is not None
    assert stored.reply_status is ReplyStatus.SENT and stored.reply_id == "reply-1" and stored.reply_text == text
    # SQS delivers at least once: the same message again sends nothing
    assert handler(sqs_event(ack.model_dump_json()), CONTEXT) == {"batchItemFailures": []}
    assert len(world.replier.sent) == 1


def test_a_bad_record_fails_alone_and_the_rest_of_the_batch_is_answered(world: World) -> None:
    first = _ack_for(world, "Just got mine and I love it!", "c1")
    second = _ack_for(world, "Great service, thank you", "c2")
    batch = sqs_event(first.model_dump_json(), "not json at all", '{"v": 1}', second.model_dump_json())
    assert _handler(world)(batch, CONTEXT) == {
        "batchItemFailures": [{"itemIdentifier": "m1"}, {"itemIdentifier": "m2"}]
    }
    assert {key for key, _ in world.replier.sent} == {first.interaction_key, second.interaction_key}


def test_a_rate_limited_reply_is_a_retry_at_the_platforms_time_not_a_lambda_error(world: World) -> None:
    ack = _ack_for(world, "Just got mine and I love it!", "c1")
    world.replier.outcomes = [RateLimited("slow down", retry_after=30)]
    assert _handler(world)(sqs_event(ack.model_dump_json()), CONTEXT) == {
        "batchItemFailures": [{"itemIdentifier": "m0"}]
    }
    [(receipt, delay)] = world.retries.delays
    assert receipt == "h0" and delay >= 30
    stored = world.interactions.get(ack.interaction_key)
    assert world.replier.sent == [] and stored is not None and stored.reply_status is ReplyStatus.PENDING


def test_an_erased_interactions_ack_is_settled_not_retried(world: World) -> None:
    ack = _ack_for(world, "Just got mine and I love it!", "c1")
    world.interactions.items.clear()  # erased on the person's request after it was queued
    assert _handler(world)(sqs_event(ack.model_dump_json()), CONTEXT) == {"batchItemFailures": []}
    assert world.replier.sent == []


def test_the_example_policy_is_refused_and_people_are_alerted_once(world: World) -> None:
    first = _ack_for(world, "Just got mine and I love it!", "c1")
    second = _ack_for(world, "Great service, thank you", "c2")
    handler = _handler(world, refuse_example_policy=True)
    assert handler(sqs_event(first.model_dump_json(), second.model_dump_json()), CONTEXT) == {"batchItemFailures": []}
    assert world.replier.sent == [] and len(world.alerter.alerts) == 1
    stored = world.interactions.get(first.interaction_key)
    assert stored is not None and stored.reply_status is not ReplyStatus.SENT


def test_a_persons_reply_from_the_queue_is_sent(world: World) -> None:
    ingest(
        [comment("my parcel arrived broken", external_id="h1", thread_id="h1")], world.interactions, world.dispatcher
    )
    case = follow_up(world.dispatcher.follow_ups[-1], world.interactions, world.cases, 1_002.0)
    queue = RecordingHumanReplyQueue()
    text = "We are sorry, Dana. A new one is on its way."
    request_human_reply(
        case.case_id, text, "ana@brand", "k1", world.cases, world.interactions, queue, world.policy, 1_050.0
    )
    [request] = queue.requests
    world.replier = ScriptedReplier("reply-from-ana")
    assert _handler(world)(sqs_event(request.model_dump_json()), CONTEXT) == {"batchItemFailures": []}
    assert world.replier.sent == [("facebook#h1", text)]
    event = world.cases.get_event(case.case_id, request.event_id)
    assert event is not None and event.reply_status is ReplyStatus.SENT and event.reply_id == "reply-from-ana"
