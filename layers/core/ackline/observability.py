"""The Powertools logger, tracer and metrics, built once and shared; neutral so any layer may import it."""

import warnings

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit, single_metric

logger = Logger()
tracer = Tracer()
metrics = Metrics()

# Handshakes, refused requests and staff reads have no metric of their own; an empty flush is expected there.
warnings.filterwarnings("ignore", message="No application metrics to publish")


def record_platform_error(platform: str, code: str) -> None:
    """PlatformErrors by platform and error code: its own EMF record, so the code is a dimension of this metric
    alone (the shared `metrics` object's dimensions apply to everything it flushes)."""
    with single_metric(name="PlatformErrors", unit=MetricUnit.Count, value=1) as metric:
        metric.add_dimension(name="platform", value=platform)
        metric.add_dimension(name="code", value=(code or "none")[:64])
