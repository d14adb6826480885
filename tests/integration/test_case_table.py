"""DynamoCaseStore against moto: one open case per conversation, the sharded queue index, transitions."""

import pytest

from ackline.adapters.case_table import QUEUE_BUCKETS, DynamoCaseStore
from ackline.domain.errors import CaseConflict, CaseNotFound
from ackline.domain.model import CaseStatus, Platform, Priority
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


# -- the staff queue: pages, filters, search; concurrent claims; history; reopening -----------------------------------


def _seed(dynamodb, table: str, count: int) -> list:
    """`count` open cases written as the adapter writes them (BatchWriteItem: seeding 1,000 through moto's
    serialised transactions would take minutes and test nothing more)."""
    from ackline.adapters.case_table import case_item
    from ackline.adapters.dynamodb_codec import encode
    from ackline.domain.cases import new_case, search_text

    seeded = []
    for i in range(count):
        platform = [Platform.FACEBOOK, Platform.INSTAGRAM, Platform.X, Platform.TELEGRAM][i % 4]
        name = f"Customer {i}" + (" Ørsted" if i % 10 == 0 else "")
        text = f"order {i} arrived " + ("crushed" if i % 7 == 0 else "late")
        interaction = comment(text, external_id=f"s{i}", author_id=f"a{i}", author_name=name, platform=platform)
        priority = [Priority.P1, Priority.P2, Priority.P3, Priority.P4][(i * 7) % 4]
        seeded.append(new_case(interaction, priority, ["r"], 10_000.0 + (i * 37) % 1000))
    items = []
    for i, case in enumerate(seeded):
        item = case_item(case, search_text(case.author_name, case.summary))
        if i % 3 == 0:  # a third held by one agent
            item |= {
                "status": "claimed",
                "claimed_by": "ana@brand",
                "gsi2pk": item["gsi2pk"].replace("open", "claimed"),
            }
        items.append(item)
    for start in range(0, len(items), 25):
        dynamodb.batch_write_item(
            RequestItems={table: [{"PutRequest": {"Item": encode(item)}} for item in items[start : start + 25]]}
        )
    return items


def _walk(cases, **query):
    from ackline.domain.cases import CaseQuery

    seen, pages, cursor = [], 0, ""
    while True:
        page = cases.list_page(CaseQuery(**query, cursor=cursor))
        seen.extend(page.cases)
        pages += 1
        if page.next_cursor is None:
            return seen, pages
        cursor = page.next_cursor


# a hang guard, not a speed limit: 320 Queries over 1,000 items run through moto's one-at-a-time Python, which took
# over the default 120 s once on a loaded 2-core CI machine
@pytest.mark.timeout(600)
def test_a_thousand_cases_every_one_reachable_page_by_page_in_order_each_page_one_round_of_queries(aws, dynamodb):
    from ackline.domain.cases import QueueView

    table = aws["DataTable"].name
    items = _seed(dynamodb, table, 1000)
    cases = DynamoCaseStore(dynamodb, table)
    calls: list[str] = []
    dynamodb.meta.events.register("before-call.dynamodb.*", lambda model, **_: calls.append(model.name))
    listed, pages = _walk(cases, view=QueueView.ACTIVE, limit=50)
    # every case exactly once, in the queue's order (priority, then age), however many pages it takes
    assert len(listed) == 1000 and len({c.case_id for c in listed}) == 1000
    order = [(c.priority.value, c.opened_at, c.case_id) for c in listed]
    assert order == sorted(order)
    assert pages == 20
    # one round of queries per page: at most one Query per partition of the view (2 statuses x 8 buckets), no Scan
    assert set(calls) == {"Query"} and len(calls) <= pages * 2 * QUEUE_BUCKETS
    open_only, _ = _walk(cases, view=QueueView.OPEN, limit=200)
    assert len(open_only) == sum(1 for i in items if i["status"] == "open")


def test_filters_and_search_walk_to_exactly_the_matching_cases(aws, dynamodb):
    from ackline.domain.cases import QueueView, searchable

    table = aws["DataTable"].name
    items = _seed(dynamodb, table, 300)
    cases = DynamoCaseStore(dynamodb, table)

    def expect(match):
        return {i["case_id"] for i in items if match(i)}

    def walked(**query):
        found, _ = _walk(cases, view=QueueView.ACTIVE, limit=20, **query)
        assert len(found) == len({c.case_id for c in found})
        return {c.case_id for c in found}

    assert walked(platform=Platform.X) == expect(lambda i: i["platform"] == "x")
    assert walked(priority=Priority.P1) == expect(lambda i: i["priority"] == "P1")
    assert walked(assignee="ana@brand") == expect(lambda i: i.get("claimed_by") == "ana@brand")
    # free text over the customer's name and words, case- and accent-form-insensitive
    assert walked(text=searchable("CRUSHED")) == expect(lambda i: "crushed" in i["summary"])
    assert walked(text=searchable("ørsted")) == expect(lambda i: "Ørsted" in i["author_name"])
    both = walked(text="crushed", platform=Platform.FACEBOOK, priority=Priority.P2)
    assert both == expect(lambda i: "crushed" in i["summary"] and i["platform"] == "facebook" and i["priority"] == "P2")
    assert walked(text="no such words anywhere") == set()


def test_a_cursor_from_another_query_or_not_ours_is_refused(cases):
    from ackline.domain.cases import CaseQuery, QueueView
    from ackline.domain.errors import BadRequest

    for i in range(3):
        cases.open_or_append(comment("x", external_id=f"k{i}", author_id=f"k{i}"), Priority.P2, ["r"], 1_000.0 + i)
    page = cases.list_page(CaseQuery(view=QueueView.OPEN, limit=1))
    assert page.next_cursor
    with pytest.raises(BadRequest):
        cases.list_page(CaseQuery(view=QueueView.OPEN, limit=1, platform=Platform.X, cursor=page.next_cursor))
    with pytest.raises(BadRequest):
        cases.list_page(CaseQuery(view=QueueView.OPEN, limit=1, cursor="bm90IG91cnM"))


def test_twenty_concurrent_claims_of_one_case_exactly_one_wins(cases):
    from concurrent.futures import ThreadPoolExecutor

    from ackline.domain.errors import CaseHeld

    case = cases.open_or_append(comment("broken", external_id="race"), Priority.P2, ["r"], 1_000.0)

    def claim(n):
        try:
            return cases.claim(case.case_id, f"agent{n}@brand", 1_100.0 + n).claimed_by
        except CaseHeld as held:
            return "held:" + held.holder

    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = list(pool.map(claim, range(20)))
    winners = [o for o in outcomes if not o.startswith("held:")]
    assert len(winners) == 1
    # every loser is told who holds it
    assert all(o == "held:" + winners[0] for o in outcomes if o.startswith("held:"))
    assert cases.get_case(case.case_id).claimed_by == winners[0]
    # claiming what you hold is a no-op; releasing what someone else holds is refused
    assert cases.claim(case.case_id, winners[0], 1_200.0).claimed_by == winners[0]
    other = "agent99@brand"
    with pytest.raises(CaseHeld):
        cases.release(case.case_id, other, 1_200.0)
    _, events = cases.history(case.case_id)
    assert [e.kind.value for e in events] == ["claimed"]


def test_release_assign_resolve_reopen_and_notes_are_in_the_history(cases):
    from ackline.domain.cases import CaseEvent, CaseEventKind

    case = cases.open_or_append(comment("broken", external_id="h1"), Priority.P2, ["r"], 1_000.0)
    cases.claim(case.case_id, "ana@brand", 1_010.0)
    released = cases.release(case.case_id, "ana@brand", 1_020.0)
    assert released.status is CaseStatus.OPEN and released.claimed_by == ""
    assigned = cases.assign(case.case_id, "bo@brand", "lead@brand", 1_030.0)
    assert assigned.status is CaseStatus.CLAIMED and assigned.claimed_by == "bo@brand"
    assert assigned.assigned_by == "lead@brand"
    note = CaseEvent(event_id="n1", case_id=case.case_id, kind=CaseEventKind.NOTE, at=1_040.0, by="bo@brand", text="hi")
    assert cases.add_event(note) and not cases.add_event(note)  # stored once
    resolved = cases.resolve(case.case_id, "bo@brand", 1_050.0)
    assert resolved.status is CaseStatus.RESOLVED and resolved.resolved_at == 1_050.0
    assert cases.resolve(case.case_id, "bo@brand", 1_051.0).resolved_at == 1_050.0  # a double click
    reopened = cases.reopen(case.case_id, "bo@brand", 1_060.0)
    assert reopened.status is CaseStatus.OPEN and reopened.reopened_at == 1_060.0
    assert [c.case_id for c in cases.list_cases(CaseStatus.OPEN, 10)] == [case.case_id]
    # the reopened case is the conversation's open case again: the next message joins it
    joined = cases.open_or_append(comment("still broken", external_id="h2"), Priority.P3, ["r"], 1_070.0)
    assert joined.case_id == case.case_id and joined.interaction_keys == ("facebook#h1", "facebook#h2")
    found, events = cases.history(case.case_id)
    assert found is not None
    kinds = [e.kind.value for e in events]
    assert kinds == ["claimed", "released", "assigned", "note", "resolved", "reopened"]


def test_a_customer_who_writes_again_within_the_window_reopens_their_case(cases):
    case = cases.open_or_append(comment("broken", external_id="w1"), Priority.P2, ["r"], 1_000.0)
    cases.resolve(case.case_id, "ana@brand", 2_000.0)
    again = cases.open_or_append(comment("still broken", external_id="w2"), Priority.P3, ["r2"], 2_500.0, None, 3600)
    assert again.case_id == case.case_id and again.status is CaseStatus.OPEN
    assert again.interaction_keys == ("facebook#w1", "facebook#w2") and again.reopened_at == 2_500.0
    _, events = cases.history(case.case_id)
    assert events[-1].kind.value == "reopened" and events[-1].by == "customer"
    # after the window, a new case starts
    cases.resolve(case.case_id, "ana@brand", 3_000.0)
    late = cases.open_or_append(
        comment("new problem", external_id="w3"), Priority.P3, ["r"], 3_000.0 + 3601, None, 3600
    )
    assert late.case_id != case.case_id


def test_reopen_is_refused_while_the_conversation_has_another_open_case(cases):
    first = cases.open_or_append(comment("broken", external_id="o1"), Priority.P2, ["r"], 1_000.0)
    cases.resolve(first.case_id, "ana", 1_100.0)
    second = cases.open_or_append(comment("again", external_id="o2"), Priority.P2, ["r"], 1_200.0)
    assert second.case_id != first.case_id
    with pytest.raises(CaseConflict):
        cases.reopen(first.case_id, "ana", 1_300.0)


def test_one_worker_at_a_time_may_alert_about_a_case(cases):
    case = cases.open_or_append(comment("The heater caught fire"), Priority.P1, ("safety",), 100.0, None)
    assert cases.claim_alert(case.case_id, 100.0, 60)
    assert not cases.claim_alert(case.case_id, 101.0, 60)  # a second follow-up running at the same time
    assert cases.claim_alert(case.case_id, 161.0, 60)  # the first stopped before alerting: the lease ran out
    cases.mark_alerted(case.case_id, 162.0)
    assert not cases.claim_alert(case.case_id, 500.0, 60)  # alerted: never again
    assert cases.get_case(case.case_id).alerted_at == 162.0
    assert not cases.claim_alert("no-such-case", 100.0, 60)
