"""Crisis mode through the ports: a wave switches it on once, replies become the holding statement, one alert,
off when the window calms; the panic button does the same; a person's statement is checked like any reply."""

import pytest

from ackline.domain.crisis import CRISIS_MODE_REASON, EVERY_ACCOUNT, threshold, usual_per_window
from ackline.domain.errors import BadRequest
from ackline.domain.model import Intent, Priority
from ackline.domain.policy import default_policy
from ackline.usecases.crisis import holding_statement, set_crisis, watch
from ackline.usecases.follow_up import follow_up
from ackline.usecases.ingest import ingest
from ackline.usecases.respond import respond
from tests.fakes import (
    InMemoryCaseStore,
    InMemoryCrisisStore,
    InMemoryInteractionStore,
    RecordingAlerter,
    RecordingDispatcher,
    ScriptedReplier,
)
from tests.unit.builders import comment

T0 = 1_767_000_000.0  # on a minute boundary
ACCOUNT = "facebook#page-1"
POLICY = default_policy()
MODE = POLICY.crisis_mode


def _complaint(n: int, at: float, account: str = "page-1"):
    return comment(
        "My order arrived broken and nobody answers my emails",
        external_id=f"c{n}",
        author_id=f"user-{n}",
        account_id=account,
        created_at=at,
        received_at=at,
    )


@pytest.fixture
def world():
    return InMemoryInteractionStore(), InMemoryCrisisStore(), RecordingDispatcher(), RecordingAlerter()


def _wave(world, count, start=T0, step=3.0, first=0):
    store, crisis, dispatcher, alerter = world
    results = []
    for n in range(first, first + count):
        results.append(
            ingest([_complaint(n, start + (n - first) * step)], store, dispatcher, crisis=crisis, alerter=alerter)
        )
    return results


def test_a_wave_of_complaints_switches_crisis_mode_on_once_with_one_alert(world):
    store, _, _, alerter = world
    results = _wave(world, 30)  # 30 complaints in 90 seconds
    switched = [r.crisis_on for r in results if r.crisis_on]
    assert switched == [(ACCOUNT,)]  # exactly one webhook won the switch
    assert results.index(next(r for r in results if r.crisis_on)) == MODE.min_negative - 1
    assert len(alerter.alerts) == 1
    subject, message = alerter.alerts[0]
    assert "CRISIS MODE ON" in subject and ACCOUNT in subject and "nobody answers" not in message
    # messages after the switch: holding statement (the crisis template), P1, one reason more
    later = store.get(f"facebook#c{MODE.min_negative + 2}")
    assert later.decision.reply_template == "crisis" and later.decision.priority is Priority.P1
    assert CRISIS_MODE_REASON in later.decision.reasons and later.decision.intent is Intent.COMPLAINT
    earlier = store.get("facebook#c0")
    assert earlier.decision.reply_template == "complaint" and CRISIS_MODE_REASON not in earlier.decision.reasons


def test_a_crisis_mode_case_is_p1_without_an_alert_of_its_own(world):
    store, crisis, dispatcher, _ = world
    _wave(world, 25)
    alerter = RecordingAlerter()
    cases = InMemoryCaseStore()
    request = next(f for f in dispatcher.follow_ups if f.interaction_key == "facebook#c24")
    case = follow_up(request, store, cases, T0 + 100, alerter)
    assert case.priority is Priority.P1 and alerter.alerts == []
    # a genuine crisis message in the middle of the wave still alerts on its own
    store_crisis = comment(
        "My child was injured by the charger", external_id="k1", author_id="kid", account_id="page-1"
    )
    ingest([store_crisis], store, dispatcher, crisis=crisis)
    request = next(f for f in dispatcher.follow_ups if f.interaction_key == "facebook#k1")
    assert follow_up(request, store, cases, T0 + 101, alerter).priority is Priority.P1 and len(alerter.alerts) == 1


def test_replies_in_crisis_mode_are_the_holding_statement_and_pass_the_guardrails(world):
    store, crisis, dispatcher, _ = world
    _wave(world, 22)
    replier = ScriptedReplier()
    ack = next(a for a in dispatcher.acks if a.interaction_key == "facebook#c21")
    statement = (
        "We know some orders are delayed and our team is working on it as a priority. Please message us privately."
    )
    set_crisis(crisis, POLICY, T0 + 70, on=True, by="ana@example.com", account=ACCOUNT, statement=statement)
    respond(
        ack,
        store,
        replier,
        dispatcher,
        lambda: T0 + 71,
        holding_statement=lambda i: holding_statement(i, crisis, POLICY),
    )
    assert replier.sent == [("facebook#c21", statement)]


def test_the_window_calming_switches_automatic_crisis_mode_off(world):
    _, crisis, _, alerter = world
    _wave(world, 20)
    assert crisis.switches[ACCOUNT].on
    # still busy: stays on
    assert watch(crisis, POLICY, T0 + 120, alerter).on == 1
    # the window has moved past the wave: off, with no further alert
    report = watch(crisis, POLICY, T0 + MODE.window_minutes * 60 + 120, alerter)
    assert report.switched_off == 1 and not crisis.switches[ACCOUNT].on and len(alerter.alerts) == 1


def test_an_alert_that_did_not_go_out_is_sent_by_the_watch_once(world):
    store, crisis, dispatcher, _ = world

    class Down:
        def alert(self, subject, message):
            raise RuntimeError("SNS unavailable")

    results = [ingest([_complaint(n, T0 + n)], store, dispatcher, crisis=crisis, alerter=Down()) for n in range(20)]
    assert results[-1].crisis_on == (ACCOUNT,)  # the webhook still succeeded
    alerter = RecordingAlerter()
    assert watch(crisis, POLICY, T0 + 25, alerter).alerted == 0  # within the grace period the switcher may still
    assert watch(crisis, POLICY, T0 + 60, alerter).alerted == 1
    assert watch(crisis, POLICY, T0 + 120, alerter).alerted == 0 and len(alerter.alerts) == 1


def test_the_threshold_is_relative_to_the_accounts_usual_rate(world):
    _, crisis, _, alerter = world
    # a busy account: 1,440 negative messages a day is 10 per 10-minute window, so 4x usual is 40
    crisis.count({ACCOUNT: 1440}, T0 - 3 * 3600)
    usual = usual_per_window(MODE, crisis.baseline_count(ACCOUNT, T0, MODE.baseline_hours))
    assert usual == pytest.approx(10.0) and threshold(MODE, usual) == pytest.approx(40.0)
    results = _wave(world, 30)
    assert not any(r.crisis_on for r in results) and alerter.alerts == []
    results = _wave(world, 10, start=T0 + 100, step=1.0, first=100)
    assert [r.crisis_on for r in results if r.crisis_on] == [(ACCOUNT,)]


def test_the_panic_button_switches_every_account_and_stays_until_a_person_switches_it_off(world):
    store, crisis, dispatcher, _ = world
    alerter = RecordingAlerter()
    state = set_crisis(crisis, POLICY, T0, on=True, by="ana@example.com", alerter=alerter)
    assert state.on and state.account == EVERY_ACCOUNT and len(alerter.alerts) == 1
    assert "switched on by ana@example.com" in alerter.alerts[0][1]
    # pressing it again changes nothing and alerts nobody
    set_crisis(crisis, POLICY, T0 + 1, on=True, by="ana@example.com", alerter=alerter)
    assert len(alerter.alerts) == 1
    ingest([_complaint(1, T0 + 2, account="another-page")], store, dispatcher, crisis=crisis)
    assert CRISIS_MODE_REASON in store.get("facebook#c1").decision.reasons
    praise = comment("Love it, thank you!", external_id="p1", author_id="fan", account_id="another-page")
    ingest([praise], store, dispatcher, crisis=crisis)
    assert store.get("facebook#p1").decision.reply_template == "praise"  # only negative or related messages
    # the counters never switch off a person's switch
    assert watch(crisis, POLICY, T0 + 3600, alerter).switched_off == 0
    state = set_crisis(crisis, POLICY, T0 + 3601, on=False, by="ana@example.com")
    assert not state.on
    ingest([_complaint(2, T0 + 3602, account="another-page")], store, dispatcher, crisis=crisis)
    assert CRISIS_MODE_REASON not in store.get("facebook#c2").decision.reasons


@pytest.mark.parametrize(
    "statement",
    [
        "We guarantee a fix by tomorrow.",  # a promise
        "See https://evil.example/x for updates",  # a link the brand does not own
        "x" * 300,  # too long for X
    ],
)
def test_a_statement_that_breaks_a_guardrail_is_refused(world, statement):
    _, crisis, _, _ = world
    with pytest.raises(BadRequest):
        set_crisis(crisis, POLICY, T0, on=True, by="ana@example.com", statement=statement)
    assert crisis.switches == {}
