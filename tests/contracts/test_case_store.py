"""CaseStore: the fake and DynamoCaseStore keep the same case rules (one open case per conversation, urgency,
the SLA clock, claim and un-claim, resolve and reopen)."""

from __future__ import annotations

import pytest

from ackline import ports
from ackline.domain.errors import CaseConflict, CaseHeld, CaseNotFound
from ackline.domain.model import CaseStatus, Interaction, Priority
from ackline.domain.triage import SLA_SECONDS
from tests.unit.builders import comment


def _message(n: int, author: str = "user-1") -> Interaction:
    return comment(f"message {n}", external_id=f"c{n}", thread_id=f"c{n}", author_id=author, created_at=1_000.0 + n)


def test_one_open_case_per_conversation_and_retries_change_nothing(cases: ports.CaseStore) -> None:
    case = cases.open_or_append(_message(1), Priority.P3, ["question: a person answers it"], 1_000.0)
    assert case.status is CaseStatus.OPEN and case.interaction_keys == ("facebook#c1",)
    assert case.due_at == 1_000.0 + SLA_SECONDS[Priority.P3]
    again = cases.open_or_append(_message(1), Priority.P3, ["question: a person answers it"], 1_005.0)
    assert again == case
    later = cases.open_or_append(_message(2), Priority.P3, ["complaint: broken"], 1_010.0)
    assert later.case_id == case.case_id and later.interaction_keys == ("facebook#c1", "facebook#c2")
    assert later.reasons == ("question: a person answers it", "complaint: broken")
    assert later.summary == "message 2" and later.updated_at == 1_010.0
    other = cases.open_or_append(_message(3, author="user-2"), Priority.P3, ["r"], 1_020.0)
    assert other.case_id != case.case_id


def test_a_more_urgent_message_makes_the_case_more_urgent_and_due_sooner(cases: ports.CaseStore) -> None:
    case = cases.open_or_append(_message(1), Priority.P3, ["question"], 1_000.0)
    crisis = cases.open_or_append(_message(2), Priority.P1, ["safety: fire"], 1_100.0)
    assert crisis.priority is Priority.P1
    assert crisis.due_at == min(case.due_at, 1_100.0 + SLA_SECONDS[Priority.P1])
    calmer = cases.open_or_append(_message(3), Priority.P3, ["question"], 1_200.0)
    assert calmer.priority is Priority.P1 and calmer.due_at == crisis.due_at  # never less urgent, never later
    [listed] = cases.list_cases(CaseStatus.OPEN, 10)
    assert listed.priority is Priority.P1


def test_the_policy_sla_sets_when_a_case_falls_due(cases: ports.CaseStore) -> None:
    case = cases.open_or_append(_message(1), Priority.P2, ["complaint"], 1_000.0, sla_seconds=600)
    assert case.due_at == 1_600.0
    sooner = cases.open_or_append(_message(2), Priority.P2, ["complaint"], 1_100.0, sla_seconds=60)
    assert sooner.due_at == 1_160.0


def test_a_later_reason_about_the_same_message_joins_its_case(cases: ports.CaseStore) -> None:
    case = cases.open_or_append(_message(1), Priority.P4, ["praise"], 1_000.0)
    failed = cases.open_or_append(_message(1), Priority.P3, ["reply failed: 500"], 1_050.0)
    assert failed.case_id == case.case_id and failed.reasons == ("praise", "reply failed: 500")
    assert failed.interaction_keys == ("facebook#c1",)


def test_claim_unclaim_and_someone_elses_case(cases: ports.CaseStore) -> None:
    case = cases.open_or_append(_message(1), Priority.P3, ["r"], 1_000.0)
    claimed = cases.claim(case.case_id, "ana@brand", 1_010.0)
    assert claimed.status is CaseStatus.CLAIMED and claimed.claimed_by == "ana@brand"
    assert cases.claim(case.case_id, "ana@brand", 1_011.0).claimed_by == "ana@brand"  # idempotent for the holder
    with pytest.raises(CaseHeld):
        cases.claim(case.case_id, "ben@brand", 1_012.0)
    with pytest.raises(CaseHeld):
        cases.release(case.case_id, "ben@brand", 1_013.0)
    released = cases.release(case.case_id, "ana@brand", 1_014.0)
    assert released.status is CaseStatus.OPEN and released.claimed_by == ""
    assert [c.case_id for c in cases.list_cases(CaseStatus.OPEN, 10)] == [case.case_id]
    assert cases.claim(case.case_id, "ben@brand", 1_015.0).claimed_by == "ben@brand"
    assert cases.list_cases(CaseStatus.OPEN, 10) == []


def test_a_resolved_conversation_starts_a_new_case(cases: ports.CaseStore) -> None:
    case = cases.open_or_append(_message(1), Priority.P3, ["r"], 1_000.0)
    resolved = cases.resolve(case.case_id, "ana@brand", 1_100.0)
    assert resolved.status is CaseStatus.RESOLVED and resolved.resolved_by == "ana@brand"
    assert cases.open_case_id(case.conversation_key) is None
    fresh = cases.open_or_append(_message(2), Priority.P3, ["r"], 1_200.0)
    assert fresh.case_id != case.case_id and fresh.interaction_keys == ("facebook#c2",)
    with pytest.raises(CaseConflict):
        cases.claim(case.case_id, "ana@brand", 1_300.0)


def test_a_customer_writing_soon_after_reopens_the_resolved_case(cases: ports.CaseStore) -> None:
    case = cases.open_or_append(_message(1), Priority.P3, ["r"], 1_000.0)
    cases.resolve(case.case_id, "ana@brand", 1_100.0)
    reopened = cases.open_or_append(_message(2), Priority.P3, ["r"], 1_150.0, reopen_seconds=3_600)
    assert reopened.case_id == case.case_id and reopened.status is CaseStatus.OPEN
    assert reopened.interaction_keys == ("facebook#c1", "facebook#c2")
    assert cases.open_case_id(case.conversation_key) == case.case_id


def test_alerting_is_recorded_once(cases: ports.CaseStore) -> None:
    case = cases.open_or_append(_message(1), Priority.P1, ["safety: fire"], 1_000.0)
    cases.mark_alerted(case.case_id, 1_001.0)
    cases.mark_alerted(case.case_id, 1_002.0)
    alerted = cases.get_case(case.case_id)
    assert alerted is not None and alerted.alerted_at == 1_001.0


def test_unknown_cases_are_not_found(cases: ports.CaseStore) -> None:
    assert cases.get_case("c_00000000000000000000") is None
    with pytest.raises(CaseNotFound):
        cases.claim("c_00000000000000000000", "ana@brand", 1.0)


def test_the_queue_lists_most_urgent_then_oldest(cases: ports.CaseStore) -> None:
    opened = [
        cases.open_or_append(_message(n, author=f"user-{n}"), priority, ["r"], 1_000.0 + n)
        for n, priority in enumerate([Priority.P3, Priority.P1, Priority.P2, Priority.P1])
    ]
    listed = cases.list_cases(CaseStatus.OPEN, 10)
    assert [c.case_id for c in listed] == [opened[i].case_id for i in (1, 3, 2, 0)]
    assert [c.case_id for c in cases.list_cases(CaseStatus.OPEN, 2)] == [opened[1].case_id, opened[3].case_id]
