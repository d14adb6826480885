"""The Powertools logger, tracer and metrics, shared; neutral so any layer may import it.

The tracer is built on the first *sampled* invocation, never at import: building Powertools' Tracer imports the
X-Ray SDK and patches boto3 and requests (about 120 ms of a cold start), and an invocation X-Ray did not sample
would record nothing with it. Lambda hands each invocation its trace header in `_X_AMZN_TRACE_ID`
(`Root=…;Parent=…;Sampled=1`); the template's sampling rule decides how many carry `Sampled=1`.
"""

from __future__ import annotations

import functools
import os
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit, single_metric

if TYPE_CHECKING:
    from aws_lambda_powertools import Tracer

logger = Logger()
metrics = Metrics()

# Handshakes, refused requests and staff reads have no metric of their own; an empty flush is expected there.
warnings.filterwarnings("ignore", message="No application metrics to publish")


def record_platform_error(platform: str, code: str) -> None:
    """PlatformErrors by platform and error code: its own EMF record, so the code is a dimension of this metric
    alone (the shared `metrics` object's dimensions apply to everything it flushes)."""
    with single_metric(name="PlatformErrors", unit=MetricUnit.Count, value=1) as metric:
        metric.add_dimension(name="platform", value=platform)
        metric.add_dimension(name="code", value=(code or "none")[:64])


F = TypeVar("F", bound=Callable[..., Any])


@functools.lru_cache(maxsize=1)
def get_tracer() -> Tracer:
    from aws_lambda_powertools import Tracer

    return Tracer()


def sampled_invocation() -> bool:
    """Whether X-Ray sampled the invocation now running (Lambda sets the header before each invocation)."""
    return "Sampled=1" in os.environ.get("_X_AMZN_TRACE_ID", "")


def traced_handler(handler: F) -> F:
    """`tracer.capture_lambda_handler`, applied only to sampled invocations (see the module docstring)."""

    @functools.lru_cache(maxsize=1)
    def captured() -> Callable[..., Any]:
        return get_tracer().capture_lambda_handler(handler)

    @functools.wraps(handler)
    def wrapper(event: Any, context: Any) -> Any:
        return (captured() if sampled_invocation() else handler)(event, context)

    return wrapper  # type: ignore[return-value]


def traced_method(method: F) -> F:
    """`tracer.capture_method` for sampled invocations; the plain function otherwise."""

    @functools.lru_cache(maxsize=1)
    def captured() -> Callable[..., Any]:
        return get_tracer().capture_method(method)

    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return (captured() if sampled_invocation() else method)(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
