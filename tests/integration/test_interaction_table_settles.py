"""DynamoInteractionStore.add_many against moto: each write settles on its own, classified for the use case."""

from __future__ import annotations

import socket

import boto3
import pytest
from botocore.config import Config

from ackline.adapters.interaction_table import DynamoInteractionStore
from ackline.domain.errors import StoreRejected, StoreUnavailable
from ackline.domain.model import StoredInteraction
from ackline.domain.storage_bounds import bounded
from ackline.domain.triage import triage
from tests.unit.builders import comment

# What DynamoDB itself refuses: the adapter writes what it is given (bounding is the use case's job), so these
# reach moto (or boto3's serialiser) as they are.
REFUSED = {
    "item over 400 KB": comment("x" * 450_000, external_id="big"),
    "NaN": comment("hi", external_id="nan", created_at=float("nan")),
    "1e300": comment("hi", external_id="e300", created_at=1e300),
    "1e-300": comment("hi", external_id="tiny", created_at=1e-300),
    "key over 2 KB": comment("hi", external_id="k" * 512, account_id="a" * 1500, author_id="b" * 1500),
}


@pytest.mark.parametrize("bad", REFUSED.values(), ids=REFUSED.keys())
def test_an_entry_dynamodb_refuses_is_reported_in_its_place_and_the_others_are_written(aws, dynamodb, bad):
    store = DynamoInteractionStore(dynamodb, aws["DataTable"].name)
    good = [comment(f"message {i}", external_id=f"g{i}") for i in range(4)]
    results = store.add_many([(c, triage(c)) for c in [good[0], good[1], bad, good[2], good[3]]])
    assert isinstance(results[2], StoreRejected), results[2]
    assert all(isinstance(r, StoredInteraction) for i, r in enumerate(results) if i != 2)
    assert set(store.get_many([c.key for c in good])) == {c.key for c in good}
    # the same entry, bounded as ingest bounds it, is stored
    kept = bounded(bad)
    assert isinstance(store.add_many([(kept, triage(kept))])[0], StoredInteraction)


def test_a_store_that_cannot_be_reached_is_unavailable_not_refused(aws):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}"
    client = boto3.client(
        "dynamodb",
        endpoint_url=closed,
        region_name="us-east-1",
        config=Config(connect_timeout=1, read_timeout=1, retries={"max_attempts": 1}),
    )
    store = DynamoInteractionStore(client, aws["DataTable"].name)
    [result] = store.add_many([(comment(), triage(comment()))])
    assert isinstance(result, StoreUnavailable)


def test_a_missing_table_is_refused_so_the_caller_answers_5xx_rather_than_loop_on_problem_records(dynamodb):
    store = DynamoInteractionStore(dynamodb, "no-such-table")
    [result] = store.add_many([(comment(), triage(comment()))])
    assert isinstance(result, StoreRejected) and "ResourceNotFound" in str(result)
