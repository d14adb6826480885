"""The CrisisWatch function's lambda_handler (scheduled), built by its handler factory over the fakes: automatic
crisis mode ends once the window calms, a manual switch stays, and a switch-on nobody was told about is alerted."""

from __future__ import annotations

from typing import Any

from functions.crisis_watch.app import CrisisWatchPorts, build_handler
from tests.handlers.conftest import World, context

CONTEXT = context("ackline-CrisisWatchFunction")


def _handler(world: World) -> Any:
    ports = CrisisWatchPorts(crisis=world.crisis, policy=world.policy, alerter=world.alerter, clock=world.clock)
    return build_handler(lambda: ports)


def test_automatic_crisis_mode_ends_when_calm_and_a_manual_one_stays_and_is_alerted(world: World) -> None:
    world.crisis.switch_on("facebook#page-1", 1_000.0, manual=False, by="auto", reason="negative wave")
    world.crisis.switch_on("x#1500", 1_000.0, manual=True, by="ana@brand", reason="outage")
    world.clock.now = 1_000.0 + 3600  # the window has long been quiet
    assert _handler(world)({}, CONTEXT) == {"on": 1, "switched_off": 1, "alerted": 1}
    states = {s.account: s for s in world.crisis.all_states()}
    assert not states["facebook#page-1"].on and states["facebook#page-1"].by == "auto"
    assert states["x#1500"].on and states["x#1500"].alerted_at == world.clock.now
    assert len(world.alerter.alerts) == 1
    # the next run changes nothing and alerts no one again
    assert _handler(world)({}, CONTEXT) == {"on": 1, "switched_off": 0, "alerted": 0}
    assert len(world.alerter.alerts) == 1
