"""DynamoCaseStore against moto: one open case per conversation, the sharded queue index, transitions."""

import pytest

from ackline.adapters.case_table import QUEUE_BUCKETS, DynamoCaseStore
from ackline.domain.errors import CaseConflict, CaseNotFound
from ackline.domain.model import CaseStatus, Priority
from tests.unit.builders import comment


@pytest.fixture
def cases(aws, dynamodb):
    return DynamoCaseStore(dynamodb, aws["DataTable"].name)


def test_open_then_append_then_idempotent(cases):
    first = comment("broken", external_id="c1")
    case = cases.open_or_append(first, Priority.P3, ["complaint term: broken"], 1_000.0)
    assert case.status is CaseStatus.OPEN and case.interaction_keys == ("facebook#c1",)
    assert cases.open_or_append(first, Priority.P3, ["again"], 1_001.0).interaction_keys == ("facebook#c1",)
    crisis = comment("it caught fire", external_id="c2")
    updated = cases.open_or_append(crisis, Priority.P1, ["crisis term: fire"], 1_002.0)
    assert updated.case_id == case.case_id
    assert updated.interaction_keys == ("facebook#c1", "facebook#c2")
    assert updated.priority is Priority.P1 and "crisis term: fire" in updated.reasons
    assert updated.due_at <= 1_002.0 + 15 * 60


def test_queue_lists_most_urgent_then_oldest_across_buckets(cases):
    opened = []
    for i in range(3 * QUEUE_BUCKETS):
        priority = [Priority.P3, Priority.P1, Priority.P2][i % 3]
        c = comment(f"m{i}", external_id=f"c{i}", author_id=f"user-{i}")
        opened.append(cases.open_or_append(c, priority, ["r"], 1_000.0 + i))
    listed = cases.list_cases(CaseStatus.OPEN, 100)
    assert len(listed) == len(opened)
    assert [(c.priority.value, c.opened_at) for c in listed] == sorted((c.priority.value, c.opened_at) for c in opened)
    assert [c.case_id for c in cases.list_cases(CaseStatus.OPEN, 5)] == [c.case_id for c in listed[:5]]


def test_claim_resolve_and_reopen(cases):
    case = cases.open_or_append(comment("broken", external_id="c1"), Priority.P2, ["r"], 1_000.0)
    claimed = cases.transition(case.case_id, CaseStatus.CLAIMED, "ana@brand", 1_100.0)
    assert claimed.status is CaseStatus.CLAIMED and claimed.claimed_by == "ana@brand"
    assert cases.list_cases(CaseStatus.OPEN, 10) == []
    assert [c.case_id for c in cases.list_cases(CaseStatus.CLAIMED, 10)] == [case.case_id]
    with pytest.raises(CaseConflict):
        cases.transition(case.case_id, CaseStatus.CLAIMED, "bo@brand", 1_150.0)
    resolved = cases.transition(case.case_id, CaseStatus.RESOLVED, "ana@brand", 1_200.0)
    assert resolved.resolved_by == "ana@brand"
    fresh = cases.open_or_append(comment("broken again", external_id="c2"), Priority.P2, ["r"], 1_300.0)
    assert fresh.case_id != case.case_id and fresh.interaction_keys == ("facebook#c2",)


def test_unknown_case(cases):
    assert cases.get_case("c_00000000000000000000") is None
    with pytest.raises(CaseNotFound):
        cases.transition("c_00000000000000000000", CaseStatus.CLAIMED, "ana", 1.0)


def test_a_later_reason_joins_the_open_case_or_opens_one_if_it_was_resolved(cases):
    c = comment("it caught fire", external_id="x1")
    case = cases.open_or_append(c, Priority.P1, ["crisis"], 1_000.0)
    joined = cases.open_or_append(c, Priority.P1, ["reply refused by the platform"], 1_100.0)
    assert joined.case_id == case.case_id and "reply refused by the platform" in joined.reasons
    cases.transition(case.case_id, CaseStatus.RESOLVED, "ana", 1_200.0)
    fresh = cases.open_or_append(c, Priority.P3, ["reply outcome unknown"], 1_300.0)
    assert fresh.case_id != case.case_id and fresh.status is CaseStatus.OPEN
    assert cases.open_or_append(c, Priority.P3, ["reply outcome unknown"], 1_400.0).case_id == fresh.case_id
    assert [x.case_id for x in cases.list_cases(CaseStatus.OPEN, 10)] == [fresh.case_id]


def test_one_worker_at_a_time_may_alert_about_a_case(cases):
    case = cases.open_or_append(comment("The heater caught fire"), Priority.P1, ("safety",), 100.0, None)
    assert cases.claim_alert(case.case_id, 100.0, 60)
    assert not cases.claim_alert(case.case_id, 101.0, 60)  # a second follow-up running at the same time
    assert cases.claim_alert(case.case_id, 161.0, 60)  # the first stopped before alerting: the lease ran out
    cases.mark_alerted(case.case_id, 162.0)
    assert not cases.claim_alert(case.case_id, 500.0, 60)  # alerted: never again
    assert cases.get_case(case.case_id).alerted_at == 162.0
    assert not cases.claim_alert("no-such-case", 100.0, 60)
