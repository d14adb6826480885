"""Adapters against moto's server over HTTP, with the table and queues built from template.yaml."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator

import boto3
import pytest

from ackline_local.moto_server import LocalMotoServer
from ackline_local.resources import LocalResources, create_resources
from ackline_local.sandbox import PlatformSandbox
from ackline_local.template import load_template


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    port = _free_port()
    # the local stack's moto: DynamoDB requests serialised, so conditional writes and transactions are atomic and
    # isolated as in DynamoDB (plain moto lets two concurrent claims both win)
    server = LocalMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def aws(moto_url: str) -> LocalResources:
    """Fresh resources per test (a unique name prefix) on the shared moto server."""
    return create_resources(load_template(), endpoint_url=moto_url, name_prefix=f"t{uuid.uuid4().hex[:10]}")


@pytest.fixture
def dynamodb(moto_url: str):
    return boto3.client("dynamodb", endpoint_url=moto_url, region_name="us-east-1")


@pytest.fixture
def sqs(moto_url: str):
    return boto3.client("sqs", endpoint_url=moto_url, region_name="us-east-1")


@pytest.fixture
def sandbox() -> Iterator[PlatformSandbox]:
    box = PlatformSandbox().start()
    yield box
    box.stop()
