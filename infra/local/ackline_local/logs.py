"""The local stack's logging: its own records visible, and each function's lines tagged with that function.

Two things differ from Lambda because every function runs in this one process:

- **Powertools hides the stack's records.** When the Powertools `Logger(service="ackline")` is built it adds a
  `SuppressFilter("ackline")` to every root handler, to stop its own records reaching the root handler a second
  time. That filter drops every record whose logger name *contains* "ackline", so `ackline_local.*` records (the
  gateway's "handler failed" tracebacks, the poller's) vanished. The root handler installed here refuses that
  filter and applies `PowertoolsDuplicates` instead, which drops exactly the Powertools service's own records
  (`ackline` and `ackline.*`, already printed as JSON by Powertools' handler) and nothing else.
- **Lambda context keys are shared.** `logger.inject_lambda_context` appends `function_name`, `function_arn`,
  `function_request_id` and `function_memory_size` to the one formatter all functions share, so concurrent
  invocations overwrite each other's and lines carry the wrong function. `tag_invocation_records()` installs a log
  record factory that stamps each record made while a handler runs (`LambdaTarget.invoke` sets `CURRENT_INVOCATION`)
  with that invocation's values; Powertools merges record attributes last, so they win. Worker threads a handler
  starts get a copy of its context, as the recorder in `aws_call_log` already arranged for AWS calls.
"""

from __future__ import annotations

import contextvars
import logging
import sys
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Protocol

DEFAULT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
NOISY_LOGGERS = ("werkzeug", "botocore", "boto3", "urllib3")


class InvocationContext(Protocol):
    function_name: str
    memory_limit_in_mb: int
    aws_request_id: str

    @property
    def invoked_function_arn(self) -> str: ...


CURRENT_INVOCATION: contextvars.ContextVar[InvocationContext | None] = contextvars.ContextVar(
    "ackline_current_invocation", default=None
)


class PowertoolsDuplicates(logging.Filter):
    """Drops the records Powertools' own handler prints (its service logger and children), keeps everything else."""

    def __init__(self, service: str = "ackline") -> None:
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.name == self.service or record.name.startswith(self.service + "."))


class LocalRootHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """A stderr/stdout handler that Powertools cannot silence (it ignores `SuppressFilter`, see the module doc)."""

    def addFilter(self, filter: Any) -> None:
        if type(filter).__name__ == "SuppressFilter":
            return
        super().addFilter(filter)


def configure_logging(level: int = logging.INFO, stream: Any = None) -> LocalRootHandler:
    """The root logging of `python -m ackline_local`: readable lines, the stack's records never suppressed."""
    root = logging.getLogger()
    for existing in list(root.handlers):
        if isinstance(existing, LocalRootHandler):
            root.removeHandler(existing)
    handler = LocalRootHandler(stream or sys.stdout)
    handler.setFormatter(logging.Formatter(DEFAULT_FORMAT))
    handler.addFilter(PowertoolsDuplicates())
    root.addHandler(handler)
    root.setLevel(level)
    # moto's server logs every request, botocore every credential/endpoint lookup: keep the output readable
    for noisy in NOISY_LOGGERS:
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return handler


def tag_invocation_records() -> Callable[[], None]:
    """Stamp records with the running invocation's Lambda keys; returns the function that undoes it."""
    previous_factory = logging.getLogRecordFactory()
    previous_submit = ThreadPoolExecutor.submit

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous_factory(*args, **kwargs)
        invocation = CURRENT_INVOCATION.get()
        if invocation is not None:
            record.function_name = invocation.function_name
            record.function_arn = invocation.invoked_function_arn
            record.function_request_id = invocation.aws_request_id
            record.function_memory_size = invocation.memory_limit_in_mb
        return record

    def submit(executor: ThreadPoolExecutor, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        # a worker thread starts with an empty context; Lambda runs one invocation per process, so there its
        # threads can only belong to that invocation: give them the submitter's context to say the same here
        return previous_submit(executor, contextvars.copy_context().run, fn, *args, **kwargs)

    logging.setLogRecordFactory(factory)
    setattr(ThreadPoolExecutor, "submit", submit)  # noqa: B010

    def undo() -> None:
        if logging.getLogRecordFactory() is factory:
            logging.setLogRecordFactory(previous_factory)
        if ThreadPoolExecutor.submit is submit:
            setattr(ThreadPoolExecutor, "submit", previous_submit)  # noqa: B010

    return undo
