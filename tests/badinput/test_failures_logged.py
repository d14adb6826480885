"""Every 5xx the webhook path can still give leaves exactly one ERROR line: structured keys, the error's type and
frames — never the request body or an error message that might quote it."""

from __future__ import annotations

import json
import logging

from ackline import bootstrap
from ackline.domain.errors import StoreUnavailable
from ackline.observability import logger
from ackline_local.webhooks import meta_json_bytes, meta_signature
from tests.badinput import payloads
from tests.badinput.harness import Deployment, in_memory_stores
from tests.fakes import RecordingDispatcher

SECRET_WORDS = "my card number is 4111 1111 1111 1111"


def _deliver(deployed: Deployment, tag: str) -> tuple[int, bytes]:
    body = meta_json_bytes(payloads.comment(1, tag=tag, message=SECRET_WORDS))
    headers = {
        "Content-Type": "application/json",
        "X-Hub-Signature-256": meta_signature(deployed.config.meta_app_secret, body),
    }
    outcome = deployed.send("POST", "/webhooks/meta", body, headers)
    return outcome.status, outcome.body


def _error_lines(caplog) -> list[dict]:
    """Every ERROR record the product writes, as the Lambda log line Powertools writes for it (the local
    gateway's own "answered 5xx" line, `ackline_local.*`, is the harness's, not the function's)."""
    formatter = logger.registered_formatter
    return [
        json.loads(formatter.format(r))
        for r in caplog.records
        if r.levelno >= logging.ERROR and not r.name.startswith("ackline_local")
    ]


def _everything_logged(caplog) -> str:
    return "\n".join(logger.registered_formatter.format(r) for r in caplog.records)


def test_a_queue_failure_is_a_503_with_one_error_line(deployed, monkeypatch, caplog):
    stores = in_memory_stores(monkeypatch)
    stores.dispatcher = RecordingDispatcher(fail=True)
    monkeypatch.setattr(bootstrap, "ingest_dispatcher", lambda: stores.dispatcher)
    status, _ = _deliver(deployed, "qfail")
    out = _everything_logged(caplog)
    assert status == 503
    [error] = _error_lines(caplog)
    assert error["error"] == "DispatchFailed" and error["status"] == 503 and "ingest.py" in error["frames"]
    assert SECRET_WORDS not in out
    # stored, so the platform's retry (the queue back) queues it
    assert len(stores.interactions.items) == 1


def test_an_unexpected_failure_is_a_500_with_one_error_line_that_never_quotes_the_input(deployed, monkeypatch, caplog):
    in_memory_stores(monkeypatch)

    def broken_policy():
        raise ValueError(f"could not read {SECRET_WORDS!r}")  # a parser's message quoting its input

    monkeypatch.setattr(bootstrap, "brand_policy", broken_policy)
    status, body = _deliver(deployed, "unexpected")
    out = _everything_logged(caplog)
    assert status == 500 and SECRET_WORDS.encode() not in body
    [error] = _error_lines(caplog)
    assert error["error"] == "ValueError" and error["where"].startswith("test_failures_logged.py:")
    assert SECRET_WORDS not in out


def test_a_throttled_store_is_a_503_with_one_error_line_and_the_retry_stores_it(deployed, monkeypatch, caplog):
    stores = in_memory_stores(monkeypatch)
    healthy_add_many = stores.interactions.add_many
    monkeypatch.setattr(
        stores.interactions, "add_many", lambda items: [StoreUnavailable("DynamoDB ThrottlingException") for _ in items]
    )
    status, _ = _deliver(deployed, "throttled")
    [error] = _error_lines(caplog)
    assert status == 503 and error["error"] == "StoreUnavailable" and "ThrottlingException" in error["detail"]
    assert SECRET_WORDS not in _everything_logged(caplog) and not stores.interactions.items
    monkeypatch.setattr(stores.interactions, "add_many", healthy_add_many)
    status, _ = _deliver(deployed, "throttled")
    assert status == 200 and len(stores.interactions.items) == 1 and len(stores.dispatcher.acks) == 1
