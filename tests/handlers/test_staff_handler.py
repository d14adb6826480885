"""The StaffApi function's lambda_handler, in-process over the fakes: the queue, what staff do to a case, the panic
button, and the error mapping (who is calling, and the domain's refusals as HTTP)."""

from __future__ import annotations

import json
from typing import Any

from ackline.domain.cases import CaseEventKind
from ackline.domain.crisis import EVERY_ACCOUNT
from ackline.domain.model import Case, CaseStatus, Interaction, Platform, Priority, ReplyStatus
from ackline.usecases.follow_up import follow_up
from ackline.usecases.ingest import ingest
from tests.handlers.conftest import StaffRig
from tests.unit.builders import comment

UNKNOWN_CASE = "c_" + "0" * 20


def _case(rig: StaffRig, interaction: Interaction) -> Case:
    """A case as the webhook and the FollowUp consumer would have opened it."""
    ingest([interaction], rig.interactions, rig.dispatcher)
    return follow_up(rig.dispatcher.follow_ups[-1], rig.interactions, rig.cases, interaction.received_at + 1)


def _json(answer: tuple[int, dict[str, str], bytes]) -> tuple[int, Any]:
    status, _, body = answer
    return status, json.loads(body)


def test_the_queue_lists_open_cases_most_urgent_first(staff_rig: StaffRig) -> None:
    older = _case(staff_rig, comment("my parcel arrived broken", external_id="q1", created_at=1_000.0))
    urgent = _case(
        staff_rig,
        comment("I will sue you, lawyer is calling", external_id="q2", thread_id="q2", author_id="user-2"),
    )
    assert (older.priority, urgent.priority) == (Priority.P2, Priority.P1)
    status, page = _json(staff_rig.staff_call("GET", "/api/cases"))
    assert status == 200 and page["count"] == 2 and page["next_cursor"] is None
    assert [c["case_id"] for c in page["cases"]] == [urgent.case_id, older.case_id]
    # the query string reaches the store's query: one per page, and the cursor gives the other
    status, one = _json(staff_rig.staff_call("GET", "/api/cases", query="limit=1"))
    assert status == 200 and one["count"] == 1 and one["next_cursor"]


def test_claim_then_reply_then_resolve(staff_rig: StaffRig) -> None:
    case = _case(staff_rig, comment("my parcel arrived broken", external_id="h1", created_at=1_000.0))

    status, claimed = _json(staff_rig.staff_call("POST", f"/api/cases/{case.case_id}/claim"))
    assert status == 200 and claimed["status"] == "claimed" and claimed["claimed_by"] == "ana@brand"
    stored = staff_rig.cases.get_case(case.case_id)
    assert stored is not None and stored.status is CaseStatus.CLAIMED and stored.updated_at == 1_100.0

    reply = {"text": "We are sorry, Dana. We will send a new one today."}
    headers = {"Idempotency-Key": "key-1"}
    path = f"/api/cases/{case.case_id}/reply"
    status, accepted = _json(staff_rig.staff_call("POST", path, json_body=reply, headers=headers))
    assert status == 200 and accepted["repeated"] is False
    [queued] = staff_rig.human_replies.requests
    event = staff_rig.cases.get_event(case.case_id, queued.event_id)
    assert event is not None and event.kind is CaseEventKind.HUMAN_REPLY and event.by == "ana@brand"
    assert event.reply_status is ReplyStatus.PENDING and event.text == reply["text"]
    # the same Idempotency-Key is the same reply: nothing new is stored
    status, again = _json(staff_rig.staff_call("POST", path, json_body=reply, headers=headers))
    assert status == 200 and again["repeated"] is True and again["reply"]["event_id"] == queued.event_id

    staff_rig.clock.now = 1_200.0
    status, resolved = _json(staff_rig.staff_call("POST", f"/api/cases/{case.case_id}/resolve"))
    assert status == 200 and resolved["status"] == "resolved"
    stored = staff_rig.cases.get_case(case.case_id)
    assert stored is not None and stored.resolved_by == "ana@brand" and stored.resolved_at == 1_200.0
    status, page = _json(staff_rig.staff_call("GET", "/api/cases"))
    assert (status, page["count"]) == (200, 0)


def test_crisis_mode_on_and_off_by_the_panic_button(staff_rig: StaffRig) -> None:
    assert _json(staff_rig.staff_call("GET", "/api/crisis"))[1]["on"] is False
    switch = {"on": True, "statement": "We know about the outage and are on it."}
    status, view = _json(staff_rig.staff_call("POST", "/api/crisis", json_body=switch))
    assert status == 200 and view["on"] is True
    [state] = staff_rig.crisis.all_states()
    assert state.account == EVERY_ACCOUNT and state.on and state.manual and state.by == "ana@brand"
    assert state.statement == switch["statement"] and state.since == 1_100.0
    assert len(staff_rig.alerter.alerts) == 1  # people hear about a switch-on

    staff_rig.clock.now = 1_500.0
    status, view = _json(staff_rig.staff_call("POST", "/api/crisis", json_body={"on": False}))
    assert status == 200 and view["on"] is False
    [state] = staff_rig.crisis.all_states()
    assert not state.on and state.changed_at == 1_500.0


def test_no_verified_identity_is_401_and_nothing_changes(staff_rig: StaffRig) -> None:
    case = _case(staff_rig, comment("my parcel arrived broken", external_id="a1", created_at=1_000.0))
    before = staff_rig.cases.history(case.case_id)
    for method, path, body in [
        ("GET", "/api/cases", None),
        ("POST", f"/api/cases/{case.case_id}/claim", None),
        ("POST", f"/api/cases/{case.case_id}/reply", {"text": "hello"}),
        ("POST", f"/api/cases/{case.case_id}/resolve", None),
        ("POST", "/api/crisis", {"on": True}),
        ("POST", "/api/authors/facebook/4242/block", None),
    ]:
        status, answer = _json(staff_rig.staff_call(method, path, staff=None, json_body=body))
        assert (status, answer) == (401, {"message": "unauthorized"}), path
    assert staff_rig.cases.history(case.case_id) == before
    assert staff_rig.human_replies.requests == [] and staff_rig.crisis.all_states() == []
    assert staff_rig.blocklist.entries == {} and staff_rig.alerter.alerts == []


def test_a_caller_without_identity_is_refused_before_the_brand_policy_is_read(staff_rig: StaffRig) -> None:
    # the policy is read from SSM; an invalid one raises there, which must not turn the 401 into a 5xx
    from ackline import bootstrap
    from ackline.domain.policy import PolicyError
    from functions.staff_api.app import app

    def broken_policy() -> None:
        raise PolicyError("the policy in SSM is not valid")

    app.dependency_overrides[bootstrap.brand_policy] = broken_policy
    for method, path, body in [
        ("GET", f"/api/cases/{UNKNOWN_CASE}", None),
        ("POST", f"/api/cases/{UNKNOWN_CASE}/reply", {"text": "hello"}),
        ("GET", "/api/crisis", None),
        ("POST", "/api/crisis", {"on": True}),
    ]:
        assert _json(staff_rig.staff_call(method, path, staff=None, json_body=body)) == (
            401,
            {"message": "unauthorized"},
        ), path
    # a signed-in caller meets the broken policy: a 5xx (the ERROR line says why), never a guess
    status, _ = _json(staff_rig.staff_call("GET", "/api/crisis"))
    assert status == 500


def test_domain_errors_are_mapped_to_http(staff_rig: StaffRig) -> None:
    case = _case(staff_rig, comment("my parcel arrived broken", external_id="d1", created_at=1_000.0))
    assert _json(staff_rig.staff_call("POST", f"/api/cases/{UNKNOWN_CASE}/claim")) == (
        404,
        {"message": "case not found"},
    )
    assert staff_rig.staff_call("POST", f"/api/cases/{case.case_id}/claim", staff="bo@brand")[0] == 200
    # someone else holds it: 409, and the case stays theirs
    status, held = _json(staff_rig.staff_call("POST", f"/api/cases/{case.case_id}/claim"))
    assert (status, held["held_by"]) == (409, "bo@brand")
    stored = staff_rig.cases.get_case(case.case_id)
    assert stored is not None and stored.claimed_by == "bo@brand"
    # a reply the rules refuse (too long for X) is 422 with the reason, and nothing is stored or queued
    on_x = _case(staff_rig, comment("terrible, it broke", platform=Platform.X, external_id="t1", thread_id="t1"))
    path = f"/api/cases/{on_x.case_id}/reply"
    status, refused = _json(staff_rig.staff_call("POST", path, json_body={"text": "x" * 281}))
    assert status == 422 and refused["message"] == "reply refused" and "too_long" in refused["reason"]
    assert staff_rig.human_replies.requests == []
    assert [e.kind for e in staff_rig.cases.history(on_x.case_id)[1]] == []
    # what the OpenAPI validation refuses never reaches the stores
    assert staff_rig.staff_call("POST", path, json_body={"text": ""})[0] == 422
    assert staff_rig.staff_call("GET", "/api/cases/not-a-case-id")[0] == 422
