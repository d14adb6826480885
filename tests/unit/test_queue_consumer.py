"""Queue consumers (`lambda_entry.sqs_handler`): a retry is reported as a retry, an error as an error."""

from __future__ import annotations

import logging

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from ackline.lambda_entry import sqs_handler
from ackline.usecases.respond import RetryLater
from ackline_local.lambda_runtime import LocalLambdaContext
from tests.lambda_events import sqs_event


def _handler(record) -> None:
    if record.body == "later":
        raise RetryLater("rate limited", 30)
    if record.body == "broken":
        raise RuntimeError("a real failure")


HANDLER = sqs_handler(_handler, retry_later=(RetryLater,))


def _context() -> LocalLambdaContext:
    return LocalLambdaContext("ResponderFunction", 256, 20)


def test_a_batch_of_one_rate_limited_record_is_a_retry_not_a_lambda_error(caplog):
    # BatchSize 1 and a rate-limited platform: Powertools alone would raise BatchProcessingError here
    response = HANDLER(sqs_event("later"), _context())
    assert response == {"batchItemFailures": [{"itemIdentifier": "m0"}]}
    # and no ERROR line from any logger (Powertools' Tracer logs an exception leaving a traced method at ERROR)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_retries_and_successes_in_one_batch_report_only_the_retries():
    response = HANDLER(sqs_event("ok", "later", "ok"), _context())
    assert response == {"batchItemFailures": [{"itemIdentifier": "m1"}]}


def test_a_batch_that_failed_for_real_still_fails_the_invocation():
    with pytest.raises(BatchProcessingError):
        HANDLER(sqs_event("broken"), _context())
    with pytest.raises(BatchProcessingError):
        HANDLER(sqs_event("later", "broken"), _context())  # every record failed and one of them is an error


def test_a_partial_real_failure_is_reported_per_item():
    assert HANDLER(sqs_event("broken", "ok"), _context()) == {"batchItemFailures": [{"itemIdentifier": "m0"}]}


def test_without_retry_types_every_failed_batch_raises():
    with pytest.raises(BatchProcessingError):
        sqs_handler(_handler)(sqs_event("later"), _context())
