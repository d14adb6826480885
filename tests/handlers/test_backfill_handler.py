"""The Backfill function's lambda_handler (scheduled), built by its handler factory over the fakes: what the
webhooks missed is ingested once and its work queued; an operator's run names its own accounts; a platform that
fails is reported and the others still run."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ackline.domain.model import Platform
from ackline.ports import ActivitySource
from ackline.usecases.ingest import ingest
from functions.backfill.app import LOOKBACK_SECONDS, BackfillPorts, build_handler
from tests.fakes import ScriptedActivity
from tests.handlers.conftest import World, context
from tests.unit.builders import comment

CONTEXT = context("ackline-BackfillFunction")
NOW = 1_767_000_000.0


def _handler(world: World, sources: Mapping[Platform, ActivitySource], accounts: str = "facebook#1044") -> Any:
    ports = BackfillPorts(
        accounts=accounts,
        sources=sources,
        store=world.interactions,
        dispatcher=world.dispatcher,
        policy=world.policy,
        ledger=world.ledger,
        demand=world.demand,
        crisis=world.crisis,
        alerter=world.alerter,
        shield=world.shield,
        clock=world.clock,
    )
    return build_handler(lambda: ports)


def test_missed_messages_are_stored_once_and_their_work_queued(world: World) -> None:
    world.clock.now = NOW
    delivered = comment("Love it", external_id="c1", account_id="1044", created_at=NOW - 600, received_at=NOW - 600)
    missed = comment(
        "Where is my order? It never arrived",
        external_id="c2",
        thread_id="c2",
        author_id="u2",
        account_id="1044",
        created_at=NOW - 300,
        received_at=NOW - 300,
    )
    ingest([delivered], world.interactions, world.dispatcher)  # this one did arrive as a webhook
    world.dispatcher.acks.clear()
    source = ScriptedActivity(delivered, missed)
    handler = _handler(world, {Platform.FACEBOOK: source})
    assert handler({}, CONTEXT) == {"accounts": 1, "read": 2, "stored": 1, "failed": []}
    assert source.asked == [("1044", NOW - LOOKBACK_SECONDS)]
    assert set(world.interactions.items) == {delivered.key, missed.key}
    assert missed.key in {a.interaction_key for a in world.dispatcher.acks}
    # the next run finds nothing new
    world.clock.now = NOW + 900
    assert handler({}, CONTEXT)["stored"] == 0 and len(world.interactions.items) == 2


def test_an_operators_run_names_its_accounts_and_a_failing_platform_does_not_stop_the_others(world: World) -> None:
    world.clock.now = NOW
    mention = comment(
        "@brand help", platform=Platform.X, external_id="t1", account_id="1500", created_at=NOW - 60, received_at=NOW
    )
    sources = {Platform.FACEBOOK: ScriptedActivity(fail=True), Platform.X: ScriptedActivity(mention)}
    result = _handler(world, sources, accounts="")(
        {"accounts": "facebook#1044,x#1500", "lookback_seconds": 600}, CONTEXT
    )
    assert (result["accounts"], result["read"], result["stored"]) == (2, 1, 1)
    [failed] = result["failed"]
    assert failed.startswith("facebook#1044: RuntimeError")
    assert set(world.interactions.items) == {mention.key}
