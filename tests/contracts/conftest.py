"""One behavioural suite, run against each in-memory fake (tests/fakes.py) and its DynamoDB adapter on moto.

Every test here takes a store fixture parametrised over both implementations, so a rule the fake and the
adapter read differently fails on one of the two; the use-case tests that run over the fakes are then as
good as the adapters they stand in for.
"""

from __future__ import annotations

import pytest

from ackline import ports
from ackline.adapters.case_table import DynamoCaseStore
from ackline.adapters.interaction_table import DynamoInteractionStore
from tests.fakes import InMemoryCaseStore, InMemoryInteractionStore

# moto's server once per session and a fresh table per test, exactly as the adapter tests get them
from tests.integration.conftest import aws, dynamodb, moto_url  # noqa: F401 - fixtures, used by name


@pytest.fixture(params=["fake", "dynamodb"])
def interactions(request: pytest.FixtureRequest) -> ports.InteractionStore:
    if request.param == "fake":
        return InMemoryInteractionStore()
    return DynamoInteractionStore(request.getfixturevalue("dynamodb"), request.getfixturevalue("aws")["DataTable"].name)


@pytest.fixture(params=["fake", "dynamodb"])
def cases(request: pytest.FixtureRequest) -> ports.CaseStore:
    if request.param == "fake":
        return InMemoryCaseStore()
    return DynamoCaseStore(request.getfixturevalue("dynamodb"), request.getfixturevalue("aws")["DataTable"].name)
