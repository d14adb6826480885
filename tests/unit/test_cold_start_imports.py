"""What each handler loads at import, in a fresh interpreter as a new Lambda container would: only what that
function uses (no timing here; `make bench` measures the milliseconds)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

_LOADED = """
import json, sys, importlib
importlib.import_module(sys.argv[1])
print(json.dumps(sorted(sys.modules)))
"""


def loaded_by(module: str) -> set[str]:
    env = {k: v for k, v in os.environ.items() if k != "_X_AMZN_TRACE_ID"}
    out = subprocess.run(
        [sys.executable, "-c", _LOADED, module], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return set(json.loads(out.stdout))


def _any(modules: set[str], package: str) -> bool:
    return any(m == package or m.startswith(package + ".") for m in modules)


HTTP = ["functions.ingest.app", "functions.staff_api.app", "functions.privacy.app"]
QUEUE = ["functions.responder.app", "functions.followup.app"]


@pytest.mark.parametrize("handler", HTTP + QUEUE)
def test_no_handler_imports_the_xray_sdk_at_init(handler):
    # built on the first sampled invocation only (observability.traced_handler)
    assert not _any(loaded_by(handler), "aws_xray_sdk")


@pytest.mark.parametrize("handler", [*HTTP, "functions.followup.app"])
def test_only_the_responder_loads_requests_and_the_platform_clients(handler):
    modules = loaded_by(handler)
    assert not _any(modules, "requests")
    assert not _any(modules, "ackline.adapters.graph_api")


@pytest.mark.parametrize("handler", HTTP)
def test_http_functions_do_not_load_the_sqs_batch_utilities(handler):
    assert not _any(loaded_by(handler), "aws_lambda_powertools.utilities.batch")


@pytest.mark.parametrize("handler", QUEUE)
def test_queue_consumers_do_not_load_the_http_event_handler(handler):
    assert not _any(loaded_by(handler), "aws_lambda_powertools.event_handler")


def test_a_sampled_invocation_builds_the_tracer_and_an_unsampled_one_does_not(monkeypatch):
    from ackline import observability

    observability.get_tracer.cache_clear()
    seen = []
    handler = observability.traced_handler(lambda event, context: seen.append(event) or "ok")
    monkeypatch.setenv("_X_AMZN_TRACE_ID", "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=0")
    assert handler({"n": 1}, None) == "ok"
    assert observability.get_tracer.cache_info().currsize == 0
    monkeypatch.setenv("_X_AMZN_TRACE_ID", "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1")
    assert handler({"n": 2}, None) == "ok"
    assert observability.get_tracer.cache_info().currsize == 1
    assert seen == [{"n": 1}, {"n": 2}]
    observability.get_tracer.cache_clear()
