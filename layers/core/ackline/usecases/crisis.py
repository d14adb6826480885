"""Crisis mode, as the webhook path, the scheduled watch and staff use it (the rules: `domain.crisis`).

- Ingest: each message's decision is adjusted while its account (or every account) is in crisis mode; then the
  freshly stored negative messages are counted (once per interaction: a redelivery is not fresh) and the window
  is checked. The one call whose conditional switch-on wins the wave alerts people, once.
- The watch (scheduled, every minute): automatic crisis mode ends when the window calms; a switch-on whose alert
  did not go out (the publish failed) is alerted now.
- Staff: the panic button (GET/POST /api/crisis), with an optional holding statement that must pass every check
  a reply passes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ackline.domain.crisis import (
    EVERY_ACCOUNT,
    CrisisState,
    account_of,
    alert_on_text,
    apply_crisis_mode,
    is_negative,
    spike_reason,
    statement_problems,
    threshold,
    usual_per_window,
)
from ackline.domain.errors import BadRequest
from ackline.domain.model import Decision, Interaction, StoredInteraction
from ackline.domain.policy import BrandPolicy
from ackline.ports import Alerter, CrisisStore

ALERT_GRACE_SECONDS = 30  # the switching call alerts at once; the watch only picks up one that failed


def effective_state(account: str, states: dict[str, CrisisState]) -> CrisisState | None:
    """The account's own switch when on, else the switch for every account when on."""
    for key in (account, EVERY_ACCOUNT):
        state = states.get(key)
        if state is not None and state.on:
            return state
    return None


def crisis_decisions(
    interactions: Sequence[Interaction], decisions: Sequence[Decision], store: CrisisStore, policy: BrandPolicy
) -> list[Decision]:
    accounts = {account_of(i) for i in interactions}
    states = store.states([*accounts, EVERY_ACCOUNT])
    if not any(s.on for s in states.values()):
        return list(decisions)
    return [
        apply_crisis_mode(i, d, effective_state(account_of(i), states), policy)
        for i, d in zip(interactions, decisions, strict=True)
    ]


def _alert(state: CrisisState, store: CrisisStore, policy: BrandPolicy, alerter: Alerter | None, now: float) -> bool:
    if alerter is None or state.since is None:
        return False
    # alert first, then record it: a crash in between alerts twice, never not at all
    alerter.alert(*alert_on_text(state, policy))
    store.mark_alerted(state.account, state.since, now)
    return True


def watch_the_window(
    fresh: Sequence[StoredInteraction],
    store: CrisisStore,
    policy: BrandPolicy,
    now: float,
    alerter: Alerter | None = None,
) -> list[CrisisState]:
    """Count the freshly stored negative messages; returns the switches this call turned on (`alerted_at` set
    when the alert went out; if it did not, the watch sends it)."""
    negatives: dict[str, int] = {}
    for stored in fresh:
        if is_negative(stored.interaction, stored.decision, policy):
            account = account_of(stored.interaction)
            negatives[account] = negatives.get(account, 0) + 1
    if not negatives:
        return []
    store.count(negatives, now)
    mode = policy.crisis_mode
    switched: list[CrisisState] = []
    for account in negatives:
        count = store.window_count(account, now, mode.window_minutes)
        if count < mode.min_negative:
            continue  # the common case: one Query, and no baseline read
        usual = usual_per_window(mode, store.baseline_count(account, now, mode.baseline_hours))
        if count < threshold(mode, usual):
            continue  # a busy account's ordinary day
        state = store.switch_on(account, now, manual=False, by="auto", reason=spike_reason(count, mode, usual))
        if state is not None:
            try:
                if _alert(state, store, policy, alerter, now):
                    state = state.model_copy(update={"alerted_at": now})
            except Exception:  # noqa: S110 - the caller logs a switch-on without alerted_at
                # the webhook must not fail for it: the watch sends an alert that did not go out a minute later
                pass
            switched.append(state)
    return switched


@dataclass(frozen=True)
class WatchReport:
    on: int = 0
    switched_off: int = 0
    alerted: int = 0


def watch(store: CrisisStore, policy: BrandPolicy, now: float, alerter: Alerter | None = None) -> WatchReport:
    mode = policy.crisis_mode
    on = switched_off = alerted = 0
    for state in store.all_states():
        if not state.on:
            continue
        automatic = not state.manual and state.account != EVERY_ACCOUNT
        calm = automatic and store.window_count(state.account, now, mode.window_minutes) < mode.calm_below
        if calm and store.switch_off(state.account, now, by="auto", manual=False):
            switched_off += 1
            continue
        on += 1
        if state.alerted_at is None and state.since is not None and now - state.since >= ALERT_GRACE_SECONDS:
            alerted += int(_alert(state, store, policy, alerter, now))
    return WatchReport(on=on, switched_off=switched_off, alerted=alerted)


def set_crisis(
    store: CrisisStore,
    policy: BrandPolicy,
    now: float,
    *,
    on: bool,
    by: str,
    account: str = EVERY_ACCOUNT,
    statement: str = "",
    alerter: Alerter | None = None,
) -> CrisisState:
    """The panic button. A statement is checked like any reply before it can reach a customer."""
    statement = statement.strip()
    if statement and (problems := statement_problems(statement, policy)):
        raise BadRequest("the holding statement cannot be sent: " + "; ".join(problems))
    if on:
        state = store.switch_on(account, now, manual=True, by=by, reason=f"switched on by {by}", statement=statement)
        if state is not None:
            _alert(state, store, policy, alerter, now)
            return state
    else:
        store.switch_off(account, now, by=by, manual=True)
    current = store.states([account]).get(account)
    return current or CrisisState(account=account)


def holding_statement(interaction: Interaction, store: CrisisStore, policy: BrandPolicy) -> str | None:
    """The statement a crisis-mode reply is sent with: staff's for the moment, else the policy's; None: the
    "crisis" template."""
    state = effective_state(account_of(interaction), store.states([account_of(interaction), EVERY_ACCOUNT]))
    if state is not None and state.statement:
        return state.statement
    return policy.crisis_mode.holding_statement
