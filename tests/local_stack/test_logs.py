"""Local logging: Powertools cannot hide the stack's records, and each function's lines name that function."""

from __future__ import annotations

import io
import json
import logging
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from aws_lambda_powertools import Logger

from ackline_local.lambda_runtime import LambdaTarget
from ackline_local.logs import LocalRootHandler, PowertoolsDuplicates, configure_logging, tag_invocation_records


@pytest.fixture
def tagging():
    undo = tag_invocation_records()
    yield
    undo()


def test_concurrent_functions_log_under_their_own_names(tagging):
    # Given one Powertools logger shared by two functions, as in the local stack's single process
    out = io.StringIO()
    shared = Logger(service="tagging-test", logger_handler=logging.StreamHandler(out))
    both_entered = threading.Barrier(2)

    def make(name):
        @shared.inject_lambda_context
        def handler(event, context):
            both_entered.wait(timeout=10)  # both have appended their context keys before either logs
            shared.info(f"hello from {name}")
            with ThreadPoolExecutor(max_workers=1) as pool:  # a worker thread the handler starts
                pool.submit(shared.info, f"worker of {name}").result()

        return handler

    targets = {name: LambdaTarget(f"local-{name}", make(name)) for name in ("Ingest", "StaffApi")}
    # When both run at once
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda name: targets[name].invoke({}), targets))
    # Then every line carries the function that wrote it
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(lines) == 4
    for line in lines:
        writer = line["message"].rsplit(" ", 1)[1]
        assert line["function_name"] == f"local-{writer}", line
        assert line["function_arn"].endswith(f":function:local-{writer}")


def test_the_root_handler_refuses_powertools_suppress_filter_and_drops_only_powertools_duplicates():
    stream = io.StringIO()
    root = logging.getLogger()
    handler = configure_logging(logging.INFO, stream)
    try:
        assert isinstance(handler, LocalRootHandler)
        # When Powertools builds a logger for the service "ackline" (it adds SuppressFilter("ackline") to root handlers)
        Logger(service="ackline", logger_handler=logging.StreamHandler(io.StringIO()))
        assert all(type(f).__name__ != "SuppressFilter" for f in handler.filters)
        # Then the stack's records still reach the root handler, and Powertools' own (printed by it) do not
        logging.getLogger("ackline_local.gateway").error("handler failed")
        record = logging.LogRecord("ackline", logging.INFO, __file__, 1, "powertools line", None, None)
        assert not PowertoolsDuplicates().filter(record)
        handler.handle(record)
        assert "ackline_local.gateway: handler failed" in stream.getvalue()
        assert "powertools line" not in stream.getvalue()
    finally:
        root.removeHandler(handler)
