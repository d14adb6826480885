"""The Powertools logger, tracer and metrics, built once and shared; neutral so any layer may import it."""

import warnings

from aws_lambda_powertools import Logger, Metrics, Tracer

logger = Logger()
tracer = Tracer()
metrics = Metrics()

# Handshakes, refused requests and staff reads have no metric of their own; an empty flush is expected there.
warnings.filterwarnings("ignore", message="No application metrics to publish")
