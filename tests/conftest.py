"""Shared test helpers: fixture events, safe environment defaults."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

EVENTS = Path(__file__).parent / "events"

# Never let a test reach real AWS, whatever the developer's shell holds.
os.environ.update(
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",
    AWS_SESSION_TOKEN="testing",
    AWS_DEFAULT_REGION="us-east-1",
    POWERTOOLS_TRACE_DISABLED="true",
    POWERTOOLS_METRICS_NAMESPACE="ackline-tests",
    POWERTOOLS_SERVICE_NAME="ackline",
)
os.environ.pop("AWS_PROFILE", None)


def load_event(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EVENTS / name).read_text())
    return data


def meta_wire_bytes(payload: dict[str, Any]) -> bytes:
    """Bytes the way Meta sends them: compact, ASCII-escaped JSON with `/` escaped as `\\/`."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=True).replace("/", "\\/").encode()


@pytest.fixture
def event_loader():
    return load_event


# the running local stack (a session fixture), shared by the e2e and browser suites
pytest_plugins = ["tests.running_stack"]


# Each suite folder is a marker (registered in pyproject.toml), so `-m unit`, `-m "not browser"` and the
# `make test-*` targets select suites by what they need rather than by path.
SUITE_MARKERS = {
    "unit": "unit",
    "contracts": "contracts",
    "handlers": "handlers",
    "integration": "integration",
    "local_stack": "local_stack",
    "badinput": "badinput",
    "e2e": "e2e",
    "browser": "browser",
    "infra": "infra",
    "eval": "eval",
    "faults": "faults",
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    tests_dir = Path(__file__).parent
    for item in items:
        try:
            folder = item.path.relative_to(tests_dir).parts[0]
        except ValueError:
            continue
        marker = SUITE_MARKERS.get(folder)
        if marker is not None:
            item.add_marker(marker)
