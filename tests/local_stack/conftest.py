"""Fixtures for the local stack's own tests: one moto server per session, unique resource names per test."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer

from ackline_local.sandbox import PlatformSandbox
from ackline_local.template import Template, default_template_path, load_template

FIXTURE_TEMPLATE = Path(__file__).parent / "fixtures" / "template.yaml"


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def aws_session() -> boto3.session.Session:
    return boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1")


@pytest.fixture
def name_prefix() -> str:
    """Unique physical names per test, so tests share one moto server without seeing each other's resources."""
    return f"t{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="session")
def fixture_template() -> Template:
    return load_template(FIXTURE_TEMPLATE)


@pytest.fixture(scope="session")
def real_template() -> Template:
    path = default_template_path()
    if not path.is_file():
        pytest.skip("template.yaml does not exist yet")
    return load_template(path)


@pytest.fixture
def sandbox() -> Iterator[PlatformSandbox]:
    server = PlatformSandbox().start()
    yield server
    server.stop()
