"""The local stack's DynamoDB keeps DynamoDB's guarantees under concurrency (moto alone does not; see moto_server).

Twenty cases, each claimed by two staff members at the same instant through the real case-table adapter against
the stack's moto: exactly one claim wins per case, and no successful transition is later undone by another
thread's cancelled transaction (moto used to restore a whole-table snapshot on cancel).
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest
from botocore.config import Config

from ackline.adapters.case_table import DynamoCaseStore
from ackline.domain.errors import CaseConflict
from ackline.domain.model import CaseStatus, Priority
from ackline_local.config import load_config
from ackline_local.stack import LocalStack
from tests.unit.builders import comment

CASES = 20
FILLER_ITEMS = 1_000  # a table of realistic size: moto's old rollback copied the whole table, widening the race


@pytest.fixture(scope="module")
def stack():
    # a name of its own: moto's state is per process, and other tests start stacks in this process too
    prefix = f"iso{uuid.uuid4().hex[:8]}"
    with LocalStack(port=0, start_pollers=False, config=load_config(environ={}), name_prefix=prefix) as running:
        yield running


def _store(stack: LocalStack) -> DynamoCaseStore:
    # one client per thread, with a pool big enough that every request really is in flight at once
    client = boto3.client(
        "dynamodb",
        endpoint_url=stack.moto_url,
        region_name="us-east-1",
        config=Config(max_pool_connections=4 * CASES, retries={"max_attempts": 1}),
    )
    return DynamoCaseStore(client, stack.resources["DataTable"].name)


def _race(jobs, threads):
    """Run every job at the same instant (a barrier), returning each one's result or the exception it raised."""
    barrier = threading.Barrier(len(jobs))

    def run(job):
        barrier.wait(timeout=30)
        try:
            return job()
        except Exception as error:
            return error

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(run, jobs))


def _fill(stack: LocalStack) -> None:
    client = boto3.client("dynamodb", endpoint_url=stack.moto_url, region_name="us-east-1")
    table = stack.resources["DataTable"].name
    for start in range(0, FILLER_ITEMS, 25):
        requests = [
            {"PutRequest": {"Item": {"pk": {"S": f"FILLER#{i}"}, "sk": {"S": "x"}, "note": {"S": "n" * 1000}}}}
            for i in range(start, min(start + 25, FILLER_ITEMS))
        ]
        client.batch_write_item(RequestItems={table: requests})


def test_twenty_concurrent_claim_pairs_have_one_winner_each_and_nothing_is_reverted(stack):
    _fill(stack)
    store = _store(stack)
    cases = [
        store.open_or_append(comment(f"broken {i}", external_id=f"race{i}", author_id=f"a{i}"), Priority.P2, ["r"], 1.0)
        for i in range(CASES)
    ]

    # When two staff members claim each case at the same instant
    claims = [(case.case_id, who) for case in cases for who in ("ana@brand", "bo@brand")]
    stores = [_store(stack) for _ in claims]  # made before the race: making a client takes longer than a claim
    outcomes = _race(
        [
            lambda s=s, c=c, w=w: s.transition(c, CaseStatus.CLAIMED, w, 2.0)
            for s, (c, w) in zip(stores, claims, strict=True)
        ],
        len(claims),
    )

    # Then exactly one claim of each case wins, and the loser is told the case changed
    unexpected = [o for o in outcomes if not isinstance(o, CaseConflict) and isinstance(o, Exception)]
    assert unexpected == []
    winners = Counter(c for (c, _), o in zip(claims, outcomes, strict=True) if not isinstance(o, Exception))
    assert {case.case_id: winners[case.case_id] for case in cases} == {case.case_id: 1 for case in cases}
    # And every successful claim is still there (no cancelled transaction restored an older table)
    won_by = {c: w for (c, w), o in zip(claims, outcomes, strict=True) if not isinstance(o, Exception)}
    for case in cases:
        stored = store.get_case(case.case_id)
        assert stored is not None and stored.status is CaseStatus.CLAIMED and stored.claimed_by == won_by[case.case_id]

    # When each winner resolves while the loser tries to claim again (a transaction that is cancelled)
    jobs = []
    for i, case in enumerate(cases):
        winner = won_by[case.case_id]
        loser = "bo@brand" if winner == "ana@brand" else "ana@brand"
        first, second = stores[2 * i], stores[2 * i + 1]
        jobs.append(lambda s=first, c=case.case_id, w=winner: s.transition(c, CaseStatus.RESOLVED, w, 3.0))
        jobs.append(lambda s=second, c=case.case_id, w=loser: s.transition(c, CaseStatus.CLAIMED, w, 3.0))
    outcomes = _race(jobs, len(jobs))

    # Then every resolution holds, every late claim is refused, and each conversation can open a fresh case
    assert all(not isinstance(o, Exception) for o in outcomes[0::2])
    assert all(isinstance(o, CaseConflict) for o in outcomes[1::2])
    for i, case in enumerate(cases):
        stored = store.get_case(case.case_id)
        assert stored is not None and stored.status is CaseStatus.RESOLVED
        fresh = store.open_or_append(
            comment("again", external_id=f"race-again{i}", author_id=f"a{i}"), Priority.P2, ["r"], 4.0
        )
        assert fresh.case_id != case.case_id
