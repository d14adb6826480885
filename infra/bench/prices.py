"""The one table of prices the cost model uses: AWS list prices, us-east-1, on-demand, no free tier.

Every dollar figure `make bench` prints is these prices times the requests, units, bytes and milliseconds it
counted on the local stack. Change a price here and every figure follows.
"""

from __future__ import annotations

from collections.abc import Mapping

# USD per unit. Sources: the AWS pricing pages for each service (us-east-1, first pricing tier).
PRICES_USD: Mapping[str, float] = {
    # DynamoDB on-demand (Standard table class), since the November 2024 price cut
    "dynamodb_write_request_unit": 0.625 / 1e6,
    "dynamodb_read_request_unit": 0.125 / 1e6,
    # SQS standard queue, per request (each 64 KB chunk of a payload is one request)
    "sqs_request": 0.40 / 1e6,
    # Lambda on Graviton (arm64)
    "lambda_request": 0.20 / 1e6,
    "lambda_arm64_gb_second": 0.0000133334,
    # API Gateway HTTP API, first 300 million requests a month
    "http_api_request": 1.00 / 1e6,
    # CloudWatch Logs, standard log class, ingestion (storage after ingestion is a further $0.03/GB-month)
    "cloudwatch_logs_ingested_gb": 0.50,
    # X-Ray, per trace recorded (retrieval and scans are billed apart)
    "xray_trace_recorded": 5.00 / 1e6,
}

# Lambda writes START, END and REPORT lines of its own for each invocation (REPORT carries durations, memory and,
# with tracing, the trace id): about this many bytes, counted as ingested log bytes.
LAMBDA_PLATFORM_LOG_BYTES_PER_INVOCATION = 330

# What the comparisons in the README use.
AMAZON_CONNECT_PER_MESSAGE_USD = 0.004  # Amazon Connect chat/messaging, per message, each way


def cost_per_interaction(counts: Mapping[str, float]) -> dict[str, float]:
    """Dollars per interaction, per line of PRICES_USD, from counts per interaction keyed like PRICES_USD.

    `lambda_arm64_gb_second` is GB-seconds; `cloudwatch_logs_ingested_gb` is gigabytes.
    """
    unknown = set(counts) - set(PRICES_USD)
    if unknown:
        raise KeyError(f"no price for {sorted(unknown)}")
    return {key: counts.get(key, 0.0) * price for key, price in PRICES_USD.items()}
