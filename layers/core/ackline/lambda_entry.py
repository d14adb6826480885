"""How every function is put together around its use case: HTTP functions get their routers and the one error
mapping, queue consumers get Powertools' partial batch processing, scheduled functions (and an operator's
on-demand run of one) the event as it comes; all get the logger, tracer and metrics.

Each kind imports only its own Powertools utilities when it is built (the event handler for HTTP functions, the
batch utilities for queue consumers): a function's cold start pays for what that function uses.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from aws_lambda_powertools.logging import correlation_paths

from ackline.observability import logger, metrics, traced_handler, traced_method

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
    from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
    from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
    from aws_lambda_powertools.utilities.typing import LambdaContext

LambdaHandler = Callable[[dict[str, Any], "LambdaContext"], dict[str, Any]]
F = TypeVar("F", bound=Callable[..., Any])

# Lambda context keys Powertools adds to every line that CloudWatch already has: the log group is the function's
# (name and ARN), and the memory size is in Lambda's REPORT line. Dropping them takes about 190 bytes off each
# line (logs are billed per byte ingested); the request id, cold start and correlation id stay.
REDUNDANT_LOG_KEYS = ("function_name", "function_arn", "function_memory_size")


def _lean_log_keys(handler: F) -> F:
    @functools.wraps(handler)
    def wrapper(event: Any, context: Any) -> Any:
        logger.remove_keys(list(REDUNDANT_LOG_KEYS))
        return handler(event, context)

    return wrapper  # type: ignore[return-value]


def http_app(*routers: APIGatewayHttpRouter, validation: bool = False) -> APIGatewayHttpResolver:
    from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

    from ackline.http.errors import register_error_handlers

    app = APIGatewayHttpResolver(enable_validation=validation)
    for router in routers:
        app.include_router(router)
    register_error_handlers(app)
    return app


def http_handler(app: APIGatewayHttpResolver) -> LambdaHandler:
    from ackline.http.errors import INTERNAL_ERROR, log_server_error

    @logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
    @_lean_log_keys
    @traced_handler
    @metrics.log_metrics
    def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        try:
            return app.resolve(event, context)
        except Exception as exc:
            # what no error mapping expected: the same 500 API Gateway would give, plus the ERROR line it would not
            log_server_error(exc, 500)
            return dict(INTERNAL_ERROR)

    return lambda_handler


def sqs_handler(
    record_handler: Callable[[SQSRecord], None], *, retry_later: tuple[type[Exception], ...] = ()
) -> Callable[[dict[str, Any], LambdaContext], Any]:
    """A queue consumer: each record on its own, and only the failed ones come back (ReportBatchItemFailures).

    `retry_later` names the exceptions that mean "not now" (a rate-limited platform, a live lease): such a record
    is reported in `batchItemFailures` and the invocation succeeds. Powertools would raise BatchProcessingError
    when every record of a batch failed, which with BatchSize 1 turned each rate-limited retry into a Lambda error
    and an ERROR traceback; a batch that failed for real still raises.
    """
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
    from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

    def outcome(record: SQSRecord) -> Exception | None:
        # A retry is returned, not raised, through the tracer: Powertools' Tracer logs every exception leaving a
        # captured method at ERROR with its traceback, and a retry is not an error.
        try:
            record_handler(record)
        except retry_later as retry:
            return retry
        return None

    traced_outcome = traced_method(outcome)

    def traced(record: SQSRecord) -> None:
        if (retry := traced_outcome(record)) is not None:
            raise retry  # the batch processor reports it in batchItemFailures

    @logger.inject_lambda_context
    @_lean_log_keys
    @traced_handler
    @metrics.log_metrics
    def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
        # one processor per invocation: it holds the batch's successes and failures, and the local stack (like any
        # host running invocations side by side) must not mix two batches' results
        processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
        response = process_partial_response(event=event, record_handler=traced, processor=processor, context=context)
        errors = [info for info in processor.exceptions if not isinstance(info[1], retry_later)]
        if errors and len(processor.exceptions) == len(processor.records):
            raise BatchProcessingError(
                msg=f"All records failed processing. {len(errors)} of them with an error.",
                child_exceptions=processor.exceptions,
            )
        if retries := len(processor.exceptions) - len(errors):
            metrics.add_metric(name="RetriesScheduled", unit="Count", value=retries)
        return response

    return lambda_handler


def scheduled_handler(handler: F) -> F:
    """A function EventBridge Scheduler (or an operator's `aws lambda invoke`) runs: the logger with the lean keys,
    the tracer and the metrics around it, like the HTTP functions and the queue consumers."""
    return logger.inject_lambda_context(_lean_log_keys(traced_handler(metrics.log_metrics(handler))))  # type: ignore[return-value]
