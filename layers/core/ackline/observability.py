"""The Powertools logger, tracer and metrics, built once and shared; neutral so any layer may import it."""

from aws_lambda_powertools import Logger, Metrics, Tracer

logger = Logger()
tracer = Tracer()
metrics = Metrics()
