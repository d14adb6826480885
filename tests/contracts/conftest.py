"""One behavioural suite, run against each in-memory fake (tests/fakes.py) and its DynamoDB adapter on moto.

Every test here takes a store fixture parametrised over both implementations, so a rule the fake and the
adapter read differently fails on one of the two; the use-case tests that run over the fakes are then as
good as the adapters they stand in for.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from ackline import ports
from ackline.adapters.case_table import DynamoCaseStore
from ackline.adapters.interaction_table import DynamoInteractionStore
from ackline_local.resources import create_resources
from ackline_local.template import load_template
from tests.fakes import InMemoryCaseStore, InMemoryInteractionStore


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def contract_moto() -> Iterator[str]:
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def _table(moto_url: str) -> tuple[Any, str]:
    """A fresh data table (built from template.yaml, unique names) on the shared moto server."""
    resources = create_resources(load_template(), endpoint_url=moto_url, name_prefix=f"k{uuid.uuid4().hex[:10]}")
    client = boto3.client("dynamodb", endpoint_url=moto_url, region_name="us-east-1")
    return client, resources["DataTable"].name


@pytest.fixture(params=["fake", "dynamodb"])
def interactions(request: pytest.FixtureRequest) -> ports.InteractionStore:
    if request.param == "fake":
        return InMemoryInteractionStore()
    client, table = _table(request.getfixturevalue("contract_moto"))
    return DynamoInteractionStore(client, table)


@pytest.fixture(params=["fake", "dynamodb"])
def cases(request: pytest.FixtureRequest) -> ports.CaseStore:
    if request.param == "fake":
        return InMemoryCaseStore()
    client, table = _table(request.getfixturevalue("contract_moto"))
    return DynamoCaseStore(client, table)
