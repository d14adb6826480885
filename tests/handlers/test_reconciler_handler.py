"""The Reconciler function's lambda_handler (scheduled), built by its handler factory over the fakes: an
interaction stuck between steps is queued again, and an operator's run need not wait for the usual limit."""

from __future__ import annotations

from typing import Any

from ackline.usecases.ingest import ingest
from functions.reconciler.app import ReconcilerPorts, build_handler
from tests.handlers.conftest import World, context
from tests.unit.builders import comment

CONTEXT = context("ackline-ReconcilerFunction")


def _handler(world: World) -> Any:
    return build_handler(
        lambda: ReconcilerPorts(unsettled=world.unsettled, dispatcher=world.dispatcher, clock=world.clock)
    )


def test_a_reply_whose_queue_message_was_lost_is_queued_again(world: World) -> None:
    praise = comment("Just got mine and I love it!", external_id="r1", thread_id="r1", received_at=1_001.0)
    ingest([praise], world.interactions, world.dispatcher)
    world.dispatcher.acks.clear()  # the message never reached the responder
    handler = _handler(world)

    world.clock.now = 1_060.0  # under the usual two minutes: maybe still on its way
    assert handler({}, CONTEXT)["acks_requeued"] == 0 and world.dispatcher.acks == []

    world.clock.now = 1_200.0
    counts = handler({}, CONTEXT)
    assert counts["examined"] == 1 and counts["acks_requeued"] == 1 and counts["findings"] == 1
    assert [a.interaction_key for a in world.dispatcher.acks] == [praise.key]


def test_an_operators_run_takes_what_is_younger_than_the_usual_limit(world: World) -> None:
    praise = comment("Just got mine and I love it!", external_id="r1", thread_id="r1", received_at=1_001.0)
    ingest([praise], world.interactions, world.dispatcher)
    world.dispatcher.acks.clear()
    world.clock.now = 1_010.0
    counts = _handler(world)({"older_than_seconds": 0}, CONTEXT)
    assert counts["acks_requeued"] == 1 and [a.interaction_key for a in world.dispatcher.acks] == [praise.key]
